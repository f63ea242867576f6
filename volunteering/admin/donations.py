"""Admin of donations: money and goods by a member or a team."""

from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter

from core.admin.base import ScopedModelAdmin
from core.admin.exporting import ExcelExportMixin

from ..models import Donation
from .resources import DonationResource


@admin.register(Donation)
class DonationAdmin(ExcelExportMixin, ScopedModelAdmin):
    resource_classes = [DonationResource]
    list_display = ["date", "kind", "value", "donor_display", "branch", "cause", "recipient"]
    list_filter = ["kind", ("branch", RelatedOnlyFieldListFilter)]
    search_fields = ["cause", "recipient", "member__name", "team__name"]
    date_hierarchy = "date"
    autocomplete_fields = ["member", "team"]
    list_select_related = ["member", "team", "branch"]
    fields = [
        "kind",
        "member",
        "team",
        "date",
        "value",
        "goods_description",
        "cause",
        "recipient",
        "receipt_number",
        "branch",
    ]
    readonly_fields = ["branch"]

    @admin.display(description="捐赠人/服务队")
    def donor_display(self, obj):
        return obj.donor
