"""Bad input never becomes a server error (issue 16, finding 8; the API half of finding 5).

Each class of bad input is sent through the real URL as every role (visitor, member, branch
officer, association staff): NUL characters, huge integers and years out of range, unknown
list-filter values, far dates, a duplicate 身份证号, a NUL inside an imported CSV cell. The
answer is a Chinese 400 (or an empty result / the admin's "invalid filter" redirect), never
a 500, and a refused request changes nothing. NUL handling differs between engines: run this
file on PostgreSQL too (DATABASE_URL).
"""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from core.idcard import make_id_number
from core.models import AccessLog
from members.models import Member, MemberImport
from tests import factories as f
from wellbeing.models import Inquiry

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "member", "officer", "staff"]
NUL_MESSAGE = "请求包含无效字符。"
HUGE = "99999999999999999999"


@pytest.fixture
def people(xihu, binjiang, staff_user, xihu_officer, xihu_member, binjiang_member):
    return {
        "visitor": None,
        "member": f.member_user(xihu_member),
        "officer": xihu_officer,
        "staff": staff_user,
    }


def client_as(people, role, *, api=False):
    client = APIClient() if api else Client()
    user = people[role]
    if user is not None:
        client.force_login(user)
    return client


def assert_not_server_error(response):
    assert response.status_code < 500, response.content[:500]
    if response.status_code == 400:
        # Every refusal a person reads is in Chinese.
        assert any("\u4e00" <= ch <= "\u9fff" for ch in response.content.decode()), response.content[:300]


# --------------------------------------------------------------------------------------
# NUL characters: one middleware, before any view, answers 400 on every door.

NUL_GETS = [
    "/verify/HZ%00LM/",
    "/verify/HZLM/?code=%00",
    "/news/search/?q=%00",
    "/news/?category=%00",
    "/files/branch%00/x.pdf",
    "/me/login/?next=%00",
    "/admin/autocomplete/?term=%00&app_label=members&model_name=honor&field_name=member",
    "/admin/members/member/?q=%00",
    "/admin/members/member/?status=%00",
    "/admin/members/member/?%00=1",
    "/admin/members/honor/?q=a%00b",
    "/admin/wellbeing/inquiry/?q=%00",
    "/api/members/?search=%00",
    "/api/members/?name=%00",
    "/api/service-events/?search=%00",
    "/api/workshops/?search=%00",
    "/api/certificates/?search=%00",
    "/api/members/%00/",
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", NUL_GETS)
def test_nul_in_path_or_query_is_refused_with_400(people, role, url):
    response = client_as(people, role).get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json() == {"detail": NUL_MESSAGE}
    else:
        assert NUL_MESSAGE in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_nul_in_a_login_form_is_refused(people, role):
    response = client_as(people, role).post("/me/login/", {"login": "a\x00b", "password": "x"})
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()


@pytest.mark.parametrize("role", ["officer", "staff"])
def test_nul_in_an_admin_change_form_changes_nothing(people, role, xihu_member):
    client = client_as(people, role)
    url = f"/admin/members/member/{xihu_member.pk}/change/"
    response = client.post(url, {"name": "改\x00名", "id_number": xihu_member.id_number})
    assert response.status_code == 400
    xihu_member.refresh_from_db()
    assert xihu_member.name == "西湖甲"


@pytest.mark.parametrize("role", ["officer", "staff"])
@pytest.mark.parametrize("body", [{"name": "新\u0000人"}, {"notes": ["\u0000"]}, {"a\u0000": 1}])
def test_nul_in_a_json_body_is_refused_and_creates_nothing(people, role, xihu, body):
    payload = {
        "name": "新人",
        "id_number": make_id_number("330106", datetime.date(1970, 1, 1), 901),
        "branch": xihu.pk,
        **body,
    }
    before = Member.objects.count()
    response = client_as(people, role, api=True).post(
        "/api/members/", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": NUL_MESSAGE}
    assert Member.objects.count() == before


def test_an_escaped_backslash_before_u0000_is_not_a_nul(people, xihu):
    # JSON "\\u0000" is the six characters \u0000, not a NUL: the API decides on it itself.
    payload = {
        "name": "反斜杠\\u0000",
        "id_number": make_id_number("330106", datetime.date(1970, 1, 1), 902),
        "branch": xihu.pk,
    }
    response = client_as(people, "staff", api=True).post(
        "/api/members/", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 201, response.content


# --------------------------------------------------------------------------------------
# Huge integers and years out of range in report and API filters.

NUMBER_URLS = [
    # admin reports with a ?year=
    "/admin/volunteering/serviceevent/statistics/?year={v}",
    "/admin/wellbeing/inquiry/statistics/?year={v}",
    "/admin/wellbeing/condolencevisit/report/?year={v}",
    "/admin/wellbeing/convalescencetrip/report/?year={v}",
    "/admin/wellbeing/greeting/cake-list/?date={v}",
    "/admin/wellbeing/greeting/cake-list/?branch={v}",
    "/admin/workshops/workshop/coverage/?year={v}",
    "/admin/members/member/statistics/?year_from={v}&branch={v}",
    # API filters: plain numbers, years, foreign keys, ids
    "/api/members/?branch={v}",
    "/api/members/?honor_year={v}",
    "/api/members/?born_after={v}",
    "/api/honors/?member={v}",
    "/api/honors/?year={v}",
    "/api/honors/?level={v}",
    "/api/certificates/?member={v}&year={v}",
    "/api/cards/?member={v}",
    "/api/workshops/?branch={v}&leader={v}",
    "/api/service-events/?team={v}&branch={v}&member={v}&date_from={v}",
    "/api/trips/?year={v}",
    "/api/trip-quotas/?year={v}&trip={v}",
    "/api/nominations/?year={v}&trip={v}",
    "/api/condolence-visits/?year={v}",
    "/api/inquiries/?overdue={v}",
    "/api/newsletter-issues/?year={v}&branch={v}",
    "/api/branches/?active={v}",
    "/api/members/{v}/",
    "/api/members/?page_size={v}",
]
BAD_NUMBERS = [HUGE, "-" + HUGE, "1e400", "99999", "0", "-1", "abc", "1.5", "９"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize("template", NUMBER_URLS)
def test_out_of_range_numbers_never_give_a_server_error(people, role, template, value):
    api = template.startswith("/api/")
    response = client_as(people, role, api=api).get(template.format(v=value))
    assert_not_server_error(response)


@pytest.mark.parametrize("value", [HUGE, "99999", "0"])
def test_api_year_filter_out_of_range_answers_400_in_chinese(people, value):
    response = client_as(people, "staff", api=True).get(f"/api/condolence-visits/?year={value}")
    assert response.status_code == 400
    assert "年份" in json.dumps(response.json(), ensure_ascii=False)


# --------------------------------------------------------------------------------------
# Unknown list-filter values in the admin: Django's "invalid filter" path, not a 500.

ADMIN_FILTERS = [
    "/admin/members/member/?status=bogus",
    "/admin/members/member/?branch__id__exact=abc",
    f"/admin/members/member/?branch__id__exact={HUGE}",
    "/admin/members/member/?honor_level=abc",
    f"/admin/members/member/?honor_level={HUGE}",
    f"/admin/members/member/?honor_year={HUGE}",
    "/admin/members/member/?age_band=bogus",
    "/admin/members/honor/?level=abc",
    f"/admin/members/honor/?year={HUGE}",
    "/admin/members/honor/?member__id__exact=abc",
    "/admin/wellbeing/inquiry/?deadline_state=bogus&status=bogus",
    "/admin/wellbeing/nomination/?trip__id__exact=abc",
    "/admin/volunteering/serviceevent/?date__gte=9999999-01-01",
    f"/admin/volunteering/serviceevent/?team__id__exact={HUGE}",
    f"/admin/workshops/workshop/?branch__id__exact={HUGE}",
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ADMIN_FILTERS)
def test_unknown_admin_list_filter_values_never_give_a_server_error(people, role, url):
    response = client_as(people, role).get(url)
    assert_not_server_error(response)
    if role in ("officer", "staff") and response.status_code == 302:
        assert response["Location"].endswith("?e=1") or "/login/" in response["Location"]


# --------------------------------------------------------------------------------------
# 身份证号 through the API: no 500 for a duplicate, no oracle on PATCH.


def new_member_payload(id_number, **extra):
    return {"name": "新登记", "id_number": id_number, **extra}


@pytest.mark.parametrize("role", ["officer", "staff"])
@pytest.mark.parametrize("owner", ["own", "other"])
def test_duplicate_id_number_is_a_400_with_one_message(
    people, role, owner, xihu, xihu_member, binjiang_member
):
    existing = xihu_member if owner == "own" else binjiang_member
    before = Member.objects.count()
    response = client_as(people, role, api=True).post(
        "/api/members/", new_member_payload(existing.id_number, branch=xihu.pk), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "id_number": ["该身份证号不能在此登记：名册中已有此人。如需调入，请联系协会办理转移。"]
    }
    assert Member.objects.count() == before


def test_an_officers_duplicate_id_attempt_is_logged_without_the_number(people, binjiang_member):
    client_as(people, "officer", api=True).post(
        "/api/members/", new_member_payload(binjiang_member.id_number), format="json"
    )
    entry = AccessLog.objects.get(username="officer_xihu")
    assert entry.action == AccessLog.Action.VIEW_ID
    assert binjiang_member.id_number not in json.dumps(entry.detail) + entry.target
    assert entry.detail["member_ids"] == [binjiang_member.pk]


@pytest.mark.parametrize("role", ["officer", "staff"])
def test_patch_of_id_number_answers_the_same_for_a_right_and_a_wrong_guess(people, role, xihu_member):
    client = client_as(people, role, api=True)
    url = f"/api/members/{xihu_member.pk}/"
    wrong = make_id_number("330106", datetime.date(1960, 5, 5), 123)
    right = client.patch(url, {"id_number": xihu_member.id_number}, format="json")
    guessed = client.patch(url, {"id_number": wrong}, format="json")
    assert right.status_code == guessed.status_code == 400
    assert right.json() == guessed.json() == {"id_number": ["身份证号创建后不可通过接口修改。"]}
    xihu_member.refresh_from_db()
    assert xihu_member.id_number != wrong


@pytest.mark.parametrize("role", ["officer", "staff"])
def test_patch_without_id_number_still_works(people, role, xihu_member):
    response = client_as(people, role, api=True).patch(
        f"/api/members/{xihu_member.pk}/", {"employer": "西湖新厂"}, format="json"
    )
    assert response.status_code == 200, response.content
    xihu_member.refresh_from_db()
    assert xihu_member.employer == "西湖新厂"


@pytest.mark.parametrize("role", ["officer", "staff"])
@pytest.mark.parametrize("mobile", ["not a phone", "1" * 30, "<script>"])
def test_api_refuses_a_mobile_that_is_not_a_phone(people, role, xihu_member, mobile):
    response = client_as(people, role, api=True).patch(
        f"/api/members/{xihu_member.pk}/", {"mobile": mobile}, format="json"
    )
    assert response.status_code == 400
    assert "mobile" in response.json()
    xihu_member.refresh_from_db()
    assert xihu_member.mobile != mobile


# --------------------------------------------------------------------------------------
# Far dates: refused with a Chinese message by the model's validator (admin and API).


@pytest.mark.parametrize("role", ["officer", "staff"])
@pytest.mark.parametrize("received_at", ["9999-06-01T09:00:00+08:00", "1000-01-01T09:00:00+08:00"])
def test_an_inquiry_with_a_far_date_is_refused(people, role, received_at):
    before = Inquiry.objects.count()
    response = client_as(people, role, api=True).post(
        "/api/inquiries/",
        {
            "channel": "letter",
            "received_at": received_at,
            "person_name": "来访人",
            "subject": "事由",
            "category": Inquiry.Category.choices[0][0],
            "content": "内容",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "日期超出合理范围" in json.dumps(response.json(), ensure_ascii=False)
    assert Inquiry.objects.count() == before


def test_an_inquiry_late_in_the_range_gets_its_deadline(people):
    response = client_as(people, "staff", api=True).post(
        "/api/inquiries/",
        {
            "channel": "letter",
            "received_at": "2100-12-30T09:00:00+08:00",
            "person_name": "来访人",
            "subject": "事由",
            "category": Inquiry.Category.choices[0][0],
            "content": "内容",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["deadline"] > "2100-12-30"


@pytest.mark.parametrize("role", ["officer", "staff"])
def test_a_service_event_in_year_9999_is_refused(people, role, xihu):
    from volunteering.models import ServiceEvent

    team = f.ServiceTeamFactory(branch=xihu)
    response = client_as(people, role, api=True).post(
        "/api/service-events/",
        {
            "team": team.pk,
            "title": "活动",
            "category": ServiceEvent.Category.choices[0][0],
            "date": "9999-01-01",
            "duration_hours": "2",
            "place": "社区",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "日期超出合理范围" in json.dumps(response.json(), ensure_ascii=False)
    assert not ServiceEvent.objects.exists()


@pytest.mark.parametrize("role", ["officer", "staff"])
def test_admin_refuses_a_far_date_with_a_chinese_message(people, role, xihu_member):
    client = client_as(people, role)
    response = client.post(
        "/admin/wellbeing/inquiry/add/",
        {
            "channel": "letter",
            "received_at_0": "9999-06-01",
            "received_at_1": "09:00:00",
            "person_name": "来访人",
            "subject": "事由",
            "category": Inquiry.Category.choices[0][0],
            "content": "内容",
            "member": xihu_member.pk,
            "logs-TOTAL_FORMS": "0",
            "logs-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "日期超出合理范围" in response.content.decode()
    assert not Inquiry.objects.exists()


# --------------------------------------------------------------------------------------
# A NUL inside an imported CSV cell: a row-numbered refusal, the upload deleted.


@pytest.mark.parametrize("role", ["officer", "staff"])
def test_import_with_a_nul_in_a_cell_is_invalid_and_the_upload_is_deleted(people, role):
    number = make_id_number("330106", datetime.date(1971, 2, 3), 905)
    text = f"姓名,身份证号,所属分会\n张\x00三,{number},西湖区\n"
    upload = SimpleUploadedFile("members.csv", text.encode("utf-8"), content_type="text/csv")
    before = Member.objects.count()
    response = client_as(people, role).post("/admin/members/member/import/", {"file": upload})
    assert response.status_code in (200, 302)
    job = MemberImport.objects.get()
    assert job.status == MemberImport.Status.INVALID
    assert "第2行" in job.report["fatal"]
    assert not job.file
    assert Member.objects.count() == before


def test_reader_names_the_row_of_a_nul_cell():
    from members.importing.readers import ImportFileError, iter_csv

    with pytest.raises(ImportFileError) as caught:
        list(iter_csv(b"a,b\nc,d\ne,\x00f\n"))
    assert "第3行" in caught.value.message


def test_parsers_bound_every_number():
    from core.parsing import parse_date, parse_int, parse_year

    assert parse_year("2024") == 2024
    assert parse_year(HUGE) is None and parse_year("99999", default=7) == 7 and parse_year("１９９０") is None
    assert parse_int("9" * 10_000) is None and parse_int("12", max_value=10) is None and parse_int(" 5 ") == 5
    assert parse_date("2024-02-29") == datetime.date(2024, 2, 29)
    assert parse_date("9999-01-01") is None and parse_date("x" * 100) is None


def test_every_api_filterset_is_bounded():
    """A new API list cannot forget the ranges: its FilterSet must derive from BoundedFilterSet."""
    from core.api.filtering import BoundedFilterSet
    from laomo_portal.api import router

    for prefix, viewset, _ in router.registry:
        assert not getattr(viewset, "filterset_fields", None), f"{prefix}: declare a BoundedFilterSet"
        filterset = getattr(viewset, "filterset_class", None)
        if filterset is not None:
            assert issubclass(filterset, BoundedFilterSet), prefix


@pytest.mark.parametrize("position", ["abc", "\x00", "9" * 30, "1e400"])
@pytest.mark.parametrize("ordering", ["", "&ordering=birth_date", "&ordering=name"])
def test_a_forged_cursor_is_an_invalid_cursor_not_a_500(people, position, ordering):
    import base64
    from urllib.parse import urlencode

    cursor = base64.b64encode(urlencode({"p": position}).encode()).decode()
    response = client_as(people, "staff", api=True).get(f"/api/members/?cursor={cursor}{ordering}")
    assert response.status_code in (200, 404), response.content[:300]
