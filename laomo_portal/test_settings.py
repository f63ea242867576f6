"""Test settings: the environment's database and broker, a fast hasher, no HTTPS redirect."""

import atexit
import os
import shutil
import tempfile
from urllib.parse import urlsplit

from .settings import *  # noqa: F403
from .settings import CACHES, REDIS_URL


def redis_url_for_worker(url: str, worker: str) -> str:
    """Parallel runs (pytest-xdist): worker gwK of REDIS_URL's db N uses db N+K.

    One worker's ``cache.clear()`` (FLUSHDB) must not empty another's throttles and lockouts,
    and key prefixes would not stop that, so each worker has a database of its own. A
    subprocess of a test inherits the unchanged REDIS_URL and the worker id, and lands on the
    same database.
    """
    if not (url and worker.startswith("gw")):
        return url
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return parts._replace(path=f"/{base + int(worker[2:])}").geturl()


REDIS_URL = redis_url_for_worker(REDIS_URL, os.environ.get("PYTEST_XDIST_WORKER", ""))
if REDIS_URL:
    CACHES = {"default": {**CACHES["default"], "LOCATION": REDIS_URL}}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Eager unless a test starts a real worker (marker celery_worker) and asks otherwise.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = REDIS_URL or "memory://"


def _scratch_dir(prefix: str) -> str:
    """A temporary directory of this process, removed when it exits (not by forked children)."""
    path, owner = tempfile.mkdtemp(prefix=prefix), os.getpid()
    atexit.register(lambda: os.getpid() == owner and shutil.rmtree(path, ignore_errors=True))
    return path


# Collected static files are not needed by tests (the admin's pages render without them).
STATIC_ROOT = _scratch_dir("laomo-static-test-")
# Fresh public and private directories per test process (each xdist worker has its own),
# unless a test's subprocess is handed them.
MEDIA_ROOT = os.environ.get("MEDIA_ROOT") or _scratch_dir("laomo-media-test-")
_PRIVATE = os.environ.get("PRIVATE_MEDIA_ROOT") or _scratch_dir("laomo-private-test-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {
        "BACKEND": "core.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": _PRIVATE},
    },
    "branch_files": {
        "BACKEND": "core.storage.BranchFileSystemStorage",
        "OPTIONS": {"location": os.path.join(_PRIVATE, "branch")},
    },
}



TEST_SIGNING_PASSPHRASE = "test-only-signing-passphrase"


def _signing_files() -> tuple[str, str]:
    """A throwaway signing key (EC P-256: quick to make and to use, encrypted like production's)
    and its self-signed certificate, made once per process in a scratch directory. Never the
    key a developer's environment names: only a directory this function made is reused, through
    LAOMO_TEST_SIGNING_DIR, by a subprocess of a test (manage.py, a Celery worker) and by the
    xdist workers of one run. SIGNING_* go into the environment too, for subprocesses that run
    the production settings."""
    from core.signing_keys import throwaway_key_files

    directory = os.environ.get("LAOMO_TEST_SIGNING_DIR", "")
    key, cert = os.path.join(directory, "signing-key.pem"), os.path.join(directory, "signing-cert.pem")
    if not (directory and os.path.isfile(key) and os.path.isfile(cert)):
        directory = _scratch_dir("laomo-signing-test-")
        key, cert = throwaway_key_files(directory, passphrase=TEST_SIGNING_PASSPHRASE)
    os.environ.update(
        LAOMO_TEST_SIGNING_DIR=directory, SIGNING_KEY_FILE=key, SIGNING_CERT_FILE=cert,
        SIGNING_KEY_PASSPHRASE=TEST_SIGNING_PASSPHRASE, SIGNING_CHAIN_FILE="", SIGNING_PREVIOUS_CERTS="",
    )  # fmt: skip
    return key, cert


SIGNING_KEY_FILE, SIGNING_CERT_FILE = _signing_files()
SIGNING_DIR = os.path.dirname(SIGNING_KEY_FILE)
SIGNING_KEY_PASSPHRASE = TEST_SIGNING_PASSPHRASE
SIGNING_CHAIN_FILE = ""
SIGNING_PREVIOUS_CERTS: list[str] = []
