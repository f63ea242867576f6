"""Admin doors of the trip models: officers see only their branch's nominees, quota and checks."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tests import factories as f
from wellbeing.models import MemberWorkProfile, Nomination, SafetyCheck, TripQuota

pytestmark = pytest.mark.django_db

OTHER = "滨江乙"


@pytest.fixture
def data(trip, xihu_member, binjiang_member):
    f.WorkProfileFactory(member=xihu_member)
    f.WorkProfileFactory(member=binjiang_member)
    own = f.NominationFactory(trip=trip, member=xihu_member)
    other = f.NominationFactory(trip=trip, member=binjiang_member)
    f.SafetyCheckFactory(nomination=own)
    f.SafetyCheckFactory(nomination=other)
    return {"own": own, "other": other}


def url(name, *args):
    return reverse(f"admin:wellbeing_{name}", args=args)


def names(response):
    return [str(obj) for obj in response.context["cl"].result_list]


@pytest.mark.parametrize("model", ["nomination", "safetycheck", "memberworkprofile", "tripquota"])
def test_officer_changelists_show_only_own_branch(client, xihu_officer, data, model):
    client.force_login(xihu_officer)
    response = client.get(url(f"{model}_changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    assert OTHER not in body and "滨江区" not in body
    assert len(response.context["cl"].result_list) == 1


@pytest.mark.parametrize("model", ["nomination", "safetycheck", "memberworkprofile", "tripquota"])
def test_officer_without_branch_sees_nothing(client, data, model):
    client.force_login(f.officer(None, username="nobranch"))
    response = client.get(url(f"{model}_changelist"))
    assert response.status_code == 200 and list(response.context["cl"].result_list) == []


def test_association_staff_see_every_branch(client, staff_user, data):
    client.force_login(staff_user)
    body = client.get(url("nomination_changelist")).content.decode()
    assert "西湖甲" in body and OTHER in body


def _objects(data):
    other = data["other"]
    return {
        "nomination": other.pk,
        "safetycheck": other.safety_check.pk,
        "memberworkprofile": MemberWorkProfile.objects.get(member=other.member).pk,
        "tripquota": TripQuota.objects.get(trip=other.trip, branch=other.branch).pk,
    }


@pytest.mark.parametrize("model", ["nomination", "safetycheck", "memberworkprofile", "tripquota"])
def test_other_branch_rows_answer_like_missing_ones(client, xihu_officer, data, model):
    client.force_login(xihu_officer)
    pk = _objects(data)[model]
    other = client.get(url(f"{model}_change", pk))
    missing = client.get(url(f"{model}_change", pk + 10_000))
    assert other.status_code == missing.status_code == 404
    assert client.get(url(f"{model}_history", pk)).status_code == 404


def test_officer_has_no_access_to_trips_or_rules(client, xihu_officer, trip):
    client.force_login(xihu_officer)
    assert client.get(url("convalescencetrip_changelist")).status_code == 403
    assert client.get(url("convalescencetrip_change", trip.pk)).status_code == 403
    assert client.get(url("triprules_changelist")).status_code == 403


def test_officer_quota_page_shows_the_trip_and_remaining_places(client, xihu_officer, data, trip):
    client.force_login(xihu_officer)
    response = client.get(url("tripquota_changelist"))
    [quota] = response.context["cl"].result_list
    assert (quota.places, quota.held_count) == (3, 1)
    assert trip.name in response.content.decode()


def test_officer_nominates_own_member_through_the_admin(client, xihu_officer, trip, xihu_member):
    f.WorkProfileFactory(member=xihu_member)
    client.force_login(xihu_officer)
    response = client.post(
        url("nomination_add"), {"trip": trip.pk, "member": xihu_member.pk, "reason": "一线骨干"}
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert (nomination.status, nomination.branch.name, nomination.nominated_by) == (
        "pending",
        "西湖区",
        xihu_officer,
    )


def test_admin_nomination_of_other_branch_member_is_refused(client, xihu_officer, trip, binjiang_member):
    client.force_login(xihu_officer)
    response = client.post(url("nomination_add"), {"trip": trip.pk, "member": binjiang_member.pk})
    assert response.status_code == 200 and not Nomination.objects.exists()


def test_admin_nomination_shows_the_eligibility_reason(client, xihu_officer, trip, xihu_member):
    client.force_login(xihu_officer)
    response = client.post(url("nomination_add"), {"trip": trip.pk, "member": xihu_member.pk})
    assert "未登记健康状况" in response.content.decode() and not Nomination.objects.exists()


def test_trip_choices_for_an_officer_are_open_trips_with_its_quota(xihu_officer, trip, binjiang):
    f.TripFactory(name="未分配名额的团")
    closed = f.TripFactory(name="已截止的团", status="closed")
    f.TripQuotaFactory(trip=closed, branch=xihu_officer.officer_profile.branch)
    request = RequestFactory().get("/")
    request.user = xihu_officer
    form = admin.site._registry[Nomination].get_form(request)
    assert list(form.base_fields["trip"].queryset) == [trip]


def test_safety_check_nomination_choices_are_scoped(xihu_officer, data):
    request = RequestFactory().get("/")
    request.user = xihu_officer
    form = admin.site._registry[SafetyCheck].get_form(request)
    assert list(form.base_fields["nomination"].queryset) == [data["own"]]


def test_officer_cannot_approve_through_the_admin(client, xihu_officer, trip, xihu_member):
    f.WorkProfileFactory(member=xihu_member)
    pending = f.NominationFactory(trip=trip, member=xihu_member, status="pending")
    client.force_login(xihu_officer)
    client.post(url("nomination_changelist"), {"action": "approve", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_staff_approve_action_confirms(client, staff_user, trip, xihu_member):
    f.WorkProfileFactory(member=xihu_member)
    pending = f.NominationFactory(trip=trip, member=xihu_member, status="pending")
    client.force_login(staff_user)
    client.post(url("nomination_changelist"), {"action": "approve", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.status == "approved"


def test_withdraw_action_with_other_branch_ids_touches_none(client, xihu_officer, data):
    client.force_login(xihu_officer)
    client.post(
        url("nomination_changelist"),
        {"action": "withdraw", "_selected_action": [data["other"].pk, data["own"].pk], "note": "身体原因"},
    )
    data["other"].refresh_from_db()
    data["own"].refresh_from_db()
    assert (data["other"].status, data["own"].status) == ("approved", "withdrawn")


def test_withdraw_action_asks_for_a_reason_first(client, xihu_officer, data):
    client.force_login(xihu_officer)
    response = client.post(
        url("nomination_changelist"), {"action": "withdraw", "_selected_action": [data["own"].pk]}
    )
    assert "退出原因" in response.content.decode()
    data["own"].refresh_from_db()
    assert data["own"].status == "approved"


def test_staff_pages_render(client, staff_user, data, trip):
    client.force_login(staff_user)
    for name, args in [
        ("convalescencetrip_changelist", []),
        ("convalescencetrip_change", [trip.pk]),
        ("convalescencetrip_transition", [trip.pk, "closed"]),
        ("nomination_change", [data["own"].pk]),
        ("safetycheck_change", [data["own"].safety_check.pk]),
        ("triprules_changelist", []),
        ("tripquota_changelist", []),
    ]:
        assert client.get(url(name, *args)).status_code == 200, name


def test_staff_transition_page_moves_the_trip(client, staff_user, trip):
    client.force_login(staff_user)
    client.post(url("convalescencetrip_transition", trip.pk, "closed"), {"note": ""})
    trip.refresh_from_db()
    assert trip.status == "closed"


def test_quota_total_above_capacity_is_refused_in_the_trip_form(client, staff_user, trip, xihu, binjiang):
    client.force_login(staff_user)
    quotas = list(TripQuota.objects.filter(trip=trip).order_by("pk"))
    data = {
        "name": trip.name, "region": trip.region, "route": trip.route, "destination": trip.destination,
        "start_date": trip.start_date, "end_date": trip.end_date, "capacity": 5, "cost_per_person": "100",
        "quotas-TOTAL_FORMS": 2, "quotas-INITIAL_FORMS": 2, "quotas-MIN_NUM_FORMS": 0, "quotas-MAX_NUM_FORMS": 1000,
        "quotas-0-id": quotas[0].pk, "quotas-0-trip": trip.pk, "quotas-0-branch": xihu.pk, "quotas-0-places": 3,
        "quotas-1-id": quotas[1].pk, "quotas-1-trip": trip.pk, "quotas-1-branch": binjiang.pk, "quotas-1-places": 3,
        "programme-TOTAL_FORMS": 0, "programme-INITIAL_FORMS": 0, "programme-MIN_NUM_FORMS": 0,
        "programme-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    response = client.post(url("convalescencetrip_change", trip.pk), data)
    assert response.status_code == 200
    assert "超过本团总名额 5 人" in response.content.decode()
    trip.refresh_from_db()
    assert trip.capacity == 10


def test_staff_edit_rules_and_weights_in_the_admin(client, staff_user, rules):
    client.force_login(staff_user)
    data = {
        "min_age": "", "max_age": 68, "max_health_status": 2, "require_health_record": "on", "lookback_years": 2,
        "weight_front_line": "30", "weight_heavy_or_harsh": "20", "weight_epidemic": "25",
        "weight_per_year_since": "5", "years_since_cap": 10, "weight_per_year_of_age": "0.5", "age_base": 45,
        "annual_goal": 260,
    }  # fmt: skip
    response = client.post(url("triprules_change", rules.pk), data)
    assert response.status_code == 302
    rules.refresh_from_db()
    assert (rules.max_age, rules.lookback_years, rules.weight_front_line, rules.updated_by) == (
        68,
        2,
        30,
        staff_user,
    )
    assert rules.history.count() == 2
