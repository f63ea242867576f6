"""Demo data of the volunteering app for the members seed_demo created (idempotent)."""

import datetime
import random
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core.scoping import scopes_disabled
from members.models import Branch, Member
from volunteering import services
from volunteering.models import (
    Beneficiary,
    Course,
    Donation,
    Participation,
    ServiceEvent,
    ServiceRequest,
    ServiceTeam,
    TeamMembership,
)

C = ServiceEvent.Category
ORGANISATIONS = [
    ("精工机械配件厂", Beneficiary.Kind.ENTERPRISE, True),
    ("恒达电子科技有限公司", Beneficiary.Kind.ENTERPRISE, True),
    ("新塘纺织有限公司", Beneficiary.Kind.ENTERPRISE, True),
    ("东方数控设备有限公司", Beneficiary.Kind.ENTERPRISE, False),
    ("文新街道社区", Beneficiary.Kind.COMMUNITY, False),
    ("城西职业技术学校", Beneficiary.Kind.SCHOOL, False),
]
ACTIVITIES = [
    (C.TECHNICAL, "数控机床精度故障攻关", Decimal("6")),
    (C.INSPECTION, "配电设备安全巡查会诊", Decimal("4")),
    (C.COOPERATION, "小微企业焊接工艺协作帮扶", Decimal("8")),
    (C.PUBLIC_WELFARE, "社区义务维修日", Decimal("3")),
    (C.CONTEST_TRAINING, "926工匠日焊接竞赛集训", Decimal("16")),
    (C.EPIDEMIC, "社区疫情防控志愿服务", Decimal("5")),
]
COURSES = [
    ("焊接工艺与质量控制", Course.Audience.STUDENTS),
    ("精益生产与班组管理", Course.Audience.WORKERS),
    ("从学徒到工匠：我的成长之路", Course.Audience.PUPILS),
]


class Command(BaseCommand):
    help = (
        "创建志愿服务演示数据：各分会的服务队、服务活动、参与记录、服务需求、捐赠和双百课程（可重复运行）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="随机种子")

    @transaction.atomic
    @scopes_disabled()  # system job: demo data for every branch
    def handle(self, *args, seed, **options):
        counts = {"teams": 0, "events": 0}
        today = timezone.localdate()
        for branch in Branch.objects.order_by("sort_order", "pk"):
            members = list(
                Member.objects.filter(branch=branch, status=Member.Status.ACTIVE)
                .select_related("user")
                .order_by("pk")[:12]
            )
            members += [
                m
                for m in Member.objects.filter(branch=branch, user__username="member").select_related("user")
                if m not in members
            ]
            if len(members) < 2:  # a team needs a leader and a donor
                continue
            rng = random.Random(f"{seed}-{branch.code}")
            team = self.team(branch, members, counts)
            orgs = self.organisations(branch)
            course = self.course(members[0], rng)
            for index, (category, title, hours) in enumerate(ACTIVITIES):
                for years_ago in (1, 0):
                    # One generator per event: a re-run that skips existing events draws the same.
                    event_rng = random.Random(f"{seed}-{branch.code}-{index}-{years_ago}")
                    date = self.date(today, years_ago, index, event_rng)
                    self.event(team, category, title, hours, date, members, orgs, event_rng, counts)
            class_rng = random.Random(f"{seed}-{branch.code}-class")
            self.event(team, C.CLASS, f"双百工程送课：{course.subject}", course.duration_hours,
                       self.date(today, 0, 7, class_rng), members[:1], orgs[-1:], class_rng, counts,
                       course=course)  # fmt: skip
            self.requests(branch, team, orgs)
            self.donation(members[1], team, today)
        self.stdout.write(
            self.style.SUCCESS(
                f"志愿服务演示数据：新建服务队 {counts['teams']} 支、服务活动 {counts['events']} 项；"
                f"共 {ServiceEvent.objects.count()} 项活动、{Participation.objects.count()} 条参与记录。"
            )
        )

    def date(self, today, years_ago, index, rng):
        """Last year's events spread over its months; this year's first four spread between
        New Year and yesterday (completed), the later ones in the coming weeks (planned),
        never past the end of the year."""
        if years_ago:
            month = 1 + (index * 2 + rng.randint(0, 1)) % 12
            return datetime.date(today.year - years_ago, month, rng.randint(1, 28))
        year_start, year_end = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
        if index >= 4:
            return min(today + datetime.timedelta(days=rng.randint(3, 40)), year_end)
        days = max((today - year_start).days - 1, 0)
        return year_start + datetime.timedelta(days=days * (2 * index + 1) // 8 + rng.randint(0, days // 16))

    def team(self, branch, members, counts):
        team, created = ServiceTeam.objects.get_or_create(
            branch=branch,
            name=f"{branch.name}劳模工匠技术服务队",
            defaults={
                "kind": ServiceTeam.Kind.TECHNICAL,
                "leader": members[0],
                "speciality": "数控加工、焊接工艺、电气设备检修",
                "founded_on": datetime.date(2020, 5, 1),
            },
        )
        counts["teams"] += created
        for member in members:
            TeamMembership.objects.get_or_create(team=team, member=member)
        return team

    def organisations(self, branch):
        return [
            Beneficiary.objects.get_or_create(
                branch=branch,
                name=f"{branch.name.rstrip('区县市工会')}{name}",
                defaults={"kind": kind, "is_small_micro": small},
            )[0]
            for name, kind, small in ORGANISATIONS
        ]

    def course(self, teacher, rng):
        subject, audience = COURSES[rng.randrange(len(COURSES))]
        return Course.objects.get_or_create(
            teacher=teacher, subject=subject, defaults={"audience": audience}
        )[0]

    def event(self, team, category, title, hours, date, members, orgs, rng, counts, course=None):
        if ServiceEvent.objects.filter(team=team, title=title, date=date).exists():
            return
        event = services.service_event_create(
            team=team,
            title=title,
            category=category,
            date=date,
            duration_hours=hours,
            place=orgs[0].name if orgs else team.branch.name,
            beneficiaries=rng.sample(orgs, k=min(len(orgs), rng.randint(1, 2))),
            course=course,
            audience_count=rng.randint(10, 80),
            description=f"{team.name}开展{title}。",
            outcome="问题已解决，企业反馈良好。" if category == C.TECHNICAL else "",
        )
        chosen = rng.sample(members, k=min(len(members), rng.randint(2, 5)))
        # The demo login's member serves in every event of their branch, so /me/ shows a record.
        chosen += [m for m in members if m.user_id and m.user.username == "member" and m not in chosen]
        for position, member in enumerate(chosen):
            role = Participation.Role.LEADER if position == 0 else Participation.Role.VOLUNTEER
            if course is not None:
                role = Participation.Role.TEACHER
            worked = min(hours, Decimal(rng.choice(["2", "3", "4", "6", "8"])))
            services.participation_record(event=event, member=member, hours=worked, role=role)
        if date < timezone.localdate():
            services.service_event_complete(event=event, actor=None)
        counts["events"] += 1

    def requests(self, branch, team, orgs):
        if ServiceRequest.objects.filter(branch=branch).exists():
            return
        small = [o for o in orgs if o.is_small_micro]
        services.service_request_submit(
            branch=branch,
            requester=small[0],
            title="生产线设备频繁停机，请求技术诊断",
            problem="自动化生产线伺服电机近一个月频繁报警停机，企业缺少相关技术人员。",
            contact_name="王经理",
            contact_phone="0571-88000000",
            urgency=ServiceRequest.Urgency.URGENT,
        )
        waiting = services.service_request_submit(
            branch=branch,
            requester=small[1],
            title="产品焊缝质量不稳定",
            problem="小批量焊接件焊缝气孔较多，希望劳模工匠上门指导。",
            contact_name="李主任",
            contact_phone="0571-88000001",
        )
        services.service_request_assign(request=waiting, team=team, actor=None)

    def donation(self, member, team, today):
        receipt = f"DEMO-{team.branch.code}-{today.year}"
        if Donation.objects.filter(receipt_number=receipt).exists():
            return
        services.donation_record(
            kind=Donation.Kind.MONEY, value="5000", cause="结对帮扶", date=today, member=member,
            recipient="淳安县困难职工", receipt_number=receipt,
        )  # fmt: skip
        services.donation_record(
            kind=Donation.Kind.GOODS, value="12000", cause="疫情防控", date=today, team=team,
            goods_description="口罩2万只、消毒液200箱", recipient="社区防疫点", receipt_number=receipt + "-G",
        )  # fmt: skip
