"""The admin at an office screen (1366 × 768) in a real browser: the navigation toggle, one-line
list cells within the screen, and picking a member by search on 开具劳模证明."""

import pytest

from members.models import Certificate
from tests import factories as f

from .conftest import admin_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFICE = {"width": 1366, "height": 768}
# Each cell of the name column on one line: its text's line boxes share one top.
WRAPPED_NAMES = """() => Array.from(document.querySelectorAll('#result_list .field-name')).filter((cell) => {
    const range = document.createRange(); range.selectNodeContents(cell);
    return new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size > 1;
}).length"""


def test_navigation_starts_collapsed_below_1500_px_and_opens_on_click(page_factory, shot, xihu):
    staff = f.association_staff(username="staff_nav")
    for i in range(12):
        f.MemberFactory(branch=xihu, name=f"欧阳{'建国志强秀英'[i % 6]}{i}")
    page = page_factory()
    page.set_viewport_size(OFFICE)
    admin_login(page, staff.username)
    page.goto("/admin/members/member/")
    assert page.locator("#main.shifted").count() == 0  # collapsed: nobody chose yet
    shot(page, "collapsed")
    page.click("#toggle-nav-sidebar")
    assert page.locator("#main.shifted").count() == 1
    page.reload()
    assert page.locator("#main.shifted").count() == 1  # the person's choice is kept
    assert page.locator("#nav-sidebar").is_visible()
    shot(page, "open")
    assert page.evaluate("document.documentElement.scrollWidth") <= OFFICE["width"]
    assert page.evaluate(WRAPPED_NAMES) == 0
    results = page.locator("#changelist .results")
    assert results.evaluate("(el) => el.scrollWidth - el.clientWidth") <= 0  # no column out of sight


def test_certificate_member_is_picked_by_search_with_masked_id_and_branch(page_factory, shot, xihu, binjiang):
    officer = f.officer(xihu, username="officer_pick")
    mine = f.MemberFactory(branch=xihu, name="同名人")
    f.HonorFactory(member=mine)
    f.MemberFactory(branch=binjiang, name="同名人")
    page = page_factory()
    page.set_viewport_size(OFFICE)
    admin_login(page, officer.username)
    page.goto("/admin/members/certificate/add/")
    page.click(".select2-selection")
    page.fill(".select2-search__field", "同名人")
    option = page.locator(".select2-results__option", has_text="同名人")
    option.first.wait_for()
    shot(page, "results")
    # Only the officer's own branch, labelled so that two people of one name differ.
    assert option.all_inner_texts() == [f"同名人（{mine.masked_id_number}，西湖区）"]
    option.first.click()
    page.select_option("#id_purpose", index=1)
    page.click("input[type=submit]")
    page.wait_for_url("**/change/")
    shot(page, "issued")
    assert Certificate.objects.get().member == mine
