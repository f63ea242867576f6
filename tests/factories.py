"""factory_boy factories for every app's tests."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from members.idcard import make_id_number
from members.models import Branch, Honor, Member, OfficerProfile
from members.roles import ASSOCIATION_GROUP, OFFICER_GROUP


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"测试分会{n}")
    code = factory.Sequence(lambda n: f"branch-{n}")
    kind = Branch.Kind.DISTRICT


def _id_number(n: int) -> str:
    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=(n * 37) % 12000)
    return make_id_number("330106", birth, n % 1000)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"张{'三四五六七八九'[n % 7]}{n}")
    id_number = factory.Sequence(_id_number)
    mobile = factory.Sequence(lambda n: f"138{n:08d}")
    address = "杭州市西湖区文三路1号"
    employer = "杭州汽轮动力集团有限公司"
    branch = factory.SubFactory(BranchFactory)


class HonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Honor

    member = factory.SubFactory(MemberFactory)
    kind = Honor.Kind.MODEL_WORKER
    level = Honor.Level.CITY
    title = "杭州市劳动模范"
    year = 2015
    awarding_body = "杭州市人民政府"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-test-12345")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def association_staff(**kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get_or_create(name=ASSOCIATION_GROUP)[0])
    return user


def officer(branch, **kwargs):
    """A branch officer; ``branch=None`` gives an officer whose profile names no branch."""
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get_or_create(name=OFFICER_GROUP)[0])
    OfficerProfile.objects.create(user=user, branch=branch)
    return user


def member_user(member, **kwargs):
    user = UserFactory(**kwargs)
    member.user = user
    member.save(update_fields=["user"])
    return user


# ----------------------------------------------------------------------------------------
# members: registry in/out (transfers, scans, import)
# ----------------------------------------------------------------------------------------


# ----------------------------------------------------------------------------------------
# members: certificates, member accounts, craftsman cards
# ----------------------------------------------------------------------------------------


# ----------------------------------------------------------------------------------------
# wellbeing: greetings, condolence visits, budgets, inquiries
# ----------------------------------------------------------------------------------------


# ----------------------------------------------------------------------------------------
# wellbeing: convalescence trips
# ----------------------------------------------------------------------------------------


# ----------------------------------------------------------------------------------------
# workshops
# ----------------------------------------------------------------------------------------


class WorkshopFactory(factory.django.DjangoModelFactory):
    """A house at any status; states past 命名 get their naming document (the constraints ask for it)."""

    class Meta:
        model = "workshops.Workshop"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"劳模工匠之家{n}")
    host_unit = "杭州汽轮动力集团有限公司"
    kind = "enterprise"
    branch = factory.SubFactory(BranchFactory)
    address = "杭州市西湖区文三路1号"
    leader = factory.SubFactory(MemberFactory, branch=factory.SelfAttribute("..branch"))
    status = "applied"
    naming_document_number = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status in ("named", "rectifying", "revoked")),
        "杭劳模协〔2021〕1号",
        "",
    )
    named_on = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status in ("named", "rectifying", "revoked")),
        datetime.date(2021, 6, 1),
        None,
    )
    revoked_on = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status == "revoked"), datetime.date(2023, 1, 1), None
    )
    revoked_reason = factory.Maybe(factory.LazyAttribute(lambda o: o.status == "revoked"), "未达标", "")


class SubsidyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "workshops.Subsidy"

    workshop = factory.SubFactory(WorkshopFactory, status="named")
    year = 2022
    amount = 10000
    purpose = "operation"
    paid_on = datetime.date(2022, 4, 1)


class WorkshopActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "workshops.WorkshopActivity"

    workshop = factory.SubFactory(WorkshopFactory, status="named")
    kind = "training"
    title = factory.Sequence(lambda n: f"技能培训{n}")
    held_on = datetime.date(2022, 5, 1)
    participants = 30


# ----------------------------------------------------------------------------------------
# volunteering
# ----------------------------------------------------------------------------------------


# ----------------------------------------------------------------------------------------
# publications
# ----------------------------------------------------------------------------------------
