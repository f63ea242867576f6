"""factory_boy factories for every app's tests."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.idcard import make_id_number
from core.roles import ASSOCIATION_GROUP, OFFICER_GROUP
from members.models import Branch, Honor, Member, OfficerProfile
from members.services import member_refresh_category


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
        skip_postgeneration_save = True

    member = factory.SubFactory(MemberFactory)
    kind = Honor.Kind.MODEL_WORKER
    level = Honor.Level.CITY
    title = "杭州市劳动模范"
    year = 2015
    awarding_body = "杭州市人民政府"

    @factory.post_generation
    def refresh_category(obj, create, extracted, **kwargs):
        # Fixtures write honours directly; the services keep the category in step, so here too.
        if create:
            member_refresh_category(member_id=obj.member_id)


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


def png_bytes(size=(8, 8), color="red") -> bytes:
    """A small real PNG (uploads are checked by content)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def png_file(name="image.png", **kwargs):
    from django.core.files.base import ContentFile

    return ContentFile(png_bytes(**kwargs), name=name)


class NewsletterIssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "publications.NewsletterIssue"

    number = factory.Sequence(lambda n: n + 1)
    month = factory.Sequence(lambda n: datetime.date(2020 + n // 12 % 5, n % 12 + 1, 1))
    title = ""
    branch = None


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "publications.Article"
        skip_postgeneration_save = True

    issue = factory.SubFactory(NewsletterIssueFactory)
    title = factory.Sequence(lambda n: f"文章标题{n}")
    author = "通讯员 李明"
    category = "story"
    body = "<p>正文第一段。</p><p>正文第二段。</p>"

    @factory.post_generation
    def featured_members(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.featured_members.add(*extracted)


class ArticlePhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "publications.ArticlePhoto"

    article = factory.SubFactory(ArticleFactory)
    image = factory.LazyFunction(lambda: png_file("photo.png"))
    caption = "活动现场"


def published_issue(**kwargs):
    """An issue with one article, moved through review to published by the services."""
    from publications.services import SYSTEM, issue_publish, issue_submit

    articles = kwargs.pop("articles", 1)
    issue = NewsletterIssueFactory(**kwargs)
    for _ in range(articles):
        ArticleFactory(issue=issue)
    issue_submit(issue=issue, actor=SYSTEM)
    return issue_publish(issue=issue, actor=SYSTEM)


class BookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "publications.Book"

    volume = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"匠心故事{n}")
    publisher = "浙江人民出版社"
    isbn = factory.Sequence(lambda n: _isbn13(n))
    year = 2020


def _isbn13(n: int) -> str:
    from publications.isbn import isbn13_check_digit

    first12 = f"97875213{n % 10000:04d}"
    return first12 + isbn13_check_digit(first12)


class ExhibitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "publications.Exhibition"

    title = factory.Sequence(lambda n: f"劳模工匠书画展{n}")
    start_date = datetime.date(2020, 9, 28)
    end_date = datetime.date(2020, 10, 11)
    venue = "杭州市职工文化中心"
    branch = None


class WorkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "publications.Work"

    exhibition = factory.SubFactory(ExhibitionFactory)
    guest_artist = "特邀作者"
    kind = "calligraphy"
    title = factory.Sequence(lambda n: f"作品{n}")


RARE_NAME = "王堃喆昇淼赟珺䶮"  # characters outside GB2312 (䶮 is CJK Extension A)


def craftsman(branch, **kwargs):
    """A member holding a craftsman title (eligible for a 匠心卡)."""
    member = MemberFactory(branch=branch, **kwargs)
    HonorFactory(
        member=member, kind=Honor.Kind.CRAFTSMAN, level=Honor.Level.CITY, title="杭州工匠", year=2021
    )
    return member
