"""Demo data of care and contact work for the current year, on top of seed_demo (idempotent):
care budgets and visits, a holiday visiting campaign, hardship cases, letters, visits and calls
(open, overdue, answered, closed) and this week's birthday greetings.

Every date lies in the current year and on or before today; each year's data is made once
(a re-run finds the year's budgets, campaign and cases and adds nothing).
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from core.roles import ASSOCIATION_GROUP
from core.scoping import scopes_disabled
from members.models import Branch, Member
from wellbeing.models import (
    CampaignEntry,
    CareBudget,
    CondolenceVisit,
    HardshipCase,
    Inquiry,
    InquiryLog,
    VisitCampaign,
)
from wellbeing.services.care import (
    campaign_entry_waive,
    campaign_generate,
    condolence_visit_save,
    hardship_case_transition,
    hardship_follow_up_add,
)
from wellbeing.services.greetings import birthday_greetings_send
from wellbeing.services.inquiries import inquiry_assign, inquiry_register, inquiry_transition

V = CondolenceVisit.Occasion
VISITS = [
    (V.HOLIDAY, Decimal("1000"), "米、油、慰问信", Decimal("300")),
    (V.SERIOUS_ILLNESS, Decimal("2000"), "营养品", Decimal("500")),
    (V.HARDSHIP, Decimal("3000"), "", Decimal("0")),
    (V.ACCIDENT, Decimal("1500"), "慰问花篮", Decimal("200")),
]
ST = Inquiry.Status
# subject, category, channel, received days ago, the status it reached
INQUIRIES = [
    ("咨询劳模荣誉津贴发放标准", Inquiry.Category.TREATMENT, Inquiry.Channel.CALL, 3, ST.REGISTERED),
    (
        "申请开具劳模身份证明用于子女入学",
        Inquiry.Category.CERTIFICATE,
        Inquiry.Channel.VISIT,
        8,
        ST.IN_PROGRESS,
    ),
    ("反映退休后医疗补助未到账", Inquiry.Category.MEDICAL, Inquiry.Channel.LETTER, 45, ST.IN_PROGRESS),
    ("询问今年疗休养报名条件", Inquiry.Category.CONVALESCENCE, Inquiry.Channel.ONLINE, 30, ST.REPLIED),
    ("家庭遭遇火灾请求帮扶", Inquiry.Category.HARDSHIP, Inquiry.Channel.VISIT, 70, ST.FOLLOWED_UP),
    ("建议增加工匠技能交流活动", Inquiry.Category.SUGGESTION, Inquiry.Channel.LETTER, 120, ST.CLOSED),
]
PATH = [ST.IN_PROGRESS, ST.REPLIED, ST.FOLLOWED_UP, ST.CLOSED]
NOTES = {ST.REPLIED: "已电话答复当事人，并寄送书面答复。", ST.FOLLOWED_UP: "回访：当事人对办理结果表示满意。"}
CAMPAIGNS = {  # month of the year -> the holiday campaign running then
    1: VisitCampaign.Occasion.SPRING_FESTIVAL, 2: VisitCampaign.Occasion.SPRING_FESTIVAL,
    4: VisitCampaign.Occasion.MAY_DAY, 5: VisitCampaign.Occasion.MAY_DAY,
    9: VisitCampaign.Occasion.NATIONAL_DAY, 10: VisitCampaign.Occasion.NATIONAL_DAY,
}  # fmt: skip


class Command(BaseCommand):
    help = "创建本年度关心关爱演示数据：慰问经费预算、走访慰问、节日走访、帮扶对象、来信来访来电和本周生日祝福（可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="随机种子")

    @transaction.atomic
    @scopes_disabled()  # system job: demo data for every branch
    def handle(self, *args, seed, **options):
        staff = get_user_model().objects.filter(username="staff", groups__name=ASSOCIATION_GROUP).first()
        branches = list(Branch.objects.filter(active=True).order_by("sort_order", "pk"))
        if staff is None or not branches:
            raise CommandError("请先运行 seed_demo 创建分会、会员和协会工作人员账号。")
        today = timezone.localdate()
        rng = random.Random(f"{seed}-{today.year}")
        counts = {"visits": 0, "cases": 0, "inquiries": 0}
        if not CareBudget.objects.filter(year=today.year).exists():
            self.budgets(branches, today.year, rng)
            for branch in branches:
                self.visits(branch, staff, today, rng, counts)
            self.hardship(branches, staff, today, rng, counts)
            self.inquiries(branches, staff, today, rng, counts)
        campaign = self.campaign(staff, today, rng)
        greeted = self.greetings(today)
        self.stdout.write(
            self.style.SUCCESS(
                f"关心关爱演示数据：走访慰问 {counts['visits']} 次、帮扶对象 {counts['cases']} 名、"
                f"来信来访来电 {counts['inquiries']} 件；{campaign}名单 {campaign.entries.count()} 人；"
                f"本周生日祝福 {greeted} 条。"
            )
        )

    @staticmethod
    def day_this_year(today, rng, *, latest_days_ago=0):
        """A day between New Year and ``latest_days_ago`` days before today (today at the latest)."""
        year_start = datetime.date(today.year, 1, 1)
        last = max(today - datetime.timedelta(days=latest_days_ago), year_start)
        return year_start + datetime.timedelta(days=rng.randint(0, (last - year_start).days))

    def budgets(self, branches, year, rng):
        CareBudget.objects.create(branch=None, year=year, amount=Decimal("200000"), notes="市协会本级")
        for branch in branches:
            CareBudget.objects.create(
                branch=branch, year=year, amount=Decimal(rng.choice([20000, 30000, 50000]))
            )

    def visits(self, branch, staff, today, rng, counts):
        members = list(Member.objects.filter(branch=branch, status=Member.Status.ACTIVE).order_by("pk")[:6])
        for index, member in enumerate(members[:3]):
            occasion, cash, goods, value = VISITS[(index + branch.sort_order) % len(VISITS)]
            visit = CondolenceVisit(
                member=member, visit_date=self.day_this_year(today, rng), occasion=occasion,
                visitors=f"{branch.name}分会工作人员、协会秘书处", cash_amount=cash, goods=goods, goods_value=value,
                paid_by_association=index == 2, notes=f"{member.name}身体状况稳定，对组织的关心表示感谢。",
            )  # fmt: skip
            condolence_visit_save(visit=visit, actor=staff, confirm_overspend=True)
            counts["visits"] += 1

    def hardship(self, branches, staff, today, rng, counts):
        kinds = [HardshipCase.Kind.ILLNESS, HardshipCase.Kind.LIVING, HardshipCase.Kind.ACCIDENT]
        for index, branch in enumerate(branches[:6]):
            member = Member.objects.filter(branch=branch, status=Member.Status.ACTIVE).order_by("-pk").first()
            if member is None:
                continue
            opened = self.day_this_year(today, rng, latest_days_ago=30)
            case = HardshipCase.objects.create(
                member=member, kind=kinds[index % 3], opened_on=opened,
                description="本人患病住院，家庭收入减少，医疗费用负担较重。",
            )  # fmt: skip
            counts["cases"] += 1
            if index % 3 == 0:
                continue  # newly registered, not yet helped
            helped = min(opened + datetime.timedelta(days=rng.randint(5, 20)), today)
            hardship_follow_up_add(
                case=case, date=helped, by="分会工作人员", note="上门了解情况，发放帮扶金。",
                amount=Decimal("2000"), actor=staff,
            )  # fmt: skip
            if index % 3 == 2:
                closed = min(helped + datetime.timedelta(days=rng.randint(5, 20)), today)
                hardship_case_transition(case=case, to_status=HardshipCase.Status.RESOLVED, actor=staff)
                hardship_case_transition(
                    case=case, to_status=HardshipCase.Status.CLOSED, actor=staff, on=closed
                )

    def inquiries(self, branches, staff, today, rng, counts):
        officers = {
            o.officer_profile.branch_id: o
            for o in get_user_model()
            .objects.filter(officer_profile__isnull=False)
            .select_related("officer_profile")
        }
        year_start = datetime.date(today.year, 1, 1)
        # Officers' branches first, so each demo officer has cases of every status.
        order = sorted(branches, key=lambda b: (b.pk not in officers, b.sort_order))
        for branch in [*order[:4], None]:
            member = None
            if branch is not None:
                member = Member.objects.filter(branch=branch).order_by("pk").first()
            for subject, category, channel, days_ago, status in INQUIRIES:
                received = max(today - datetime.timedelta(days=days_ago + rng.randint(0, 3)), year_start)
                received_at = timezone.make_aware(datetime.datetime.combine(received, datetime.time(9, 30)))
                inquiry = inquiry_register(
                    inquiry=Inquiry(
                        channel=channel, received_at=received_at, branch=branch, member=member,
                        person_name=member.name if member else "王女士", contact=member.mobile if member else "0571-87000000",
                        subject=subject, category=category, content=f"{subject}，请协会帮助了解并答复。",
                    ),
                    actor=staff,
                )  # fmt: skip
                counts["inquiries"] += 1
                if branch is not None and branch.pk in officers:
                    inquiry_assign(inquiry=inquiry, officer=officers[branch.pk], actor=staff)
                steps = PATH[: PATH.index(status) + 1] if status in PATH else []
                for step in steps:
                    inquiry_transition(inquiry=inquiry, to_status=step, actor=staff, note=NOTES.get(step, ""))
                self.date_log(inquiry, received_at, steps, today)

    def date_log(self, inquiry, received_at, steps, today):
        """The services stamp each step with now; a demo case's steps happened after it was received:
        a few days apart, the last one no later than now."""
        now = timezone.now()
        logs = list(InquiryLog.objects.filter(inquiry=inquiry).order_by("pk"))
        span = max((now - received_at).total_seconds(), 0)
        stamps = {}
        for position, log in enumerate(logs):
            at = received_at + datetime.timedelta(seconds=span * position / max(len(logs), 1))
            InquiryLog.objects.filter(pk=log.pk).update(at=at)
            stamps[log.kind] = at
        fields = {}
        if ST.REPLIED in steps:
            fields["replied_at"] = stamps.get(InquiryLog.Kind.REPLY)
        if ST.CLOSED in steps:
            fields["closed_at"] = received_at + datetime.timedelta(
                seconds=span * (len(logs) - 1) / max(len(logs), 1)
            )
        if fields:
            Inquiry.objects.filter(pk=inquiry.pk).update(**fields)

    def campaign(self, staff, today, rng):
        """The holiday campaign of this season (or a year-end one): the list generated by its rules,
        part of it visited, a few waived."""
        occasion = CAMPAIGNS.get(today.month, VisitCampaign.Occasion.OTHER)
        label = "岁末" if occasion == VisitCampaign.Occasion.OTHER else VisitCampaign.Occasion(occasion).label
        year_end = datetime.date(today.year, 12, 31)
        campaign, created = VisitCampaign.objects.get_or_create(
            occasion=occasion, year=today.year,
            defaults={
                "name": f"{today.year}年{label}走访慰问", "starts_on": max(today - datetime.timedelta(days=10), datetime.date(today.year, 1, 1)),
                "ends_on": min(today + datetime.timedelta(days=20), year_end), "standard_amount": Decimal("1000"),
            },
        )  # fmt: skip
        if not created:
            return campaign
        campaign_generate(campaign=campaign, actor=staff)
        entries = list(
            CampaignEntry.objects.filter(campaign=campaign).select_related("member").order_by("pk")
        )
        for index, entry in enumerate(entries):
            if index % 3 == 0:
                day = campaign.starts_on + datetime.timedelta(
                    days=rng.randint(0, (today - campaign.starts_on).days)
                )
                visit = CondolenceVisit(
                    member=entry.member, visit_date=day, occasion=V.HOLIDAY, campaign_entry=entry,
                    visitors="分会工作人员", cash_amount=campaign.standard_amount, goods="慰问品",
                    goods_value=Decimal("200"),
                )  # fmt: skip
                condolence_visit_save(visit=visit, actor=staff, confirm_overspend=True)
            elif index % 10 == 1:
                campaign_entry_waive(entry=entry, note="本人已随子女迁居外地。", actor=staff)
        return campaign

    def greetings(self, today) -> int:
        """This week's birthdays, Monday until today, greeted as the daily job would have."""
        monday = today - datetime.timedelta(days=today.weekday())
        greeted = 0
        for offset in range((today - monday).days + 1):
            run = birthday_greetings_send(day=monday + datetime.timedelta(days=offset))
            greeted += run.claimed
        return greeted
