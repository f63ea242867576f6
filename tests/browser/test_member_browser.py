"""Real-browser flows of staff issuing, a member on a phone, and the public verification page.

Member and public pages run under the content security policy: every console error and
every CSP violation fails the test (no inline script or style may be blocked).
"""

import re
import subprocess

import pytest

from core.notifications import LocmemSmsBackend
from members import services
from members.models import Certificate
from tests import factories as f

from .conftest import admin_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Xihu-claim-2026"


def watch_csp(page):
    """Fail-later guard: console errors, page errors and CSP violations of every page loaded.

    Returns a function that asserts none happened. Violations are reported through an exposed
    binding, so they survive navigations.
    """
    problems = []
    page.on("console", lambda msg: problems.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.expose_function("__reportCsp", lambda text: problems.append(f"CSP violation: {text}"))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " window.__reportCsp(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile));"
    )

    def check():
        assert not problems, problems

    return check


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def honoured(xihu):
    member = f.MemberFactory(branch=xihu, name="西湖陈工", mobile="13712345678")
    f.HonorFactory(member=member, title="杭州市劳动模范", kind="model_worker", year=2018)
    return member


def test_staff_searches_issues_and_downloads_a_certificate(page_factory, shot, honoured, tmp_path):
    staff = f.association_staff(username="staff_issue")
    page = page_factory()
    admin_login(page, staff.username)
    page.goto("/admin/members/member/")
    page.fill("#searchbar", "陈工")
    page.press("#searchbar", "Enter")
    page.wait_for_load_state()
    shot(page, "search")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1 and "西湖陈工" in rows.first.inner_text()

    page.goto(f"/admin/members/certificate/add/?member={honoured.pk}")
    page.select_option("#id_purpose", "办理公园年卡")
    shot(page, "issue-form")
    page.click("#content input[type=submit][value=开具]")
    page.wait_for_url("**/admin/members/certificate/*/change/")
    shot(page, "issued")
    certificate = Certificate.objects.get(member=honoured)
    assert certificate.serial in page.content()

    with page.expect_download() as info:
        page.click("text=下载PDF")
    path = tmp_path / "certificate.pdf"
    info.value.save_as(path)
    assert info.value.suggested_filename == f"{certificate.serial}.pdf"
    text = pdf_text(path)
    assert certificate.serial in text and "西湖陈工" in text


def test_member_claims_logs_in_on_a_phone_and_downloads(page_factory, shot, honoured, staff_user, tmp_path):
    certificate = services.certificate_issue(member=honoured, actor=staff_user, purpose="疗休养")
    LocmemSmsBackend.outbox.clear()
    page = page_factory(phone=True)
    csp_clean = watch_csp(page)

    page.goto("/me/claim/")
    page.fill("#id_name", "西湖陈工")
    page.fill("#id_id_number", honoured.id_number)
    page.fill("#id_mobile", honoured.mobile)
    shot(page, "claim")
    page.click("button[type=submit]")
    page.wait_for_url("**/me/claim/confirm/")
    (sms,) = [m for m in LocmemSmsBackend.outbox if m["mobile"] == honoured.mobile]
    code = re.search(r"\d{6}", sms["text"]).group()
    page.fill("#id_code", code)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    shot(page, "claim-confirm")
    page.click("button[type=submit]")
    page.wait_for_url("**/me/")
    shot(page, "claimed")

    page.click("text=退出")
    page.wait_for_load_state()
    page.goto("/me/login/")
    page.fill("#id_login", honoured.mobile)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/me/")
    shot(page, "logged-in")
    assert certificate.serial in page.content()

    with page.expect_download() as info:
        page.locator("#certificates a.btn", has_text="下载").first.click()
    path = tmp_path / "mine.pdf"
    info.value.save_as(path)
    assert certificate.serial in pdf_text(path)
    csp_clean()


def test_public_verification_of_valid_and_tampered_codes(page_factory, shot, honoured, staff_user):
    certificate = services.certificate_issue(member=honoured, actor=staff_user, purpose="疗休养")
    page = page_factory(phone=True)
    csp_clean = watch_csp(page)

    page.goto(f"/verify/{certificate.serial}/?code={certificate.verification_code}")
    shot(page, "valid")
    body = page.locator("main").inner_text()
    assert "有效" in body and "杭州市劳动模范" in body
    assert "西湖陈工" not in body  # the holder's name is masked for the public

    tampered = ("A" if certificate.verification_code[0] != "A" else "B") + certificate.verification_code[1:]
    page.goto(f"/verify/{certificate.serial}/?code={tampered}")
    shot(page, "tampered")
    body = page.locator("main").inner_text()
    assert "无法验证" in body and "有效" not in body.replace("无法验证", "")
    assert "杭州市劳动模范" not in body
    csp_clean()
