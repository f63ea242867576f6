"""Shared fixtures: two branches (西湖区, 滨江区) with members and the users of every role."""

import hashlib
import os
import tempfile

import pytest
from django.db import connection
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from tests import factories as f
from tests.celery_support import (  # noqa: F401  (fixtures)
    broker_down,
    broker_on_own_redis,
    own_redis,
    worker_process,
)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix):
    """With --reuse-db, SQLite's test database is a file kept between runs (one per checkout
    and xdist worker, in the temp directory), so a second run skips the migrations. Without it
    the test database stays in memory. PostgreSQL gets ``test_<name>_gw<K>`` from pytest-django."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3" or not request.config.getoption("reuse_db"):
        return
    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    checkout = hashlib.sha256(str(settings.BASE_DIR).encode()).hexdigest()[:10]
    db.setdefault("TEST", {})["NAME"] = os.path.join(
        tempfile.gettempdir(), f"laomo-test-{checkout}-{worker}.sqlite3"
    )
    # A throwaway file: no fsync, the rollback journal in memory.
    db.setdefault("OPTIONS", {})["init_command"] = "PRAGMA synchronous=OFF; PRAGMA journal_mode=MEMORY;"


# The longest test (schemathesis against a live server, about 4 minutes): in a parallel run it
# is handed out first (make test passes --no-loadscope-reorder), so it runs beside the rest
# instead of alone at the end.
RUN_FIRST = ("tests/portal/test_api_contract.py::",)


def pytest_collection_modifyitems(config, items):
    if hasattr(config, "workerinput"):  # an xdist worker: the order it hands to the scheduler
        items.sort(key=lambda item: not item.nodeid.startswith(RUN_FIRST))
    for item in items:
        if "postgres" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))


@pytest.fixture(scope="session", autouse=True)
def _unscoped_test_code():
    """The tests' own ORM calls (factories, assertions, module-scoped worlds) run unscoped, as in
    pretix; a request through the test client still enters its user's scope in ScopeMiddleware
    (django-scopes' ``scope()`` re-enables scoping inside ``scopes_disabled()``), and so does any
    ``branch_scope(...)`` a test enters. tests/core/test_scopes.py enters ``scope()`` without a
    branch to prove the managers refuse to run without one."""
    with scopes_disabled():
        yield


DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}


@pytest.fixture(autouse=True)
def _association_seal(request):
    """Every test with a database has the association's seal, as every deployment that issues
    certificates does (issuing is refused without one). A test of the refusal is marked
    ``no_seal``."""
    if request.node.get_closest_marker("no_seal"):
        return
    if not (request.node.get_closest_marker("django_db") or DB_FIXTURES & set(request.fixturenames)):
        return
    request.getfixturevalue("_django_db_helper")
    from tests.members.factories import install_seal

    install_seal()


@pytest.fixture
def sms_outbox():
    """The text messages the local SMS backend was handed, empty before and after."""
    from core.notifications import LocmemSmsBackend

    LocmemSmsBackend.outbox.clear()
    yield LocmemSmsBackend.outbox
    LocmemSmsBackend.outbox.clear()


@pytest.fixture
def fresh_cache():
    """An empty cache before and after: throttles, lockouts and one-time codes start from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def xihu(db):
    return f.BranchFactory(name="西湖区", code="xihu")


@pytest.fixture
def binjiang(db):
    return f.BranchFactory(name="滨江区", code="binjiang")


@pytest.fixture
def staff_user(db):
    return f.association_staff(username="staff")


@pytest.fixture
def xihu_officer(xihu):
    return f.officer(xihu, username="officer_xihu")


@pytest.fixture
def binjiang_officer(binjiang):
    return f.officer(binjiang, username="officer_binjiang")


@pytest.fixture
def xihu_member(xihu):
    member = f.MemberFactory(branch=xihu, name="西湖甲")
    f.HonorFactory(member=member, title="西湖工匠", kind="craftsman", level=4, year=2020)
    return member


@pytest.fixture
def binjiang_member(binjiang):
    member = f.MemberFactory(branch=binjiang, name="滨江乙", mobile="13912345678")
    f.HonorFactory(member=member, title="杭州市劳动模范", year=2018)
    return member


@pytest.fixture
def admin_client_for(client):
    """Log a user into the test client and return the client."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api():
    """An API client that is not logged in."""
    return APIClient()


@pytest.fixture
def users(staff_user, xihu_officer, binjiang_officer, xihu_member, binjiang_member):
    """The API tests' five roles: association staff, officer of 西湖区 (A) and of 滨江区 (B), the member
    account linked to 西湖甲, anonymous (None). Both branches' members exist."""
    return {
        "staff": staff_user,
        "officer_a": xihu_officer,
        "officer_b": binjiang_officer,
        "member": f.member_user(xihu_member),
        "anonymous": None,
    }


@pytest.fixture
def api_as(users):
    """A fresh API client authenticated as a role of ``users`` (or as a given user; None or
    "anonymous" stays anonymous)."""

    def client_for(who):
        user = users[who] if isinstance(who, str) else who
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for
