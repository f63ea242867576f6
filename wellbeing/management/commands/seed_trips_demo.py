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
from wellbeing.services.trips import (
    nomination_approve,
    nomination_create,
    nomination_reject,
    nomination_withdraw,
)

ROLES = [r for r in EpidemicRole.values if r]
PROGRAMME = [
    (ProgrammeItem.Kind.RED_EDUCATION, "红色教育：重温入党誓词", "革命纪念馆", 1, 9),
    (ProgrammeItem.Kind.COUNSELLING, "心理辅导：压力管理与情绪调适", "基地报告厅", 1, 14),
    (ProgrammeItem.Kind.SAFETY, "安全知识：出行与急救常识", "基地报告厅", 2, 9),
    (ProgrammeItem.Kind.HEALTH, "健康讲座与体检", "基地医务室", 2, 14),
    (ProgrammeItem.Kind.EXCHANGE, "劳模工匠交流座谈", "会议室", 3, 9),
]


def trip_dates(today: datetime.date):
    """(start, end) of this year's three demo trips, all inside the current year: one completed
    before today (None in the first days of January, when there is no room for it), one open
    for nominations and one being planned, both after today."""
    year_start, year_end = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
    past = None
    if (today - year_start).days >= 10:
        start = year_start + datetime.timedelta(days=(today - year_start).days // 2)
        past = (start, min(start + datetime.timedelta(days=4), today - datetime.timedelta(days=1)))
    left = (year_end - today).days
    open_start = today + datetime.timedelta(days=min(30, left // 3))
    planned_start = today + datetime.timedelta(days=min(120, left * 2 // 3))

    def span(start):
        return start, min(start + datetime.timedelta(days=4), year_end)

    return past, span(open_start), span(planned_start)


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
        past_dates, open_dates, planned_dates = trip_dates(today)
        year = today.year
        current = self.trip(f"{year}年千岛湖疗休养", "province", open_dates, 60, branches)
        self.trip(f"{year}年甘孜州疗休养（对口支援）", "ganzi", planned_dates, 40, branches)
        nominated = 0
        if not current.nominations.exists():
            if current.status == TripStatus.PLANNING:
                ConvalescenceTrip.objects.filter(pk=current.pk).update(status=TripStatus.OPEN)
                current.refresh_from_db()
            nominated = self.nominate(current, actor, rng)
        if past_dates is not None:
            past = self.trip(f"{year}年长白山疗休养（对口合作）", "changbaishan", past_dates, 40, branches)
            if not past.nominations.exists():
                self.completed_nominations(past, rng)
        self.stdout.write(
            self.style.SUCCESS(f"工作与健康情况 {profiles} 条；{current.name}新推荐 {nominated} 人。")
        )

    def nominate(self, trip, actor, rng) -> int:
        """The open trip's nominations in every state a staff member meets: pending, approved,
        waitlisted (the branch's places are taken), rejected and withdrawn."""
        nominated = 0
        members = list(Member.objects.active().filter(work_profile__health_status__lte=2).order_by("pk"))
        rng.shuffle(members)
        made = []
        for member in members[:80]:
            try:
                made.append(nomination_create(trip=trip, member=member, actor=actor, reason="分会推荐"))
            except DomainError:
                continue
            nominated += 1
        pending = [n for n in made if n.status == Nomination.Status.PENDING]
        waiting = [n for n in made if n.status == Nomination.Status.WAITLISTED]
        for index, n in enumerate(pending):
            if index % 5 in (0, 1, 2):
                nomination_approve(nomination=n, actor=actor)
            elif index % 5 == 3 and index < 20:
                nomination_reject(
                    nomination=n, actor=actor, note="近一年内已参加疗休养，名额让给未参加过的同志。"
                )
        for index, n in enumerate(waiting[:4]):
            if index % 2 == 0:
                nomination_withdraw(nomination=n, actor=actor, note="本人工作安排冲突，主动退出。")
        return nominated

    def completed_nominations(self, trip, rng):
        """A trip earlier this year, completed: who went, who did not show, who left the waitlist."""
        members = list(Member.objects.active().order_by("pk")[:40])
        rng.shuffle(members)
        departed = timezone.make_aware(datetime.datetime.combine(trip.start_date, datetime.time(8)))
        states = (
            [Nomination.Status.APPROVED] * 24
            + [Nomination.Status.NO_SHOW] * 2
            + [Nomination.Status.LAPSED] * 3
            + [Nomination.Status.WITHDRAWN, Nomination.Status.REJECTED]
        )
        notes = {
            Nomination.Status.NO_SHOW: "临行前身体不适，未成行。",
            Nomination.Status.LAPSED: "候补未能递补。",
            Nomination.Status.WITHDRAWN: "本人家中有事，主动退出。",
            Nomination.Status.REJECTED: "健康状况不适宜长途出行。",
        }
        for member, status in zip(members, states, strict=False):
            Nomination.objects.create(
                trip=trip, member=member, branch_id=member.branch_id, status=status,
                decision_note=notes.get(status, ""),
                departed_at=departed if status == Nomination.Status.APPROVED else None,
            )  # fmt: skip
        ConvalescenceTrip.objects.filter(pk=trip.pk).update(status=TripStatus.COMPLETED)

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

    def trip(self, name, region, dates, capacity, branches) -> ConvalescenceTrip:
        start, end = dates
        place = name.removeprefix(f"{start.year}年")[:3]
        trip, created = ConvalescenceTrip.objects.get_or_create(
            name=name,
            defaults={
                "region": region, "route": f"杭州—{place}", "destination": f"{place}职工疗休养基地",
                "start_date": start, "end_date": end, "capacity": capacity,
                "cost_per_person": 3200, "requires_travel_history": region != "province",
            },
        )  # fmt: skip
        if created:
            per_branch = max(capacity // len(branches), 1)
            for branch in branches[: capacity // per_branch]:
                TripQuota.objects.create(trip=trip, branch=branch, places=per_branch)
            for kind, title, location, day, hour in PROGRAMME:
                on = min(start + datetime.timedelta(days=day), end)
                starts = timezone.make_aware(datetime.datetime.combine(on, datetime.time(hour)))
                ProgrammeItem.objects.create(
                    trip=trip, kind=kind, title=title, location=location, starts_at=starts,
                    ends_at=starts + datetime.timedelta(hours=2),
                )  # fmt: skip
        return trip
