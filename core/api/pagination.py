"""Cursor pagination for every API list: constant cost on a deep page, no COUNT(*)."""

from django.core.exceptions import ValidationError
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    ordering = "-id"
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"

    def paginate_queryset(self, queryset, request, view=None):
        # The cursor's position is client text (base64, so the NUL middleware cannot see
        # it); one that does not fit the ordering field (p=abc for an id) is an invalid cursor.
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, ValidationError):
            if not request.query_params.get(self.cursor_query_param):
                raise
            raise NotFound(self.invalid_cursor_message) from None
