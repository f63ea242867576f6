"""Benchmark URLs: the project's, plus the naive admin and API beside them."""

from django.urls import path

from laomo_portal.urls import urlpatterns as project_urlpatterns

from .naive import NaiveMemberViewSet, naive_dashboard, naive_site, naive_statistics

urlpatterns = [
    path("naive-admin/", naive_site.urls),
    path("naive-dashboard/", naive_dashboard, name="naive-dashboard"),
    path("naive-statistics/", naive_statistics, name="naive-statistics"),
    path("naive-api/members/", NaiveMemberViewSet.as_view({"get": "list"}), name="naive-members"),
    *project_urlpatterns,
]
