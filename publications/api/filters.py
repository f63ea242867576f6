"""Filters of the publications API."""

import django_filters

from core.api.filtering import BoundedFilterSet

from ..models import NewsletterIssue


class NewsletterIssueFilter(BoundedFilterSet):
    year = django_filters.NumberFilter(field_name="month__year", label="年度")

    class Meta:
        model = NewsletterIssue
        fields = ["status", "branch", "year"]
