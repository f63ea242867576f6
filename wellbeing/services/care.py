"""Write path of care: birthday preferences, condolence visits against budgets, campaigns, hardship cases."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from simple_history.utils import bulk_create_with_history

from core.dates import years_before
from core.errors import DomainError
from core.roles import is_association_staff
from core.scoping import scopes_disabled
from core.states import check_transition
from members.models import Branch, Member

from ..models.care import (
    CampaignEntry,
    CareBudget,
    CondolenceVisit,
    HardshipCase,
    HardshipFollowUp,
    VisitCampaign,
)

# ---------------------------------------------------------------------------- budgets and visits


@dataclass(frozen=True)
class BudgetCheck:
    """Where a visit's cost leaves its budget line."""

    payer: str
    budget: CareBudget | None
    spent: Decimal
    cost: Decimal

    @property
    def after(self) -> Decimal:
        return self.spent + self.cost

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget.amount - self.after

    @property
    def overspends(self) -> bool:
        return self.budget is None or self.after > self.budget.amount

    @property
    def near_limit(self) -> bool:
        if self.budget is None or not self.budget.amount:
            return False
        return self.after * 100 >= self.budget.amount * self.budget.warn_ratio

    @property
    def message(self) -> str:
        if self.budget is None:
            return f"{self.payer}尚未设置本年度慰问经费预算，本次支出{self.cost}元将无预算可列支。"
        if self.overspends:
            return (
                f"本次慰问{self.cost}元将使{self.payer}慰问经费超支：预算{self.budget.amount}元，"
                f"已支出{self.spent}元，超出{-self.remaining}元。"
            )
        return f"{self.payer}慰问经费已使用{self.after}元（预算{self.budget.amount}元），剩余{self.remaining}元。"


def care_budget_check(
    *,
    member: Member,
    paid_by_association: bool,
    visit_date: datetime.date,
    cost,
    exclude_visit_id=None,
    lock=False,
) -> BudgetCheck:
    """How a visit costing ``cost`` would stand against its budget line (read-only unless ``lock``)."""
    branch_id = None if paid_by_association else member.branch_id
    # A budget line is the payer's: the association's line is spent by visits of every branch,
    # so its spending is counted unscoped (only the line and a total leave this block).
    with scopes_disabled():
        payer = "市协会本级" if branch_id is None else Branch.objects.get(pk=branch_id).name
        budgets = CareBudget.objects.for_payer(branch_id=branch_id, year=visit_date.year)
        if lock:
            budgets = budgets.order_by("pk").select_for_update(of=("self",))
        budget = budgets.first()
        visits = CondolenceVisit.objects.charged_to(branch_id=branch_id, year=visit_date.year)
        if exclude_visit_id:
            visits = visits.exclude(pk=exclude_visit_id)
        spent = visits.spending()
    return BudgetCheck(payer=payer, budget=budget, spent=spent, cost=Decimal(cost or 0))


def condolence_visit_save(
    *, visit: CondolenceVisit, actor=None, confirm_overspend: bool = False
) -> BudgetCheck:
    """Save a visit (new or changed); refuse an overspend unless the user confirmed it after the warning.

    The budget row is locked while checking so that two visits saved at once cannot both
    slip under the limit.
    """
    visit.full_clean(exclude=["created_by"])
    with transaction.atomic():
        check = care_budget_check(
            member=visit.member,
            paid_by_association=visit.paid_by_association,
            visit_date=visit.visit_date,
            cost=visit.total_value,
            exclude_visit_id=visit.pk,
            lock=True,
        )
        if check.overspends and not confirm_overspend:
            raise DomainError(
                check.message + "如确需支出，请勾选“确认超预算支出”后再保存。", code="overspend"
            )
        if visit.pk is None and actor is not None and getattr(actor, "is_authenticated", False):
            visit.created_by = actor
        visit._history_user = actor
        visit.save()
        entry = visit.campaign_entry
        if entry is not None and entry.status != CampaignEntry.Status.DONE:
            if entry.member_id != visit.member_id:
                raise DomainError("走访名单中的人员与本次走访对象不一致。", code="entry_mismatch")
            entry.status = CampaignEntry.Status.DONE
            entry._history_user = actor
            entry.save()
    return check


# ---------------------------------------------------------------------------- campaigns


ILL_OCCASIONS = (CondolenceVisit.Occasion.SERIOUS_ILLNESS, CondolenceVisit.Occasion.ACCIDENT)
ILL_KINDS = (HardshipCase.Kind.ILLNESS, HardshipCase.Kind.ACCIDENT)


def campaign_candidates(campaign: VisitCampaign, *, branch_id=None):
    """Active members the campaign's rules put on the list, annotated with why."""
    reference = campaign.starts_on
    members = Member.objects.filter(status=Member.Status.ACTIVE)
    if branch_id is not None:
        members = members.filter(branch_id=branch_id)
    hardship = HardshipCase.objects.active().filter(member=OuterRef("pk"))
    ill_visit = CondolenceVisit.objects.filter(
        member=OuterRef("pk"), occasion__in=ILL_OCCASIONS, visit_date__year=campaign.year
    )
    ill_case = HardshipCase.objects.filter(
        member=OuterRef("pk"), kind__in=ILL_KINDS, opened_on__year=campaign.year
    )
    members = members.annotate(is_hardship=Exists(hardship), is_ill=Exists(ill_visit) | Exists(ill_case))
    rule = Q(pk__in=[])
    if campaign.min_age:
        born_by = years_before(reference, campaign.min_age)
        members = members.annotate(is_elderly=Q(birth_date__lte=born_by))
        rule |= Q(birth_date__lte=born_by)
    if campaign.include_hardship:
        rule |= Q(is_hardship=True)
    if campaign.include_ill_this_year:
        rule |= Q(is_ill=True)
    return members.filter(rule)


def campaign_generate(*, campaign: VisitCampaign, actor=None, branch_id=None) -> int:
    """Put every member the rules select on the campaign's list (idempotent); returns how many were added."""
    if campaign.status == VisitCampaign.Status.CLOSED:
        raise DomainError("走访活动已结束，不能再生成名单。", code="campaign_closed")
    with transaction.atomic():
        existing = set(campaign.entries.values_list("member_id", flat=True))
        entries = []
        for member in campaign_candidates(campaign, branch_id=branch_id).order_by("pk"):
            if member.pk in existing:
                continue
            reasons = []
            if getattr(member, "is_elderly", False):
                reasons.append(f"{campaign.min_age}周岁以上")
            if campaign.include_hardship and member.is_hardship:
                reasons.append("帮扶对象")
            if campaign.include_ill_this_year and member.is_ill:
                reasons.append("本年度患重病或遭遇意外")
            entries.append(CampaignEntry(campaign=campaign, member=member, reasons="、".join(reasons)))
        bulk_create_with_history(entries, CampaignEntry, ignore_conflicts=True, default_user=actor)
        if campaign.status == VisitCampaign.Status.DRAFT:
            campaign.status = VisitCampaign.Status.ACTIVE
            campaign._history_user = actor
            campaign.save(update_fields=["status"])
    return len(entries)


def campaign_entry_waive(*, entry: CampaignEntry, note: str, actor=None) -> CampaignEntry:
    """Take a member off the list with a reason (moved away, declined, visited otherwise)."""
    if not note.strip():
        raise DomainError("请填写不走访的原因。", code="note_required")
    if entry.status == CampaignEntry.Status.DONE:
        raise DomainError("已走访的人员不能改为不走访。", code="already_done")
    entry.status = CampaignEntry.Status.WAIVED
    entry.note = note[:200]
    entry._history_user = actor
    entry.save()
    return entry


# ---------------------------------------------------------------------------- hardship cases


def hardship_case_transition(
    *, case: HardshipCase, to_status: str, actor=None, on: datetime.date | None = None
):
    """Move a hardship case along its transition map."""
    check_transition(case, to_status)
    case.status = to_status
    case.closed_on = (on or datetime.date.today()) if to_status == HardshipCase.Status.CLOSED else None
    case._history_user = actor
    case.save()
    return case


def hardship_follow_up_add(*, case: HardshipCase, date, by: str, note: str, amount=0, actor=None):
    """Log a follow-up; the first one moves a newly registered case to 帮扶中."""
    if case.status == HardshipCase.Status.CLOSED:
        raise DomainError("已结案的帮扶对象不能再添加跟进。", code="case_closed")
    with transaction.atomic():
        follow_up = HardshipFollowUp(case=case, date=date, by=by, note=note, amount=amount)
        follow_up._history_user = actor
        follow_up.save()
        if case.status == HardshipCase.Status.OPEN:
            hardship_case_transition(case=case, to_status=HardshipCase.Status.HELPING, actor=actor)
    return follow_up


# ---------------------------------------------------------------------------- report


@dataclass
class CareReportRow:
    payer: str
    branch_id: int | None
    budget: Decimal | None
    visits: int = 0
    people: int = 0
    cash: Decimal = Decimal("0")
    goods: Decimal = Decimal("0")

    @property
    def spent(self) -> Decimal:
        return self.cash + self.goods

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.spent

    @property
    def usage(self) -> str:
        if not self.budget:
            return "—"
        return f"{self.spent * 100 / self.budget:.1f}%"


def care_report_total(rows: list[CareReportRow]) -> CareReportRow:
    """The 合计 line: the sum of the lines shown (budgets only where set)."""
    budgets = [r.budget for r in rows if r.budget is not None]
    return CareReportRow(
        payer="合计",
        branch_id=None,
        budget=sum(budgets, Decimal("0")) if budgets else None,
        visits=sum(r.visits for r in rows),
        people=sum(r.people for r in rows),
        cash=sum((r.cash for r in rows), Decimal("0")),
        goods=sum((r.goods for r in rows), Decimal("0")),
    )


def care_report(*, year: int, user) -> list[CareReportRow]:
    """Per budget line the user may see: visits, people reached, cash and goods, against the budget."""
    branches = list(Branch.objects.visible_to(user).order_by("sort_order", "pk"))
    budgets = {b.branch_id: b.amount for b in CareBudget.objects.visible_to(user).filter(year=year)}
    rows = {b.pk: CareReportRow(payer=b.name, branch_id=b.pk, budget=budgets.get(b.pk)) for b in branches}
    if is_association_staff(user):
        rows[None] = CareReportRow(payer="市协会本级", branch_id=None, budget=budgets.get(None))
    for line in CondolenceVisit.objects.visible_to(user).in_year(year).totals_by_payer():
        key = None if line["paid_by_association"] else line["member__branch_id"]
        row = rows.get(key)
        if row is None:
            continue
        row.visits += line["visits"]
        row.people += line["people"]
        row.cash += line["cash"]
        row.goods += line["goods"]
    return list(rows.values())
