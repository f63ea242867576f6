"""Filters of the wellbeing API."""

import django_filters

from core.api.filtering import BoundedFilterSet

from ..models import ConvalescenceTrip, Nomination, TripQuota


class TripFilter(BoundedFilterSet):
    class Meta:
        model = ConvalescenceTrip
        fields = ["year", "status", "region"]


class TripQuotaFilter(BoundedFilterSet):
    year = django_filters.NumberFilter(field_name="trip__year", label="年度")
    trip_status = django_filters.CharFilter(field_name="trip__status", label="团状态")

    class Meta:
        model = TripQuota
        fields = ["trip", "year", "trip_status"]


class NominationFilter(BoundedFilterSet):
    year = django_filters.NumberFilter(field_name="trip__year", label="年度")

    class Meta:
        model = Nomination
        fields = ["trip", "status", "priority_group", "year"]
