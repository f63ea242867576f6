"""Participant and rooming lists as .xlsx and PDF; personal data masked where it should be."""

import io
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AccessLog
from tests import factories as f
from wellbeing.models import Nomination, TripQuota
from wellbeing.services import trip_documents as docs
from wellbeing.services.trips import rooms_assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def participants(trip, xihu, binjiang, healthy):
    people = [
        healthy(xihu, name="王建国"),
        healthy(xihu, name="李秀英"),
        healthy(binjiang, name="赵卫东"),
    ]
    nominations = [f.NominationFactory(trip=trip, member=m) for m in people]
    f.SafetyCheckFactory(nomination=nominations[0], special_needs='=HYPERLINK("http://x")')
    f.NominationFactory(trip=trip, member=healthy(xihu, name="候补甲"), status="waitlisted")
    return nominations


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def sheet(content):
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_association_participant_xlsx_has_full_ids_as_text_and_only_confirmed_people(trip, participants):
    rows = sheet(docs.participants_xlsx(trip=trip, nominations=trip.nominations.all(), full=True))
    assert rows[0][:5] == ("序号", "姓名", "性别", "年龄", "身份证号")
    names = [r[1] for r in rows[1:]]
    assert sorted(names) == sorted(["王建国", "李秀英", "赵卫东"])
    wang = next(r for r in rows if r[1] == "王建国")
    assert wang[4] == participants[0].member.id_number
    assert wang[13] == '\'=HYPERLINK("http://x")'  # formula neutralised
    assert wang[14] == "完成"
    assert next(r for r in rows if r[1] == "李秀英")[14].startswith("缺：")


def test_masked_participant_xlsx_hides_id_and_phone(trip, participants):
    rows = sheet(docs.participants_xlsx(trip=trip, nominations=trip.nominations.all(), full=False))
    member = participants[0].member
    wang = next(r for r in rows if r[1] == "王建国")
    assert wang[4] == member.masked_id_number and member.id_number not in str(rows)
    assert member.mobile not in str(rows)


def test_participant_pdf_names_participants_and_masks_ids(trip, participants, tmp_path):
    text = pdf_text(docs.participants_pdf(trip=trip, nominations=trip.nominations.all()), tmp_path)
    assert "王建国" in text and "赵卫东" in text and "候补甲" not in text
    assert "学员名单" in text
    for n in participants:
        assert n.member.id_number not in text and n.member.mobile not in text


def test_rooms_are_assigned_two_to_a_room_by_gender(trip, participants, staff_user):
    assert rooms_assign(trip=trip, actor=staff_user) == 3
    rooms = {}
    for n in Nomination.objects.filter(trip=trip, status="approved").select_related("member"):
        rooms.setdefault(n.room_number, []).append(n.member.gender)
    assert all(len(set(genders)) == 1 and len(genders) <= 2 for genders in rooms.values())
    assert "" not in rooms


def test_rooming_list_xlsx_and_pdf(trip, participants, staff_user, tmp_path):
    rooms_assign(trip=trip, actor=staff_user)
    rows = sheet(docs.rooming_xlsx(trip=trip, nominations=trip.nominations.all()))
    assert rows[0] == ("房间号", "姓名", "性别", "推荐分会", "特殊需求")
    assert {r[1] for r in rows[1:]} == {"王建国", "李秀英", "赵卫东"}
    text = pdf_text(docs.rooming_pdf(trip=trip, nominations=trip.nominations.all()), tmp_path)
    assert "住宿安排表" in text and "李秀英" in text


def test_staff_download_is_logged(client, staff_user, trip, participants):
    client.force_login(staff_user)
    response = client.get(
        reverse("admin:wellbeing_convalescencetrip_roster", args=[trip.pk, "participants", "xlsx"])
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    entry = AccessLog.objects.get()
    assert entry.row_count == 3 and trip.name in entry.target


def test_officer_downloads_only_own_branch_roster_masked(client, xihu_officer, trip, participants):
    client.force_login(xihu_officer)
    quota = TripQuota.objects.get(trip=trip, branch__name="西湖区")
    response = client.get(
        reverse("admin:wellbeing_tripquota_roster", args=[quota.pk, "participants", "xlsx"])
    )
    rows = sheet(response.content)
    assert {r[1] for r in rows[1:]} == {"王建国", "李秀英"}
    assert participants[0].member.id_number not in str(rows)
    other = TripQuota.objects.get(trip=trip, branch__name="滨江区")
    response = client.get(reverse("admin:wellbeing_tripquota_roster", args=[other.pk, "participants", "pdf"]))
    assert response.status_code == 404


def test_officer_cannot_download_the_whole_trip_roster(client, xihu_officer, trip, participants):
    client.force_login(xihu_officer)
    url = reverse("admin:wellbeing_convalescencetrip_roster", args=[trip.pk, "participants", "xlsx"])
    assert client.get(url).status_code == 404


def test_member_page_section_shows_own_trip_and_missing_safety_items(trip, participants):
    from django.template.loader import render_to_string

    from core.sections import member_sections

    member = participants[1].member
    [section] = [s for s in member_sections(member) if s["key"] == "wellbeing_trips"]
    html = render_to_string(section["template"], section["context"])
    assert trip.name in html and "已确认" in html and "出发前安全核查" in html
    other = participants[2].member
    [section] = [s for s in member_sections(other) if s["key"] == "wellbeing_trips"]
    assert [i["trip"] for i in section["context"]["trip_items"]] == [trip]
