"""Project-level views: the health check used by docker-compose and load balancers."""

from django.conf import settings
from django.db import connection
from django.http import Http404, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.static import serve


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
