"""The client address comes from REMOTE_ADDR unless TRUSTED_PROXY_COUNT says otherwise (issue 16, 4).

A changing X-Forwarded-For header must not escape the django-axes lockout or any throttle,
and must not write a false address into 个人信息访问记录.
"""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils.module_loading import import_string

from core.audit import access_log_record, client_ip
from core.models import AccessLog
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
PASSWORD = "a-long-demo-password-2026"


def _request(remote="203.0.113.7", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(forwarded="1.2.3.4")) == "203.0.113.7"


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (1, "198.51.100.9", "198.51.100.9"),  # what our proxy saw
        (1, "1.2.3.4, 198.51.100.9", "198.51.100.9"),  # the client's own entry is ignored
        (2, "1.2.3.4, 198.51.100.9, 10.0.0.2", "198.51.100.9"),  # two proxies of ours
        (2, "198.51.100.9", "203.0.113.7"),  # did not pass through both: not trusted
        (1, "", "203.0.113.7"),
        (1, "not-an-address", "203.0.113.7"),
        (1, "1.2.3.4, <script>", "203.0.113.7"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_trusted_proxies_are_counted_from_the_right(settings, hops, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = hops
    assert client_ip(_request(forwarded=forwarded)) == expected


def test_access_log_keeps_the_true_address_not_the_claimed_one(settings, staff_user):
    settings.TRUSTED_PROXY_COUNT = 0
    access_log_record(
        user=staff_user, action="export", target="名册", request=_request(forwarded="8.8.8.8"), row_count=1
    )
    assert AccessLog.objects.get().ip_address == "203.0.113.7"


def test_officer_page_view_logs_true_address_through_the_admin(client, settings, staff_user, xihu_member):
    settings.TRUSTED_PROXY_COUNT = 0
    client.force_login(staff_user)
    client.get(
        reverse("admin:members_member_change", args=[xihu_member.pk]),
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_FORWARDED_FOR="6.6.6.6",
    )
    assert AccessLog.objects.get(action=AccessLog.Action.VIEW_ID).ip_address == "10.1.2.3"


def test_changing_forwarded_header_does_not_escape_the_login_lockout(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    f.association_staff(username="boss", password=PASSWORD)
    url = reverse("admin:login")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            url,
            {"username": "boss", "password": "wrong-password"},
            REMOTE_ADDR="10.9.9.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    locked = client.post(
        url,
        {"username": "boss", "password": PASSWORD},
        REMOTE_ADDR="10.9.9.1",
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert locked.status_code == 429
    # The pair (username, true address) is locked; the administrator elsewhere is not.
    elsewhere = client.post(url, {"username": "boss", "password": PASSWORD}, REMOTE_ADDR="10.9.9.2")
    assert elsewhere.status_code == 302


def test_changing_forwarded_header_does_not_escape_the_verification_throttle(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.VERIFY_RATE_LIMIT = 3
    url = reverse("members:verify", args=["HZLM-2020-000001"]) + "?code=X"
    statuses = [
        client.get(url, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_api_throttles_key_on_the_true_address(settings):
    from rest_framework.settings import api_settings

    settings.TRUSTED_PROXY_COUNT = 0
    request = _request(remote="10.0.0.5", forwarded="192.0.2.1")
    throttles = [import_string(path)() for path in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]]
    assert throttles and all(t.get_ident(request) == "10.0.0.5" for t in throttles)
    # DRF's own classes would have taken the header as the client sends it.
    assert api_settings.NUM_PROXIES is None
