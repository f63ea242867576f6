"""Test settings: the environment's database and broker, a fast hasher, no HTTPS redirect."""

import os
import tempfile

from .settings import *  # noqa: F403
from .settings import REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Eager unless a test starts a real worker (marker celery_worker) and asks otherwise.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
# Collected static files are not needed by tests (the admin's pages render without them).
STATIC_ROOT = tempfile.mkdtemp(prefix="laomo-static-test-")
# A fresh private directory per test run, unless a test's subprocess is handed one.
_PRIVATE = os.environ.get("PRIVATE_MEDIA_ROOT") or tempfile.mkdtemp(prefix="laomo-private-test-")
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
