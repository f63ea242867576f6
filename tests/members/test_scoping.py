"""visible_to(user): the one scoping mechanism, per role, failing closed."""

import pytest
from django.contrib.auth.models import AnonymousUser

from members.models import Branch, Honor, Member, OfficerProfile
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(xihu_member, binjiang_member):
    return xihu_member, binjiang_member


@pytest.mark.parametrize(
    ("role", "members", "branches"),
    [
        ("association", {"西湖甲", "滨江乙"}, {"西湖区", "滨江区"}),
        ("superuser", {"西湖甲", "滨江乙"}, {"西湖区", "滨江区"}),
        ("officer_xihu", {"西湖甲"}, {"西湖区"}),
        ("officer_binjiang", {"滨江乙"}, {"滨江区"}),
        ("officer_without_branch", set(), set()),
        ("officer_not_staff", set(), set()),
        ("officer_inactive", set(), set()),
        ("staff_without_role", set(), set()),
        ("profile_without_group", set(), set()),
        ("member", set(), set()),
        ("anonymous", set(), set()),
    ],
)
def test_role_matrix(registry, xihu, binjiang, role, members, branches):
    users = {
        "association": lambda: f.association_staff(),
        "superuser": lambda: f.UserFactory(is_staff=True, is_superuser=True),
        "officer_xihu": lambda: f.officer(xihu),
        "officer_binjiang": lambda: f.officer(binjiang),
        "officer_without_branch": lambda: f.officer(None),
        "officer_not_staff": lambda: _not_staff(f.officer(xihu)),
        "officer_inactive": lambda: _inactive(f.officer(xihu)),
        "staff_without_role": lambda: f.UserFactory(is_staff=True),
        "profile_without_group": lambda: _profile_only(xihu),
        "member": lambda: f.member_user(registry[0]),
        "anonymous": lambda: AnonymousUser(),
    }
    user = users[role]()
    assert set(Member.objects.visible_to(user).values_list("name", flat=True)) == members
    assert {h.member.name for h in Honor.objects.visible_to(user)} == members
    assert set(Branch.objects.visible_to(user).values_list("name", flat=True)) == branches


def _not_staff(user):
    user.is_staff = False
    user.save()
    return user


def _inactive(user):
    user.is_active = False
    user.save()
    return user


def _profile_only(branch):
    user = f.UserFactory(is_staff=True)
    OfficerProfile.objects.create(user=user, branch=branch)
    return user


def test_none_user_sees_nothing(registry):
    assert not Member.objects.visible_to(None).exists()


def test_visible_to_is_chainable(registry, xihu_officer):
    qs = Member.objects.visible_to(xihu_officer).with_highest_honor().filter(name__startswith="西湖")
    assert [m.highest_honor_title for m in qs] == ["西湖工匠"]
