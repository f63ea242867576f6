"""Project URLs: the admin, the member and public pages of each app, the API."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from core.files import branch_file

from .views import healthz, home

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
    path("files/<path:name>", branch_file, name="branch_file"),
    path("api/", include("laomo_portal.api")),
    path("", include("members.urls")),
    path("", include("workshops.urls")),
    path("", include("volunteering.urls")),
    path("", include("wellbeing.urls")),
    path("", include("publications.urls")),
]

if settings.SERVE_PUBLIC_MEDIA:
    from django.urls import re_path

    from .views import public_media

    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.+)$", public_media, name="public_media")
    ]
