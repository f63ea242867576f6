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


# ----------------------------------------------------------------------------------------
# volunteering
# ----------------------------------------------------------------------------------------


class ServiceTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "volunteering.ServiceTeam"

    name = factory.Sequence(lambda n: f"技术服务队{n}")
    kind = "technical"
    branch = factory.SubFactory(BranchFactory)
    speciality = "数控加工"


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "volunteering.Beneficiary"

    name = factory.Sequence(lambda n: f"精工配件厂{n}")
    kind = "enterprise"
    is_small_micro = True
    branch = factory.SubFactory(BranchFactory)


class ServiceEventFactory(factory.django.DjangoModelFactory):
    """A completed event (status ``done``) unless told otherwise."""

    class Meta:
        model = "volunteering.ServiceEvent"

    title = factory.Sequence(lambda n: f"技术攻关活动{n}")
    category = "technical"
    team = factory.SubFactory(ServiceTeamFactory)
    date = datetime.date(2025, 6, 1)
    duration_hours = 8
    place = "杭州市西湖区"
    status = "done"


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "volunteering.Participation"

    member = factory.SubFactory(MemberFactory)
    event = factory.SubFactory(ServiceEventFactory)
    role = "volunteer"
    hours = 4


class ServiceRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "volunteering.ServiceRequest"

    branch = factory.SubFactory(BranchFactory)
    requester = factory.SubFactory(BeneficiaryFactory, branch=factory.SelfAttribute("..branch"))
    title = factory.Sequence(lambda n: f"设备故障求助{n}")
    problem = "生产线伺服电机频繁报警。"
    contact_name = "王经理"
    contact_phone = "0571-88000000"


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "volunteering.Course"

    teacher = factory.SubFactory(MemberFactory)
    subject = factory.Sequence(lambda n: f"焊接工艺{n}")
    audience = "students"


class DonationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "volunteering.Donation"

    kind = "money"
    member = factory.SubFactory(MemberFactory)
    branch = factory.SelfAttribute("member.branch")
    date = datetime.date(2025, 3, 1)
    value = 1000
    cause = "疫情防控"


# ----------------------------------------------------------------------------------------
# publications
# ----------------------------------------------------------------------------------------
