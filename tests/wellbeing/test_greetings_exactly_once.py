"""Exactly once under a real Celery worker on Redis and under two concurrent runs on PostgreSQL."""

import datetime
import threading
import uuid

import pytest
from django.db import connection, connections
from django_scopes import scopes_disabled

from tests import factories as f
from tests.celery_support import celery_reconfigured
from wellbeing.models import Greeting
from wellbeing.services.greetings import birthday_greetings_send, greeting_claim

DAY = datetime.date(2026, 6, 1)


@pytest.fixture
def many_birthdays(xihu, binjiang):
    return [
        f.member_born(xihu if i % 2 else binjiang, datetime.date(1960 + i, 6, 1), mobile=f"1380000{i:04d}")
        for i in range(6)
    ]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_sends_each_greeting_once_despite_duplicate_deliveries(
    sms_gateway, many_birthdays, settings
):
    if not settings.REDIS_URL:
        pytest.skip(reason="needs Redis: set REDIS_URL to run a real Celery worker")
    from celery.contrib.testing.worker import start_worker

    from wellbeing.tasks import birthday_greetings_task

    queue = f"test-greetings-{uuid.uuid4().hex[:8]}"  # no stale messages of other runs
    # Two threads on PostgreSQL; SQLite's in-memory test database takes one at a time.
    pool, concurrency = ("threads", 2) if connection.vendor == "postgresql" else ("solo", 1)
    with celery_reconfigured(
        task_always_eager=False, broker_url=settings.REDIS_URL, result_backend=settings.REDIS_URL,
        task_default_queue=queue,
    ) as app, start_worker(
        app, pool=pool, concurrency=concurrency, queues=[queue], perform_ping_check=False, loglevel="WARNING"
    ):  # fmt: skip
        # The same job three times: a second beat, a manual run and a redelivered message.
        results = [birthday_greetings_task.apply_async([DAY.isoformat()], queue=queue) for _ in range(3)]
        outcomes = [r.get(timeout=60) for r in results]
    assert sum(o["claimed"] for o in outcomes) == 12  # 6 members × (sms, cake), claimed by one run each
    assert len(sms_gateway.requests) == 6
    assert sorted(r["body"]["mobile"] for r in sms_gateway.requests) == sorted(
        m.mobile for m in many_birthdays
    )
    assert Greeting.objects.filter(channel="sms", status="sent").count() == 6


def _in_threads(target, n=2):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            with scopes_disabled():  # a new thread has no scope; the greetings are a system job
                results.append(target())
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_each_greeting_once(sms_gateway, many_birthdays):
    runs = _in_threads(lambda: birthday_greetings_send(day=DAY))
    assert sum(r.claimed for r in runs) == 12
    assert sum(r.already_done for r in runs) == 12
    assert len(sms_gateway.requests) == 6
    assert Greeting.objects.count() == 12


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_connections_claiming_one_greeting_only_one_wins(xihu):
    member = f.member_born(xihu, datetime.date(1970, 6, 1))
    claims = _in_threads(
        lambda: greeting_claim(member=member, year=2026, channel="sms", calendar="solar", day=DAY), n=4
    )
    assert len([c for c in claims if c is not None]) == 1
    assert Greeting.objects.count() == 1


@pytest.mark.postgres  # the worker subprocess shares the test database; SQLite's is in memory
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_greeting_run_greets_nobody_twice(sms_gateway, many_birthdays, worker_process):
    """SIGKILL while the gateway holds the third SMS; a fresh worker takes the redelivered run.

    The interrupted greeting reached the gateway, so it is not sent again: it becomes 结果未知
    for a person to check. Everybody after it is greeted once, and nothing is left 发送中.
    """
    import signal

    from django.conf import settings as django_settings

    from tests.celery_support import wait_for
    from wellbeing.tasks import birthday_greetings_task

    worker_env = {
        "SMS_BACKEND": django_settings.SMS_BACKEND,
        "SMS_GATEWAY_URL": django_settings.SMS_GATEWAY_URL,
        "SMS_GATEWAY_KEY": django_settings.SMS_GATEWAY_KEY,
        "SMS_GATEWAY_TEMPLATE": django_settings.SMS_GATEWAY_TEMPLATE,
        "SMS_GATEWAY_TIMEOUT": "60",  # the held request keeps the first worker waiting
        "GREETING_STALE_AFTER_SECONDS": "2",
    }
    sms_gateway.hold = 3
    first = worker_process(extra_env=worker_env)
    birthday_greetings_task.delay(DAY.isoformat())
    assert sms_gateway.held.wait(timeout=120), "the worker never reached the third SMS"
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    held_mobile = sms_gateway.requests[2]["body"]["mobile"]
    assert Greeting.objects.get(member__mobile=held_mobile, channel="sms").status == Greeting.Status.SENDING

    worker_process(extra_env=worker_env)  # takes the unacknowledged run again

    def settled():
        greetings = Greeting.objects.all()
        return greetings.count() == 12 and not greetings.filter(status=Greeting.Status.SENDING).exists()

    wait_for(settled, seconds=120, what="the redelivered greetings run")
    mobiles = [r["body"]["mobile"] for r in sms_gateway.requests]
    assert sorted(mobiles) == sorted(m.mobile for m in many_birthdays)  # each mobile exactly once
    sms = dict(Greeting.objects.filter(channel="sms").values_list("member__mobile", "status"))
    assert sms.pop(held_mobile) == Greeting.Status.UNKNOWN
    assert set(sms.values()) == {Greeting.Status.SENT}
    assert Greeting.objects.filter(channel="cake", status=Greeting.Status.LISTED).count() == 6
