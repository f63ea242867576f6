"""Security headers the framework does not set: a content security policy on the pages
members and the public see (the admin keeps Django's own inline scripts); and the refusal of
input no view should ever see (NUL characters)."""

import json

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

from core.parsing import contains_nul
from core.scoping import user_scope_for_request

EXEMPT_PREFIXES = ("/admin/", "/api/docs/")


class ContentSecurityPolicyMiddleware:
    """Adds ``Content-Security-Policy`` (from settings.CONTENT_SECURITY_POLICY) to HTML responses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(EXEMPT_PREFIXES) or "Content-Security-Policy" in response:
            return response
        response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        return response


INVALID_INPUT_MESSAGE = "请求包含无效字符。"
JSON_TYPES = ("application/json", "application/merge-patch+json")


def _json_has_nul(value) -> bool:
    if isinstance(value, str):
        return contains_nul(value)
    if isinstance(value, dict):
        return any(contains_nul(k) or _json_has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_json_has_nul(v) for v in value)
    return False


def _fields_have_nul(query_dict) -> bool:
    return any(contains_nul(key) or any(map(contains_nul, values)) for key, values in query_dict.lists())


def parses_own_body(view):
    """Mark a view that reads its form body itself: a small upload it caps by CONTENT_LENGTH and
    keeps in memory (``request.upload_handlers``) before anything reads it. BadInputMiddleware
    then leaves that body alone (parsing it here would use the default handlers: a large upload
    to a temporary file), and the view calls ``request_has_nul`` once it has read the body.
    Apply it outermost, so the URL resolver's callable carries the mark."""
    view.parses_own_body = True
    return view


def _view_parses_own_body(request) -> bool:
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return False
    if (request.content_type or "") not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return getattr(match.func, "parses_own_body", False)


def request_has_nul(request, *, body: bool = True) -> bool:
    """A NUL character in the path, a query parameter, a cookie, a form field, a file name or a
    JSON string (``body=False``: everything but the form body, which the view checks itself)."""
    if contains_nul(request.path_info) or contains_nul(request.META.get("QUERY_STRING", "")):
        return True
    if _fields_have_nul(request.GET):
        return True
    # A quoted cookie may carry an octal escape that Django's parser turns into a real NUL.
    if any(contains_nul(name) or contains_nul(value) for name, value in request.COOKIES.items()):
        return True
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return False
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        if not body:
            return False
        if _fields_have_nul(request.POST):
            return True
        return any(
            contains_nul(upload.name or "") for _, uploads in request.FILES.lists() for upload in uploads
        )
    if content_type in JSON_TYPES or content_type.endswith("+json"):
        body = request.body
        # Cheap test first; parse only when a NUL could be there (a literal or a \u0000 escape).
        if b"\x00" in body:
            return True
        if b"\\u0000" not in body:
            return False
        try:
            return _json_has_nul(json.loads(body))
        except ValueError:
            return False  # not JSON: the API's parser answers that itself
    return False


class BadInputMiddleware:
    """Refuses, with 400 and a Chinese message, any request carrying a NUL character.

    PostgreSQL refuses NUL in text (DataError) while SQLite stores it, so one ``%00`` in a
    path, a query parameter, a form field or a JSON string would be a server error on
    production only. Checked once here, before sessions, authentication or any view, so
    the refused request changes nothing. API paths answer JSON like the API's own errors.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request_has_nul(request, body=not _view_parses_own_body(request)):
            return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def refuse(request):
        if request.path_info.startswith("/api/"):
            response = JsonResponse({"detail": INVALID_INPUT_MESSAGE}, status=400)
        else:
            # The site's own 400 page (no request context: sessions have not run yet).
            page = render_to_string("400.html", {"message": INVALID_INPUT_MESSAGE})
            response = HttpResponseBadRequest(page, content_type="text/html; charset=utf-8")
        response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        return response


class ScopeMiddleware:
    """Every request runs inside its user's branch scope (core.scoping): association staff
    every branch, an officer one branch, anybody else none. A branch-owned query that no scope
    covers raises instead of returning every row. Placed after authentication and OTP, so that
    a session that skipped a required second factor gets the empty scope (roles.user_scope).
    The API enters the scope again for the user DRF authenticates (a token is read in the view).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with user_scope_for_request(getattr(request, "user", None)):
            return self.get_response(request)
