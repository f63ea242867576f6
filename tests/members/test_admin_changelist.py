"""The member changelist: columns, filters, and a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.idcard import make_id_number
from members.admin.registry import MemberAdmin
from members.models import Member
from tests import factories as f

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:members_member_changelist")


def fill(branch, count):
    for i in range(count):
        member = f.MemberFactory(branch=branch)
        f.HonorFactory(member=member, year=2000 + i % 20)
        if i % 3 == 0:
            f.HonorFactory(member=member, kind="craftsman", level=2, title="浙江工匠", year=2021)


@pytest.mark.parametrize("role", ["association", "officer"])
def test_changelist_query_count_is_constant(client, xihu, binjiang, monkeypatch, role):
    fill(xihu, 105)
    fill(binjiang, 5)
    client.force_login(f.association_staff() if role == "association" else f.officer(xihu))
    counts = {}
    for size in (20, 100):
        monkeypatch.setattr(MemberAdmin, "list_per_page", size)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(CHANGELIST)
        assert response.status_code == 200
        assert len(response.context["cl"].result_list) == size
        counts[size] = len(ctx.captured_queries)
    print(f"changelist queries ({role}): {counts}")
    assert counts[20] == counts[100] <= 14


def test_columns_show_category_branch_highest_honour_and_age(client, staff_user, xihu):
    member = Member.objects.create(
        name="周匠",
        id_number=make_id_number("330106", datetime.date(1970, 1, 2), 7),
        branch=xihu,
        mobile="13600001111",
    )
    f.HonorFactory(member=member, kind="craftsman", level=2, title="浙江工匠", year=2019)
    client.force_login(staff_user)
    body = client.get(CHANGELIST).content.decode()
    for text in ("周匠", "工匠", "西湖区", "浙江工匠（2019）", str(member.age), "13600001111"):
        assert text in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"honor_kind": "craftsman"}, {"匠人"}),
        ({"honor_level": "1"}, {"全国模范"}),
        ({"honor_year": "2010"}, {"全国模范"}),
        ({"category": "both"}, set()),
        ({"gender": "F"}, {"全国模范"}),
        ({"age_band": "70s"}, {"全国模范"}),
        ({"age_band": "40s"}, {"匠人"}),
        ({"status": "deceased"}, set()),
    ],
)
def test_filters(client, staff_user, xihu, params, expected):
    today = datetime.date.today()
    old = Member.objects.create(
        name="全国模范",
        id_number=make_id_number(
            "330106", today.replace(year=today.year - 75) - datetime.timedelta(days=3), 2
        ),
        branch=xihu,
    )
    f.HonorFactory(member=old, level=1, title="全国劳动模范", year=2010)
    young = Member.objects.create(
        name="匠人", id_number=make_id_number("330108", today.replace(year=today.year - 45), 3), branch=xihu
    )
    f.HonorFactory(member=young, kind="craftsman", level=3, title="杭州工匠", year=2022)
    client.force_login(staff_user)
    result = client.get(CHANGELIST, params).context["cl"].result_list
    assert {m.name for m in result} == expected


def test_changelist_count_is_capped_and_says_so(client, staff_user, xihu, monkeypatch):
    from core.admin.base import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "cap", 5)
    fill(xihu, 8)
    client.force_login(staff_user)
    response = client.get(CHANGELIST)
    assert response.context["cl"].result_count == 5
    assert "超过 5 条" in response.content.decode()
    monkeypatch.setattr(CappedCountPaginator, "cap", 100)
    response = client.get(CHANGELIST)
    assert response.context["cl"].result_count == 8
    assert "超过" not in response.content.decode()


@pytest.mark.postgres
def test_search_indexes_exist_on_postgres(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'members_member'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"member_name_trgm", "member_mobile_prefix"} <= names
