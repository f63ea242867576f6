"""Admin of exhibitions and their works (branch-owned, scoped)."""

from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.db.models import Count, Q

from core.admin.base import ScopedModelAdmin, ScopedStackedInline

from ..models import Exhibition, Work

# ---------------------------------------------------------------------------------------
# Exhibitions
# ---------------------------------------------------------------------------------------


class WorkInline(ScopedStackedInline):
    model = Work
    extra = 1
    fields = [("kind", "title", "position"), ("artist", "guest_artist"), ("image", "size")]
    autocomplete_fields = ["artist"]


@admin.register(Exhibition)
class ExhibitionAdmin(ScopedModelAdmin):
    list_display = ["title", "start_date", "end_date", "venue", "owner", "work_count", "artist_count"]
    list_filter = [("branch", RelatedOnlyFieldListFilter)]
    search_fields = ["title", "venue", "organiser"]
    date_hierarchy = "start_date"
    inlines = [WorkInline]
    fields = ["title", ("start_date", "end_date"), "venue", "organiser", "description", "branch"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("branch")
            .annotate(
                n_works=Count("works", distinct=True),
                n_members=Count("works__artist", distinct=True),
                n_guests=Count("works__guest_artist", filter=~Q(works__guest_artist=""), distinct=True),
            )
        )

    @admin.display(description="主办", ordering="branch")
    def owner(self, obj):
        return obj.branch.name if obj.branch_id else "协会"

    @admin.display(description="作品数", ordering="n_works")
    def work_count(self, obj):
        return obj.n_works

    @admin.display(description="作者数")
    def artist_count(self, obj):
        return obj.n_members + obj.n_guests


@admin.register(Work)
class WorkAdmin(ScopedModelAdmin):
    list_display = ["title", "kind", "artist_display", "exhibition", "size"]
    list_filter = ["kind", ("exhibition", RelatedOnlyFieldListFilter)]
    search_fields = ["title", "guest_artist", "artist__name"]
    autocomplete_fields = ["artist"]
    list_select_related = ["exhibition", "artist"]

    @admin.display(description="作者")
    def artist_display(self, obj):
        return obj.artist_name
