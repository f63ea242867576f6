"""Security headers the framework does not set: a content security policy on the pages
members and the public see (the admin keeps Django's own inline scripts)."""

from django.conf import settings

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
