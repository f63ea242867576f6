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


class TripFactory(factory.django.DjangoModelFactory):
    """An open trip two months ahead (status set directly: tests of the life cycle use the service)."""

    class Meta:
        model = "wellbeing.ConvalescenceTrip"

    name = factory.Sequence(lambda n: f"千岛湖疗休养{n}期")
    region = "province"
    route = "杭州—淳安千岛湖"
    destination = "千岛湖职工疗休养基地"
    start_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=60))
    end_date = factory.LazyAttribute(lambda o: o.start_date + datetime.timedelta(days=4))
    capacity = 10
    cost_per_person = 2800
    status = "open"


class TripQuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "wellbeing.TripQuota"

    trip = factory.SubFactory(TripFactory)
    branch = factory.SubFactory(BranchFactory)
    places = 5


class WorkProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "wellbeing.MemberWorkProfile"

    member = factory.SubFactory(MemberFactory)
    health_status = 1


class NominationFactory(factory.django.DjangoModelFactory):
    """A nomination row written directly: for history set-ups (past trips), not for the rules under test."""

    class Meta:
        model = "wellbeing.Nomination"

    trip = factory.SubFactory(TripFactory)
    member = factory.SubFactory(MemberFactory)
    branch = factory.LazyAttribute(lambda o: o.member.branch)
    status = "approved"


class SafetyCheckFactory(factory.django.DjangoModelFactory):
    """A complete safety check."""

    class Meta:
        model = "wellbeing.SafetyCheck"

    nomination = factory.SubFactory(NominationFactory)
    health_declared = True
    health_declaration = "无重大疾病"
    emergency_contact_name = "李四"
    emergency_contact_relation = "配偶"
    emergency_contact_phone = "13700001111"
    insurance_company = "中国人寿"
    insurance_policy_number = "PICC2026-0001"
    special_needs = "无"


# ----------------------------------------------------------------------------------------
# workshops
# ----------------------------------------------------------------------------------------


# ----------------------------------------------------------------------------------------
# volunteering
# ----------------------------------------------------------------------------------------


# ----------------------------------------------------------------------------------------
# publications
# ----------------------------------------------------------------------------------------
