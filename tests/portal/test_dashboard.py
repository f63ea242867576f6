"""The staff dashboard (admin index): figures per role, bounded queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.idcard import make_id_number
from members.models import Member
from tests import factories as f

pytestmark = pytest.mark.django_db


def birthday_member(branch, name, days_from_today=0, age=50):
    day = timezone.localdate() + datetime.timedelta(days=days_from_today)
    try:
        birth = day.replace(year=day.year - age)
    except ValueError:
        birth = day.replace(year=day.year - age, day=28)
    return Member.objects.create(name=name, id_number=make_id_number("330106", birth, 17), branch=branch)


@pytest.fixture(autouse=True)
def no_accidental_birthdays(request):
    """The factory derives birth dates from a sequence: keep the shared fixture members'
    birthdays away from this week, whichever tests ran before."""
    for name in ("xihu_member", "binjiang_member"):
        if name in request.fixturenames:
            member = request.getfixturevalue(name)
            birth = (timezone.localdate() + datetime.timedelta(days=120)).replace(year=1970, day=1)
            Member.objects.filter(pk=member.pk).update(
                id_number=make_id_number("330106", birth, member.pk % 900), birth_date=birth
            )


def figure(body, key):
    import re

    return int(re.search(rf'data-figure="{key}">(\d+)<', body).group(1))


def test_staff_sees_every_branch(client, staff_user, xihu, binjiang, xihu_member, binjiang_member):
    f.HonorFactory(member=xihu_member, year=timezone.localdate().year, title="今年荣誉")
    birthday_member(xihu, "寿星甲")
    birthday_member(binjiang, "寿星乙", days_from_today=3)
    client.force_login(staff_user)
    body = client.get("/admin/").content.decode()
    assert figure(body, "members_total") == 4
    assert figure(body, "honors_this_year") == 1
    assert figure(body, "birthdays_today") == 1 and "寿星甲" in body
    assert figure(body, "birthdays_week") == 2
    assert "vendor/echarts/echarts.min.js" in body


def test_officer_sees_own_branch_figures(client, xihu_officer, xihu, binjiang, xihu_member, binjiang_member):
    birthday_member(binjiang, "寿星乙")
    client.force_login(xihu_officer)
    body = client.get("/admin/").content.decode()
    assert figure(body, "members_total") == 1
    assert figure(body, "birthdays_today") == 0
    assert "寿星乙" not in body and "滨江区" not in body


def test_officer_without_branch_sees_no_figures(client, xihu_member):
    client.force_login(f.officer(None))
    body = client.get("/admin/").content.decode()
    assert "尚未分配分会" in body
    assert "data-figure" not in body


@pytest.mark.parametrize("role", ["association", "officer"])
def test_dashboard_queries_do_not_grow_with_data(client, xihu, binjiang, role):
    user = f.association_staff() if role == "association" else f.officer(xihu)
    client.force_login(user)
    client.get("/admin/")  # first view creates the trip rules row with its defaults
    counts = []
    for extra in (0, 40):
        for i in range(extra):
            member = birthday_member(xihu if i % 2 else binjiang, f"人{i}", days_from_today=i % 7, age=30 + i)
            f.HonorFactory(member=member, year=timezone.localdate().year)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/admin/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 30


def test_app_tiles_are_scoped(client, xihu, binjiang, xihu_officer, staff_user):
    import re

    from tests.factories import CareBudgetFactory, CondolenceVisitFactory

    year = timezone.localdate().year
    CareBudgetFactory(branch=xihu, year=year, amount=10000)
    CareBudgetFactory(branch=binjiang, year=year, amount=50000)
    CondolenceVisitFactory(
        member=f.MemberFactory(branch=xihu), cash_amount=800, goods_value=0, visit_date=timezone.localdate()
    )
    CondolenceVisitFactory(
        member=f.MemberFactory(branch=binjiang),
        cash_amount=3000,
        goods_value=0,
        visit_date=timezone.localdate(),
    )

    def spent(user):
        client.force_login(user)
        body = client.get("/admin/").content.decode()
        return re.search(r'data-figure="care_spent">([\d,]+)<', body).group(1)

    assert spent(xihu_officer) == "800"
    assert spent(staff_user) == "3,800"
