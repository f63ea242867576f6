"""Staff and officers in a real browser: log in, search, and the other branch's URL."""

import pytest

from tests import factories as f

from .conftest import admin_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_logs_in_and_searches_a_member(page_factory, shot, xihu, binjiang):
    staff = f.association_staff(username="staff_b")
    f.HonorFactory(
        member=f.MemberFactory(branch=binjiang, name="滨江王工"), title="杭州工匠", kind="craftsman"
    )
    f.MemberFactory(branch=xihu, name="西湖李工")
    page = page_factory()
    admin_login(page, staff.username)
    shot(page, "dashboard")
    assert page.locator("[data-figure=members_total]").inner_text() == "2"
    page.goto("/admin/members/member/")
    page.fill("#searchbar", "王工")
    page.press("#searchbar", "Enter")
    page.wait_for_load_state()
    shot(page, "search")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert "滨江王工" in rows.first.inner_text()
    assert "杭州工匠" in rows.first.inner_text()


def test_officer_sees_only_own_branch_and_404_on_other(page_factory, shot, xihu, binjiang):
    officer = f.officer(xihu, username="officer_b")
    f.MemberFactory(branch=xihu, name="西湖李工")
    other = f.MemberFactory(branch=binjiang, name="滨江王工")
    page = page_factory()
    admin_login(page, officer.username)
    page.goto("/admin/members/member/")
    shot(page, "own-branch")
    body = page.locator("#result_list").inner_text()
    assert "西湖李工" in body and "滨江王工" not in body
    response = page.goto(f"/admin/members/member/{other.pk}/change/")
    shot(page, "other-branch")
    assert response.status == 404
    assert "滨江王工" not in page.content()
