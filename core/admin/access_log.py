"""Admin of the access log of personal data: association staff read it, nobody writes it."""

from django.contrib import admin

from core.models import AccessLog
from core.roles import is_association_staff


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Association staff search the log; nobody adds, edits or deletes it here."""

    list_display = ["at", "username", "action", "target", "row_count", "ip_address"]
    list_filter = ["action", "at"]
    search_fields = ["username", "target"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AccessLog._meta.fields]

    def has_module_permission(self, request):
        return is_association_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_association_staff(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
