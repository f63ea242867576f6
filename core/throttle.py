"""Throttles and one-time SMS codes, kept in Django's cache (Redis in production).

``throttle_hit`` counts attempts per key in a fixed window; the claim, password-reset and
verification pages call it per client address. One-time codes are stored hashed, expire,
and die after a few wrong tries or their first use.

With the cache server down (``CacheUnavailable``), a throttle either lets the request
through (``fail_open``: the public verification page, which only reads signed data) or
raises, and no one-time code is sent that could not be checked afterwards.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.cache import cache

from core.cache import CacheUnavailable
from core.notifications import SmsError, send_sms

CODE_MAX_TRIES = 5


def throttle_hit(key: str, *, limit: int, window: int, fail_open: bool = False) -> bool:
    """Count one attempt; True while the key stays within ``limit`` attempts per ``window`` seconds.

    Raises ``CacheUnavailable`` when the count cannot be kept, unless ``fail_open``.
    """
    try:
        count = _count_up(f"throttle:{key}", timeout=window)
    except CacheUnavailable:
        if fail_open:
            return True
        raise
    return count <= limit


def _count_up(cache_key: str, *, timeout: int) -> int:
    """Add one to a cache counter that expires ``timeout`` seconds after it was first made."""
    cache.add(cache_key, 0, timeout=timeout)
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=timeout)
        return 1


class concurrency_slot:
    """``with concurrency_slot(key, limit=N) as granted:`` at most N holders at once, site-wide.

    A per-client throttle does not bound work that a few addresses can start together; a slot
    does. The count lives in the cache (every worker sees it) and expires after ``ttl`` seconds,
    so a worker killed inside the block frees its slot by then. With the cache down, the slot
    is granted (``fail_open``, as the public verification pages do) or CacheUnavailable raised.
    """

    def __init__(self, key: str, *, limit: int, ttl: int = 30, fail_open: bool = True):
        self.cache_key, self.limit, self.ttl, self.fail_open = f"slots:{key}", limit, ttl, fail_open
        self.taken = False

    def __enter__(self) -> bool:
        try:
            count = _count_up(self.cache_key, timeout=self.ttl)
        except CacheUnavailable:
            if self.fail_open:
                return True
            raise
        self.taken = True
        return count <= self.limit

    def __exit__(self, *exc_info) -> None:
        if self.taken:
            try:
                cache.decr(self.cache_key)
            except (ValueError, CacheUnavailable):  # expired meanwhile, or the cache went away
                pass


def _digest(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def one_time_code_send(*, purpose: str, subject: str, mobile: str) -> None:
    """Send a fresh 6-digit code by SMS for (purpose, subject); raises SmsError.

    Raises ``CacheUnavailable`` (and sends nothing) when the code could not be stored.
    """
    code = f"{secrets.randbelow(10**6):06d}"
    key = f"otc:{purpose}:{subject}"
    entry = {"digest": _digest(code), "tries": 0}
    cache.set(key, entry, timeout=settings.ACCOUNT_CODE_TTL_SECONDS)
    if cache.get(key) != entry:  # a cache that drops writes: a code we could never check
        raise CacheUnavailable("one-time code not stored")
    minutes = settings.ACCOUNT_CODE_TTL_SECONDS // 60
    send_sms(mobile=mobile, text=f"您的验证码为{code}，{minutes}分钟内有效。如非本人操作请忽略。")


def one_time_code_check(*, purpose: str, subject: str, code: str) -> bool:
    """True once for the right code; wrong tries count and the code dies after a few."""
    key = f"otc:{purpose}:{subject}"
    entry = cache.get(key)
    if not entry:
        return False
    if hmac.compare_digest(entry["digest"], _digest((code or "").strip())):
        cache.delete(key)
        return True
    entry["tries"] += 1
    if entry["tries"] >= CODE_MAX_TRIES:
        cache.delete(key)
    else:
        cache.set(key, entry, timeout=settings.ACCOUNT_CODE_TTL_SECONDS)
    return False


__all__ = ["CacheUnavailable", "SmsError", "one_time_code_check", "one_time_code_send", "throttle_hit"]
