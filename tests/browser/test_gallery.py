"""The screenshot gallery: every main page per role, in Chromium, with the demo data.

Saved to test-artifacts/gallery/<role>/<NN-page>.png (test-artifacts/ is what CI keeps):
association staff and the 西湖区 officer at 1366×768 (the admin index, each changelist their
navigation offers, a change form of each main model they may see, each report), the member
at 390×844 on a phone (/, /me/, the newsletter, a certificate's verification page and the other
pages outside the admin). The pages are found as the page walk finds them (the admin's app
list per role, the resolver), so new pages join the gallery by themselves.

Per page it asserts: answer 200, no horizontal overflow (the page is no wider than the
viewport), and no unresolved variable of the project's templates on the page. Every page is
photographed before anything is asserted, so a failing run still leaves the whole gallery.
"""

import re
import time
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import RequestFactory

from tests.adversarial.doors import all_doors
from tests.portal.template_check import MARKER_PREFIX, Recorder, templates_with
from tests.portal.walk import PROJECT_APPS, fill, visible_object

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GALLERY = ARTIFACTS.parent / "gallery"
PASSWORD = "laomo-demo-2026"  # seed_demo's demo logins
DESKTOP = {"width": 1366, "height": 768}
NOT_PAGES = ("media/", "files/", "healthz/", "me/logout/")


# Forms worth a picture though not "main" records: the seal's upload form shows the seal itself.
ALSO_FORMS = {"members.DocumentSeal"}


def is_main(model_admin) -> bool:
    """A main record staff look up and open: searchable, with a date or rows of its own inside."""
    if model_admin.model._meta.label in ALSO_FORMS:
        return True
    return bool(model_admin.search_fields) and bool(model_admin.date_hierarchy or model_admin.inlines)


def admin_pages(user):
    """(name, url) of the admin pages ``user`` works with: the index, each changelist of the
    navigation, one change form per main model (``is_main``), and each report (a custom admin view
    without parameters)."""
    request = RequestFactory().get("/admin/")
    request.user = user
    pages = [("index", "/admin/")]
    forms = []
    for app in admin.site.get_app_list(request):
        for entry in app["models"]:
            model = entry["model"]
            name = f"{model._meta.app_label}-{model._meta.model_name}"
            if model._meta.app_label not in PROJECT_APPS or not entry.get("admin_url"):
                continue  # the libraries' own lists (accounts, lockouts, devices) are theirs
            pages.append((name, entry["admin_url"]))
            model_admin = admin.site._registry[model]
            if is_main(model_admin):
                obj = visible_object(model, user, model_admin)
                if obj is not None:
                    forms.append((f"{name}-change", f"{entry['admin_url']}{obj.pk}/change/"))
    reports = [
        (door.name.rsplit(":", 1)[-1], door.fill({}))
        for door in all_doors()
        # The export pages (one per list, all alike) are photographed once, for the member list.
        if door.kind == "admin_custom" and not door.slots
        and (not door.name.endswith("_export") or door.name.endswith("members_member_export"))
    ]
    return pages + forms + reports


def public_pages(user):
    """(name, url) of the pages outside the admin and the API, filled for ``user``."""
    pages = []
    for door in all_doors():
        if door.kind != "custom" or door.template.lstrip("^").startswith(NOT_PAGES):
            continue
        url = fill(door, user)
        if url is not None:
            pages.append((door.name.rsplit(":", 1)[-1] or "home", url))
    return pages


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")[:60] or "page"


def photograph(page, role, pages, width, problems, recorder):
    """Visit each HTML page, save it, and note what is wrong with it."""
    folder = GALLERY / role
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    taken = 0
    for name, url in pages:
        # Downloads (xlsx, PDF) and POST-only doors are not pages: asked first without the browser.
        head = page.request.get(url, max_redirects=0)
        if head.status != 200 or "text/html" not in head.headers.get("content-type", ""):
            continue
        recorder.take()
        response = page.goto(url)
        page.wait_for_load_state("load")
        taken += 1
        page.screenshot(path=str(folder / f"{taken:02d}-{slug(name)}.png"), full_page=True)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if response is None or response.status != 200:
            problems.append(f"{role} {url}: answer {response.status if response else 'none'}")
        if scroll_width > width + 1:
            problems.append(f"{role} {url}: {scroll_width}px wide in a {width}px window")
        if MARKER_PREFIX in page.content():
            found = ", ".join(str(u) for u in recorder.take()) or "marker on the page"
            problems.append(f"{role} {url}: unresolved {found}")
    return taken


def test_gallery_of_every_main_page_per_role(page_factory, live_server, settings, tmp_path):
    started = time.monotonic()
    recorder = Recorder()
    settings.TEMPLATES = templates_with(recorder)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("seed_demo", members=40, stdout=None)
    User = get_user_model()
    problems, counts = [], {}
    # Every page is listed before the browser starts: with SQLite the live server shares the
    # test's connection, so the test thread queries nothing while the server answers.
    pages = {role: admin_pages(User.objects.get(username=role)) for role in ("staff", "officer_xihu")}
    pages["member"] = public_pages(User.objects.get(username="member"))

    for role in ("staff", "officer_xihu"):
        page = page_factory()
        page.set_viewport_size(DESKTOP)
        page.goto("/admin/login/")
        page.fill("#id_username", role)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url("**/admin/")
        counts[role] = photograph(page, role, pages[role], DESKTOP["width"], problems, recorder)

    page = page_factory(phone=True)
    page.goto("/me/login/")
    page.fill("input[name=login]", "member")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/me/")
    counts["member"] = photograph(page, "member", pages["member"], 390, problems, recorder)

    print(f"\n[gallery] {counts} pages in {time.monotonic() - started:.0f}s → {GALLERY}")
    assert counts["staff"] >= 20 and counts["officer_xihu"] >= 10 and counts["member"] >= 4, counts
    assert sorted(Path(GALLERY / "member").glob("*.png")), "no member pages saved"
    assert not problems, "\n".join(problems)
