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


def member_born(branch, birth: datetime.date, *, category="craftsman", sequence=None, **kwargs):
    """A member with a given birth date (the ID number encodes it) and category."""
    sequence = sequence if sequence is not None else next(_born_sequence)
    member = MemberFactory(
        branch=branch, id_number=make_id_number("330106", birth, sequence % 1000), **kwargs
    )
    if category in ("craftsman", "both"):
        HonorFactory(
            member=member, kind=Honor.Kind.CRAFTSMAN, title="杭州工匠", level=Honor.Level.CITY, year=2020
        )
    if category in ("model_worker", "both"):
        HonorFactory(
            member=member, kind=Honor.Kind.MODEL_WORKER, title="浙江省劳动模范", level=Honor.Level.PROVINCIAL
        )
    member.refresh_from_db()
    return member


_born_sequence = iter(range(1, 10**6))


class CareBudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "wellbeing.CareBudget"

    branch = factory.SubFactory(BranchFactory)
    year = 2026
    amount = 10000


class CondolenceVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "wellbeing.CondolenceVisit"

    member = factory.SubFactory(MemberFactory)
    visit_date = datetime.date(2026, 1, 20)
    visitors = "王主席、李干事"
    occasion = "holiday"
    cash_amount = 500
    goods = "米、油"
    goods_value = 200


class HardshipCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "wellbeing.HardshipCase"

    member = factory.SubFactory(MemberFactory)
    kind = "living"
    opened_on = datetime.date(2026, 3, 1)
    description = "家庭收入低，子女上学负担重"


class VisitCampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "wellbeing.VisitCampaign"

    name = factory.Sequence(lambda n: f"2026年春节走访慰问{n}")
    occasion = factory.Sequence(lambda n: ["spring_festival", "may_day", "national_day", "other"][n % 4])
    year = 2026
    starts_on = datetime.date(2026, 2, 1)
    ends_on = datetime.date(2026, 2, 15)


class InquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "wellbeing.Inquiry"

    channel = "call"
    received_at = factory.LazyFunction(lambda: datetime.datetime(2026, 9, 28, 9, 0, tzinfo=datetime.UTC))
    branch = factory.SubFactory(BranchFactory)
    person_name = "王大爷"
    contact = "13900001111"
    subject = "咨询劳模津贴发放时间"
    category = "treatment"
    content = "询问今年劳模津贴何时发放。"
    deadline = datetime.date(2026, 10, 27)


# ----------------------------------------------------------------------------------------
# wellbeing: convalescence trips
# ----------------------------------------------------------------------------------------


# ----------------------------------------------------------------------------------------
# workshops
# ----------------------------------------------------------------------------------------


# ----------------------------------------------------------------------------------------
# volunteering
# ----------------------------------------------------------------------------------------


# ----------------------------------------------------------------------------------------
# publications
# ----------------------------------------------------------------------------------------
