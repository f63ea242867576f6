"""The data the matrix attacks: a realistic object of every branch-owned model in 滨江区 (the
"other" branch), each carrying a marker string, and the logins of every role.

Objects are made with tests/factories.py where a factory exists, otherwise by a generic
builder that fills each required field (foreign keys point at the other binjiang objects).
The fingerprint of the database tells whether a request wrote anything.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import hashlib

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from core.querysets import is_branch_owned
from tests import factories as f

# Distinctive text in every binjiang object: a non-association role must never see it.
MARKER = "BJQZ7滨江机密"
PASSWORD = "pw-test-12345"  # tests/factories.py

# Models whose rows a read legitimately writes (access records, login attempts) or that are
# derived copies of other rows (history, statistics caches): left out of the fingerprint.
NOT_FINGERPRINTED = {
    "members.AccessLog",
    "members.StatisticsSnapshot",
    "members.MemberCount",
    "members.MemberKindCount",
    "members.HonorCount",
}


def portal_models():
    return [
        m
        for label in settings.PORTAL_APPS
        for m in apps.get_app_config(label).get_models()
        if not m.__name__.startswith("Historical")
    ]


def branch_owned_models():
    return [m for m in portal_models() if is_branch_owned(m)]


class World:
    """Every object the matrix needs, by model label."""

    def __init__(self):
        self.objects: dict[str, models.Model] = {}
        self.users: dict[str, object] = {}
        self.extra: dict[str, models.Model] = {}
        self.baselines: dict[str, dict] = {}
        self.branch_file = "missing.png"
        self.public_file = "missing.png"

    def obj(self, model):
        return self.objects.get(model._meta.label)

    def secrets(self) -> list[str]:
        return [MARKER, self.binjiang_member.id_number]


def _text(field, label):
    value = f"{MARKER}{label}"
    max_length = getattr(field, "max_length", None)
    return value[:max_length] if max_length else value


def _png(name):
    return ContentFile(f.png_bytes(), name=name)


def _value_for(field, world: World, model):
    """A plausible value for a required field of a generic object."""
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.ForeignKey | models.OneToOneField):
        related = field.related_model
        if related._meta.label == "members.Branch":
            return world.binjiang
        if related is get_user_model():
            return world.users["binjiang_officer"]
        existing = world.obj(related)
        if existing is not None and not isinstance(field, models.OneToOneField):
            return existing
        if related._meta.label == "members.Member":  # one-to-one: a member of its own
            return f.MemberFactory(branch=world.binjiang, name=f"{MARKER}{model._meta.model_name}")
        return build(related, world, save_as=False)
    if isinstance(field, models.FileField):
        return _png(f"{model._meta.model_name}.png")
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DecimalField):
        return decimal.Decimal("1")
    if isinstance(field, models.IntegerField | models.FloatField):
        return 2025 if field.name == "year" else 1
    if isinstance(field, models.DateTimeField):
        return timezone.make_aware(datetime.datetime(2025, 6, 1, 9, 0))
    if isinstance(field, models.DateField):
        return datetime.date(2025, 6, 1)
    if isinstance(field, models.TimeField):
        return datetime.time(9, 0)
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.CharField | models.TextField):
        return _text(field, model._meta.model_name)
    raise NotImplementedError(f"{model._meta.label}.{field.name}: {type(field).__name__}")


# Values the generic builder cannot guess (check constraints).
OVERRIDES = {
    "members.CraftsmanCard": {
        "issued_on": datetime.date(2025, 6, 1),
        "expires_on": datetime.date(2028, 5, 31),
    },
    "workshops.Assessment": {"review_year": 2025},
    "workshops.Dimension": {"weight": 50},
}


def build(model, world: World, save_as=True, **overrides):
    """A generic object of ``model`` in binjiang (saved; recorded in the world)."""
    label = model._meta.label
    overrides = {**OVERRIDES.get(label, {}), **overrides}
    kwargs = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in overrides:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        needed = not field.null and not field.blank and not field.has_default()
        fk_to_branch = field.is_relation and field.related_model._meta.label in (
            "members.Branch",
            "members.Member",
        )
        text = isinstance(field, models.CharField | models.TextField) and not field.choices
        if needed or fk_to_branch or (text and field.blank and not field.unique):
            kwargs[field.name] = _value_for(field, world, model)
    kwargs.update(overrides)
    obj = model._default_manager.model(**kwargs)
    obj.save()
    world.objects.setdefault(label, obj)
    return obj


def build_world(secret_member_name="滨江乙") -> World:
    """Binjiang data for every branch-owned model, xihu for the officer, the role logins."""
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from members.models import Branch

    world = World()
    world.xihu = f.BranchFactory(name="西湖区", code="xihu")
    world.binjiang = f.BranchFactory(name="滨江区", code="binjiang")  # branch names are public
    world.objects["members.Branch"] = world.binjiang

    # Roles.
    world.users["binjiang_officer"] = f.officer(world.binjiang, username="adv_officer_binjiang")
    world.users["officer_xihu"] = f.officer(world.xihu, username="adv_officer_xihu")
    world.users["officer_nobranch"] = f.officer(None, username="adv_officer_nobranch")
    world.users["staff_norole"] = f.UserFactory(username="adv_staff_norole", is_staff=True)
    world.users["staff_unverified"] = f.association_staff(username="adv_staff_unverified")
    TOTPDevice.objects.create(user=world.users["staff_unverified"], name="手机", confirmed=True)
    world.users["staff_verified"] = f.association_staff(username="adv_staff_verified")
    world.verified_device = TOTPDevice.objects.create(
        user=world.users["staff_verified"], name="手机", confirmed=True
    )
    xihu_member = f.MemberFactory(branch=world.xihu, name="西湖甲")
    f.HonorFactory(member=xihu_member, title="西湖工匠", kind="craftsman", level=4, year=2020)
    world.users["member"] = f.member_user(xihu_member, username="adv_member")
    world.xihu_member = xihu_member
    assert Group.objects.exists()

    # The other branch's member, with a login of its own (activation/claim doors).
    member = f.MemberFactory(
        branch=world.binjiang,
        name=f"{MARKER}{secret_member_name}",
        mobile="13912345678",
        address=f"{MARKER}滨江区江南大道1号",
        employer=f"{MARKER}单位",
    )
    world.binjiang_member = member
    world.users["binjiang_member"] = f.member_user(member, username="adv_member_binjiang")
    world.objects["members.Member"] = member
    world.objects["members.Honor"] = f.HonorFactory(member=member, title=f"{MARKER}劳动模范", year=2018)
    other_member = f.MemberFactory(branch=world.binjiang, name=f"{MARKER}丙")
    world.second_member = other_member

    def add(factory_or_model, **kwargs):
        if isinstance(factory_or_model, type) and issubclass(factory_or_model, models.Model):
            return build(factory_or_model, world, **kwargs)
        obj = factory_or_model(**kwargs)
        world.objects.setdefault(obj._meta.label, obj)
        return obj

    workshop = add(
        f.WorkshopFactory, branch=world.binjiang, leader=member, name=f"{MARKER}之家", status="named"
    )
    add(f.SubsidyFactory, workshop=workshop, purpose="operation")
    add(f.WorkshopActivityFactory, workshop=workshop, title=f"{MARKER}培训")
    team = add(f.ServiceTeamFactory, branch=world.binjiang, name=f"{MARKER}服务队")
    beneficiary = add(f.BeneficiaryFactory, branch=world.binjiang, name=f"{MARKER}配件厂")
    event = add(f.ServiceEventFactory, team=team, title=f"{MARKER}活动", place=f"{MARKER}滨江")
    add(f.ParticipationFactory, member=member, event=event)
    add(f.ServiceRequestFactory, branch=world.binjiang, requester=beneficiary, title=f"{MARKER}求助")
    add(f.CourseFactory, teacher=member, subject=f"{MARKER}焊接")
    add(f.DonationFactory, member=member, branch=world.binjiang, cause=f"{MARKER}捐赠")
    add(f.CareBudgetFactory, branch=world.binjiang)
    add(f.CondolenceVisitFactory, member=member, visitors=f"{MARKER}走访")
    add(f.HardshipCaseFactory, member=member, description=f"{MARKER}困难")
    add(f.InquiryFactory, branch=world.binjiang, person_name=f"{MARKER}来访人", subject=f"{MARKER}咨询")
    trip = f.TripFactory(name="千岛湖疗休养（公开）")
    add(f.TripQuotaFactory, trip=trip, branch=world.binjiang)
    nomination = add(f.NominationFactory, trip=trip, member=member, branch=world.binjiang)
    add(f.SafetyCheckFactory, nomination=nomination, health_declaration=f"{MARKER}健康")
    add(f.WorkProfileFactory, member=member)
    exhibition = add(f.ExhibitionFactory, branch=world.binjiang, title=f"{MARKER}书画展")
    add(f.WorkFactory, exhibition=exhibition, title=f"{MARKER}作品")

    # Publications: a published issue (public by design, no marker) and a binjiang draft.
    world.published_issue = f.published_issue(title="公开刊物")
    draft = add(f.NewsletterIssueFactory, branch=world.binjiang, title=f"{MARKER}草稿")
    world.draft_issue = draft
    add(f.ArticleFactory, issue=draft, title=f"{MARKER}草稿文章", body=f"<p>{MARKER}正文</p>")

    # The association's seal (association-only): a real image, not the generic builder's text.
    from tests.members.factories import install_seal

    world.objects["members.DocumentSeal"] = install_seal()

    # Everything else branch-owned: the generic builder.
    for model in branch_owned_models():
        if model._meta.label not in world.objects:
            overrides = {}
            if model._meta.label == "members.Transfer":
                # Between two branches that are not xihu: an incoming transfer is xihu's to see.
                third = f.BranchFactory(name="上城区", code="shangcheng")
                overrides = {"member": member, "from_branch": world.binjiang, "to_branch": third}
            if model._meta.label == "members.OfficerProfile":
                world.objects[model._meta.label] = world.users["binjiang_officer"].officer_profile
                continue
            build(model, world, **overrides)
    missing = [m._meta.label for m in branch_owned_models() if m._meta.label not in world.objects]
    assert not missing, missing
    assert Branch.objects.count() >= 2

    # A row for every other model an admin serves (catalogues, settings, accounts), so that
    # its change/delete/history doors are reached with an existing id.
    from django.contrib import admin
    from rest_framework.authtoken.models import Token

    Token.objects.create(user=world.users["binjiang_officer"])
    for model in admin.site._registry:
        label = model._meta.label
        if label in world.objects or model._base_manager.exists():
            continue
        try:
            with transaction.atomic():
                world.extra[label] = build(model, world)
        except Exception:  # noqa: BLE001 - logs and proxies: their doors get the missing id
            pass

    # Files: one in the branch-files storage (served by /files/), one public.
    from core.files import branch_file_fields

    for model, field_name in branch_file_fields():
        obj = world.obj(model)
        if obj is not None and getattr(obj, field_name):
            world.branch_file = getattr(obj, field_name).name
            break
    photo = f.ArticlePhotoFactory(article=world.published_issue.articles.first())
    world.public_file = photo.image.name
    return world


# ---------------------------------------------------------------------------------------
# Fingerprint
# ---------------------------------------------------------------------------------------


def _fingerprinted_models():
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from rest_framework.authtoken.models import Token

    return [m for m in portal_models() if m._meta.label not in NOT_FINGERPRINTED] + [
        get_user_model(),
        Group,
        Token,
        TOTPDevice,
    ]


@functools.cache
def watched_tables() -> frozenset[str]:
    tables = {model._meta.db_table for model in _fingerprinted_models()}
    user_model = get_user_model()
    tables |= {user_model.groups.through._meta.db_table, user_model.user_permissions.through._meta.db_table}
    return frozenset(tables)


def _row_values(model, queryset):
    names = [
        field.attname
        for field in model._meta.concrete_fields
        if not getattr(field, "auto_now", False) and field.name not in ("last_login", "last_used_at")
    ]
    return list(queryset.order_by("pk").values_list(*names))


def fingerprint(world: World, role: str) -> dict[str, str]:
    """A digest per model of the rows this role must never change.

    For the branch officer of xihu: every row not in xihu (other branches, no branch) and the
    accounts; for every other role without association rights: everything.
    """
    user = world.users.get(role)
    digests = {}
    for model in _fingerprinted_models():
        queryset = model._base_manager.all()
        label = model._meta.label
        if role == "officer_xihu":
            if is_branch_owned(model):
                path = model.branch_path
                queryset = queryset.exclude(**{path if path != "pk" else "pk": world.xihu.pk})
            elif model._meta.app_label in settings.PORTAL_APPS:
                continue  # not branch data: association settings, catalogues
        if role == "member":
            # A member's own self-service (certificate requests and their numbering) is theirs.
            if label == "members.DocumentCounter":
                continue
            if is_branch_owned(model) and model.branch_path.startswith("member__"):
                queryset = queryset.exclude(member=world.xihu_member)
        if label == "authtoken.Token" and role != "staff_unverified" and user is not None:
            queryset = queryset.exclude(user=user)  # a login may fetch its own token
        if label == "otp_totp.TOTPDevice" and user is not None:
            # A signed-in login may start its own authenticator (两步验证 page): an unconfirmed
            # device cannot be used to log in; confirming one needs the code it shows.
            queryset = queryset.exclude(user=user, confirmed=False)
        rows = _row_values(model, queryset)
        digests[label] = hashlib.sha256(repr(rows).encode()).hexdigest()[:16] + f"/{len(rows)}"
    # Many-to-many links of users (groups, permissions).
    links = list(
        get_user_model().groups.through.objects.order_by("pk").values_list("user_id", "group_id")
    ) + list(
        get_user_model()
        .user_permissions.through.objects.order_by("pk")
        .values_list("user_id", "permission_id")
    )
    digests["auth.links"] = hashlib.sha256(repr(links).encode()).hexdigest()[:16]
    return digests
