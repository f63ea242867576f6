"""Point the project's Celery app at another broker (or a dead one) for one test, then put it back.

The app caches more than its configuration: broker connection pools, the producer pool, the
result backend, and, in ``app.amqp``, the queues and the router computed from the settings the
first time a task was sent. Changing ``app.conf`` alone leaves those behind, so a test that runs
after another one which sent a task would route to, or consume from, the earlier queues. Every
test that reconfigures the app goes through :func:`celery_reconfigured`, which drops all of it
on the way in and on the way out.
"""

import contextlib

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
