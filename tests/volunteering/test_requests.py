"""Service request life cycle: 待受理 → 已派单 → 服务中 → 待评价 → 已办结, and its exits."""

import datetime

import pytest
from django.utils import timezone

from core.errors import ConflictError, DomainError
from tests import factories as f
from volunteering import services
from volunteering.models import ServiceRequest

pytestmark = pytest.mark.django_db
RS = ServiceRequest.Status


@pytest.fixture
def submitted(xihu, xihu_org, staff_user):
    return services.service_request_submit(
        branch=xihu,
        requester=xihu_org,
        title="伺服电机频繁报警",
        problem="生产线每天停机三四次。",
        contact_name="王经理",
        contact_phone="0571-88000000",
        urgency=ServiceRequest.Urgency.URGENT,
        actor=staff_user,
    )


def plan_event(request, team, **kwargs):
    return services.service_event_create(
        team=team, title="上门诊断", category="technical", date=datetime.date(2025, 6, 1),
        duration_hours=6, place="西湖区", request=request, **kwargs,
    )  # fmt: skip


def test_full_life_cycle_ends_closed_with_feedback(submitted, xihu_team, xihu_member, staff_user):
    request = services.service_request_assign(request=submitted, team=xihu_team, actor=staff_user)
    assert (request.status, request.assigned_team) == (RS.ASSIGNED, xihu_team)
    event = plan_event(request, xihu_team, actor=staff_user)
    request.refresh_from_db()
    assert request.status == RS.IN_SERVICE
    assert list(event.beneficiaries.all()) == [submitted.requester]
    services.participation_record(event=event, member=xihu_member, hours=5, actor=staff_user)
    services.service_event_complete(event=event, actor=staff_user)
    request = services.service_request_complete(
        request=request, note="更换编码器，已恢复。", actor=staff_user
    )
    assert request.status == RS.COMPLETED and request.completed_at is not None
    request = services.service_request_record_feedback(
        request=request, satisfaction=5, feedback="非常满意", actor=staff_user
    )
    assert (request.status, request.satisfaction, request.feedback) == (RS.CLOSED, 5, "非常满意")
    assert request.closed_at is not None
    statuses = [h.status for h in request.history.order_by("history_id")]
    assert statuses == [RS.SUBMITTED, RS.ASSIGNED, RS.IN_SERVICE, RS.COMPLETED, RS.CLOSED]
    assert request.history.latest().history_user == staff_user


@pytest.mark.parametrize(
    "step",
    [
        lambda r, u: services.service_request_complete(request=r, actor=u),
        lambda r, u: services.service_request_record_feedback(request=r, satisfaction=4, actor=u),
    ],
)
def test_steps_out_of_order_are_refused(submitted, staff_user, step):
    with pytest.raises(DomainError):
        step(submitted, staff_user)
    submitted.refresh_from_db()
    assert submitted.status == RS.SUBMITTED


def test_closed_request_cannot_be_reassigned(submitted, xihu_team, staff_user):
    services.service_request_reject(request=submitted, reason="不属于技术服务范围", actor=staff_user)
    with pytest.raises(ConflictError) as exc:
        services.service_request_assign(request=submitted, team=xihu_team, actor=staff_user)
    assert exc.value.code == "invalid_transition"


def test_assign_to_other_branch_team_is_refused(submitted, binjiang_team, staff_user):
    with pytest.raises(DomainError) as exc:
        services.service_request_assign(request=submitted, team=binjiang_team, actor=staff_user)
    assert exc.value.code == "team_other_branch"
    submitted.refresh_from_db()
    assert submitted.assigned_team is None


def test_reassign_before_service_starts(submitted, xihu, xihu_team, staff_user):
    other = f.ServiceTeamFactory(branch=xihu)
    services.service_request_assign(request=submitted, team=xihu_team, actor=staff_user)
    request = services.service_request_assign(request=submitted, team=other, actor=staff_user)
    assert request.assigned_team == other


def test_event_of_another_team_cannot_serve_assigned_request(submitted, xihu, xihu_team, staff_user):
    services.service_request_assign(request=submitted, team=xihu_team, actor=staff_user)
    with pytest.raises(DomainError):
        plan_event(submitted, f.ServiceTeamFactory(branch=xihu), actor=staff_user)


def test_complete_needs_a_done_event(submitted, xihu_team, staff_user):
    services.service_request_assign(request=submitted, team=xihu_team, actor=staff_user)
    plan_event(submitted, xihu_team, actor=staff_user)
    with pytest.raises(DomainError) as exc:
        services.service_request_complete(request=submitted, actor=staff_user)
    assert exc.value.code == "no_done_event"


def test_reject_needs_a_reason(submitted, staff_user):
    with pytest.raises(DomainError):
        services.service_request_reject(request=submitted, reason="  ", actor=staff_user)
    submitted.refresh_from_db()
    assert submitted.status == RS.SUBMITTED


@pytest.mark.parametrize("bad", [0, 6, None])
def test_satisfaction_must_be_one_to_five(submitted, staff_user, bad):
    with pytest.raises(DomainError):
        services.service_request_record_feedback(request=submitted, satisfaction=bad, actor=staff_user)


def test_transition_map_names_every_status():
    assert set(services.REQUEST_TRANSITIONS) == set(RS.values)
    for targets in services.REQUEST_TRANSITIONS.values():
        assert targets <= set(RS.values)
    final = {s for s, targets in services.REQUEST_TRANSITIONS.items() if not targets}
    assert final == {RS.CLOSED, RS.REJECTED, RS.WITHDRAWN}


def test_open_requests_and_how_long_they_waited(xihu, staff_user):
    now = timezone.now()
    old = f.ServiceRequestFactory(branch=xihu, received_at=now - datetime.timedelta(days=10))
    new = f.ServiceRequestFactory(branch=xihu, received_at=now - datetime.timedelta(days=1))
    done = f.ServiceRequestFactory(branch=xihu, received_at=now - datetime.timedelta(days=30))
    services.service_request_withdraw(request=done, reason="企业已自行解决", actor=staff_user)
    open_requests = list(ServiceRequest.objects.visible_to(staff_user).open().oldest_first())
    assert open_requests == [old, new]
    assert old.waiting_days(now) == 10
    done.refresh_from_db()
    assert done.waiting_days(now) is None
    assert list(ServiceRequest.objects.waiting_longer_than(7, now=now)) == [old]


def test_invalid_submission_writes_nothing(xihu, xihu_org):
    with pytest.raises(DomainError):
        services.service_request_submit(
            branch=xihu, requester=xihu_org, title="", problem="", contact_name="", contact_phone=""
        )
    assert not ServiceRequest.objects.exists()
