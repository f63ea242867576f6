"""The life cycle: every allowed transition, every forbidden one, and the rules that refuse."""

import datetime
import itertools

import pytest
from django.utils import timezone

from core.errors import ConflictError, DomainError
from core.states import transition_pairs
from tests import factories as f
from workshops.models import TRANSITIONS, Workshop, WorkshopTransition
from workshops.services import workshop_apply, workshop_transition

pytestmark = pytest.mark.django_db
S = Workshop.Status
TODAY = timezone.localdate


def at_status(status, branch, **kwargs):
    return f.WorkshopFactory(branch=branch, status=status, **kwargs)


def accepted_with_assessment(branch, assess):
    workshop = at_status(S.REVIEWED, branch)
    assess(workshop, passing=True)
    Workshop.objects.filter(pk=workshop.pk).update(status=S.ACCEPTED)
    workshop.refresh_from_db()
    return workshop


@pytest.fixture
def setups(xihu, xihu_officer, staff_user, reviewer, assess):
    """For each allowed (from, to): a house at ``from`` meeting the rule, the actor, the arguments."""

    def rectifying():
        workshop = at_status(S.NAMED, xihu)
        assess(
            workshop, purpose="annual_review", review_year=2022, passing=False, on=datetime.date(2022, 11, 1)
        )
        workshop_transition(
            workshop=workshop, to_status=S.RECTIFYING, actor=staff_user, review_year=2022, comment="整改"
        )
        assess(workshop, purpose="annual_review", review_year=2022, passing=True, on=TODAY())
        return workshop

    def applied_by_officer():
        return workshop_apply(
            workshop=f.WorkshopFactory.build(branch=xihu, leader=f.MemberFactory(branch=xihu)),
            actor=xihu_officer,
        )

    def reviewed_with_assessment():
        workshop = at_status(S.REVIEWED, xihu)
        assess(workshop, passing=True)
        return workshop

    def named_with_annual(passing):
        workshop = at_status(S.NAMED, xihu)
        assess(
            workshop,
            purpose="annual_review",
            review_year=2022,
            passing=passing,
            on=datetime.date(2022, 11, 1),
        )
        return workshop

    return {
        (S.REJECTED, S.APPLIED): lambda: (at_status(S.REJECTED, xihu), xihu_officer, {}),
        (S.APPLIED, S.REVIEWED): lambda: (applied_by_officer(), staff_user, {"comment": "同意"}),
        (S.APPLIED, S.REJECTED): lambda: (applied_by_officer(), staff_user, {"comment": "材料不全"}),
        (S.REVIEWED, S.ACCEPTED): lambda: (reviewed_with_assessment(), staff_user, {}),
        (S.REVIEWED, S.REJECTED): lambda: (at_status(S.REVIEWED, xihu), reviewer, {"comment": "验收未达标"}),
        (S.ACCEPTED, S.NAMED): lambda: (
            accepted_with_assessment(xihu, assess),
            staff_user,
            {"naming_document_number": "杭劳模协〔2021〕5号", "named_on": datetime.date(2021, 6, 1)},
        ),
        (S.NAMED, S.NAMED): lambda: (named_with_annual(True), staff_user, {"review_year": 2022}),
        (S.NAMED, S.RECTIFYING): lambda: (
            named_with_annual(False),
            staff_user,
            {"review_year": 2022, "comment": "整改"},
        ),
        (S.RECTIFYING, S.NAMED): lambda: (rectifying(), reviewer, {}),
        (S.NAMED, S.REVOKED): lambda: (
            at_status(S.NAMED, xihu),
            staff_user,
            {"reason": "连续两年未开展活动"},
        ),
        (S.RECTIFYING, S.REVOKED): lambda: (
            at_status(S.RECTIFYING, xihu),
            staff_user,
            {"reason": "整改不到位"},
        ),
    }


RULES = {(a, b): TRANSITIONS[a][b] for a, b in transition_pairs(TRANSITIONS)}  # (from, to) -> rule
ALLOWED = [pair for pair in RULES if pair[0]]


@pytest.mark.parametrize("pair", ALLOWED, ids=lambda p: f"{p[0]}->{p[1]}")
def test_allowed_transition_changes_status_and_records_who_when_why(setups, pair):
    workshop, actor, kwargs = setups[pair]()
    before = timezone.now()
    row = workshop_transition(workshop=workshop, to_status=pair[1], actor=actor, **kwargs)
    workshop.refresh_from_db()
    assert workshop.status == pair[1]
    assert (row.from_status, row.to_status, row.actor) == (pair[0], pair[1], actor)
    assert row.action == RULES[pair].action
    assert row.at >= before
    assert row.comment == (kwargs.get("comment") or kwargs.get("reason") or "")


def test_every_pair_is_covered_by_the_allowed_test(setups):
    assert set(setups) == set(ALLOWED)


FORBIDDEN = [(a, b) for a, b in itertools.product(S.values, S.values) if (a, b) not in RULES]


@pytest.mark.parametrize("pair", FORBIDDEN, ids=lambda p: f"{p[0]}->{p[1]}")
def test_forbidden_transition_is_refused_in_chinese_and_changes_nothing(xihu, staff_user, pair):
    workshop = at_status(pair[0], xihu)
    with pytest.raises(DomainError) as exc:
        workshop_transition(
            workshop=workshop, to_status=pair[1], actor=staff_user, comment="试图越级", reason="原因",
            naming_document_number="杭劳模协〔2021〕9号", named_on=datetime.date(2021, 1, 1), review_year=2022,
        )  # fmt: skip
    assert exc.value.code == "forbidden_transition"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)
    workshop.refresh_from_db()
    assert workshop.status == pair[0]
    assert not WorkshopTransition.objects.filter(workshop=workshop).exists()


@pytest.mark.parametrize("from_status", [S.APPLIED, S.REVIEWED])
def test_naming_before_a_passed_acceptance_is_refused(xihu, staff_user, from_status):
    workshop = at_status(from_status, xihu)
    with pytest.raises(DomainError, match="尚未通过验收，不能命名"):
        workshop_transition(
            workshop=workshop, to_status=S.NAMED, actor=staff_user,
            naming_document_number="杭劳模协〔2021〕9号", named_on=datetime.date(2021, 6, 1),
        )  # fmt: skip


def test_acceptance_without_an_assessment_is_refused(xihu, staff_user):
    workshop = at_status(S.REVIEWED, xihu)
    with pytest.raises(DomainError, match="合格的验收评估"):
        workshop_transition(workshop=workshop, to_status=S.ACCEPTED, actor=staff_user)


def test_acceptance_with_a_failed_assessment_is_refused(xihu, staff_user, assess):
    workshop = at_status(S.REVIEWED, xihu)
    assert assess(workshop, passing=False).passed is False
    with pytest.raises(DomainError, match="合格的验收评估"):
        workshop_transition(workshop=workshop, to_status=S.ACCEPTED, actor=staff_user)
    workshop.refresh_from_db()
    assert workshop.status == S.REVIEWED


def test_acceptance_records_the_assessment_it_relied_on(xihu, staff_user, assess):
    workshop = at_status(S.REVIEWED, xihu)
    assessment = assess(workshop, passing=True)
    row = workshop_transition(workshop=workshop, to_status=S.ACCEPTED, actor=staff_user)
    assert row.assessment == assessment
    assert assessment.is_locked


@pytest.mark.parametrize(
    "pair", [p for p, rule in RULES.items() if p[0] and rule.actor.value == "association"], ids=str
)
def test_officer_cannot_approve_own_branch_where_association_must(setups, xihu_officer, pair):
    workshop, _, kwargs = setups[pair]()
    with pytest.raises(DomainError, match="须由协会工作人员办理，分会工作人员不能审批本分会的申报") as exc:
        workshop_transition(workshop=workshop, to_status=pair[1], actor=xihu_officer, **kwargs)
    assert exc.value.code == "association_only"
    workshop.refresh_from_db()
    assert workshop.status == pair[0]


def test_officer_of_another_branch_gets_not_found(xihu, binjiang_officer):
    workshop = at_status(S.REJECTED, xihu)
    with pytest.raises(DomainError, match="未找到") as exc:
        workshop_transition(workshop=workshop, to_status=S.APPLIED, actor=binjiang_officer)
    assert exc.value.code == "not_found"


def test_officer_without_branch_gets_not_found(xihu):
    workshop = at_status(S.REJECTED, xihu)
    with pytest.raises(DomainError, match="未找到"):
        workshop_transition(
            workshop=workshop, to_status=S.APPLIED, actor=f.officer(None, username="nobranch")
        )


def test_officer_resubmits_own_branch_rejected_application(xihu, xihu_officer):
    workshop = at_status(S.REJECTED, xihu)
    row = workshop_transition(workshop=workshop, to_status=S.APPLIED, actor=xihu_officer, comment="已整改")
    assert row.action == "重新申报"


def test_submitter_cannot_first_review_own_application(xihu, staff_user):
    workshop = workshop_apply(
        workshop=f.WorkshopFactory.build(branch=xihu, leader=f.MemberFactory(branch=xihu)), actor=staff_user
    )
    with pytest.raises(DomainError, match="不能对本人提交的申报进行初审"):
        workshop_transition(workshop=workshop, to_status=S.REVIEWED, actor=staff_user)


@pytest.mark.parametrize("from_status", [S.APPLIED, S.REVIEWED])
def test_rejection_needs_a_comment(xihu, staff_user, from_status):
    workshop = at_status(from_status, xihu)
    with pytest.raises(DomainError, match="须填写意见"):
        workshop_transition(workshop=workshop, to_status=S.REJECTED, actor=staff_user, comment="  ")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"naming_document_number": "", "named_on": datetime.date(2021, 6, 1)}, "命名文号和命名日期"),
        ({"naming_document_number": "杭劳模协〔2021〕5号", "named_on": None}, "命名文号和命名日期"),
        (
            {"naming_document_number": "杭劳模协〔2021〕5号", "named_on": datetime.date(2099, 1, 1)},
            "不能晚于今天",
        ),
        (
            {"naming_document_number": "杭劳模协〔2021〕5号", "named_on": datetime.date(2021, 1, 1)},
            "不能早于验收评估日期",
        ),
    ],
)
def test_naming_needs_a_valid_document_and_date(xihu, staff_user, assess, kwargs, message):
    workshop = accepted_with_assessment(xihu, assess)
    with pytest.raises(DomainError, match=message):
        workshop_transition(workshop=workshop, to_status=S.NAMED, actor=staff_user, **kwargs)


def test_naming_stores_document_number_and_date(xihu, staff_user, assess):
    workshop = accepted_with_assessment(xihu, assess)
    workshop_transition(
        workshop=workshop, to_status=S.NAMED, actor=staff_user,
        naming_document_number="杭劳模协〔2021〕5号", named_on=datetime.date(2021, 6, 1),
    )  # fmt: skip
    assert (workshop.naming_document_number, workshop.named_on) == (
        "杭劳模协〔2021〕5号",
        datetime.date(2021, 6, 1),
    )


def test_annual_review_twice_in_one_year_is_refused(xihu, staff_user, assess):
    workshop = at_status(S.NAMED, xihu)
    assess(workshop, purpose="annual_review", review_year=2022, on=datetime.date(2022, 11, 1))
    workshop_transition(workshop=workshop, to_status=S.NAMED, actor=staff_user, review_year=2022)
    assert workshop.last_reviewed_year == 2022
    with pytest.raises(ConflictError, match="2022年度复核已办理"):
        workshop_transition(workshop=workshop, to_status=S.NAMED, actor=staff_user, review_year=2022)


def test_annual_review_pass_with_a_failed_assessment_is_refused(xihu, staff_user, assess):
    workshop = at_status(S.NAMED, xihu)
    assess(workshop, purpose="annual_review", review_year=2022, passing=False, on=datetime.date(2022, 11, 1))
    with pytest.raises(DomainError, match="结果为不合格"):
        workshop_transition(workshop=workshop, to_status=S.NAMED, actor=staff_user, review_year=2022)


def test_annual_review_without_an_assessment_is_refused(xihu, staff_user):
    workshop = at_status(S.NAMED, xihu)
    with pytest.raises(DomainError, match="须先录入2022年度复核评估"):
        workshop_transition(workshop=workshop, to_status=S.NAMED, actor=staff_user, review_year=2022)


def test_rectification_with_a_passed_assessment_is_refused(xihu, staff_user, assess):
    workshop = at_status(S.NAMED, xihu)
    assess(workshop, purpose="annual_review", review_year=2022, passing=True, on=datetime.date(2022, 11, 1))
    with pytest.raises(DomainError, match="结果为合格，不能要求整改"):
        workshop_transition(
            workshop=workshop, to_status=S.RECTIFYING, actor=staff_user, review_year=2022, comment="x"
        )


@pytest.mark.parametrize(
    "year, message", [(2099, "不能晚于今年"), (2020, "不能早于命名年度"), (None, "请填写复核年度")]
)
def test_annual_review_year_is_checked(xihu, staff_user, year, message):
    workshop = at_status(S.NAMED, xihu)
    with pytest.raises(DomainError, match=message):
        workshop_transition(workshop=workshop, to_status=S.NAMED, actor=staff_user, review_year=year)


def test_re_review_needs_a_new_passing_assessment_after_rectification_began(xihu, staff_user, assess):
    workshop = at_status(S.NAMED, xihu)
    assess(workshop, purpose="annual_review", review_year=2022, passing=False, on=datetime.date(2022, 11, 1))
    workshop_transition(
        workshop=workshop, to_status=S.RECTIFYING, actor=staff_user, review_year=2022, comment="整改"
    )
    with pytest.raises(DomainError, match="整改开始后进行、结果为合格"):
        workshop_transition(workshop=workshop, to_status=S.NAMED, actor=staff_user)
    assess(workshop, purpose="annual_review", review_year=2022, passing=True, on=TODAY())
    workshop_transition(workshop=workshop, to_status=S.NAMED, actor=staff_user)
    assert (workshop.status, workshop.last_reviewed_year) == (S.NAMED, 2022)


def test_revocation_needs_a_reason_and_stores_it(xihu, staff_user):
    workshop = at_status(S.NAMED, xihu)
    with pytest.raises(DomainError, match="撤销原因"):
        workshop_transition(workshop=workshop, to_status=S.REVOKED, actor=staff_user, reason=" ")
    workshop_transition(workshop=workshop, to_status=S.REVOKED, actor=staff_user, reason="不再具备条件")
    assert (workshop.revoked_reason, workshop.revoked_on) == ("不再具备条件", TODAY())


def test_revoked_house_refuses_every_transition_as_terminal(xihu, staff_user):
    workshop = at_status(S.REVOKED, xihu)
    with pytest.raises(DomainError, match="已撤销，不能再办理"):
        workshop_transition(workshop=workshop, to_status=S.NAMED, actor=staff_user)


def test_unknown_status_is_refused(xihu, staff_user):
    with pytest.raises(DomainError, match="未知的目标状态"):
        workshop_transition(workshop=at_status(S.APPLIED, xihu), to_status="finished", actor=staff_user)


def test_officer_applies_for_own_branch_and_leader_joins_members(xihu, xihu_officer):
    leader = f.MemberFactory(branch=xihu)
    workshop = workshop_apply(
        workshop=f.WorkshopFactory.build(branch=xihu, leader=leader), actor=xihu_officer
    )
    assert workshop.status == S.APPLIED
    assert list(workshop.members.all()) == [leader]
    row = workshop.transitions.get()
    assert (row.action, row.from_status, row.to_status, row.actor) == ("申报", "", S.APPLIED, xihu_officer)


def test_officer_cannot_apply_for_another_branch(binjiang, xihu_officer):
    workshop = f.WorkshopFactory.build(branch=binjiang, leader=f.MemberFactory(branch=binjiang))
    with pytest.raises(DomainError, match="本分会"):
        workshop_apply(workshop=workshop, actor=xihu_officer)
    assert not Workshop.objects.exists()


def test_status_change_is_in_the_history_with_the_actor(xihu, staff_user):
    workshop = at_status(S.NAMED, xihu)
    workshop_transition(workshop=workshop, to_status=S.REVOKED, actor=staff_user, reason="原因")
    latest = workshop.history.first()
    assert (latest.status, latest.history_user) == (S.REVOKED, staff_user)
