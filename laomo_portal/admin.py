"""Library admins the portal adjusts: django-otp's authenticator pages answer 404, not 500.

``TOTPDeviceAdmin.config_view`` and ``qrcode_view`` fetch the device with ``objects.get``
(a missing id is a 500) and then refuse another user's device with 403 (an existence
oracle). Here both answer the same 404.
"""

from django.contrib import admin
from django.http import Http404
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice


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
