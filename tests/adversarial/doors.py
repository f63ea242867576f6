"""The doors of the portal, found by walking the URL resolver (no door is listed by hand).

Every URL pattern becomes a ``Door``: its route, its kind (admin changelist/add/change/...,
API list/detail/extra action, admin site view, custom view), the model it serves (from the
ModelAdmin or the DRF viewset behind the callback) and its URL parameters ("slots"). The
matrix fills the slots with concrete values per payload class.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

# The payload classes of the issue: another branch's id, a missing id, NUL, a huge integer,
# a far date, very long text, a wrong type.
OTHER = "other"
MISSING = "missing"
NUL = "nul"
HUGE = "huge"
FARDATE = "fardate"
LONG = "long"
WRONGTYPE = "wrongtype"
BAD_CLASSES = (NUL, HUGE, FARDATE, LONG, WRONGTYPE)
PAYLOAD_CLASSES = (OTHER, MISSING, *BAD_CLASSES)

BAD_VALUES = {
    NUL: "1\x00x",
    HUGE: "99999999999999999999",
    FARDATE: "9999-12-31",
    LONG: "长" * 10_000,
    WRONGTYPE: "abc",
}
MISSING_ID = "987654321"


def bad_value(payload: str) -> str:
    return BAD_VALUES[payload]


# Kinds of doors.
ADMIN_MODEL_KINDS = {
    "changelist": "admin_changelist",
    "add": "admin_add",
    "history": "admin_history",
    "delete": "admin_delete",
    "change": "admin_change",
}


@dataclass
class Door:
    route: str  # the pattern as written, prefixes joined
    name: str  # namespaced URL name ("admin:members_member_change"), or "" when unnamed
    kind: str
    callback: object
    template: str  # the URL with "{slot}" placeholders
    slots: list[str]  # slot names in order (positional groups are "_0", "_1", ...)
    converters: dict[str, str] = field(default_factory=dict)  # slot -> "int"/"str"/"path"/"regex"
    model: type | None = None
    model_admin: object | None = None
    viewset: type | None = None
    actions: dict[str, str] = field(default_factory=dict)  # DRF method -> action name
    suffix: bool = False  # DRF format-suffix twin of another door

    @property
    def id(self) -> str:
        return self.route

    def fill(self, values: dict[str, str]) -> str:
        from urllib.parse import quote

        filled = {slot: quote(str(values[slot]), safe="") for slot in self.slots}
        return "/" + self.template.format(**filled)


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + _pattern_text(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + _pattern_text(entry.pattern), entry


def _pattern_text(pattern) -> str:
    text = str(pattern)
    if isinstance(pattern, RegexPattern):
        return "\x01" + text + "\x02"  # a regex part, converted below
    return text


_ROUTE_SLOT = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")
_REGEX_GROUP = re.compile(r"\((?:\?P<(?P<name>\w+)>)?(?P<body>[^()]*)\)")


def _template(route: str) -> tuple[str, list[str], dict[str, str]]:
    slots: list[str] = []
    converters: dict[str, str] = {}
    out = []
    position = 0
    for part in re.split(r"(\x01.*?\x02)", route):
        if part.startswith("\x01"):
            regex = part[1:-1]

            def group(match):
                nonlocal position
                name = match.group("name") or f"_{position}"
                position += 1
                slots.append(name)
                converters[name] = "regex"
                return "\x03" + name + "\x04"

            text = _REGEX_GROUP.sub(group, regex)
            text = text.replace("^", "").replace("$", "").replace("/?", "/").replace("\\.", ".")
            out.append(text)
        else:

            def slot(match):
                name = match.group("parameter")
                slots.append(name)
                converters[name] = match.group("converter") or "str"
                return "\x03" + name + "\x04"

            out.append(_ROUTE_SLOT.sub(slot, part))
    text = "".join(out).replace("{", "{{").replace("}", "}}")
    text = text.replace("\x03", "{").replace("\x04", "}")
    return text, slots, converters


def _model_admin_of(callback):
    model_admin = getattr(callback, "model_admin", None)
    if model_admin is not None:
        return model_admin
    wrapped = callback
    while wrapped is not None:
        owner = getattr(wrapped, "__self__", None)
        if owner is not None and hasattr(owner, "model") and hasattr(owner, "admin_site"):
            return owner
        wrapped = getattr(wrapped, "__wrapped__", None)
    return None


def _admin_site_view(callback) -> str | None:
    wrapped = callback
    while wrapped is not None:
        owner = getattr(wrapped, "__self__", None)
        if owner is not None and hasattr(owner, "_registry"):
            return wrapped.__name__
        wrapped = getattr(wrapped, "__wrapped__", None)
    return None


def _viewset_model(viewset):
    queryset = getattr(viewset, "queryset", None)
    if queryset is not None:
        return queryset.model
    serializer = getattr(viewset, "serializer_class", None)
    meta = getattr(serializer, "Meta", None)
    return getattr(meta, "model", None)


STANDARD_API_ACTIONS = {"list", "create", "retrieve", "update", "partial_update", "destroy"}


def _classify(route: str, entry: URLPattern, name: str, callback) -> dict:
    info: dict = {}
    cls = getattr(callback, "cls", None)
    view_class = getattr(callback, "view_class", None)
    if cls is not None and getattr(callback, "actions", None):
        info["viewset"] = cls
        info["model"] = _viewset_model(cls)
        info["actions"] = dict(callback.actions)
        names = set(callback.actions.values())
        if names & {"list", "create"}:
            info["kind"] = "api_list"
        elif names & STANDARD_API_ACTIONS:
            info["kind"] = "api_detail"
        else:
            info["kind"] = "api_extra"
        info["suffix"] = "(?P<format>" in route
        return info
    model_admin = _model_admin_of(callback)
    if model_admin is not None:
        info["model_admin"] = model_admin
        info["model"] = model_admin.model
        view_name = name.rsplit(":", 1)[-1]
        prefix = f"{model_admin.model._meta.app_label}_{model_admin.model._meta.model_name}_"
        suffix = view_name[len(prefix) :] if view_name.startswith(prefix) else ""
        if suffix in ADMIN_MODEL_KINDS:
            info["kind"] = ADMIN_MODEL_KINDS[suffix]
        elif suffix == "simple_history":
            info["kind"] = "admin_history_form"
        elif view_class is not None and route.endswith("<path:object_id>/"):
            info["kind"] = "admin_object_redirect"
        else:
            info["kind"] = "admin_custom"
        return info
    site_view = _admin_site_view(callback)
    if site_view is not None or (name.startswith("admin:") and name.endswith("view_on_site")):
        info["kind"] = "admin_site"
        return info
    if route.startswith("api/"):
        info["kind"] = "api_view"
        return info
    info["kind"] = "custom"
    return info


def all_doors() -> list[Door]:
    doors = []
    for route, entry in _walk(get_resolver().url_patterns):
        callback = entry.callback
        name = entry.name or ""
        # Namespaced name: admin:..., members:..., publications:...
        full_name = name
        if route.startswith("admin/") and name:
            full_name = "admin:" + name
        elif entry.name:
            for namespace in ("members", "publications", "workshops", "volunteering", "wellbeing"):
                module = getattr(callback, "__module__", "") or ""
                if module.startswith(namespace + "."):
                    full_name = f"{namespace}:{name}"
        template, slots, converters = _template(route)
        info = _classify(route, entry, full_name, callback)
        doors.append(
            Door(
                route=route.replace("\x01", "").replace("\x02", ""),
                name=full_name,
                callback=callback,
                template=template,
                slots=slots,
                converters=converters,
                **info,
            )
        )
    return doors
