"""Project URLs: the admin, the member and public pages of each app, the API."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from core.files import branch_file

from . import accounts
from .views import healthz, home

urlpatterns = [
    path("", home, name="home"),
    # Staff accounts (laomo_portal/accounts.py): before the admin, whose catch-all would take them.
    path("admin/two-factor/", admin.site.admin_view(accounts.two_factor), name="two_factor"),
    path("admin/invitation/<str:uidb64>/<str:token>/", accounts.staff_invitation, name="staff_invitation"),
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
