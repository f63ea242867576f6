"""The naive baselines: the same pages the way Django and DRF give them by default."""

from django.contrib import admin
from rest_framework import viewsets
from rest_framework.pagination import PageNumberPagination

from core.api.base import PortalModelPermissions
from core.scoping import user_scope
from members.api.serializers import MemberSerializer
from members.models import Member

naive_site = admin.AdminSite(name="naive_admin")


class NaiveMemberAdmin(admin.ModelAdmin):
    """A default ModelAdmin: the same columns, search fields and filters, nothing tuned."""

    change_list_template = "admin/change_list.html"  # Django's own, not the project's import/export one
    list_display = ["name", "category", "branch", "highest_honor", "status"]
    search_fields = ["name", "id_number", "mobile"]
    list_filter = ["branch", "category", "status", "gender"]

    def get_queryset(self, request):
        # Minimal scoping so that the officer's figures compare like with like.
        queryset = super().get_queryset(request)
        scope = user_scope(request.user)
        return queryset if scope.all_branches else queryset.filter(branch_id=scope.branch_id)

    @admin.display(description="最高荣誉")
    def highest_honor(self, obj):
        honor = obj.honors.order_by("level", "-year").first()
        return honor.title if honor else "—"


naive_site.register(Member, NaiveMemberAdmin)


class NaivePagination(PageNumberPagination):
    page_size = 50


class NaiveMemberViewSet(viewsets.ReadOnlyModelViewSet):
    """The same serializer with page-number pagination and its full COUNT(*)."""

    serializer_class = MemberSerializer
    pagination_class = NaivePagination
    permission_classes = [PortalModelPermissions]

    def get_queryset(self):
        queryset = Member.objects.select_related("branch").prefetch_related("honors").order_by("-id")
        scope = user_scope(self.request.user)
        return queryset if scope.all_branches else queryset.filter(branch_id=scope.branch_id)


def naive_dashboard(request):
    """The dashboard's figures computed the obvious way: a count per branch and category,
    birthdays by testing each member's birth date in Python."""
    import datetime

    from django.http import JsonResponse
    from django.utils import timezone

    from members.models import Branch, Honor

    scope = user_scope(request.user)
    members = Member.objects.filter(status=Member.Status.ACTIVE)
    branches = Branch.objects.all() if scope.all_branches else Branch.objects.filter(pk=scope.branch_id)
    if not scope.all_branches:
        members = members.filter(branch_id=scope.branch_id)
    today = timezone.localdate()
    week = {(d.month, d.day) for d in (today + datetime.timedelta(days=i) for i in range(7))}
    figures = {
        "by_branch": {b.name: members.filter(branch=b).count() for b in branches},
        "by_category": {c: members.filter(category=c).count() for c, _ in Member.Category.choices},
        "honors_this_year": Honor.objects.filter(year=today.year, member__in=members).count(),
        "birthdays_week": [
            m.name
            for m in members.only("name", "birth_date")
            if (m.birth_date.month, m.birth_date.day) in week
        ],
    }
    return JsonResponse({"n": len(figures["birthdays_week"])})


def naive_statistics(request):
    """The statistics page's tables computed by loading every member and honour into Python."""
    import datetime
    from collections import Counter

    from django.http import JsonResponse

    from members.models import Honor

    scope = user_scope(request.user)
    members = Member.objects.all() if scope.all_branches else Member.objects.filter(branch_id=scope.branch_id)
    best = {}
    for member_id, level in Honor.objects.filter(member__in=members).values_list("member_id", "level"):
        best[member_id] = min(level, best.get(member_id, 9))
    by_branch, by_age, per_year = Counter(), Counter(), Counter()
    today = datetime.date.today()
    for pk, branch_id, category, gender, birth in members.values_list(
        "pk", "branch_id", "category", "gender", "birth_date"
    ):
        by_branch[(branch_id, category, best.get(pk))] += 1
        by_age[(gender, (today.year - birth.year) // 10)] += 1
    for (year,) in Honor.objects.filter(member__in=members).values_list("year"):
        per_year[year] += 1
    return JsonResponse({"rows": len(by_branch) + len(by_age) + len(per_year)})
