"""Demo data of the 劳模工匠之家 network, made through the same services staff use.

Idempotent: houses are found by name; an existing house is left alone. Needs the branches
and members of ``seed_demo`` (which calls this command).
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from core.roles import ASSOCIATION_GROUP, OFFICER_GROUP
from core.scoping import scopes_disabled
from members.models import Branch, Member
from workshops.models import (
    Assessment,
    CoverageTarget,
    Criterion,
    Dimension,
    Standard,
    Subsidy,
    Workshop,
    WorkshopActivity,
)
from workshops.services import assessment_record, subsidy_record, workshop_apply, workshop_transition
from workshops.standard_seed import seed_standard

S = Workshop.Status
HOST_UNITS = {
    Workshop.Kind.ENTERPRISE: ["杭州汽轮动力集团有限公司", "杭州制氧机集团股份有限公司", "国网杭州供电公司",
                               "杭州地铁集团有限责任公司", "杭州市公交集团有限公司", "海康威视数字技术股份有限公司"],
    Workshop.Kind.STREET: ["{}某某街道", "{}城东街道", "{}文新街道"],
    Workshop.Kind.PARK: ["{}高新技术产业园", "{}智造小镇", "{}经济开发区"],
}  # fmt: skip
# The last stage each demo house reaches; most are named, a few are on the way or left.
STAGES = (
    [S.NAMED] * 30 + [S.APPLIED] * 3 + [S.REVIEWED] * 2 + [S.ACCEPTED, S.REJECTED, S.RECTIFYING, S.REVOKED]
)
UNCOVERED = {"chunan", "jiande"}  # demo branches left without a named house, to show the highlight
ACTIVITIES = [
    (WorkshopActivity.Kind.TRAINING, "{}技能提升培训班"),
    (WorkshopActivity.Kind.EXCHANGE, "{}创新成果交流会"),
    (WorkshopActivity.Kind.DEMONSTRATION, "{}绝技绝活展示"),
]


class Command(BaseCommand):
    help = (
        "创建劳模工匠之家演示数据（建设规范、约40家劳模工匠之家及其评估、补助、活动、年度目标；可重复运行）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2021, help="随机种子")

    @transaction.atomic
    @scopes_disabled()  # system job: demo data for every branch
    def handle(self, *args, seed, **options):
        seed_standard(Standard, Dimension, Criterion)
        branches = list(Branch.objects.order_by("sort_order", "pk"))
        if not branches or not Member.objects.exists():
            raise CommandError("请先运行 seed_demo 创建分会和劳模工匠。")
        staff, reviewer = self.actors()
        rng = random.Random(seed)
        today = timezone.localdate()
        created = 0
        covered = [b for b in branches if b.code not in UNCOVERED]
        for index, stage in enumerate(STAGES):
            branch = covered[index % len(covered)] if stage != S.APPLIED else branches[-(index % 3) - 1]
            if stage == S.APPLIED and index == STAGES.index(S.APPLIED):
                branch = next((b for b in branches if b.code in UNCOVERED), branch)
            kind = [Workshop.Kind.ENTERPRISE, Workshop.Kind.STREET, Workshop.Kind.PARK][index % 3]
            name = f"{branch.name}劳模工匠之家（{index + 1:02d}）"
            if Workshop.objects.filter(name=name).exists():
                continue
            members = list(Member.objects.filter(branch=branch).order_by("pk")[:40])
            if not members:
                continue
            self.build(name, branch, kind, members, stage, staff, reviewer, rng, today)
            created += 1
        # The demo member takes part in a named house of their branch (their page shows it).
        demo_member = Member.objects.filter(user__username="member").first()
        if demo_member is not None:
            house = (
                Workshop.objects.filter(branch=demo_member.branch_id, status=S.NAMED).order_by("pk").first()
            )
            if house is not None:
                house.members.add(demo_member)
        for year, target in ((today.year - 5, 15), (today.year - 4, 38), (today.year, 45)):
            CoverageTarget.objects.get_or_create(year=year, branch=None, defaults={"target_count": target})
        self.stdout.write(
            self.style.SUCCESS(f"新建劳模工匠之家 {created} 家；共 {Workshop.objects.count()} 家。")
        )

    def actors(self):
        User = get_user_model()
        association = Group.objects.get_or_create(name=ASSOCIATION_GROUP)[0]
        Group.objects.get_or_create(name=OFFICER_GROUP)
        staff = User.objects.filter(username="staff").first()
        if staff is None:
            staff = User.objects.create(username="staff", is_staff=True, first_name="协会工作人员")
            staff.set_unusable_password()
            staff.save()
            staff.groups.add(association)
        # A second association account reviews: nobody first-reviews an application they submitted.
        reviewer, made = User.objects.get_or_create(
            username="staff_review", defaults={"is_staff": True, "first_name": "协会评审组"}
        )
        if made:
            reviewer.set_unusable_password()
            reviewer.save()
        reviewer.groups.add(association)
        return staff, reviewer

    def build(self, name, branch, kind, members, stage, staff, reviewer, rng, today):
        """One house through the services, then its transitions dated along one timeline:
        founded, applied, first review, acceptance, naming, last year's annual review (and a
        rectification or revocation after it), each after the one before and none after today.
        Houses still on the way (applied, reviewed, accepted, rejected) applied this year."""
        order = [S.APPLIED, S.REVIEWED, S.ACCEPTED, S.NAMED]
        leader = rng.choice(members)
        host = rng.choice(HOST_UNITS[kind]).format(branch.name)
        reached = order.index(stage) if stage in order else len(order) - 1
        year_start = datetime.date(today.year, 1, 1)
        # A fifth of the named houses were named this year (once the year is three months old).
        named_this_year = stage == S.NAMED and (today - year_start).days >= 90 and rng.random() < 0.2
        if named_this_year:
            accepted_on = year_start + datetime.timedelta(days=rng.randint(0, (today - year_start).days - 70))
            applied_on = accepted_on - datetime.timedelta(days=rng.randint(60, 120))
        elif stage in (S.NAMED, S.RECTIFYING, S.REVOKED):
            named_year = rng.randint(today.year - 6, today.year - 1)
            accepted_on = datetime.date(named_year, rng.randint(1, 6), rng.randint(1, 28))
            applied_on = accepted_on - datetime.timedelta(days=rng.randint(60, 120))
        else:  # on the way this year: applied between New Year and a week ago
            days = max((today - year_start).days - 7, 0)
            applied_on = year_start + datetime.timedelta(days=rng.randint(0, days) if days else 0)
            accepted_on = min(applied_on + datetime.timedelta(days=rng.randint(40, 90)), today)
        reviewed_on = min(applied_on + datetime.timedelta(days=rng.randint(10, 30)), accepted_on, today)
        workshop = Workshop(
            name=name, host_unit=host, kind=kind, branch=branch, leader=leader,
            address=f"杭州市{branch.name}某某路{rng.randint(1, 500)}号",
            established_on=applied_on - datetime.timedelta(days=rng.randint(200, 500)),
            description=f"依托{host}建设，由{leader.name}领衔，开展技能培训、成果交流和技艺展示。",
        )  # fmt: skip
        workshop_apply(workshop=workshop, actor=staff, comment="申报材料齐全，提交申报。")
        timeline = [applied_on]
        workshop.members.add(*rng.sample(members, min(len(members), rng.randint(3, 6))))
        if stage == S.REJECTED:
            workshop_transition(
                workshop=workshop,
                to_status=S.REJECTED,
                actor=reviewer,
                comment="阵地面积不足，建议整改后重新申报。",
            )
            self.date_transitions(workshop, timeline + [reviewed_on])
            return
        if reached >= 1:
            workshop_transition(
                workshop=workshop, to_status=S.REVIEWED, actor=reviewer, comment="材料齐全，同意推荐验收。"
            )
            timeline.append(reviewed_on)
        if reached >= 2:
            self.assess(workshop, Assessment.Purpose.ACCEPTANCE, accepted_on, None, staff, rng, passing=True)
            workshop_transition(workshop=workshop, to_status=S.ACCEPTED, actor=reviewer, comment="验收合格。")
            timeline.append(accepted_on)
        if reached >= 3:
            named_on = accepted_on + datetime.timedelta(days=rng.randint(20, 60 if named_this_year else 120))
            workshop_transition(
                workshop=workshop, to_status=S.NAMED, actor=reviewer, comment="同意命名。",
                naming_document_number=f"杭劳模协〔{named_on.year}〕{rng.randint(1, 30)}号", named_on=named_on,
            )  # fmt: skip
            timeline.append(named_on)
            self.money_and_activities(workshop, members, named_on, staff, rng, today)
            if named_this_year:
                self.date_transitions(workshop, timeline)
                return  # its first annual review comes at the end of the year
            # Last year's annual review, held in late November (after the naming: a house is
            # named by the end of October at the latest).
            review_year = today.year - 1
            passing = stage != S.RECTIFYING and stage != S.REVOKED
            review_on = datetime.date(review_year, 11, 20)
            self.assess(
                workshop,
                Assessment.Purpose.ANNUAL_REVIEW,
                review_on,
                review_year,
                staff,
                rng,
                passing=passing,
            )
            if passing:
                workshop_transition(
                    workshop=workshop,
                    to_status=S.NAMED,
                    actor=reviewer,
                    review_year=review_year,
                    comment="年度复核合格。",
                )
            else:
                workshop_transition(
                    workshop=workshop, to_status=S.RECTIFYING, actor=reviewer, review_year=review_year,
                    comment="活动开展不足，限期三个月整改。",
                )  # fmt: skip
            timeline.append(review_on + datetime.timedelta(days=10))
            if stage == S.REVOKED:
                workshop_transition(
                    workshop=workshop,
                    to_status=S.REVOKED,
                    actor=reviewer,
                    reason="整改期满仍未达到建设规范要求。",
                )
                revoked_on = min(review_on + datetime.timedelta(days=110), today)
                timeline.append(revoked_on)
                Workshop.objects.filter(pk=workshop.pk).update(revoked_on=revoked_on)
        self.date_transitions(workshop, timeline)

    def date_transitions(self, workshop, dates):
        """The services stamp each step with the moment it was made (now); a demo house's steps
        happened on the dates of its story, in order."""
        steps = list(workshop.transitions.order_by("pk"))
        for step, day in zip(steps, dates, strict=True):
            at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, step.pk % 50)))
            type(step).objects.filter(pk=step.pk).update(at=at)
        created = timezone.make_aware(datetime.datetime.combine(dates[0], datetime.time(9)))
        Workshop.objects.filter(pk=workshop.pk).update(created_at=created)

    def assess(self, workshop, purpose, assessed_on, review_year, actor, rng, *, passing):
        standard = Standard.objects.get(is_active=True)
        criteria = Criterion.objects.filter(dimension__standard=standard)
        share = (lambda: rng.uniform(0.85, 1.0)) if passing else (lambda: rng.uniform(0.4, 0.7))
        scores = {
            c.pk: (c.max_score * Decimal(str(round(share(), 2)))).quantize(Decimal("0.5")) for c in criteria
        }
        assessment = Assessment(
            workshop=workshop, standard=standard, purpose=purpose, review_year=review_year,
            assessed_on=assessed_on, assessors="市劳模工匠协会评估组", conclusion="按建设规范逐项评分。",
        )  # fmt: skip
        return assessment_record(assessment=assessment, scores=scores, actor=actor)

    def money_and_activities(self, workshop, members, named_on, staff, rng, today):
        subsidy_record(
            subsidy=Subsidy(workshop=workshop, year=named_on.year, amount=Decimal(rng.choice([50000, 80000, 100000])),
                            purpose=Subsidy.Purpose.AWARD, paid_on=named_on + datetime.timedelta(days=30) if named_on + datetime.timedelta(days=30) <= today else named_on,
                            document_number=f"补〔{named_on.year}〕{rng.randint(1, 99)}号"),
            actor=staff,
        )  # fmt: skip
        for year in range(named_on.year + 1, today.year + 1):
            paid_on = min(datetime.date(year, 4, 15), today)
            subsidy_record(
                subsidy=Subsidy(workshop=workshop, year=year, amount=Decimal(rng.choice([20000, 30000])),
                                purpose=Subsidy.Purpose.OPERATION, paid_on=paid_on),
                actor=staff,
            )  # fmt: skip
        # One activity soon after the naming, one this year (both on or before today).
        year_start = datetime.date(today.year, 1, 1)
        this_year = year_start + datetime.timedelta(days=rng.randint(0, (today - year_start).days))
        this_year = max(this_year, named_on)  # a house named this year is active from its naming
        after_naming = min(named_on + datetime.timedelta(days=rng.randint(30, 300)), today)
        for (kind, title), held_on in zip(rng.sample(ACTIVITIES, 2), (after_naming, this_year), strict=True):
            activity = WorkshopActivity.objects.create(
                workshop=workshop, kind=kind, title=title.format(workshop.leader.name), held_on=held_on,
                participants=rng.randint(15, 120), summary="演示数据。",
            )  # fmt: skip
            activity.presenters.add(workshop.leader)
