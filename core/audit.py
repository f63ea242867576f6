"""Write path of the access log: every export, download and full-ID view calls access_log_record."""

import ipaddress
import re
from urllib.parse import urlencode

from django.conf import settings

from core.idcard import mask_id_number, mask_phone
from core.models import AccessLog

ID_LIKE = re.compile(r"\d{14,17}[\dXx]")
PHONE_LIKE = re.compile(r"1\d{6,10}")


def client_ip(request) -> str | None:
    """The client's address: the one function for the access log, django-axes and every throttle.

    ``REMOTE_ADDR`` unless ``TRUSTED_PROXY_COUNT`` says how many proxies of ours stand in
    front and append to ``X-Forwarded-For``; then the entry that many places from the right,
    the one our outermost proxy wrote. Entries further left are written by the client and
    never trusted. A request that did not pass through all of them (too few entries) or an
    entry that is not an address falls back to ``REMOTE_ADDR`` (docs/security.md).
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


# No login name is longer (User.username); django-axes stores what it is given in 255 characters.
LOGIN_NAME_MAX = 150


def login_attempt_username(request, credentials=None) -> str | None:
    """The login name django-axes counts a failure against, cut to what a login name can be.

    axes' own lookup (credentials, then the posted form) with one change: a 10,000-character
    name would not fit its column (a server error on PostgreSQL) and can name no account.
    """
    if credentials:
        username = credentials.get("username")
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        username = data.get("username") if hasattr(data, "get") else None
    if username is None:
        return None
    return str(username)[:LOGIN_NAME_MAX]


def masked_filter(params) -> str:
    """A request's filter (a QueryDict) as a query string for the log, ID numbers and phones in it masked."""
    pairs = []
    for key, values in params.lists():
        for value in values:
            value = ID_LIKE.sub(lambda m: mask_id_number(m.group()), value)
            value = PHONE_LIKE.sub(lambda m: mask_phone(m.group()), value)
            pairs.append((key, value))
    return urlencode(pairs)


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


def id_numbers_confirmed(*, user, door: str, member_ids=(), count: int | None = None, request=None) -> None:
    """A door told ``user`` whether full 身份证号 they typed are in the registry: logged as a view.

    A search by a full number, a refused duplicate, an import preview or a scan upload each
    confirm numbers the user may not see in full (docs/security.md: no full number reaches an
    officer except through a door that logs it). The record holds member ids, never numbers.
    """
    ids = [pk for pk in member_ids if pk is not None]
    access_log_record(
        user=user, action=AccessLog.Action.VIEW_ID, target=f"身份证号核对：{door}", request=request,
        detail={"door": door, "member_ids": ids[:100]}, row_count=len(ids) if count is None else count,
    )  # fmt: skip
