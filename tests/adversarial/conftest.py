"""One world for the whole matrix: built once for this package (once per xdist worker) inside
a transaction that is rolled back at the end, so the other test packages never see it. Each
request of the matrix runs in its own savepoint, rolled back after the checks: every request
meets the same data."""

import logging
import shutil
import tempfile

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django_otp import DEVICE_ID_SESSION_KEY

from .matrix import ROLES
from .world import build_world


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker):
    media = tempfile.mkdtemp(prefix="laomo-adversarial-media-")
    settings = override_settings(MEDIA_ROOT=media, OTP_REQUIRED_FOR_ASSOCIATION=True)
    settings.enable()
    # Every 500 is recorded by the matrix; the logged tracebacks would only slow it down.
    quiet = [logging.getLogger(name) for name in ("django.request", "django.security", "axes")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.CRITICAL)
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            cache.clear()
            built = build_world()
            built.clients = {}
            for role in ROLES:
                client = Client(raise_request_exception=False)
                user = built.users.get(role)
                if user is not None:
                    client.force_login(user)
                if role == "staff_verified":
                    session = client.session
                    session[DEVICE_ID_SESSION_KEY] = built.verified_device.persistent_id
                    session.save()
                built.clients[role] = client
            built.discoveries = {}
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            settings.disable()
            for logger, level in zip(quiet, levels, strict=True):
                logger.setLevel(level)
            shutil.rmtree(media, ignore_errors=True)


def pytest_collection_modifyitems(config, items):
    """In parallel runs (--dist loadgroup) the seven roles of one door go to one worker: the
    door's discovery (its form, links and JSON, read as association staff) is made once."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if item.module.__name__.endswith(".test_matrix") and callspec is not None:
            item.add_marker(pytest.mark.xdist_group(f"door:{callspec.params['door_id']}"))
