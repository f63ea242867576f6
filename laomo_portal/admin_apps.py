"""The admin app configured with the portal's site (kept apart: app configs load before models)."""

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default_site = "laomo_portal.admin_site.PortalAdminSite"
