"""Filling the resolver's URL patterns with real rows of the demo data, as one role may see them
(shared by the page walk and the screenshot gallery)."""

from django.apps import apps
from django.test import RequestFactory

from members.models import Member


def visible_object(model, user, model_admin=None):
    """One real row of ``model`` that ``user`` may see (None for nobody)."""
    if model_admin is not None and user is not None:
        request = RequestFactory().get("/admin/")
        request.user = user
        queryset = model_admin.get_queryset(request)
    else:
        queryset = model._default_manager.all()
        if user is not None and hasattr(queryset, "visible_to") and not user_is_member(user):
            queryset = queryset.visible_to(user)
    if user is not None and user_is_member(user):
        member = Member.objects.get(user=user)
        if model is Member:
            queryset = queryset.filter(pk=member.pk)
        elif any(f.name == "member" for f in model._meta.get_fields()):
            queryset = queryset.filter(member=member)
    return queryset.order_by("pk").first()


def user_is_member(user) -> bool:
    return not user.is_staff and Member.objects.filter(user=user).exists()


PROJECT_APPS = ("members", "workshops", "volunteering", "wellbeing", "publications", "core")


def model_for_slot(slot: str, door):
    """The model a URL parameter points at: the door's own for a plain id, else the model the
    parameter names (``job_id``, ``assessment_id``) or the project model having such a field."""
    if slot in ("object_id", "pk", "id", "_0") and door.model is not None:
        return door.model
    stem = slot.removesuffix("_id")
    namespace = door.name.split(":", 1)[0] if ":" in door.name else ""
    # Not simple_history's shadow models: a HistoricalCertificate also has a ``serial`` (but no
    # verification code), and /verify/<serial>/ then showed 无法验证 in the gallery.
    candidates = [
        m for label in PROJECT_APPS for m in apps.get_app_config(label).get_models()
        if not m._meta.model_name.startswith("historical")
    ]  # fmt: skip
    for model in candidates:
        if model._meta.model_name == stem or (stem and model._meta.model_name.endswith(stem)):
            return model
    if door.model is not None and slot in ("object_id", "pk", "id"):
        return door.model
    # A page named after a model of its app ("publications:article", "members:card_download").
    words = door.name.rsplit(":", 1)[-1].split("_")
    for model in candidates:
        if model._meta.app_label == namespace and any(
            w and (model._meta.model_name == w or model._meta.model_name.endswith(w)) for w in words
        ):
            return model
    for model in candidates:
        if any(getattr(f, "attname", None) == slot for f in model._meta.concrete_fields):
            return model
    return None


def fill(door, user):
    """The URL of ``door`` for ``user`` with every parameter filled from the demo data, or None
    when a parameter has no value to take (then the door is not walked for this role)."""
    if not door.slots:
        return door.fill({})
    values, query = {}, ""
    for slot in door.slots:
        model = model_for_slot(slot, door)
        if model is None:
            if door.converters.get(slot) == "int":
                return None
            values[slot] = {"app_label": (door.model or Member)._meta.app_label}.get(slot, "x")
            continue
        model_admin = door.model_admin if model is door.model else None
        obj = visible_object(model, user if user is not None else None, model_admin)
        if obj is None:
            return None
        field = (
            slot if any(getattr(f, "attname", None) == slot for f in model._meta.concrete_fields) else "pk"
        )
        values[slot] = getattr(obj, field)
        if hasattr(obj, "verification_code") and door.kind == "custom":
            query = f"?code={obj.verification_code}"
    return door.fill(values) + query
