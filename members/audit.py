"""Write path of the access log: every export, download and full-ID view calls access_log_record."""

from .models import AccessLog


def client_ip(request) -> str | None:
    """The client address; behind the proxy, the first X-Forwarded-For hop the proxy appended."""
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


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
