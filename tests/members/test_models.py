import datetime

import pytest
from django.core.exceptions import ValidationError

from core.idcard import make_id_number
from members.models import Honor, Member
from members.services import honor_delete
from tests.factories import HonorFactory, MemberFactory

pytestmark = pytest.mark.django_db


def test_birth_date_and_gender_follow_the_id_number(xihu):
    member = Member.objects.create(
        name="李四", id_number=make_id_number("330106", datetime.date(1968, 12, 31), 42).lower(), branch=xihu
    )
    member.refresh_from_db()
    assert member.birth_date == datetime.date(1968, 12, 31)
    assert member.gender == Member.Gender.FEMALE
    assert member.id_number.endswith(member.id_number[-1].upper())


def test_full_clean_rejects_a_bad_id_number_in_chinese(xihu):
    member = Member(name="王五", id_number="330106197503091230", branch=xihu)
    with pytest.raises(ValidationError) as exc:
        member.full_clean()
    assert "校验码" in " ".join(exc.value.message_dict["id_number"])


def test_id_number_is_unique(xihu):
    first = MemberFactory(branch=xihu)
    with pytest.raises(ValidationError) as exc:
        Member(name="重复", id_number=first.id_number, branch=xihu).full_clean()
    assert "id_number" in exc.value.message_dict


@pytest.mark.parametrize(
    ("kinds", "category"),
    [
        ([], ""),
        (["model_worker"], "model_worker"),
        (["may_day_medal", "advanced_worker"], "model_worker"),
        (["craftsman"], "craftsman"),
        (["craftsman", "model_worker"], "both"),
    ],
)
def test_category_is_derived_from_honours(xihu, kinds, category):
    member = MemberFactory(branch=xihu)
    for year, kind in enumerate(kinds, start=2010):
        HonorFactory(member=member, kind=kind, year=year)
    member.refresh_from_db()
    assert member.category == category


def test_category_follows_a_deleted_honour(xihu, staff_user):
    member = MemberFactory(branch=xihu)
    HonorFactory(member=member, kind="model_worker")
    craft = HonorFactory(member=member, kind="craftsman", title="杭州工匠", year=2021)
    honor_delete(craft, actor=staff_user)
    member.refresh_from_db()
    assert member.category == Member.Category.MODEL_WORKER


def test_highest_honour_prefers_level_then_latest_year(xihu):
    member = MemberFactory(branch=xihu)
    HonorFactory(member=member, level=Honor.Level.CITY, title="杭州市劳动模范", year=2020)
    HonorFactory(member=member, level=Honor.Level.PROVINCIAL, title="浙江省劳动模范", year=2010)
    HonorFactory(member=member, level=Honor.Level.PROVINCIAL, title="浙江工匠", kind="craftsman", year=2019)
    annotated = Member.objects.with_highest_honor().get(pk=member.pk)
    assert (annotated.highest_honor_title, annotated.highest_honor_year) == ("浙江工匠", 2019)


def test_honour_year_cannot_be_in_the_future_or_before_age_14(xihu):
    member = MemberFactory(branch=xihu)
    with pytest.raises(ValidationError):
        Honor(
            member=member, kind="model_worker", level=3, title="x", year=datetime.date.today().year + 1
        ).full_clean()
    with pytest.raises(ValidationError):
        Honor(
            member=member, kind="model_worker", level=3, title="x", year=member.birth_date.year + 5
        ).full_clean()


def test_str_never_contains_id_number_or_phone(xihu):
    member = MemberFactory(branch=xihu)
    honor = HonorFactory(member=member)
    for text in (str(member), str(honor)):
        assert member.id_number not in text and member.mobile not in text


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("欧阳", {"欧阳建国"}),  # first two characters
        ("建国", {"欧阳建国", "李建国"}),  # a window in the middle and at the end
        ("阳建国", {"欧阳建国"}),  # three or more characters: the trigram path
        ("王", {"王芳"}),
        ("国王", set()),
    ],
)
def test_name_search_finds_fragments_anywhere(xihu, term, expected):
    for name in ("欧阳建国", "李建国", "王芳", "阿依古丽·买买提"):
        MemberFactory(branch=xihu, name=name)
    assert set(Member.objects.search(term).values_list("name", flat=True)) == expected


def test_two_character_search_reaches_the_end_of_a_long_name(xihu):
    MemberFactory(branch=xihu, name="阿依古丽买")
    assert list(Member.objects.search("丽买").values_list("name", flat=True)) == ["阿依古丽买"]


def test_top_honor_level_follows_honours(xihu, staff_user):
    member = MemberFactory(branch=xihu)
    assert member.top_honor_level is None
    city = HonorFactory(member=member, level=Honor.Level.CITY)
    national = HonorFactory(member=member, level=Honor.Level.NATIONAL, title="全国劳动模范", year=2016)
    member.refresh_from_db()
    assert member.top_honor_level == Honor.Level.NATIONAL
    honor_delete(national, actor=staff_user)
    member.refresh_from_db()
    assert member.top_honor_level == Honor.Level.CITY
    honor_delete(city, actor=staff_user)
    member.refresh_from_db()
    assert member.top_honor_level is None
