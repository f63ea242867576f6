"""Query counts of the pages `make bench` measures at 1,000,000 members, pinned on small data.

Each page is asked twice, with a registry three times larger the second time: the count must
not change, and must stay at the figure the benchmark prints (the changelist itself, the
statistics page and the dashboard are pinned in their own test modules).
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:members_member_changelist")


def grow(branches, count):
    for i in range(count):
        member = f.MemberFactory(branch=branches[i % len(branches)], mobile=f"139{i:08d}")
        f.HonorFactory(member=member, year=2000 + i % 20)


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def counts_at_two_sizes(client, branches, pages):
    """{label: (queries with 30 members, queries with 90)} for callables giving (url, params)."""
    grow(branches, 30)
    small = {label: queries(client, *page()) for label, page in pages.items()}
    grow(branches, 60)
    large = {label: queries(client, *page()) for label, page in pages.items()}
    return {label: (small[label], large[label]) for label in pages}


@pytest.mark.parametrize("role", ["association", "officer"])
def test_admin_searches_take_a_constant_number_of_queries(client, xihu, binjiang, role):
    client.force_login(f.association_staff() if role == "association" else f.officer(xihu))
    sample = f.MemberFactory(branch=xihu, name="钱塘江", mobile="13812345678")

    pages = {
        "name fragment": lambda: (CHANGELIST, {"q": "钱塘"}),
        "full ID": lambda: (CHANGELIST, {"q": sample.id_number}),
        "phone": lambda: (CHANGELIST, {"q": sample.mobile}),
    }
    counts = counts_at_two_sizes(client, [xihu, binjiang], pages)
    bound = 14 if role == "association" else 12
    for label, (small, large) in counts.items():
        assert small == large <= bound, (label, counts)


def test_api_member_pages_take_a_constant_number_of_queries(client, xihu, binjiang, settings):
    client.force_login(f.association_staff())

    def deep_page():
        first = client.get("/api/members/", {"page_size": 10}).json()
        second = client.get(first["next"]).json()  # a cursor, as a deep page is reached
        return second["next"], None

    pages = {"first page": lambda: ("/api/members/", None), "deep page": deep_page}
    counts = counts_at_two_sizes(client, [xihu, binjiang], pages)
    for label, (small, large) in counts.items():
        # session, user, groups, the second-factor policy (has the user a confirmed TOTP device:
        # an unverified session is refused when so), 2× permissions, the page, its honours (one
        # prefetch), and the access-log row: association staff see full ID numbers, recorded.
        assert small == large <= 9, (label, counts)


def test_birthday_selection_of_a_day_is_two_queries(xihu, django_assert_num_queries):
    from wellbeing.birthdays import lunar_birthdays, solar_birthdays

    day = datetime.date(2026, 6, 1)
    born = [f.member_born(xihu, datetime.date(1950 + i, 6, 1)) for i in range(5)]
    with django_assert_num_queries(2):  # one indexed query for solar, one for lunar birthdays
        solar = set(solar_birthdays(day, ["craftsman"]).values_list("pk", flat=True))
        lunar, _ = lunar_birthdays(day, ["craftsman"])
        lunar = set(lunar.values_list("pk", flat=True))
    assert solar == {m.pk for m in born} and lunar == set()
