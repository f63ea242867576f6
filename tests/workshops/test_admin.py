"""The admin: applications go through the service, status changes only through transition buttons."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests import factories as f
from workshops.models import Assessment, Subsidy, Workshop, WorkshopActivity, WorkshopTransition

pytestmark = pytest.mark.django_db


def url(view, *args):
    return reverse(f"admin:workshops_workshop_{view}", args=args)


def add_data(leader, **extra):
    return {
        "name": "新建之家", "kind": "street", "host_unit": "文新街道", "address": "文三路", "leader": leader.pk,
        "members": [leader.pk], "photos-TOTAL_FORMS": 0, "photos-INITIAL_FORMS": 0,
        "transitions-TOTAL_FORMS": 0, "transitions-INITIAL_FORMS": 0, **extra,
    }  # fmt: skip


def test_officer_add_is_an_application_in_own_branch(client, xihu_officer, xihu_member, binjiang):
    client.force_login(xihu_officer)
    response = client.post(url("add"), add_data(xihu_member, branch=binjiang.pk, status="named"))
    assert response.status_code == 302
    house = Workshop.objects.get(name="新建之家")
    assert (house.branch.code, house.status) == ("xihu", "applied")
    row = house.transitions.get()
    assert (row.action, row.actor) == ("申报", xihu_officer)


def test_posting_a_status_in_the_change_form_changes_nothing(client, staff_user, xihu):
    house = f.WorkshopFactory(branch=xihu, status="applied")
    client.force_login(staff_user)
    data = add_data(house.leader, name=house.name, branch=xihu.pk, status="named", named_on="2021-01-01")
    assert client.post(url("change", house.pk), data).status_code == 302
    house.refresh_from_db()
    assert (house.status, house.named_on) == ("applied", None)


def test_change_page_offers_the_transitions_of_the_role(client, staff_user, xihu_officer, xihu):
    house = f.WorkshopFactory(branch=xihu, status="applied")
    client.force_login(staff_user)
    offered = [t["label"] for t in client.get(url("change", house.pk)).context["transitions"]]
    assert offered == ["初审通过", "初审不通过"]
    client.force_login(xihu_officer)
    assert client.get(url("change", house.pk)).context["transitions"] == []


def test_transition_button_runs_the_service(client, staff_user, xihu):
    house = f.WorkshopFactory(branch=xihu, status="applied")
    client.force_login(staff_user)
    assert client.get(url("transition", house.pk, "rejected")).status_code == 200
    response = client.post(url("transition", house.pk, "rejected"), {"comment": "材料不全"})
    assert response.status_code == 302
    house.refresh_from_db()
    assert house.status == "rejected"
    assert WorkshopTransition.objects.get(workshop=house).comment == "材料不全"


def test_refused_transition_shows_the_reason_and_changes_nothing(client, staff_user, xihu):
    house = f.WorkshopFactory(branch=xihu, status="reviewed")
    client.force_login(staff_user)
    response = client.post(url("transition", house.pk, "accepted"), {"comment": ""}, follow=True)
    assert "合格的验收评估" in response.content.decode()
    house.refresh_from_db()
    assert house.status == "reviewed"


def test_transition_outside_the_map_is_refused_with_the_reason(client, staff_user, xihu):
    house = f.WorkshopFactory(branch=xihu, status="applied")
    client.force_login(staff_user)
    response = client.get(url("transition", house.pk, "named"), follow=True)
    assert "尚未通过验收，不能命名" in response.content.decode()
    house.refresh_from_db()
    assert house.status == "applied"


def test_officer_pressing_an_approval_gets_the_reason(client, xihu_officer, xihu):
    house = f.WorkshopFactory(branch=xihu, status="applied")
    client.force_login(xihu_officer)
    response = client.post(url("transition", house.pk, "reviewed"), {"comment": "同意"}, follow=True)
    assert "分会工作人员不能审批本分会的申报" in response.content.decode()
    house.refresh_from_db()
    assert house.status == "applied"


def test_naming_through_the_button_stores_the_document(client, staff_user, xihu, assess):
    house = f.WorkshopFactory(branch=xihu, status="reviewed")
    assess(house)
    Workshop.objects.filter(pk=house.pk).update(status="accepted")
    client.force_login(staff_user)
    client.post(
        url("transition", house.pk, "named"),
        {"naming_document_number": "杭劳模协〔2021〕3号", "named_on": "2021-06-01"},
    )
    house.refresh_from_db()
    assert (house.status, house.naming_document_number) == ("named", "杭劳模协〔2021〕3号")


def test_named_house_cannot_be_deleted(client, staff_user, xihu):
    house = f.WorkshopFactory(branch=xihu, status="named")
    client.force_login(staff_user)
    client.post(url("delete", house.pk), {"post": "yes"})
    assert Workshop.objects.filter(pk=house.pk).exists()


def test_officer_cannot_rename_a_house_past_first_review(client, xihu_officer, xihu):
    house = f.WorkshopFactory(branch=xihu, status="named", name="原名")
    client.force_login(xihu_officer)
    client.post(url("change", house.pk), add_data(house.leader, name="新名"))
    house.refresh_from_db()
    assert house.name == "原名"


def test_seed_demo_workshops_is_idempotent(db):
    call_command("seed_demo", members=120, verbosity=0)
    call_command("seed_demo_workshops", verbosity=0)
    counts = [
        Workshop.objects.count(),
        Assessment.objects.count(),
        Subsidy.objects.count(),
        WorkshopActivity.objects.count(),
    ]
    call_command("seed_demo_workshops", verbosity=0)
    assert [
        Workshop.objects.count(),
        Assessment.objects.count(),
        Subsidy.objects.count(),
        WorkshopActivity.objects.count(),
    ] == counts
    assert counts[0] >= 35
    assert Workshop.objects.filter(status="named").exists()
    assert Workshop.objects.filter(branch__code="chunan", status__in=["named", "rectifying"]).count() == 0


def test_seed_demo_workshops_needs_the_registry(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_demo_workshops", verbosity=0)


def test_annual_review_through_the_button(client, staff_user, xihu, assess):
    house = f.WorkshopFactory(branch=xihu, status="named")
    assess(house, purpose="annual_review", review_year=2022, on=datetime.date(2022, 12, 1))
    client.force_login(staff_user)
    client.post(url("transition", house.pk, "named"), {"review_year": 2022, "comment": "合格"})
    house.refresh_from_db()
    assert house.last_reviewed_year == 2022


def _png_bytes():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_photo_upload_is_checked_by_content(client, staff_user, xihu, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    house = f.WorkshopFactory(branch=xihu, status="applied")
    client.force_login(staff_user)
    data = add_data(house.leader, name=house.name, branch=xihu.pk)
    fake = SimpleUploadedFile("plaque.jpg", b"this is not an image", content_type="image/jpeg")
    response = client.post(url("change", house.pk), {**data, "photos-TOTAL_FORMS": 1, "photos-0-image": fake})
    assert response.status_code == 200
    assert not house.photos.exists()
    real = SimpleUploadedFile("plaque.png", _png_bytes(), content_type="image/png")
    response = client.post(url("change", house.pk), {**data, "photos-TOTAL_FORMS": 1, "photos-0-image": real})
    assert response.status_code == 302
    photo = house.photos.get()
    assert photo.image.name.startswith("workshops/photos/") and "plaque" not in photo.image.name


def test_members_involved_are_kept_in_the_history(client, staff_user, xihu):
    house = f.WorkshopFactory(branch=xihu)
    joiner = f.MemberFactory(branch=xihu)
    client.force_login(staff_user)
    data = add_data(house.leader, name=house.name, branch=xihu.pk, members=[house.leader.pk, joiner.pk])
    assert client.post(url("change", house.pk), data).status_code == 302
    latest = house.history.first()
    assert {m.member_id for m in latest.members.all()} == {house.leader.pk, joiner.pk}
    assert latest.history_user == staff_user
