"""Faults: Redis stopped as Django's cache. Pages keep loading; nothing answers 500.

The cache points at a port nobody listens on (the same way Redis answers when its server is
stopped: connection refused). Throttles of the API and of public verification let requests
through; the claim and password-reset flows, which need the cache for their one-time codes,
say that the service is temporarily unavailable and send no SMS.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.cache import CacheUnavailable
from core.notifications import LocmemSmsBackend
from members import services
from tests import factories as f
from tests.celery_support import dead_port


def _redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry_on_timeout": False},
        }
    }


@pytest.fixture
def cache_down(settings):
    settings.CACHES = _redis_cache(f"redis://127.0.0.1:{dead_port()}/0")
    LocmemSmsBackend.outbox.clear()
    yield
    LocmemSmsBackend.outbox.clear()


@pytest.fixture
def honoured_member(xihu):
    member = f.MemberFactory(branch=xihu, name="西湖李工", user=f.UserFactory(username="ligong"))
    f.HonorFactory(member=member)
    return member


def test_backend_degrades_reads_and_writes_and_refuses_counters(cache_down):
    assert cache.get("k", "miss") == "miss"
    cache.set("k", 1)  # dropped, no error
    assert cache.add("k", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("k") is False
    assert cache.delete("k") is False
    with pytest.raises(CacheUnavailable):
        cache.incr("k")


def test_backend_round_trips_on_a_live_redis(settings):
    if not settings.REDIS_URL:
        pytest.skip(reason="needs Redis: set REDIS_URL")
    settings.CACHES = _redis_cache(settings.REDIS_URL)
    cache.set("laomo:test:k", {"a": 1}, 30)
    assert cache.get("laomo:test:k") == {"a": 1}
    assert cache.add("laomo:test:n", 0, 30) in (True, False) and cache.incr("laomo:test:n") >= 1
    cache.delete_many(["laomo:test:k", "laomo:test:n"])


@pytest.mark.django_db
def test_staff_pages_load_with_cache_down(cache_down, client, staff_user, honoured_member):
    client.force_login(staff_user)
    for url in (
        reverse("admin:index"),
        reverse("admin:members_member_changelist"),
        reverse("admin:members_member_changelist") + "?q=李工",
        reverse("admin:members_member_change", args=[honoured_member.pk]),
        reverse("admin:members_member_statistics"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.django_db
def test_api_answers_with_cache_down(cache_down, client, staff_user, honoured_member):
    # DRF's throttles keep their history in the cache: with none, they let the request through.
    client.force_login(staff_user)
    response = client.get("/api/members/")
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["西湖李工"]


@pytest.mark.django_db
def test_member_page_and_certificate_request_with_cache_down(cache_down, client, honoured_member, on_commit):
    client.force_login(honoured_member.user)
    assert client.get(reverse("members:me")).status_code == 200
    response = client.post(reverse("members:certificate_request"), {"purpose": "疗休养"}, follow=True)
    assert response.status_code == 200


@pytest.mark.django_db
def test_public_verification_works_with_cache_down(cache_down, client, honoured_member, staff_user):
    certificate = services.certificate_issue(member=honoured_member, actor=staff_user, purpose="疗休养")
    response = client.get(
        reverse("members:verify", args=[certificate.serial]), {"code": certificate.verification_code}
    )
    assert response.status_code == 200
    assert "有效" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("step", ["claim", "password_reset"])
def test_code_flows_say_unavailable_and_send_nothing_with_cache_down(cache_down, client, step):
    member = f.MemberFactory(mobile="13955550000")
    if step == "password_reset":
        member.user = f.UserFactory(username="reset-me")
        member.save()
        data = {"mobile": member.mobile}
    else:
        data = {"name": member.name, "id_number": member.id_number, "mobile": member.mobile}
    response = client.post(reverse(f"members:{step}"), data)
    assert response.status_code == 503
    assert "验证码服务暂时不可用，请稍后再试。" in response.content.decode()
    assert LocmemSmsBackend.outbox == []
    member.refresh_from_db()
    assert member.user_id is None or step == "password_reset"


@pytest.mark.django_db
def test_code_is_not_sent_when_the_cache_drops_writes(settings, client, monkeypatch):
    """A cache that answers but keeps nothing: the code could never be checked, so none is sent."""
    from core import throttle

    member = f.MemberFactory(mobile="13955550001")
    monkeypatch.setattr(throttle.cache, "set", lambda *args, **kwargs: None)
    response = client.post(
        reverse("members:claim"),
        {"name": member.name, "id_number": member.id_number, "mobile": member.mobile},
    )
    assert response.status_code == 503
    assert LocmemSmsBackend.outbox == []


@pytest.mark.django_db(transaction=True)  # the render is queued when the request's transaction commits
def test_redis_stopped_as_broker_and_cache_at_once(
    broker_down, cache_down, client, honoured_member, staff_user
):
    """One Redis server holds both: stopping it takes both away. Still no 500 anywhere."""
    from members.models import Certificate, RenderState

    client.force_login(honoured_member.user)
    response = client.post(reverse("members:certificate_request"), {"purpose": "疗休养"}, follow=True)
    assert response.status_code == 200
    assert "已排队" in response.content.decode()
    assert Certificate.objects.get(member=honoured_member).render_state == RenderState.PENDING
    assert client.get(reverse("members:me")).status_code == 200
    client.force_login(staff_user)
    for url in (reverse("admin:index"), reverse("admin:members_certificate_changelist"), "/api/members/"):
        assert client.get(url).status_code == 200, url
