"""factory_boy factories of workshops: houses, subsidies, activities."""

import datetime

import factory

from tests.members.factories import BranchFactory, MemberFactory


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
