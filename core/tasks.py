"""The one task base: sent after the transaction commits, and a broker outage is never a 500.

Every task of the portal is a :class:`PortalTask` (the Celery app's ``task_cls``). Code that
starts work from a request or a service calls ``task.enqueue_after_commit(...)``, as pretix's
``TransactionAwareTask`` does: inside a transaction the message leaves only once the rows the
task reads are committed (a rolled-back transaction sends nothing); outside one it leaves now.
Either way an unreachable broker (Redis down) is logged, not raised: the object stays in its
waiting state and a beat task (or the user, again) picks it up once the broker is back.

``task.enqueue(...)`` is the immediate, guarded send, for a caller that needs to know whether
the message left (it returns False when the broker is unreachable). Plain ``delay`` and
``apply_async`` keep Celery's meaning (beat, tests, the shell).
"""

import functools
import logging

from celery import Task, current_app
from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

logger = logging.getLogger(__name__)

# kombu wraps most connection failures in OperationalError; redis-py's own ConnectionError and
# a refused socket (the built-in ConnectionError) can still come through on some paths.
BROKER_ERRORS = (OperationalError, ConnectionError, RedisConnectionError)


class PortalTask(Task):
    """Celery's task with two guarded ways to send it (see the module docstring)."""

    def enqueue(self, *args, **kwargs) -> bool:
        """Send now; False (logged, never raised) when the broker is unreachable."""
        try:
            self.apply_async(args=args, kwargs=kwargs)
        except BROKER_ERRORS as exc:
            logger.warning("broker unreachable, %s%r not queued: %s", self.name, args, exc)
            return False
        return True

    def enqueue_after_commit(self, *args, **kwargs) -> None:
        """Send once the current transaction commits (now when there is none), never raising."""
        transaction.on_commit(functools.partial(self.enqueue, *args, **kwargs))


def portal_task(name: str) -> PortalTask:
    """The task registered as ``name`` (``"<app>.tasks.<function>"``), to enqueue from a service.

    A tasks module calls its app's services, so services that imported their tasks would make
    an import cycle: services start tasks by name instead, the way Celery's ``send_task`` does,
    but through the registered task so that eager mode and the guards above still apply. A
    process that has not yet run Celery's autodiscovery (the web process) runs it here, once.
    """
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]
