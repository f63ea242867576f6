"""The public home page (/): news, verifying a certificate, the member login and the staff entrance;
and the phone fields people type into, as ``type=tel``."""

import re

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

from members import services
from publications.services import SYSTEM, issue_publish, issue_submit
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def news(xihu):
    published = f.NewsletterIssueFactory(number=12)
    f.ArticleFactory(issue=published, title="全市劳模工匠座谈会召开")
    f.ArticlePhotoFactory(article=f.ArticleFactory(issue=published, title="技能比武现场"), caption="比武现场")
    issue_submit(issue=published, actor=SYSTEM)
    issue_publish(issue=published, actor=SYSTEM)
    draft = f.NewsletterIssueFactory(number=13, branch=xihu)
    f.ArticleFactory(issue=draft, title="尚未发布的稿件")
    return published


def _strict_templates(settings):
    template = settings.TEMPLATES[0]
    options = {**template["OPTIONS"], "string_if_invalid": "UNRESOLVED[%s]"}
    settings.TEMPLATES = [{**template, "OPTIONS": options}]


def test_home_page_for_a_visitor(client, news, xihu_member):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>杭州市劳模工匠协会</title>" in body
    assert "全市劳模工匠座谈会召开" in body and "技能比武现场" in body and "尚未发布的稿件" not in body
    assert 'alt="比武现场"' in body and 'src=""' not in body
    assert 'action="/verify/"' in body and 'name="serial"' in body and 'name="code"' in body
    assert 'href="/me/login/"' in body and 'href="/me/claim/"' in body
    assert re.search(r'<a href="/admin/">管理平台入口</a>', body)
    assert xihu_member.name not in body and xihu_member.mobile not in body  # nothing personal


def test_home_page_shows_the_contact_that_is_configured(client, settings):
    settings.ASSOCIATION_PHONE = "0571-00000000"
    settings.ASSOCIATION_ADDRESS = "杭州市某某路1号"
    body = client.get("/").content.decode()
    assert 'href="tel:0571-00000000"' in body and "杭州市某某路1号" in body
    settings.ASSOCIATION_PHONE = settings.ASSOCIATION_ADDRESS = ""
    body = client.get("/").content.decode()
    assert "电话：" not in body and "地址：" not in body and "所在的区、县（市）或产业劳模工匠分会" in body


def test_home_page_takes_a_logged_in_member_to_their_page(client, xihu_member):
    client.force_login(f.member_user(xihu_member))
    body = client.get("/").content.decode()
    assert 'href="/me/">进入我的页面' in body and "会员登录" not in body


def test_home_page_is_no_longer_a_redirect_to_the_staff_login(client):
    response = client.get("/")
    assert response.status_code == 200 and "Location" not in response


def test_verify_form_leads_to_the_verification_page(client, xihu_member, staff_user, on_commit):
    certificate = on_commit(
        services.certificate_issue, member=xihu_member, actor=staff_user, purpose="疗休养"
    )
    serial, code = certificate.serial.lower(), f" {certificate.verification_code.lower()} "
    response = client.get("/verify/", {"serial": serial, "code": code.strip()})
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{certificate.serial}/?code={certificate.verification_code}"
    body = client.get(response["Location"]).content.decode()
    assert "有效" in body and "西**" in body and "西湖甲" not in body
    wrong = client.get("/verify/", {"serial": certificate.serial, "code": "WRONGCODE"}, follow=True)
    assert "无法验证" in wrong.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"serial": "", "code": "ABC"}, "请填写证明编号或卡号"),
        ({"serial": "LMZM-2026-000001", "code": ""}, "请填写验证码"),
        ({"serial": "../../admin", "code": "ABC"}, "编号只含字母、数字"),
        ({"serial": "A" * 31, "code": "ABC"}, "编号只含字母、数字"),
    ],
)
def test_verify_form_refuses_malformed_entries_with_a_reason(client, query, message):
    response = client.get("/verify/", query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_verify_form_page_without_entries_shows_the_form(client):
    body = client.get("/verify/").content.decode()
    assert "输入证明上的编号和验证码" in body and "无法验证" not in body


def test_public_pages_leave_no_template_variable_unresolved(client, news, settings):
    _strict_templates(settings)
    article = news.articles.first()
    for url in ("/", "/verify/", "/verify/NOPE-1/?code=X", "/news/", f"/news/articles/{article.pk}/",
                "/me/login/", "/me/claim/", "/me/password-reset/", "/no-such-page/"):  # fmt: skip
        body = client.get(url).content.decode()
        assert "UNRESOLVED" not in body, (url, re.findall(r"UNRESOLVED\[[^\]]*\]", body))


def test_favicon_is_linked_on_public_and_admin_pages(client):
    body = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in body
    assert 'href="/static/img/favicon.ico"' in body
    admin = client.get("/admin/login/").content.decode()
    assert 'href="/static/img/favicon.svg"' in admin


def test_favicon_files_are_real_images():
    svg = open(finders.find("img/favicon.svg"), encoding="utf-8").read()
    assert svg.startswith("<svg") and 'viewBox="0 0 32 32"' in svg
    with Image.open(finders.find("img/favicon.ico")) as ico:
        assert ico.format == "ICO" and (32, 32) in ico.info["sizes"]


# ------------------------------------------------------------------ phone fields


def _input(body, name):
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', body)
    assert match, name
    return match.group()


@pytest.mark.parametrize("url", ["/me/claim/", "/me/password-reset/"])
def test_member_pages_ask_for_a_mobile_with_the_phone_keypad(client, url):
    field = _input(client.get(url).content.decode(), "mobile")
    assert 'type="tel"' in field and 'inputmode="numeric"' in field and 'autocomplete="tel"' in field


def test_sms_code_fields_use_the_numeric_keypad(client, binjiang_member, sms_outbox):
    client.post("/me/claim/", {"name": binjiang_member.name, "id_number": binjiang_member.id_number,
                               "mobile": binjiang_member.mobile})  # fmt: skip
    field = _input(client.get("/me/claim/confirm/").content.decode(), "code")
    assert 'inputmode="numeric"' in field and 'autocomplete="one-time-code"' in field


def test_login_field_still_takes_a_username(client):
    field = _input(client.get("/me/login/").content.decode(), "login")
    assert 'type="text"' in field and 'autocomplete="username"' in field


def test_admin_member_form_mobile_is_a_phone_field(client, staff_user, xihu_member):
    client.force_login(staff_user)
    for url in ("/admin/members/member/add/", f"/admin/members/member/{xihu_member.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200, url
        field = _input(response.content.decode(), "mobile")
        assert 'type="tel"' in field and 'class="vTextField"' in field, field
