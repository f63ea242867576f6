"""A person on a phone checks a certificate PDF at /verify/ by uploading it (390×844, CSP clean)."""

import pytest

from members import services
from tests import factories as f
from tests.signing_helpers import with_byte_changed

from .test_member_browser import watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_a_genuine_then_a_changed_certificate_on_a_phone(
    page_factory, shot, xihu, staff_user, tmp_path
):
    member = f.MemberFactory(branch=xihu, name="西湖陈工")
    f.HonorFactory(member=member, title="杭州市劳动模范", year=2018)
    certificate = services.certificate_issue(member=member, actor=staff_user, purpose="疗休养")
    certificate.refresh_from_db()
    genuine = tmp_path / f"{certificate.serial}.pdf"
    with certificate.pdf.open("rb") as stored:
        genuine.write_bytes(stored.read())
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(with_byte_changed(genuine.read_bytes()))

    page = page_factory(phone=True)
    csp_clean = watch_csp(page)
    page.goto("/verify/")
    shot(page, "landing")
    page.set_input_files("#id_verify_file", str(genuine))
    page.click("#verify-file button[type=submit]")
    page.wait_for_url("**/verify/file/")
    shot(page, "genuine")
    body = page.locator("main").inner_text()
    assert "真实有效" in body and certificate.serial in body and "杭州市劳动模范" in body
    assert "西湖陈工" not in body
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling

    page.set_input_files("#id_verify_file", str(changed))
    page.click("#verify-file button[type=submit]")
    page.wait_for_url("**/verify/file/")
    shot(page, "changed")
    body = page.locator("main").inner_text()
    assert "文件已被改动" in body and "真实有效" not in body and "杭州市劳动模范" not in body
    csp_clean()
