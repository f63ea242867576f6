"""Base classes of every app's API: scoped viewsets, scoped related fields, errors.

A viewset's rows come from ``Model.objects.visible_to(request.user)``; objects outside it
answer 404 like missing ones (``get_object`` goes through the same queryset); related
fields only accept ids the user may see; model permissions decide what each role may do.
"""

from contextlib import ExitStack

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import permissions, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.access import access_object
from core.errors import DomainError
from core.querysets import is_branch_owned, scoped_queryset
from core.roles import is_association_staff
from core.scoping import user_scope, user_scope_for_request


class PortalModelPermissions(permissions.DjangoModelPermissions):
    """Django model permissions, including ``view`` for reads; staff roles only."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_staff):
            return False
        return super().has_permission(request, view)


class ScopedViewSetMixin:
    """Rows limited to ``visible_to(request.user)``; detail rows through ``access_object``.

    Create paths force an officer's branch through the services (``branch_for_new_row``).

    A user whose scope is empty (an officer whose profile names no branch, a staff login
    without a role) writes nothing: every unsafe method (create, update, destroy and the
    extra actions) is refused before it reaches the viewset, whatever its permissions.
    """

    permission_classes = [PortalModelPermissions]

    def perform_authentication(self, request):
        # The middleware entered the session user's scope; a token is only read here, so
        # enter the scope of the user DRF authenticated for the rest of the request.
        super().perform_authentication(request)
        self._scope_stack = ExitStack()
        self._scope_stack.enter_context(user_scope_for_request(request.user))

    def finalize_response(self, request, response, *args, **kwargs):
        stack = getattr(self, "_scope_stack", None)
        try:
            return super().finalize_response(request, response, *args, **kwargs)
        finally:
            if stack is not None:
                self._scope_stack = None
                stack.close()

    def check_permissions(self, request):
        super().check_permissions(request)
        if request.method not in permissions.SAFE_METHODS and user_scope(request.user).is_empty:
            self.permission_denied(request, message="您的账号未分配分会或角色，不能新增或修改记录。")

    def get_queryset(self):
        queryset = super().get_queryset()
        if not is_branch_owned(queryset.model):
            return queryset
        return queryset.visible_to(self.request.user)

    def get_object(self):
        """One detail row through ``access_object``: another branch's id answers like a missing one."""
        queryset = self.filter_queryset(self.get_queryset())
        if not is_branch_owned(queryset.model):
            return super().get_object()
        obj = access_object(queryset, self.request.user, self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        self.check_object_permissions(self.request, obj)
        return obj

    def is_association(self) -> bool:
        return is_association_staff(self.request.user)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """Accepts only ids of rows the requesting user may see (another branch's id: 'does not exist')."""

    def get_queryset(self):
        request = self.context.get("request")
        model = self.queryset.model if self.queryset is not None else None
        if request is None or model is None:
            return self.queryset.none() if self.queryset is not None else None
        return scoped_queryset(model, request.user)


def api_exception_handler(exc, context):
    """DomainError → 400/409 with its Chinese message; model ValidationError → 400."""
    if isinstance(exc, DomainError):
        return Response({"detail": exc.message, "code": exc.code}, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=400)
    if isinstance(exc, ProtectedError | RestrictedError):
        # Deleting a row others still refer to (a member with honours, …): refused, nothing changed.
        message = "该记录仍被其他数据引用（如荣誉、证明、活动记录），不能删除；如需注销，请修改其状态。"
        return Response({"detail": message, "code": "protected"}, status=409)
    return exception_handler(exc, context)
