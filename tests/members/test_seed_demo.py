import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.idcard import parse_id_number
from core.scoping import user_scope
from members.models import Branch, Certificate, CraftsmanCard, Honor, Member, Transfer
from publications.models import Article, NewsletterIssue
from volunteering.models import Participation, ServiceEvent
from wellbeing.models import (
    CampaignEntry,
    CareBudget,
    CondolenceVisit,
    ConvalescenceTrip,
    Greeting,
    HardshipCase,
    Inquiry,
    Nomination,
)
from workshops.models import Assessment, Subsidy, Workshop, WorkshopActivity, WorkshopTransition

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_branches_members_and_logins_once(capsys):
    call_command("seed_demo", members=60)
    first = capsys.readouterr().out
    call_command("seed_demo", members=60)
    assert Branch.objects.filter(kind="district").count() == 13
    assert Branch.objects.filter(kind="industry").count() == 10
    assert set(Branch.objects.filter(kind="district").values_list("name", flat=True)) >= {
        "西湖区",
        "滨江区",
        "建德市",
        "淳安县",
    }
    assert Member.objects.count() == 60
    assert Honor.objects.count() >= 60
    for m in Member.objects.all():
        parsed = parse_id_number(m.id_number)
        assert (parsed.birth_date, parsed.gender) == (m.birth_date, m.gender)
        assert m.id_number.startswith("33")
        assert m.category
    for login in ("staff", "officer_xihu", "officer_binjiang", "member"):
        assert login in first
    User = get_user_model()
    assert user_scope(User.objects.get(username="staff")).all_branches
    assert (
        user_scope(User.objects.get(username="officer_xihu")).branch_id == Branch.objects.get(code="xihu").pk
    )
    assert Member.objects.get(user__username="member")


def test_seed_demo_fills_every_apps_lists_for_the_current_year_with_consistent_dates():
    """A first look shows this year's work everywhere, and the demo's dates tell one story."""
    call_command("seed_demo", members=60, stdout=None)
    today = timezone.localdate()
    year = today.year
    this_year = {
        "care budgets": CareBudget.objects.filter(year=year),
        "care visits": CondolenceVisit.objects.filter(visit_date__year=year),
        "campaign list": CampaignEntry.objects.filter(campaign__year=year),
        "hardship cases": HardshipCase.objects.filter(opened_on__year=year),
        "letters and visits": Inquiry.objects.filter(received_at__year=year),
        "greetings": Greeting.objects.filter(birthday__year=year),
        "trips": ConvalescenceTrip.objects.filter(start_date__year=year),
        "nominations": Nomination.objects.filter(trip__start_date__year=year),
        "service events": ServiceEvent.objects.filter(date__year=year),
        "participations": Participation.objects.filter(event__date__year=year),
        "house activities": WorkshopActivity.objects.filter(held_on__year=year),
        "house subsidies": Subsidy.objects.filter(year=year),
        "newsletter issues": NewsletterIssue.objects.filter(month__year=year, status="published"),
        "articles": Article.objects.filter(issue__month__year=year),
        "certificates": Certificate.objects.filter(issued_at__year=year),
        "cards": CraftsmanCard.objects.filter(issued_on__year=year),
        "transfers": Transfer.objects.filter(requested_at__year=year),
        "houses named": Workshop.objects.filter(named_on__year=year),
    }
    empty = [name for name, qs in this_year.items() if not qs.exists()]
    assert not empty, f"empty for {year}: {empty}"

    # Letters and visits in every state a desk officer meets: open, overdue, answered, closed.
    assert Inquiry.objects.open().exclude(deadline__lt=today).exists()
    assert Inquiry.objects.overdue(today).exists()
    assert Inquiry.objects.filter(
        status__in=["replied", "followed_up", "closed"], replied_at__isnull=False
    ).exists()
    assert not Inquiry.objects.filter(replied_at__lt=F("received_at")).exists()
    assert not Inquiry.objects.filter(closed_at__gt=timezone.now()).exists()
    # Nominations in every state; each trip inside the year, after its own start.
    assert set(Nomination.objects.values_list("status", flat=True)) >= {
        "pending", "approved", "waitlisted", "rejected", "withdrawn"
    }  # fmt: skip
    for trip in ConvalescenceTrip.objects.all():
        assert trip.start_date.year == year == trip.end_date.year, trip
        assert trip.start_date <= trip.end_date
        assert (trip.status == "completed") == (trip.end_date < today), trip
    # Nothing visited, received, held or paid after today; events ahead are not completed.
    assert not CondolenceVisit.objects.filter(visit_date__gt=today).exists()
    assert not HardshipCase.objects.filter(opened_on__gt=today).exists()
    assert not WorkshopActivity.objects.filter(held_on__gt=today).exists()
    assert not Subsidy.objects.filter(paid_on__gt=today).exists()
    assert ServiceEvent.objects.filter(date__gt=today).exists()
    assert not ServiceEvent.objects.filter(date__gt=today, status="completed").exists()
    assert not ServiceEvent.objects.filter(date__gt=datetime.date(year, 12, 31)).exists()
    # Houses: founded before applying, each step after the one before, named after the
    # acceptance, reviewed after the naming, nothing after today.
    for house in Workshop.objects.all():
        steps = list(WorkshopTransition.objects.filter(workshop=house).order_by("pk"))
        dates = [timezone.localtime(step.at).date() for step in steps]
        assert dates == sorted(dates), (house, dates)
        assert dates[-1] <= today, house
        assert house.established_on < dates[0], house
        assert timezone.localtime(house.created_at).date() == dates[0], house
        if house.named_on:
            acceptance = Assessment.objects.filter(workshop=house, purpose="acceptance").get()
            assert house.established_on < acceptance.assessed_on <= house.named_on <= today, house
            reviews = Assessment.objects.filter(workshop=house, purpose="annual_review")
            assert all(r.assessed_on > house.named_on for r in reviews), house
            assert reviews or house.named_on.year == year, house  # reviewed every year after the naming
            named = next(s for s in steps if s.to_status == "named")
            assert timezone.localtime(named.at).date() == house.named_on, house
        if house.revoked_on:
            assert house.named_on < house.revoked_on <= today, house
    # This week's birthdays were greeted, on their day.
    for greeting in Greeting.objects.select_related("member"):
        assert greeting.birthday <= today
        assert (greeting.member.birth_date.month, greeting.member.birth_date.day) == (
            greeting.birthday.month,
            greeting.birthday.day,
        ) or greeting.calendar == "lunar"


def test_seed_demo_is_deterministic_given_a_seed():
    """Two runs with the same seed on empty databases make the same people and the same honours."""

    def run():
        call_command("seed_demo", members=30, seed=7, registry_only=True, stdout=None)
        return list(
            Member.objects.order_by("id_number", "honors__title").values_list(
                "name", "id_number", "branch__code", "honors__title"
            )
        )

    with transaction.atomic():
        first = run()
        transaction.set_rollback(True)
    assert not Member.objects.exists()
    assert run() == first
