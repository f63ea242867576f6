"""Celery in tests: point the app at another broker for one test; real worker subprocesses.

The app caches more than its configuration: broker connection pools, the producer pool, the
result backend, and, in ``app.amqp``, the queues and the router computed from the settings the
first time a task was sent. Changing ``app.conf`` alone leaves those behind, so a test that runs
after another one which sent a task would route to, or consume from, the earlier queues. Every
test that reconfigures the app goes through :func:`celery_reconfigured`, which drops all of it
on the way in and on the way out.
"""

import contextlib
import os
import socket
from pathlib import Path

import pytest
from celery import _state


def celery_app():
    """The app every task is bound to."""
    from members.tasks import certificate_render_task

    return certificate_render_task.app


def celery_forget(app) -> None:
    """Drop the app's connections, producers, result backend and AMQP routing caches."""
    app.close()  # connection pools
    amqp = app.__dict__.pop("amqp", None)  # queues, default queue, router, producer pool
    if amqp is not None:
        amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)
    # close() also drops the app from Celery's active apps, after which a task module imported
    # later would not register on it (NotRegistered in unrelated tests).
    _state._register_app(app)


@contextlib.contextmanager
def celery_reconfigured(**conf):
    """``with celery_reconfigured(broker_url=..., task_always_eager=False) as app:``"""
    app = celery_app()
    saved = {key: app.conf[key] for key in conf}
    celery_forget(app)
    app.conf.update(conf)
    try:
        yield app
    finally:
        celery_forget(app)
        app.conf.update(saved)


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def dead_port() -> int:
    """A local port nobody listens on: connecting is refused, as with a stopped Redis."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def broker_down():
    """Celery sends to a Redis that is not running (CELERY_TASK_ALWAYS_EAGER off)."""
    with celery_reconfigured(broker_url=f"redis://127.0.0.1:{dead_port()}/0", task_always_eager=False) as app:
        yield app


# Real worker processes on a throwaway Redis (fixtures, registered in tests/conftest.py).

# One port per xdist worker (gw0: 6390, gw1: 6391, ...), so parallel workers never meet.
REDIS_PORT = 6390 + int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)
SLOW_WORKER = Path(__file__).parent / "portal" / "slow_worker.py"


def wait_for(predicate, *, seconds: float, what: str):
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def own_redis():
    """A throwaway redis-server on 127.0.0.1:REDIS_PORT, stopped after the test."""
    import shutil
    import subprocess

    if shutil.which("redis-server") is None:
        pytest.skip(reason="redis-server is not installed (apt-get install redis-server)")
    if port_open(REDIS_PORT):
        pytest.skip(reason=f"port {REDIS_PORT} is busy")
    process = subprocess.Popen(
        ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for(lambda: port_open(REDIS_PORT), seconds=10, what="redis-server")
        yield f"redis://127.0.0.1:{REDIS_PORT}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def broker_on_own_redis(own_redis):
    with celery_reconfigured(broker_url=own_redis, task_always_eager=False):
        yield own_redis


@pytest.fixture
def worker_process(broker_on_own_redis, tmp_path):
    """Start slow_worker.py subprocesses against the test database and our Redis."""
    import os
    import subprocess
    import sys

    from django.db import connection

    from core.storage import private_storage

    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "laomo_portal.settings",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": broker_on_own_redis,
        "PRIVATE_MEDIA_ROOT": str(private_storage().location),
        "CONN_MAX_AGE": "0",
    }
    workers = []

    def start(*, marker=None, extra_env=None):
        worker_env = {**env, **({"SLOW_WRITE_MARKER": str(marker)} if marker else {}), **(extra_env or {})}
        log = open(tmp_path / f"worker-{len(workers)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, str(SLOW_WORKER)], env=worker_env, stdout=log, stderr=subprocess.STDOUT
        )
        workers.append((process, log))
        return process

    yield start
    for process, log in workers:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()
