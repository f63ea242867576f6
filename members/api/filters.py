"""Filters of the registry API (django-filter), scoped choices and the registry's one search."""

import django_filters
from django.db.models import Exists, OuterRef
from rest_framework.filters import BaseFilterBackend

from core.api.filtering import BoundedFilterSet
from core.audit import id_numbers_confirmed

from ..models import Branch, Honor, Member
from ..querysets import ID_LIKE


def visible_branches(request):
    if request is None:
        return Branch.objects.none()
    return Branch.objects.visible_to(request.user)


class BranchFilter(BoundedFilterSet):
    class Meta:
        model = Branch
        fields = ["kind", "active"]


class MemberFilter(BoundedFilterSet):
    branch = django_filters.ModelChoiceFilter(queryset=visible_branches, label="所属分会")
    honor_kind = django_filters.ChoiceFilter(
        choices=Honor.Kind.choices, method="filter_honor", label="荣誉类别"
    )
    honor_level = django_filters.ChoiceFilter(
        choices=Honor.Level.choices, method="filter_honor", label="荣誉级别"
    )
    honor_year = django_filters.NumberFilter(method="filter_honor", label="授予年份")
    born_after = django_filters.DateFilter(field_name="birth_date", lookup_expr="gte", label="出生不早于")
    born_before = django_filters.DateFilter(field_name="birth_date", lookup_expr="lte", label="出生不晚于")

    class Meta:
        model = Member
        fields = ["branch", "category", "status", "gender"]

    def filter_honor(self, queryset, name, value):
        field = {"honor_kind": "kind", "honor_level": "level", "honor_year": "year"}[name]
        return queryset.filter(Exists(Honor.objects.filter(member=OuterRef("pk"), **{field: value})))


def visible_members(request):
    if request is None:
        return Member.objects.none()
    return Member.objects.visible_to(request.user)


class HonorFilter(BoundedFilterSet):
    # Scoped choices: another branch's member id is refused exactly like a missing one.
    member = django_filters.ModelChoiceFilter(queryset=visible_members, label="劳模工匠")

    class Meta:
        model = Honor
        fields = ["member", "kind", "level", "year"]


class MemberSearchFilter(BaseFilterBackend):
    """``?search=``: a name fragment, a full ID number or a phone number (MemberQuerySet.search)."""

    search_param = "search"

    def filter_queryset(self, request, queryset, view):
        term = request.query_params.get(self.search_param, "")
        if term and ID_LIKE.match(term.strip()):
            id_numbers_confirmed(user=request.user, door="接口搜索完整身份证号", count=1, request=request)
        return queryset.search(term) if term else queryset

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.search_param,
                "required": False,
                "in": "query",
                "description": "姓名片段、完整身份证号或手机号码",
                "schema": {"type": "string"},
            }
        ]
