"""factory_boy factories of wellbeing: greetings, condolence visits, budgets, inquiries, trips."""

import datetime

import factory

from tests.members.factories import BranchFactory, MemberFactory


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
