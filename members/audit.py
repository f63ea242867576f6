"""Write path of the access log: every export, download and full-ID view calls access_log_record."""

import ipaddress

from django.conf import settings

from .models import AccessLog


def client_ip(request) -> str | None:
    """The client's address: the one function for the access log, django-axes and every throttle.

    ``REMOTE_ADDR`` unless ``TRUSTED_PROXY_COUNT`` says how many proxies of ours stand in
    front and append to ``X-Forwarded-For``; then the entry that many places from the right,
    the one our outermost proxy wrote. Entries further left are written by the client and
    never trusted. A request that did not pass through all of them (too few entries) or an
    entry that is not an address falls back to ``REMOTE_ADDR`` (SECURITY.md).
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    entries = [e.strip() for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
    if len(entries) < hops:
        return remote
    candidate = entries[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def access_log_record(
    *, user, action: str, target: str, request=None, detail: dict | None = None, row_count: int | None = None
) -> AccessLog:
    """Record one access to personal data. ``detail`` must never hold an ID number in clear."""
    return AccessLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        username=getattr(user, "get_username", lambda: "")() if user is not None else "",
        action=action,
        target=target[:200],
        detail=detail or {},
        row_count=row_count,
        ip_address=client_ip(request),
    )
