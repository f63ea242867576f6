"""Queries fail closed by construction (core.scoping): a branch-owned model's default
manager refuses to run without a scope, narrows to an officer's branch, gives nothing for the
empty scope and everything (without an IN list) for association staff.

The suite's own code runs inside ``scopes_disabled()`` (tests/conftest.py); ``scope()`` with no
branch turns scoping back on without a scope, as a worker process or a shell starts.
"""

import ast
import datetime
import pathlib

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Count, OuterRef, Subquery
from django_scopes import ScopeError, scope
from rest_framework.test import APIClient

from core.idcard import ID_NUMBER_TAKEN, make_id_number
from core.models import AccessLog
from core.scoping import (
    EVERYTHING,
    NOTHING,
    Scope,
    branch_scope,
    scope_active,
    scopes_disabled,
    user_scope_for_request,
)
from members.models import Branch, Certificate, Honor, Member, Transfer
from tests import factories as f

pytestmark = pytest.mark.django_db

ROOT = pathlib.Path(__file__).resolve().parents[2]
PORTAL_APPS = ("members", "workshops", "volunteering", "wellbeing", "publications")


@pytest.fixture
def two_branches(xihu, binjiang, xihu_member, binjiang_member):
    return xihu, binjiang


REFUSED_QUERIES = {
    "iterate": lambda: list(Member.objects.all()),
    "count": lambda: Member.objects.count(),
    "exists": lambda: Member.objects.exists(),
    "get": lambda: Member.objects.get(name="滨江乙"),
    "first": lambda: Member.objects.order_by("pk").first(),
    "filter": lambda: list(Member.objects.filter(name__contains="乙")),
    "exclude": lambda: list(Member.objects.exclude(name="")),
    "values_list": lambda: list(Member.objects.values_list("id_number", flat=True)),
    "in_bulk": lambda: Member.objects.in_bulk(),
    "iterator": lambda: list(Member.objects.iterator()),
    "aggregate": lambda: Member.objects.aggregate(n=Count("pk")),
    "annotate": lambda: list(Member.objects.annotate(n=Count("honors"))),
    "update": lambda: Member.objects.update(notes="x"),
    "delete": lambda: Member.objects.filter(name="滨江乙").delete(),
    "get_or_create": lambda: Member.objects.get_or_create(id_number="x"),
    "custom_search": lambda: list(Member.objects.search("滨江")),
    "custom_visible_to": lambda: list(Member.objects.visible_to(f.association_staff())),
    "subquery": lambda: list(Certificate._base_manager.filter(member__in=Member.objects.all())),
    "reverse_relation": lambda: list(Member._base_manager.get(name="滨江乙").honors.all()),
    "prefetch": lambda: list(Member._base_manager.prefetch_related("honors")),
}


@pytest.mark.parametrize("name", list(REFUSED_QUERIES))
def test_default_manager_refuses_to_run_without_a_scope(two_branches, name):
    with scope():
        assert not scope_active()
        with pytest.raises(ScopeError):
            REFUSED_QUERIES[name]()


def test_without_a_scope_only_safe_operations_run(two_branches):
    xihu, _ = two_branches
    with scope():
        assert list(Member.objects.none()) == []
        # Saves, refreshes and forward foreign keys use the unscoped base manager: they act on
        # an object already in hand.
        honor = Honor._base_manager.get(title="西湖工匠")
        assert honor.member.name == "西湖甲"
        honor.member.refresh_from_db()
        created = Member.objects.create(
            name="新人", id_number=make_id_number("330106", datetime.date(1970, 1, 1), 9), branch=xihu
        )
        assert created.pk


def test_officer_scope_narrows_every_query_to_the_branch(two_branches):
    xihu, binjiang = two_branches
    with scope(), branch_scope(Scope(branch_id=xihu.pk)):
        assert scope_active()
        assert list(Member.objects.values_list("name", flat=True)) == ["西湖甲"]
        assert list(Honor.objects.values_list("title", flat=True)) == ["西湖工匠"]
        assert list(Branch.objects.all()) == [xihu]
        assert Member.objects.search("滨江乙").count() == 0
        assert not Member.objects.filter(branch=binjiang).exists()
        # Custom queryset methods are kept and still correct.
        assert Member.objects.visible_to(f.association_staff()).count() == 1
        # A reverse relation of another branch's member is empty; prefetches too.
        other = Member._base_manager.get(name="滨江乙")
        assert list(other.honors.all()) == []
        prefetched = Member._base_manager.prefetch_related("honors").get(pk=other.pk)
        assert list(prefetched.honors.all()) == []
        # Writes through the manager touch only the branch's rows.
        assert Member.objects.update(notes="改") == 1
    assert Member.objects.get(name="滨江乙").notes != "改"


def test_a_transfer_belongs_to_both_of_its_branches(two_branches, db):
    xihu, binjiang = two_branches
    third = f.BranchFactory(name="上城区", code="shangcheng")
    member = Member.objects.get(name="滨江乙")
    incoming = Transfer.objects.create(member=member, from_branch=binjiang, to_branch=xihu, reason="调动")
    Transfer.objects.create(
        member=member, from_branch=binjiang, to_branch=third, reason="调动", status="rejected"
    )
    with branch_scope(Scope(branch_id=xihu.pk)):
        assert list(Transfer.objects.all()) == [incoming]


@pytest.mark.parametrize("empty", [NOTHING, Scope(branch_id=None)], ids=["nothing", "no_branch"])
def test_the_empty_scope_gives_no_rows(two_branches, empty):
    with branch_scope(empty):
        assert Member.objects.count() == 0
        assert Branch.objects.count() == 0
        assert not Honor.objects.exists()
        assert Member.objects.update(notes="改") == 0


def test_django_scopes_none_is_read_as_nothing_not_everything(two_branches):
    """docs/security.md: in django-scopes ``scope(branch=None)`` means unscoped; here it means none."""
    with scope(branch=None):
        assert Member.objects.count() == 0


def test_association_scope_gives_every_row_without_a_filter(two_branches):
    with scope(), branch_scope(EVERYTHING):
        queryset = Member.objects.all()
        assert queryset.count() == 2
        assert " WHERE " not in str(queryset.query)


def test_branch_scope_reenables_scoping_inside_scopes_disabled(two_branches):
    xihu, _ = two_branches
    with scopes_disabled():
        assert Member.objects.count() == 2
        with branch_scope(Scope(branch_id=xihu.pk)):
            assert Member.objects.count() == 1
        assert Member.objects.count() == 2


def test_a_queryset_built_without_a_scope_takes_the_scope_it_is_chained_in(two_branches):
    """A viewset's or a form's class attribute is built at import time, with no scope."""
    xihu, _ = two_branches
    with scope():
        at_import = Member.objects.select_related("branch")
    with pytest.raises(ScopeError):
        list(at_import)  # never runs as it is, whatever scope is in force later
    with scope(), branch_scope(Scope(branch_id=xihu.pk)):
        assert [m.name for m in at_import.all()] == ["西湖甲"]
    with scope():
        with pytest.raises(ScopeError):
            list(at_import.all())


def test_a_user_scope_follows_roles(two_branches, staff_user, xihu_officer):
    with scope():
        with user_scope_for_request(staff_user):
            assert Member.objects.count() == 2
        with user_scope_for_request(xihu_officer):
            assert Member.objects.count() == 1
        with user_scope_for_request(f.officer(None, username="nobranch")):
            assert Member.objects.count() == 0
        with user_scope_for_request(None):
            assert Member.objects.count() == 0


def test_uniqueness_is_checked_across_branches_under_an_officer_scope(two_branches):
    """PITFALL: validate_unique uses the default manager; scoped, it would miss another branch's
    number and the unique index would answer with an IntegrityError."""
    xihu, _ = two_branches
    taken = Member.objects.get(name="滨江乙").id_number
    with branch_scope(Scope(branch_id=xihu.pk)):
        duplicate = Member(name="重号", id_number=taken, branch=xihu)
        with pytest.raises(ValidationError) as raised:
            duplicate.validate_unique()
        assert "id_number" in raised.value.message_dict
        duplicate.validate_constraints()  # runs unscoped too; no clash on other constraints


def test_officer_api_create_with_another_branchs_id_number_is_refused_and_logged(two_branches, xihu_officer):
    xihu, _ = two_branches
    taken = Member.objects.get(name="滨江乙")
    client = APIClient()
    client.force_login(xihu_officer)
    before = Member.objects.count()
    response = client.post("/api/members/", {"name": "重号", "id_number": taken.id_number}, format="json")
    assert response.status_code == 400
    assert response.json()["id_number"] == [ID_NUMBER_TAKEN]
    assert Member.objects.count() == before
    log = AccessLog.objects.filter(user=xihu_officer, action=AccessLog.Action.VIEW_ID).get()
    assert log.detail["member_ids"] == [taken.pk]
    assert taken.id_number not in str(log.detail)


def test_requests_enter_their_users_scope_through_the_middleware(two_branches, client, xihu_officer):
    """The test body is unscoped, but a request through the client is not."""
    client.force_login(xihu_officer)
    names = [m["name"] for m in client.get("/api/members/").json()["results"]]
    assert names == ["西湖甲"]
    assert Member.objects.count() == 2  # back in the test's own unscoped block


def test_a_token_request_gets_the_token_users_scope(two_branches, xihu_officer):
    """The middleware sees an anonymous user; the API base enters the token user's scope."""
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=xihu_officer)
    response = APIClient().get("/api/members/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert [m["name"] for m in response.json()["results"]] == ["西湖甲"]


def test_the_member_page_reads_the_members_own_rows(two_branches, client):
    member = Member.objects.get(name="西湖甲")
    f.member_user(member, username="m_xihu")
    client.force_login(member.user)
    page = client.get("/me/")
    assert page.status_code == 200
    assert "西湖工匠" in page.content.decode()


def test_tasks_and_commands_run_without_a_request_scope(two_branches):
    """A worker or a shell has no scope: tasks and commands enter their own blocks."""
    from members.tasks import statistics_snapshot_refresh_task
    from wellbeing.tasks import greetings_retry_task

    with scope():
        assert statistics_snapshot_refresh_task.run() >= 0
        assert greetings_retry_task.run() == 0
        call_command("refresh_statistics", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _decorated_with_scopes_disabled(func: ast.FunctionDef) -> bool:
    for decorator in func.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Name) and target.id == "scopes_disabled":
            return True
    return False


def _enters_a_scope(func: ast.FunctionDef) -> bool:
    for node in ast.walk(func):
        if isinstance(node, ast.With):
            for item in node.items:
                call = item.context_expr
                if isinstance(call, ast.Call) and getattr(call.func, "id", "") in (
                    "scopes_disabled", "branch_scope", "user_scope_for_request",
                ):  # fmt: skip
                    return True
    return False


def _task_functions():
    for app in PORTAL_APPS:
        path = ROOT / app / "tasks.py"
        if not path.exists():
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and any(
                "shared_task" in ast.unparse(d) for d in node.decorator_list
            ):
                yield f"{app}.tasks.{node.name}", node


def _command_handles():
    for app in (*PORTAL_APPS, "laomo_portal"):
        for path in sorted((ROOT / app / "management" / "commands").glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef) and node.name == "handle":
                    yield f"{app}.{path.stem}", node


@pytest.mark.parametrize(
    ("name", "func"), [*_task_functions(), *_command_handles()], ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_task_and_command_enters_an_explicit_scope(name, func):
    assert _decorated_with_scopes_disabled(func) or _enters_a_scope(func), (
        f"{name}: enter branch_scope(...) or an explicit scopes_disabled() block"
    )


def test_the_scope_outlives_no_request(two_branches, client, xihu_officer):
    client.force_login(xihu_officer)
    client.get("/admin/members/member/")
    with scope():
        with pytest.raises(ScopeError):
            Member.objects.count()


def test_subquery_of_a_scoped_query_is_scoped(two_branches):
    xihu, _ = two_branches
    with branch_scope(Scope(branch_id=xihu.pk)):
        newest = Honor.objects.filter(member=OuterRef("pk")).values("title")[:1]
        rows = Member._base_manager.annotate(top=Subquery(newest)).order_by("name")
        assert {m.name: m.top for m in rows} == {"滨江乙": None, "西湖甲": "西湖工匠"}


def test_a_trips_places_are_counted_across_branches_under_an_officer_scope(xihu, binjiang):
    """The trip's capacity is shared: an officer's nomination counts other branches' holders."""
    from wellbeing.services.trips import place_available

    trip = f.TripFactory(capacity=1)
    f.TripQuotaFactory(trip=trip, branch=xihu, places=1)
    f.TripQuotaFactory(trip=trip, branch=binjiang, places=1)
    other = f.WorkProfileFactory(member__branch=binjiang).member
    f.NominationFactory(trip=trip, member=other, branch=binjiang, status="approved")
    with branch_scope(Scope(branch_id=xihu.pk)):
        assert place_available(trip=trip, branch_id=xihu.pk) == "本团总名额（1人）已满"
