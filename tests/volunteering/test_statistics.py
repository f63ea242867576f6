"""Yearly statistics add up: hours, distinct people, beneficiaries and donations."""

import datetime
from decimal import Decimal

import pytest

from tests import factories as f
from volunteering.models import EventBeneficiary
from volunteering.statistics import TOTAL, category_totals, yearly_statistics

pytestmark = pytest.mark.django_db


def event(team, category="technical", date=datetime.date(2025, 5, 1), **kwargs):
    return f.ServiceEventFactory(team=team, category=category, date=date, **kwargs)


def test_hours_of_a_member_in_several_events_add_up(staff_user, xihu_team, xihu_member):
    for hours, category in [(3, "technical"), (4.5, "technical"), (2, "public_welfare")]:
        f.ParticipationFactory(member=xihu_member, event=event(xihu_team, category), hours=hours)
    stats = yearly_statistics(user=staff_user, year=2025)
    assert stats.total.hours == Decimal("9.5")
    assert stats.total.participations == 3
    assert stats.total.people == 1
    assert stats.cell(xihu_team.branch_id, "technical").hours == Decimal("7.5")
    assert stats.cell(xihu_team.branch_id, "technical").events == 2
    assert stats.cell(xihu_team.branch_id, "public_welfare").hours == Decimal("2")


def test_distinct_people_counted_once_in_branch_and_year_totals(staff_user, xihu_team, binjiang_team):
    a, b = f.MemberFactory(branch=xihu_team.branch), f.MemberFactory(branch=xihu_team.branch)
    f.ParticipationFactory(member=a, event=event(xihu_team, "technical"))
    f.ParticipationFactory(member=a, event=event(xihu_team, "inspection"))
    f.ParticipationFactory(member=b, event=event(xihu_team, "inspection"))
    f.ParticipationFactory(member=a, event=event(binjiang_team, "epidemic"))  # a serves both branches
    stats = yearly_statistics(user=staff_user, year=2025)
    per_category = [stats.cell(xihu_team.branch_id, c).people for c in ("technical", "inspection")]
    assert per_category == [1, 2]  # adding the categories up would say 3
    assert stats.cell(xihu_team.branch_id).people == 2
    assert stats.cell(binjiang_team.branch_id).people == 1
    assert stats.total.people == 2  # not 3: a is one person
    assert stats.total.participations == 4


def test_hours_are_not_multiplied_by_beneficiaries(staff_user, xihu_team):
    served = event(xihu_team)
    orgs = [f.BeneficiaryFactory(branch=xihu_team.branch, is_small_micro=i < 2) for i in range(3)]
    for org in orgs:
        EventBeneficiary.objects.create(event=served, beneficiary=org)
    f.ParticipationFactory(event=served, hours=4)
    f.ParticipationFactory(event=served, hours=5)
    stats = yearly_statistics(user=staff_user, year=2025)
    assert stats.total.hours == Decimal("9")
    assert stats.total.beneficiaries == 3
    assert stats.total.small_micro == 2
    assert stats.total.events == 1


def test_an_organisation_served_twice_counts_once(staff_user, xihu_team, xihu_org):
    for _ in range(2):
        EventBeneficiary.objects.create(event=event(xihu_team), beneficiary=xihu_org)
    stats = yearly_statistics(user=staff_user, year=2025)
    assert stats.total.events == 2
    assert stats.total.beneficiaries == 1


def test_planned_cancelled_and_other_year_events_do_not_count(staff_user, xihu_team, xihu_member):
    f.ParticipationFactory(member=xihu_member, event=event(xihu_team, status="planned"))
    f.ParticipationFactory(member=xihu_member, event=event(xihu_team, status="cancelled"))
    f.ParticipationFactory(member=xihu_member, event=event(xihu_team, date=datetime.date(2024, 12, 31)))
    counted = f.ParticipationFactory(member=xihu_member, event=event(xihu_team), hours=2)
    stats = yearly_statistics(user=staff_user, year=2025)
    assert (stats.total.events, stats.total.hours, stats.total.participations) == (1, counted.hours, 1)


def test_donations_per_branch_split_money_and_goods(staff_user, xihu_member, binjiang_member, xihu_team):
    f.DonationFactory(member=xihu_member, value=1000)
    f.DonationFactory(member=None, team=xihu_team, branch=xihu_team.branch, kind="goods", value=2500)
    f.DonationFactory(member=binjiang_member, value=300)
    f.DonationFactory(member=binjiang_member, value=99, date=datetime.date(2024, 3, 1))
    stats = yearly_statistics(user=staff_user, year=2025)
    xihu = stats.cell(xihu_member.branch_id)
    assert (xihu.donation_money, xihu.donation_goods) == (Decimal("1000"), Decimal("2500"))
    assert stats.total.donation_money == Decimal("1300")
    assert stats.total.donation_goods == Decimal("2500")


def test_officer_statistics_cover_only_own_branch(xihu_officer, xihu_team, binjiang_team):
    f.ParticipationFactory(event=event(xihu_team), hours=3)
    f.ParticipationFactory(event=event(binjiang_team), hours=7)
    stats = yearly_statistics(user=xihu_officer, year=2025)
    assert [b.name for b in stats.branches] == ["西湖区"]
    assert stats.total.hours == Decimal("3")
    assert (binjiang_team.branch_id, TOTAL) not in stats.cells


def test_officer_without_branch_gets_empty_statistics(xihu, xihu_team):
    f.ParticipationFactory(event=event(xihu_team), hours=3)
    stats = yearly_statistics(user=f.officer(None), year=2025)
    assert stats.branches == [] and stats.total.events == 0 and stats.total.hours == 0


def test_category_totals_count_people_once_per_category(staff_user, xihu_team, binjiang_team, xihu_member):
    f.ParticipationFactory(member=xihu_member, event=event(xihu_team, "epidemic"), hours=2)
    f.ParticipationFactory(member=xihu_member, event=event(binjiang_team, "epidemic"), hours=3)
    epidemic = category_totals(user=staff_user, year=2025)["epidemic"]
    assert (epidemic.events, epidemic.hours, epidemic.people) == (2, Decimal("5"), 1)
