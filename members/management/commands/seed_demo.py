"""Demo data: Hangzhou's 23 branches, N synthetic members with honours, demo logins."""

import datetime
import random

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core.idcard import parse_id_number
from core.permissions import sync_role_groups
from core.roles import ASSOCIATION_GROUP, OFFICER_GROUP
from core.scoping import scopes_disabled
from members.demo import (
    DISTRICTS,
    EMPLOYERS,
    INDUSTRIES,
    INDUSTRY_NAMES,
    POSITIONS,
    honors_for,
    id_for,
    random_birth,
    random_mobile,
    random_name,
)
from members.models import Branch, Certificate, CraftsmanCard, Honor, Member, OfficerProfile
from members.services import (
    card_issue,
    card_render,
    certificate_issue,
    certificate_render,
    craftsman_title,
    demo_seal_install,
    member_transfer,
    member_transfer_request,
    members_refresh_categories,
    transfer_accept,
    transfer_reject,
)

DEMO_PASSWORD = "laomo-demo-2026"


def birthday_this_week(
    birth: datetime.date, monday: datetime.date, today: datetime.date, rng
) -> datetime.date:
    """``birth``'s year, with a month and day between Monday and today (29 February avoided)."""
    day = monday + datetime.timedelta(days=rng.randint(0, (today - monday).days))
    if (day.month, day.day) == (2, 29):
        day -= datetime.timedelta(days=1)
    return day.replace(year=birth.year)


class Command(BaseCommand):
    help = "创建演示数据：13个区县(市)分会、10个产业分会、N名劳模工匠及演示账号（可重复运行，不会重复创建）。"

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=300, help="劳模工匠人数（默认300）")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子")
        parser.add_argument(
            "--registry-only", action="store_true", help="只创建名册（不运行各业务模块的演示数据）"
        )

    @transaction.atomic
    @scopes_disabled()  # system job: demo data for every branch
    def handle(self, *args, members, seed, registry_only=False, **options):
        sync_role_groups()
        branches = self.seed_branches()
        created = self.seed_members(branches, members, random.Random(seed))
        logins = self.seed_users(branches)
        documents = self.seed_documents()
        self.seed_registry_work()
        if not registry_only:
            # The other apps' demo data, named in settings (members does not import them).
            for command in settings.DEMO_SEEDERS:
                call_command(command, stdout=self.stdout, stderr=self.stderr)
        self.stdout.write(
            self.style.SUCCESS(
                f"分会 {len(branches)} 个；新建劳模工匠 {created} 名；共 {Member.objects.count()} 名。"
            )
        )
        for line in documents:
            self.stdout.write(line)
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, role in logins:
            self.stdout.write(f"  {username:<12} {role}")

    def seed_branches(self) -> list[tuple[Branch, str]]:
        result = []
        for order, (name, code, region) in enumerate(DISTRICTS, start=1):
            branch, _ = Branch.objects.update_or_create(
                code=code, defaults={"name": name, "kind": Branch.Kind.DISTRICT, "sort_order": order}
            )
            result.append((branch, region))
        for order, (name, code) in enumerate(INDUSTRIES, start=len(DISTRICTS) + 1):
            branch, _ = Branch.objects.update_or_create(
                code=code, defaults={"name": name, "kind": Branch.Kind.INDUSTRY, "sort_order": order}
            )
            result.append((branch, "330100"))  # industry members: Hangzhou city region code
        return result

    def seed_members(self, branches, count: int, rng: random.Random) -> int:
        today = timezone.localdate()
        monday = today - datetime.timedelta(days=today.weekday())
        planned: dict[str, tuple[Member, list[dict]]] = {}
        index = 0
        while len(planned) < count:
            branch, region = branches[index % len(branches)]
            birth = random_birth(rng, today)
            if index % 23 == 5:
                # Every 23rd person (one per branch round) was born this week, on or before today:
                # the birthday greetings of this week have someone to greet.
                birth = birthday_this_week(birth, monday, today, rng)
            id_number = id_for(region, birth, index)
            index += 1
            if id_number in planned:
                continue
            parsed = parse_id_number(id_number)
            member = Member(
                name=random_name(rng),
                id_number=id_number,
                birth_date=parsed.birth_date,
                gender=parsed.gender,
                mobile=random_mobile(rng),
                address=f"杭州市{branch.name if branch.kind == Branch.Kind.DISTRICT else '上城区'}某某路{rng.randint(1, 999)}号",
                employer=rng.choice(EMPLOYERS),
                position=rng.choice(POSITIONS),
                industry=rng.choice(INDUSTRY_NAMES),
                political_status=rng.choice(["中共党员", "中共党员", "群众", "无党派人士"]),
                branch=branch,
            )
            planned[id_number] = (member, honors_for(rng, birth, today))
        existing = set(Member.objects.filter(id_number__in=planned).values_list("id_number", flat=True))
        new = [planned[i] for i in planned if i not in existing]
        Member.objects.bulk_create([m for m, _ in new], batch_size=1000)
        ids = dict(
            Member.objects.filter(id_number__in=[m.id_number for m, _ in new]).values_list("id_number", "pk")
        )
        Honor.objects.bulk_create(
            [Honor(member_id=ids[m.id_number], **h) for m, honors in new for h in honors], batch_size=2000
        )
        members_refresh_categories(member_ids=list(ids.values()))
        return len(new)

    def seed_users(self, branches) -> list[tuple[str, str]]:
        User = get_user_model()
        by_code = {b.code: b for b, _ in branches}
        association = Group.objects.get(name=ASSOCIATION_GROUP)
        officer_group = Group.objects.get(name=OFFICER_GROUP)
        logins = []

        def user(username, **fields):
            obj, created = User.objects.get_or_create(username=username, defaults=fields)
            if created:
                obj.set_password(DEMO_PASSWORD)
                obj.save()
            return obj

        staff = user("staff", is_staff=True, first_name="协会工作人员")
        staff.groups.add(association)
        logins.append(("staff", "协会工作人员：全市所有分会"))
        for code in ("xihu", "binjiang"):
            officer = user(f"officer_{code}", is_staff=True, first_name=f"{by_code[code].name}工作人员")
            officer.groups.add(officer_group)
            OfficerProfile.objects.update_or_create(user=officer, defaults={"branch": by_code[code]})
            logins.append((f"officer_{code}", f"分会工作人员：只看{by_code[code].name}"))
        member_user = user("member")
        demo_member = (
            Member.objects.filter(branch=by_code["xihu"], category__in=["craftsman", "both"])
            .order_by("pk")
            .first()
        )
        demo_member = demo_member or Member.objects.order_by("pk").first()
        if demo_member and not Member.objects.filter(user=member_user).exists():
            demo_member.user = member_user
            demo_member.save(update_fields=["user"])
            # The demo member opened the account by SMS, so the number counts as confirmed.
            Member.objects.filter(pk=demo_member.pk).update(recovery_mobile=demo_member.mobile)
        logins.append(("member", f"劳模工匠本人：{demo_member.name if demo_member else '—'}"))
        return logins

    def seed_documents(self) -> list[str]:
        """A rendered certificate (and, for a craftsman, a 匠心卡) for the demo member, once.

        Rendered here, not only by the worker, so a first run shows the feature end to end
        even before a Celery worker is up (the queued render then finds the file and stops).
        """
        member = Member.objects.filter(user__username="member").first()
        staff = get_user_model().objects.get(username="staff")
        if member is None:
            return []
        lines = []
        # Certificates print the association's seal; the demo draws one marked 演示专用.
        demo_seal_install(actor=staff)
        certificate = Certificate.objects.filter(member=member).first()
        if certificate is None and member.honors.exists():
            certificate = certificate_issue(member=member, actor=staff, purpose="办理公园年卡")
            certificate_render(certificate_id=certificate.pk)
        if certificate:
            lines.append(
                f"演示证明 {certificate.serial}：/verify/{certificate.serial}/?code={certificate.verification_code}"
            )
        card = CraftsmanCard.objects.filter(member=member).first()
        if card is None and craftsman_title(member):
            card = card_issue(member=member, actor=staff)
            card_render(card_id=card.pk)
        if card:
            lines.append(f"演示匠心卡 {card.number}：/verify/{card.number}/?code={card.verification_code}")
        return lines

    def seed_registry_work(self) -> None:
        """This year's registry work beyond the demo member: certificates issued by staff and by
        the 西湖区 officer, 匠心卡 for craftsmen, and transfers in each state (pending, accepted,
        rejected, a direct move by the association). Made once: a re-run finds them."""
        User = get_user_model()
        staff = User.objects.get(username="staff")
        officer = User.objects.get(username="officer_xihu")
        xihu, binjiang = Branch.objects.get(code="xihu"), Branch.objects.get(code="binjiang")
        if Certificate.objects.exclude(member__user__username="member").exists():
            return
        purposes = ["办理公园年卡", "申请人才公寓", "子女入学", "景区优惠"]
        for index, member in enumerate(Member.objects.filter(branch__in=[xihu, binjiang]).order_by("pk")[:4]):
            actor = officer if member.branch_id == xihu.pk else staff
            certificate_issue(member=member, actor=actor, purpose=purposes[index % len(purposes)])
        craftsmen = Member.objects.filter(category__in=["craftsman", "both"], status=Member.Status.ACTIVE)
        for member in craftsmen.exclude(user__username="member").order_by("pk")[:2]:
            if craftsman_title(member) and not CraftsmanCard.objects.filter(member=member).exists():
                card_issue(member=member, actor=staff)
        movers = list(Member.objects.filter(branch=xihu).exclude(user__isnull=False).order_by("-pk")[:3])
        if len(movers) == 3:
            pending, accepted, rejected = (
                member_transfer_request(
                    member=m, to_branch=binjiang, actor=officer, reason="本人工作调动至滨江区"
                )
                for m in movers
            )
            transfer_accept(transfer=accepted, actor=staff, note="同意接收。")
            transfer_reject(transfer=rejected, actor=staff, note="本人户籍仍在西湖区，暂不转移。")
        mover = Member.objects.filter(branch=binjiang).exclude(user__isnull=False).order_by("-pk").first()
        if mover is not None:
            member_transfer(member=mover, to_branch=xihu, actor=staff, reason="随单位整体搬迁至西湖区")
