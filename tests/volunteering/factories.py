"""factory_boy factories of volunteering: teams, beneficiaries, events, requests, courses, donations."""

import datetime

import factory

from tests.members.factories import BranchFactory, MemberFactory


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
