"""Library admins the portal adjusts: django-otp's authenticator pages answer 404, not 500;
the user admin is for superusers, and association staff only reach its member-login autocomplete.

``TOTPDeviceAdmin.config_view`` and ``qrcode_view`` fetch the device with ``objects.get``
(a missing id is a 500) and then refuse another user's device with 403 (an existence
oracle). Here both answer the same 404.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import Http404
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.roles import is_association_staff


class PortalTOTPDeviceAdmin(TOTPDeviceAdmin):
    def _require_device(self, request, pk):
        device = TOTPDevice.objects.filter(pk=pk).first()
        if device is None or not self.has_view_or_change_permission(request, device):
            raise Http404

    def config_view(self, request, pk):
        self._require_device(request, pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        self._require_device(request, pk)
        return super().qrcode_view(request, pk)


admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, PortalTOTPDeviceAdmin)


class PortalUserAdmin(UserAdmin):
    """Logins: the user admin is for superusers only (association staff have no ``auth``
    permissions), with one exception: association staff may use its autocomplete to pick a
    member's login (劳模工匠 → 登录账号), and there it offers only logins that are no more than
    a member's (active, not staff, in no group, no permission of their own) and linked to no
    member yet, searched by login
    name, name or the member's phone. Officers never reach it (they do not see the field).
    """

    search_fields = ["username", "first_name", "last_name", "member__name", "member__mobile"]

    def _staff_picking_a_login(self, request) -> bool:
        match = getattr(request, "resolver_match", None)
        return (
            match is not None
            and match.url_name == "autocomplete"
            and not request.user.is_superuser
            and is_association_staff(request.user)
        )

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or (
            obj is None and self._staff_picking_a_login(request)
        )

    def get_search_results(self, request, queryset, search_term):
        if self._staff_picking_a_login(request):
            queryset = queryset.filter(
                is_active=True,
                is_staff=False,
                is_superuser=False,
                groups=None,
                user_permissions=None,
                member__isnull=True,  # a login already linked to a member is not offered again
            )
        return super().get_search_results(request, queryset, search_term)


User = get_user_model()
admin.site.unregister(User)
admin.site.register(User, PortalUserAdmin)
