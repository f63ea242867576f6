"""The project's one API router, its OpenAPI schema and Swagger UI (served from static)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from core.api.auth_views import ObtainTokenView
from members.api.document_views import (
    CertificateViewSet,
    CraftsmanCardViewSet,
    OwnCertificateViewSet,
    OwnCraftsmanCardViewSet,
)
from members.api.views import BranchViewSet, HonorViewSet, MemberViewSet
from publications.api.views import NewsletterIssueViewSet
from volunteering.api.views import ServiceEventViewSet
from wellbeing.api.care import CondolenceVisitViewSet, InquiryViewSet
from wellbeing.api.views import NominationViewSet, TripQuotaViewSet, TripViewSet
from workshops.api.views import WorkshopViewSet

router = DefaultRouter()
router.include_root_view = False
# JSON is the only renderer: ".json" suffix routes would only be a second set of doors (and
# the extra actions, which take no ``format`` argument, answered them with a 500).
router.include_format_suffixes = False
router.register("branches", BranchViewSet, basename="branch")
router.register("members", MemberViewSet, basename="member")
router.register("honors", HonorViewSet, basename="honor")
router.register("certificates", CertificateViewSet, basename="certificate")
router.register("cards", CraftsmanCardViewSet, basename="card")
router.register("workshops", WorkshopViewSet, basename="workshop")
router.register("service-events", ServiceEventViewSet, basename="service-event")
router.register("me/certificates", OwnCertificateViewSet, basename="own-certificate")
router.register("me/cards", OwnCraftsmanCardViewSet, basename="own-card")

# Wellbeing (convalescence trips)
router.register("trips", TripViewSet, basename="trip")
router.register("trip-quotas", TripQuotaViewSet, basename="trip-quota")
router.register("nominations", NominationViewSet, basename="nomination")
router.register("condolence-visits", CondolenceVisitViewSet, basename="condolence-visit")
router.register("inquiries", InquiryViewSet, basename="inquiry")

# Publications (newsletter issues, staff only)
router.register("newsletter-issues", NewsletterIssueViewSet, basename="newsletter-issue")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("token/", ObtainTokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
