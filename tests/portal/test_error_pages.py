"""Error pages in Chinese through real URLs (DEBUG off, as in production): 400, 403, CSRF, 404
(site, admin, media), 500, and the API's JSON errors."""

import re

import pytest
from django.test import Client

from members import views as member_views
from tests import factories as f

pytestmark = pytest.mark.django_db

ENGLISH_WORDS = re.compile(
    r"\b(Not Found|Forbidden|Server Error|Bad Request|CSRF|Page not found|referer|cookie)\b", re.I
)


def _chinese_page(response, status, heading):
    assert response.status_code == status
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert heading in body, body[:500]
    text = re.sub(r"<[^>]+>", " ", body)
    assert not ENGLISH_WORDS.search(text), ENGLISH_WORDS.search(text)
    assert '<html lang="zh-Hans">' in body and "favicon" in body
    return body


def test_404_on_a_public_page(client):
    body = _chinese_page(client.get("/news/articles/999999/"), 404, "页面不存在")
    assert 'href="/"' in body


def test_404_of_an_unknown_address(client):
    _chinese_page(client.get("/no-such-page/"), 404, "页面不存在")


def test_404_of_a_missing_public_file(client):
    _chinese_page(client.get("/media/covers/no-such-cover.png"), 404, "页面不存在")


def test_404_inside_the_admin_for_staff(client, staff_user):
    client.force_login(staff_user)
    _chinese_page(client.get("/admin/no-such-app/"), 404, "页面不存在")


def test_404_inside_the_admin_for_an_officer(client, xihu_officer):
    client.force_login(xihu_officer)
    _chinese_page(client.get("/admin/members/no-such-model/"), 404, "页面不存在")


def test_404_of_a_document_that_is_not_the_members(client, xihu_member):
    client.force_login(f.member_user(xihu_member))
    _chinese_page(client.get("/me/certificates/999999/download/"), 404, "页面不存在")


def test_403_for_an_officer_on_the_user_accounts(client, xihu_officer):
    client.force_login(xihu_officer)
    _chinese_page(client.get("/admin/auth/user/"), 403, "无权访问")


def test_csrf_failure_is_explained_in_chinese(xihu_member):
    client = Client(enforce_csrf_checks=True)
    body = _chinese_page(
        client.post("/me/login/", {"login": "13900000000", "password": "x"}), 403, "页面已过期"
    )
    assert "刷新页面" in body and "没有保存" in body


def test_400_for_malformed_input(client):
    body = _chinese_page(client.get("/news/search/?q=%00"), 400, "请求无效")
    assert "请求包含无效字符" in body


def test_400_for_a_malformed_verification_entry(client):
    body = _chinese_page(client.get("/verify/?serial=<script>&code=x"), 400, "证明核验")
    assert "编号只含字母、数字" in body


def test_500_is_a_chinese_page(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(member_views, "verify_document", broken)
    client.raise_request_exception = False
    body = _chinese_page(client.get("/verify/LMZM-2026-000001/?code=ABC"), 500, "服务器暂时出错")
    assert "boom" not in body and 'href="/"' in body


@pytest.mark.parametrize(
    ("method", "url", "status", "detail"),
    [
        ("get", "/api/members/", 401, "身份认证信息未提供。"),
        ("delete", "/api/me/certificates/", 401, "身份认证信息未提供。"),
    ],
)
def test_api_errors_are_json_in_chinese(api, method, url, status, detail):
    response = getattr(api, method)(url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == detail


def test_api_not_found_and_not_allowed_in_chinese(api, staff_user, xihu_member):
    api.force_authenticate(staff_user)
    missing = api.get("/api/members/999999/")
    assert missing.status_code == 404 and missing.json()["detail"] == "找不到该记录。"
    api.force_authenticate(f.member_user(xihu_member))
    refused = api.delete("/api/me/certificates/")
    assert refused.status_code == 405 and refused.json()["detail"] == "方法 “DELETE” 不被允许。"


def test_api_unknown_address_is_a_chinese_404(api):
    _chinese_page(api.get("/api/no-such-endpoint/"), 404, "页面不存在")
