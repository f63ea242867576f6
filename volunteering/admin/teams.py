"""Admin of service teams and of the organisations they serve."""

from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.db.models import Count

from core.admin.base import ScopedModelAdmin, ScopedTabularInline
from core.admin.exporting import ExcelExportMixin

from ..models import Beneficiary, ServiceTeam, TeamMembership
from .resources import BeneficiaryResource, ServiceTeamResource


class TeamMembershipInline(ScopedTabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["member"]
    fields = ["member", "joined_on"]


@admin.register(ServiceTeam)
class ServiceTeamAdmin(ExcelExportMixin, ScopedModelAdmin):
    resource_classes = [ServiceTeamResource]
    inlines = [TeamMembershipInline]
    list_display = ["name", "kind", "branch", "leader", "member_count", "speciality", "active"]
    list_filter = ["kind", "active", ("branch", RelatedOnlyFieldListFilter)]
    search_fields = ["name", "speciality"]
    autocomplete_fields = ["leader"]
    list_select_related = ["branch", "leader"]
    fields = ["name", "kind", "branch", "leader", "speciality", "founded_on", "active", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_members=Count("members", distinct=True))

    @admin.display(description="队员人数", ordering="n_members")
    def member_count(self, obj):
        return obj.n_members


@admin.register(Beneficiary)
class BeneficiaryAdmin(ExcelExportMixin, ScopedModelAdmin):
    resource_classes = [BeneficiaryResource]
    list_display = ["name", "kind", "is_small_micro", "branch", "address"]
    list_filter = ["kind", "is_small_micro", ("branch", RelatedOnlyFieldListFilter)]
    search_fields = ["name", "credit_code"]
    list_select_related = ["branch"]
    fields = ["name", "kind", "is_small_micro", "credit_code", "address", "branch"]
