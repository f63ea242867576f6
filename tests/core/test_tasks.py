"""The task base (core.tasks.PortalTask): one registration mechanism, sent after commit, outage-safe."""

import logging

import pytest
from django.conf import settings
from django.db import transaction

from core.tasks import PortalTask
from laomo_portal.celery import app

SENT: list = []


@app.task(name="tests.core.record")
def record(value):
    SENT.append(value)
    return value


@pytest.fixture(autouse=True)
def _clear():
    SENT.clear()
    yield
    SENT.clear()


def test_autodiscovery_registers_every_apps_tasks_as_portal_tasks():
    # What a worker does at start-up: the one registration mechanism (no second loop in ready()).
    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if name.split(".")[0] in settings.PORTAL_APPS}
    for label in settings.PORTAL_APPS:
        module = __import__(f"{label}.tasks", fromlist=["*"]) if _has_tasks(label) else None
        if module is None:
            continue
        declared = {f"{label}.tasks.{n}" for n, v in vars(module).items() if isinstance(v, PortalTask)}
        assert declared and declared <= set(ours), label
    assert ours and all(isinstance(task, PortalTask) for task in ours.values())


def _has_tasks(label: str) -> bool:
    from importlib.util import find_spec

    return find_spec(f"{label}.tasks") is not None


@pytest.mark.django_db
def test_enqueue_after_commit_waits_for_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record.enqueue_after_commit("a")
        assert SENT == []  # nothing leaves while the transaction is open
    assert len(callbacks) == 1 and SENT == ["a"]


@pytest.mark.django_db
def test_enqueue_after_commit_in_a_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            record.enqueue_after_commit("lost")
            raise RuntimeError
    assert callbacks == [] and SENT == []


@pytest.mark.django_db(transaction=True)
def test_enqueue_after_commit_outside_a_transaction_sends_now():
    record.enqueue_after_commit("now")
    assert SENT == ["now"]


@pytest.mark.django_db
def test_broker_down_is_logged_not_raised(broker_down, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.WARNING, logger="core.tasks")
    assert record.enqueue("x") is False
    with django_capture_on_commit_callbacks(execute=True):
        record.enqueue_after_commit("y")  # the callback must not raise either
    assert SENT == []
    assert [r.message.startswith("broker unreachable, tests.core.record") for r in caplog.records] == [
        True,
        True,
    ]


def test_services_find_their_tasks_by_name():
    """Services enqueue by name (no services → tasks import); the name is the registered task."""
    from celery.exceptions import NotRegistered

    from core.tasks import portal_task
    from members import tasks as member_tasks
    from publications import tasks as publication_tasks

    found = portal_task("members.tasks.certificate_render_task")
    assert found is member_tasks.certificate_render_task._get_current_object()
    assert isinstance(found, PortalTask)
    found = portal_task("publications.tasks.issue_notify_task")
    assert found is publication_tasks.issue_notify_task._get_current_object()
    with pytest.raises(NotRegistered):
        portal_task("members.tasks.no_such_task")
