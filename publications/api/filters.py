"""Filters of the publications API."""

import django_filters

from ..models import NewsletterIssue


class NewsletterIssueFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="month__year", label="年度")

    class Meta:
        model = NewsletterIssue
        fields = ["status", "branch", "year"]
