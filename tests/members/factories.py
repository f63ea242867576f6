"""factory_boy factories of the registry (members): branches, members, honours, users of every role."""

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


RARE_NAME = "王堃喆昇淼赟珺䶮"  # characters outside GB2312 (䶮 is CJK Extension A)


def craftsman(branch, **kwargs):
    """A member holding a craftsman title (eligible for a 匠心卡)."""
    member = MemberFactory(branch=branch, **kwargs)
    HonorFactory(
        member=member, kind=Honor.Kind.CRAFTSMAN, level=Honor.Level.CITY, title="杭州工匠", year=2021
    )
    return member


_SEAL_PNG: tuple[bytes, int, int] | None = None


def install_seal(actor=None):
    """The association's seal for tests: the drawn demo seal, prepared once per process.

    Certificates and cards are not issued without a seal (members.services.seals); the
    autouse fixture in tests/conftest.py installs it for every test with a database.
    """
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from members.models import DocumentSeal
    from members.services import draw_demo_seal, seal_png

    global _SEAL_PNG
    seal = DocumentSeal.objects.current()
    if seal is not None:
        return seal
    if _SEAL_PNG is None:
        _SEAL_PNG = seal_png(Image.open(io.BytesIO(draw_demo_seal())))
    content, width, height = _SEAL_PNG
    seal = DocumentSeal(width_px=width, height_px=height, note="测试印章", updated_by=actor)
    seal.image.save("seal.png", ContentFile(content), save=False)
    seal.save()
    return seal
