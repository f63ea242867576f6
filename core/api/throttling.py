"""API throttles keyed by the one client address (core.audit.client_ip), not by the raw
X-Forwarded-For header that DRF's throttles trust when NUM_PROXIES is unset."""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from core.audit import client_ip


class ClientAddressMixin:
    def get_ident(self, request):
        return client_ip(request) or ""


class ClientAnonRateThrottle(ClientAddressMixin, AnonRateThrottle):
    pass


class ClientUserRateThrottle(ClientAddressMixin, UserRateThrottle):
    pass
