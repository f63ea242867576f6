"""Demo data for convalescence trips, on top of seed_demo: rules, work profiles, three trips."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import DomainError
from core.roles import ASSOCIATION_GROUP
from core.scoping import scopes_disabled
from members.models import Branch, Member
from wellbeing.models import (
    ConvalescenceTrip,
    EpidemicRole,
    MemberWorkProfile,
    Nomination,
    ProgrammeItem,
    TripQuota,
    TripRules,
    TripStatus,
)
from wellbeing.services.trips import nomination_approve, nomination_create

ROLES = [r for r in EpidemicRole.values if r]
PROGRAMME = [
    (ProgrammeItem.Kind.RED_EDUCATION, "红色教育：重温入党誓词", "革命纪念馆", 1, 9),
    (ProgrammeItem.Kind.COUNSELLING, "心理辅导：压力管理与情绪调适", "基地报告厅", 1, 14),
    (ProgrammeItem.Kind.SAFETY, "安全知识：出行与急救常识", "基地报告厅", 2, 9),
    (ProgrammeItem.Kind.HEALTH, "健康讲座与体检", "基地医务室", 2, 14),
    (ProgrammeItem.Kind.EXCHANGE, "劳模工匠交流座谈", "会议室", 3, 9),
]


class Command(BaseCommand):
    help = "创建疗休养演示数据（需先运行 seed_demo；可重复运行，不会重复创建）。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="随机种子")

    @transaction.atomic
    @scopes_disabled()  # system job: demo data for every branch
    def handle(self, *args, seed, **options):
        rng = random.Random(seed)
        actor = (
            get_user_model()
            .objects.filter(Q(is_superuser=True) | Q(is_staff=True, groups__name=ASSOCIATION_GROUP))
            .first()
        )
        branches = list(Branch.objects.filter(active=True))
        if actor is None or not branches:
            raise CommandError("请先运行 seed_demo 创建分会、会员和协会工作人员账号。")
        TripRules.load()
        profiles = self.seed_profiles(rng)
        today = timezone.localdate()
        past = self.trip(
            "长白山疗休养（对口合作）", "changbaishan", today - datetime.timedelta(days=400), 40, branches
        )
        current = self.trip("千岛湖疗休养", "province", today + datetime.timedelta(days=45), 60, branches)
        self.trip("甘孜州疗休养（对口支援）", "ganzi", today + datetime.timedelta(days=120), 40, branches)
        nominated = 0
        if not current.nominations.exists():
            if current.status == TripStatus.PLANNING:
                ConvalescenceTrip.objects.filter(pk=current.pk).update(status=TripStatus.OPEN)
                current.refresh_from_db()
            members = list(Member.objects.active().filter(work_profile__health_status__lte=2))
            rng.shuffle(members)
            for member in members[:80]:
                try:
                    n = nomination_create(trip=current, member=member, actor=actor, reason="分会推荐")
                except DomainError:
                    continue
                nominated += 1
                if n.status == Nomination.Status.PENDING and rng.random() < 0.6:
                    nomination_approve(nomination=n, actor=actor)
        if not past.nominations.exists():
            for member in Member.objects.active().order_by("?")[:30]:
                Nomination.objects.create(
                    trip=past, member=member, branch_id=member.branch_id, status=Nomination.Status.APPROVED,
                    departed_at=timezone.make_aware(datetime.datetime.combine(past.start_date, datetime.time(8))),
                )  # fmt: skip
            ConvalescenceTrip.objects.filter(pk=past.pk).update(status=TripStatus.COMPLETED)
        self.stdout.write(
            self.style.SUCCESS(f"工作与健康情况 {profiles} 条；千岛湖团新推荐 {nominated} 人。")
        )

    def seed_profiles(self, rng) -> int:
        created = 0
        for member in Member.objects.filter(work_profile__isnull=True):
            role = rng.choice(ROLES) if rng.random() < 0.2 else ""
            MemberWorkProfile.objects.create(
                member=member,
                front_line=rng.random() < 0.5,
                heavy_or_harsh=rng.random() < 0.25,
                epidemic_role=role,
                epidemic_service="2020年疫情防控一线服务" if role else "",
                health_status=rng.choices([1, 2, 3, 4], weights=[60, 30, 6, 4])[0],
                health_checked_on=timezone.localdate(),
            )
            created += 1
        return created

    def trip(self, name, region, start, capacity, branches) -> ConvalescenceTrip:
        trip, created = ConvalescenceTrip.objects.get_or_create(
            name=name,
            defaults={
                "region": region, "route": f"杭州—{name[:3]}", "destination": f"{name[:3]}职工疗休养基地",
                "start_date": start, "end_date": start + datetime.timedelta(days=4), "capacity": capacity,
                "cost_per_person": 3200, "requires_travel_history": region != "province",
            },
        )  # fmt: skip
        if created:
            per_branch = max(capacity // len(branches), 1)
            for branch in branches[: capacity // per_branch]:
                TripQuota.objects.create(trip=trip, branch=branch, places=per_branch)
            for kind, title, location, day, hour in PROGRAMME:
                starts = timezone.make_aware(
                    datetime.datetime.combine(start + datetime.timedelta(days=day), datetime.time(hour))
                )
                ProgrammeItem.objects.create(
                    trip=trip, kind=kind, title=title, location=location, starts_at=starts,
                    ends_at=starts + datetime.timedelta(hours=2),
                )  # fmt: skip
        return trip
