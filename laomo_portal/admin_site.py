"""The portal's admin site: Django's admin with the staff dashboard as its index page."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class PortalAdminSite(admin.AdminSite):
    site_header = "杭州市劳模工匠协会 管理平台"
    site_title = "劳模工匠管理平台"
    index_title = "工作台"
    index_template = "admin/dashboard.html"

    def index(self, request, extra_context=None):
        from .dashboard import dashboard_for

        context = {"dashboard": dashboard_for(request.user), **(extra_context or {})}
        return super().index(request, context)


class PortalAdminConfig(AdminConfig):
    default_site = "laomo_portal.admin_site.PortalAdminSite"
