"""Every page each role reaches, through its real URL, with the demo data: no server error, and no
unresolved template variable in the project's own templates.

The pages are found by walking the URL resolver (tests/adversarial/doors.py), so a page added
tomorrow is walked tomorrow: the admin index and every admin site view, every changelist, add
view, change and history view of one real object the role may see, every custom admin view
(each ModelAdmin's and the site's get_urls), and every page outside the admin and the API
(/, /me/…, /news/…, /verify/…). URL parameters are filled from the demo data: an object of the
door's model, or of the model a parameter names (``job_id`` → an import job, ``serial`` → the
certificate whose field it is). POST-only endpoints answer GET with 405 or a redirect; file
downloads are requested like the rest (their answer only must not be a server error).

The roles: association staff with a verified second factor, the 西湖区 officer, the demo member
and a visitor. A summary of the pages walked per role is printed (pytest -s shows it).
"""

import io
import logging
import shutil
import tempfile
from collections import Counter, defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.adversarial.doors import all_doors

from .template_check import Recorder, templates_with
from .walk import fill

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("page-walk")]

ROLES = ("staff", "officer_xihu", "member", "visitor")
ADMIN_ROLES = ("staff", "officer_xihu")
# The admin views walked per model; delete confirmations and simple_history's per-version forms
# are the libraries' pages, the object redirect only forwards to the change view.
ADMIN_KINDS = ("admin_changelist", "admin_add", "admin_change", "admin_history", "admin_custom", "admin_site")
SKIPPED_SITE_VIEWS = ("admin:logout",)  # POST-only; a GET would end the walking session
SKIPPED_ROUTES = ("media/", "files/", "healthz/")  # raw files and the probe, no templates
RECORDER = Recorder()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data (seed_demo, small), built once for this module inside a transaction rolled
    back at the end, and a logged-in client per role."""
    media = tempfile.mkdtemp(prefix="laomo-page-walk-media-")
    overrides = override_settings(
        MEDIA_ROOT=media, OTP_REQUIRED_FOR_ASSOCIATION=True, TEMPLATES=templates_with(RECORDER)
    )
    overrides.enable()
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # every 5xx is collected by the test itself
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            cache.clear()
            call_command("seed_demo", members=40, stdout=io.StringIO(), stderr=io.StringIO())
            users = {
                name: get_user_model().objects.get(username=name)
                for name in ("staff", "officer_xihu", "member")
            }
            device = TOTPDevice.objects.create(user=users["staff"], name="手机验证器", confirmed=True)
            clients = {}
            for role in ROLES:
                client = Client(raise_request_exception=False)
                if role in users:
                    client.force_login(users[role])
                if role == "staff":  # what django_otp.login stores after a correct code
                    session = client.session
                    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
                    session.save()
                clients[role] = client
            yield {"users": users, "clients": clients}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            overrides.disable()
            quiet.setLevel(level)
            shutil.rmtree(media, ignore_errors=True)


def doors_for(role):
    for door in all_doors():
        if (
            door.suffix
            or door.template.lstrip("^").startswith(SKIPPED_ROUTES)
            or door.name in SKIPPED_SITE_VIEWS
        ):
            continue
        if door.kind == "admin_site" and not door.name:
            continue  # the catch-all (admin/<url>) only redirects
        if door.kind in ADMIN_KINDS:
            if role in ADMIN_ROLES or door.name == "admin:index":
                yield door
        elif door.kind == "custom":
            yield door


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_role_renders_without_server_error_or_unresolved_variable(demo, role, capsys):
    client = demo["clients"][role]
    user = demo["users"].get(role)
    errors, unresolved = [], defaultdict(set)
    statuses = Counter()
    walked = Counter()
    RECORDER.take()
    for door in doors_for(role):
        url = fill(door, user)
        if url is None:
            continue
        with transaction.atomic():  # a GET that writes (a lazy default, a log) leaves nothing behind
            response = client.get(url)
            transaction.set_rollback(True)
        walked[door.kind] += 1
        statuses[response.status_code] += 1
        if response.status_code >= 500:
            errors.append(f"{response.status_code} {url}")
        for found in RECORDER.take():
            unresolved[str(found)].add(url)
    summary = ", ".join(f"{kind} {count}" for kind, count in sorted(walked.items()))
    codes = ", ".join(f"{code}×{count}" for code, count in sorted(statuses.items()))
    with capsys.disabled():
        print(f"\n[page walk] {role}: {sum(walked.values())} pages ({summary}); answers {codes}")
        for text, urls in sorted(unresolved.items()):
            print(f"[page walk] {role}: unresolved {text} on {', '.join(sorted(urls)[:3])}")
    # The role reached its pages at all: a walk that silently walked nothing proves nothing.
    assert statuses[200] >= (100 if role in ADMIN_ROLES else 3), statuses
    assert not errors, "server errors:\n" + "\n".join(errors)
    assert not unresolved, "unresolved template variables:\n" + "\n".join(
        f"{text} (e.g. {sorted(urls)[0]})" for text, urls in sorted(unresolved.items())
    )
