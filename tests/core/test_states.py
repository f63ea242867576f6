"""core.states: one transition-map shape {from: {to, ...}} and one refusal for every life cycle."""

import pytest

from core.errors import ConflictError
from core.states import can_transition, check_transition, next_statuses, transition_pairs
from members.models import Certificate, CraftsmanCard, MemberImport, Transfer
from publications.models import NewsletterIssue
from volunteering import services as volunteering_services
from volunteering.models import ServiceEvent, ServiceRequest
from wellbeing.models import TRIP_TRANSITIONS, Greeting, HardshipCase, Inquiry
from workshops.models import TRANSITIONS as WORKSHOP_TRANSITIONS
from workshops.models import Workshop

MAPS = {
    "Certificate": (Certificate.TRANSITIONS, Certificate.Status),
    "CraftsmanCard": (CraftsmanCard.TRANSITIONS, CraftsmanCard.Status),
    "Transfer": (Transfer.TRANSITIONS, Transfer.Status),
    "MemberImport": (MemberImport.TRANSITIONS, MemberImport.Status),
    "Workshop": (WORKSHOP_TRANSITIONS, Workshop.Status),
    "ServiceRequest": (volunteering_services.REQUEST_TRANSITIONS, ServiceRequest.Status),
    "ServiceEvent": (volunteering_services.EVENT_TRANSITIONS, ServiceEvent.Status),
    "Inquiry": (Inquiry.TRANSITIONS, Inquiry.Status),
    "HardshipCase": (HardshipCase.TRANSITIONS, HardshipCase.Status),
    "ConvalescenceTrip": (TRIP_TRANSITIONS, None),
    "Greeting": (Greeting.TRANSITIONS, Greeting.Status),
    "NewsletterIssue": (NewsletterIssue.TRANSITIONS, NewsletterIssue.Status),
}


@pytest.mark.parametrize("name", MAPS)
def test_every_life_cycle_is_a_map_from_status_to_a_set_of_statuses(name):
    transitions, status = MAPS[name]
    assert isinstance(transitions, dict)
    for source, targets in transitions.items():
        assert isinstance(targets, set | frozenset | dict), (name, source, type(targets))
        if status is not None:
            assert {source} - {""} <= set(status.values) and set(targets) <= set(status.values)


def test_check_transition_allows_what_the_map_lists():
    issue = NewsletterIssue(status=NewsletterIssue.Status.DRAFT)
    check_transition(issue, NewsletterIssue.Status.REVIEW)
    assert can_transition(issue, NewsletterIssue.Status.REVIEW)
    assert set(next_statuses(issue)) == {NewsletterIssue.Status.REVIEW}


def test_check_transition_refuses_in_one_chinese_shape():
    case = HardshipCase(status=HardshipCase.Status.CLOSED)
    with pytest.raises(ConflictError) as exc:
        check_transition(case, HardshipCase.Status.OPEN)
    assert exc.value.code == "bad_transition"
    closed, opened = HardshipCase.Status.CLOSED.label, HardshipCase.Status.OPEN.label
    assert exc.value.message == f"该帮扶对象当前为“{closed}”，不能改为“{opened}”。"


def test_a_status_missing_from_the_map_is_final_and_the_code_can_be_named():
    transfer = Transfer(status=Transfer.Status.ACCEPTED)
    assert not next_statuses(transfer)
    with pytest.raises(ConflictError) as exc:
        check_transition(transfer, Transfer.Status.REJECTED, code="transfer_state")
    assert exc.value.code == "transfer_state" and "不能改为“已拒绝”" in exc.value.message


def test_a_map_with_rules_per_step_is_read_the_same_way():
    workshop = Workshop(status=Workshop.Status.APPLIED)
    assert can_transition(workshop, Workshop.Status.REVIEWED, transitions=WORKSHOP_TRANSITIONS)
    assert not can_transition(workshop, Workshop.Status.NAMED, transitions=WORKSHOP_TRANSITIONS)
    pairs = set(transition_pairs(WORKSHOP_TRANSITIONS))
    assert ("", Workshop.Status.APPLIED) in pairs and (Workshop.Status.NAMED, Workshop.Status.NAMED) in pairs
