import pytest
from django.core.management import call_command

from core.idcard import parse_id_number
from core.scoping import user_scope
from members.models import Branch, Honor, Member

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_branches_members_and_logins_once(capsys):
    call_command("seed_demo", members=60)
    first = capsys.readouterr().out
    call_command("seed_demo", members=60)
    assert Branch.objects.filter(kind="district").count() == 13
    assert Branch.objects.filter(kind="industry").count() == 10
    assert set(Branch.objects.filter(kind="district").values_list("name", flat=True)) >= {
        "西湖区",
        "滨江区",
        "建德市",
        "淳安县",
    }
    assert Member.objects.count() == 60
    assert Honor.objects.count() >= 60
    for m in Member.objects.all():
        parsed = parse_id_number(m.id_number)
        assert (parsed.birth_date, parsed.gender) == (m.birth_date, m.gender)
        assert m.id_number.startswith("33")
        assert m.category
    for login in ("staff", "officer_xihu", "officer_binjiang", "member"):
        assert login in first
    from django.contrib.auth import get_user_model

    User = get_user_model()
    assert user_scope(User.objects.get(username="staff")).all_branches
    assert (
        user_scope(User.objects.get(username="officer_xihu")).branch_id == Branch.objects.get(code="xihu").pk
    )
    assert Member.objects.get(user__username="member")
