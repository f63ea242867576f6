"""Project-level views: the public home page, the health check, public media."""

from django.conf import settings
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.static import serve

from core.scoping import scopes_disabled
from members.forms import VerifyLookupForm
from publications.models import Article
from publications.models.newsletter import NEWSLETTER_NAME

LATEST_NEWS = 5


@require_GET
def home(request):
    """/: the association's front door for members and visitors: latest news, verifying a
    certificate, the member login, and a discreet way in for staff. Nothing personal on it."""
    # Public page, empty scope: only articles of published issues, whichever branch wrote them.
    with scopes_disabled():
        news = list(Article.objects.published().for_listing().prefetch_related("photos")[:LATEST_NEWS])
    is_member = request.user.is_authenticated and hasattr(request.user, "member")
    context = {
        "news": news,
        "newsletter_name": NEWSLETTER_NAME,
        "verify_form": VerifyLookupForm(),
        "is_member": is_member,
        "association_name": settings.ASSOCIATION_NAME,
        "contact": {
            "address": settings.ASSOCIATION_ADDRESS,
            "phone": settings.ASSOCIATION_PHONE,
            "email": settings.ASSOCIATION_EMAIL,
        },
    }
    return render(request, "portal/home.html", context)


@never_cache
def healthz(request):
    """200 when the database answers; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "数据库不可用"}, status=503)
    return JsonResponse({"status": "ok"})


def public_media(request, path):
    """MEDIA_ROOT, which holds only public files (newsletter covers and photos, exhibition works).

    Branch-owned files are elsewhere (``/files/``, scoped); private ones are never served by URL.
    """
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except OSError:  # a name the file system refuses (too long, …) is a file that is not there
        raise Http404 from None
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response
