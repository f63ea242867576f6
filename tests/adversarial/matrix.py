"""The request plan of every (door, role) and the checks on each answer.

A plan is generated from the door: its URL slots are filled per payload class, list pages
get query parameters (the generic ones and those the page itself links to), forms are
discovered by reading the page as association staff (so a POST resubmits a real form of a
binjiang object, then the same form with every field set to a bad value), API bodies come
from the JSON of a binjiang object.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, transaction

from .doors import (
    BAD_CLASSES,
    HUGE,
    LONG,
    MISSING,
    MISSING_ID,
    NUL,
    OTHER,
    WRONGTYPE,
    Door,
    bad_value,
)
from .world import MARKER, PASSWORD, World, fingerprint

ROLES = (
    "visitor",
    "member",
    "officer_xihu",
    "officer_nobranch",
    "staff_norole",
    "staff_unverified",
    "staff_verified",  # association staff with a verified second factor: the control
)
ASSOCIATION = "staff_verified"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")

# Slots whose value must be valid for the door to be reached at all; the payload goes into
# the identifying slots beside them.
FIXED_SLOTS = {"format", "app_label", "to_status", "step", "kind", "fmt", "status"}

# Query parameters tried on every page that lists or reports: search, years, the ID-number
# lookup oracle, paging and ordering, the common filters.
GENERIC_PARAMS = (
    "q",
    "search",
    "term",
    "year",
    "month",
    "date",
    "page",
    "p",
    "o",
    "ordering",
    "cursor",
    "id_number__startswith",
    "branch",
    "branch__id__exact",
    "status",
    "code",
)

# Extra keys posted to doors whose form cannot be read (actions, custom views): what the
# portal's forms and services are known to read.
GENERIC_BODY_KEYS = (
    "name",
    "id_number",
    "mobile",
    "code",
    "serial",
    "reason",
    "note",
    "status",
    "to_status",
    "year",
    "member",
    "branch",
    "purpose",
    "date",
    "file",
)


@dataclass
class Request:
    method: str
    url: str
    payload: str
    data: object = None
    json_body: bool = False
    note: str = ""

    def describe(self) -> str:
        text = shorten(f"{self.method} {self.url}")
        return f"{text} [{self.payload}{(' ' + self.note) if self.note else ''}]"


_LONG_RUN = re.compile(r"(?:%E9%95%BF|长){8,}")


def shorten(text: str, limit: int = 220) -> str:
    """Printable: NUL as \\0, the long payload as 长×N, at most ``limit`` characters."""
    text = _LONG_RUN.sub(lambda m: f"长×{m.group(0).count('长') + m.group(0).count('%E9%95%BF')}", text)
    text = text.replace("\x00", "\\0").replace("%00", "\\0").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 10] + "…"


@dataclass
class Failure:
    kind: str  # "500", "read", "write", "oracle"
    door: str
    role: str
    request: str
    detail: str = ""

    def __str__(self):
        return f"{self.kind:6} {self.role:17} {self.request} {self.detail}".rstrip()


# ---------------------------------------------------------------------------------------
# HTML forms and links
# ---------------------------------------------------------------------------------------


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self.names: set[str] = set()
        self.links: set[str] = set()
        self._in_post_form = 0
        self._select: str | None = None
        self._select_multiple = False
        self._select_chosen = False
        self._select_first: str | None = None
        self._textarea: str | None = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and (a.get("href") or "").startswith("?"):
            self.links.add(a["href"])
        if tag == "form":
            self._in_post_form = (a.get("method") or "get").lower() == "post"
            return
        if not self._in_post_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            self.names.add(name)
            if name == "csrfmiddlewaretoken" or kind in ("file", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind == "submit" and name != "_save":
                return
            self.fields.append((name, a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self.names.add(name)
            self._select, self._select_multiple = name, "multiple" in a
            self._select_chosen, self._select_first = False, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None and value:
                self._select_first = value
            if "selected" in a:
                self.fields.append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea" and name:
            self.names.add(name)
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_post_form = False
        elif tag == "select" and self._select:
            if not self._select_chosen and not self._select_multiple and self._select_first is not None:
                pass  # an empty choice stays empty: the browser would send "" for a blank option
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text)))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def read_form(html: str) -> _FormParser:
    parser = _FormParser()
    try:
        parser.feed(html)
    except Exception:  # a malformed page still gives what was read
        pass
    return parser


def as_multidict(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


# Hidden bookkeeping fields of formsets: keep them so the bad values reach the forms.
def _is_bookkeeping(name: str) -> bool:
    return name.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")) or name in (
        "_save",
        "csrfmiddlewaretoken",
    )


def bad_form(copy: dict[str, list[str]], names: set[str], payload: str) -> dict[str, list[str]]:
    value = bad_value(payload)
    data = {name: list(values) for name, values in copy.items() if _is_bookkeeping(name)}
    for name in set(copy) | names:
        if not _is_bookkeeping(name) and name != "csrfmiddlewaretoken":
            data[name] = [value]
    return data


# ---------------------------------------------------------------------------------------
# Slot values
# ---------------------------------------------------------------------------------------

ID_SLOTS = {
    "object_id",
    "pk",
    "id",
    "job_id",
    "scan_id",
    "assessment_id",
    "_0",
    "_1",
    "content_type_id",
    "serial",
    "number",
    "name",
    "path",
    "url",
    "uidb64",
    "token",
}

# Slots whose object is not the door's model (named by URL name, then slot).
SLOT_MODELS = {
    ("admin:members_member_import_detail", "job_id"): "members.MemberImport",
    ("admin:members_member_import_progress", "job_id"): "members.MemberImport",
    ("admin:members_member_scan_download", "scan_id"): "members.RegistrationScan",
    ("admin:workshops_assessment_attachment", "assessment_id"): "workshops.Assessment",
    ("admin:workshops_assessment_attachment", "pk"): "workshops.AssessmentAttachment",
    ("members:certificate_download", "pk"): "members.Certificate",
    ("members:card_download", "pk"): "members.CraftsmanCard",
}


def known_slot(door: Door, slot: str) -> bool:
    return slot in FIXED_SLOTS or slot in ID_SLOTS


def _fixed_value(door: Door, slot: str) -> str:
    if slot == "format":
        return "json"
    if slot == "app_label":
        return "members"
    if slot == "kind":
        return "participants"
    if slot == "fmt":
        return "xlsx"
    if slot in ("to_status", "status"):
        choices = door.model._meta.get_field("status").choices
        return choices[-1][0]
    if slot == "step":
        steps = getattr(door.model_admin, "STEPS", None)
        if steps is None:
            import importlib

            module = importlib.import_module(type(door.model_admin).__module__)
            steps = module.STEPS
        return next(iter(steps))
    raise KeyError(slot)


def _model(label):
    from django.apps import apps

    return apps.get_model(label)


def other_object(door: Door, slot: str, world: World):
    label = SLOT_MODELS.get((door.name, slot))
    model = _model(label) if label else door.model
    if model is None:
        return None
    obj = world.obj(model)
    if obj is None:
        obj = world.extra.get(model._meta.label)
    if obj is None:
        obj = model._base_manager.order_by("pk").first()
    return obj


def other_value(door: Door, slot: str, world: World) -> str:
    if slot == "content_type_id":
        return str(ContentType.objects.get_for_model(world.draft_issue).pk)
    if door.name.endswith("view_on_site") and slot == "object_id":
        return str(world.draft_issue.pk)
    if slot == "serial":
        return world.obj(_model("members.Certificate")).serial
    if slot == "number":
        return str(world.draft_issue.number)
    if slot == "name":
        return world.branch_file
    if slot == "path":
        return world.public_file
    if slot == "url":
        return "members/member/"
    if slot == "uidb64":
        from django.utils.encoding import force_bytes
        from django.utils.http import urlsafe_base64_encode

        return urlsafe_base64_encode(force_bytes(world.users["binjiang_member"].pk))
    if slot == "token":
        return "cz0fke-0123456789abcdef0123456789abcdef"
    if slot == "id":
        return str(world.users["binjiang_officer"].pk)
    if slot == "_1":
        obj = other_object(door, "_0", world)
        history = getattr(obj, "history", None)
        record = history.order_by("-history_id").first() if history is not None else None
        return str(record.history_id) if record is not None else "1"
    obj = other_object(door, slot, world)
    return str(obj.pk) if obj is not None else MISSING_ID


def slot_values(door: Door, payload: str, world: World) -> dict[str, str]:
    values = {}
    for slot in door.slots:
        if slot in FIXED_SLOTS:
            values[slot] = _fixed_value(door, slot)
        elif payload == OTHER:
            values[slot] = other_value(door, slot, world)
        elif payload == MISSING:
            values[slot] = MISSING_ID if slot != "uidb64" else "OTg3NjU0MzIx"
        else:
            values[slot] = bad_value(payload)
    return values


def id_slots(door: Door) -> list[str]:
    return [slot for slot in door.slots if slot not in FIXED_SLOTS]


# ---------------------------------------------------------------------------------------
# Plans
# ---------------------------------------------------------------------------------------

LIST_KINDS = {"admin_changelist", "api_list", "admin_custom", "admin_site", "custom", "api_view"}
FORM_KINDS = {
    "admin_add",
    "admin_change",
    "admin_history_form",
    "admin_custom",
    "admin_site",
    "custom",
}


@dataclass
class Discovery:
    """What association staff see on a door: its form, its links, its JSON."""

    form: dict[str, list[str]] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)
    params: set[str] = field(default_factory=set)
    body: dict = field(default_factory=dict)


def _sample(door: Door, role: str, classes, keep: int):
    """A deterministic rotation of ``keep`` payload classes per (door, role)."""
    classes = list(classes)
    if keep >= len(classes):
        return classes
    start = zlib.crc32(f"{door.id}|{role}".encode()) % len(classes)
    return [classes[(start + i) % len(classes)] for i in range(keep)]


# Roles the admin site turns away before any view runs (no staff flag, or a second factor
# owed): on admin doors they get a lean plan, the same for every view behind admin_view.
ADMIN_REFUSED = ("visitor", "member", "staff_unverified")
ADMIN_OPEN_VIEWS = ("admin:login", "admin:logout", "admin:jsi18n", "admin:password_change")


def lean(door: Door, role: str) -> bool:
    """Sampled lightly: format-suffix twins and redirects for every role, and admin doors for
    roles the admin site refuses at its entrance."""
    if role in (ASSOCIATION, "officer_xihu"):
        return door.suffix
    if door.suffix or door.kind == "admin_object_redirect":
        return True
    return role in ADMIN_REFUSED and door.kind.startswith("admin_") and door.name not in ADMIN_OPEN_VIEWS


def bad_classes_for(door: Door, role: str) -> list[str]:
    # The roles that reach furthest get every class; the others a deterministic rotation
    # (every class still reaches every door through some role).
    if lean(door, role):
        return _sample(door, role, BAD_CLASSES, 1)
    if role in (ASSOCIATION, "officer_xihu"):
        return list(BAD_CLASSES)
    return _sample(door, role, BAD_CLASSES, 2)


def plan(door: Door, role: str, world: World, discovery: Discovery) -> list[Request]:
    requests: list[Request] = []
    bad = bad_classes_for(door, role)
    has_ids = bool(id_slots(door))
    url_payloads = [OTHER, MISSING, *bad] if has_ids else [OTHER]
    urls = {payload: door.fill(slot_values(door, payload, world)) for payload in url_payloads}
    other_url = urls[OTHER]

    # GET every URL payload.
    for payload, url in urls.items():
        requests.append(Request("GET", url, payload))

    # Query parameters on pages without ids (lists, reports, searches).
    if not has_ids and door.kind in LIST_KINDS:
        params = sorted(set(GENERIC_PARAMS) | discovery.params)
        for payload in bad:
            value = bad_value(payload)
            if payload == LONG:
                value = value[:2000]  # keep the URL under common proxy limits: 2,000 × 3 bytes each
            query = urlencode({name: value for name in params})
            requests.append(Request("GET", f"{other_url}?{query}", payload, note="all params"))
        if role == ASSOCIATION:
            for name in sorted(discovery.params):
                for payload in (NUL, HUGE, WRONGTYPE):
                    query = urlencode({name: bad_value(payload)})
                    requests.append(Request("GET", f"{other_url}?{query}", payload, note=name))
        if door.name == "admin:autocomplete":
            requests.extend(_autocomplete_requests(door, role, world, bad))

    if door.kind.startswith("api"):
        requests.extend(_api_writes(door, role, world, discovery, urls, bad))
    elif door.kind == "admin_changelist":
        requests.extend(_action_requests(door, role, world, discovery, other_url, bad))
    elif door.kind == "admin_delete":
        for payload in (OTHER, MISSING):
            requests.append(Request("POST", urls[payload], payload, {"post": "yes"}))
    elif door.kind in FORM_KINDS or door.kind == "admin_history":
        requests.extend(_form_writes(door, role, world, discovery, urls, bad))
    return requests


def _credentials(role: str, world: World) -> dict[str, list[str]]:
    user = world.users.get(role)
    if user is None:
        return {}
    return {"username": [user.get_username()], "password": [PASSWORD]}


def _form_writes(door, role, world, discovery, urls, bad):
    requests = []
    copy = dict(discovery.form)
    names = set(discovery.names)
    if door.kind in ("admin_site", "custom", "admin_custom", "api_view"):
        # Forms read generically; add the login of the role (login doors) and the binjiang
        # member's identity (claim, reset: an ID-number oracle if answered differently).
        names |= set(GENERIC_BODY_KEYS)
        identity = {
            "name": [world.binjiang_member.name],
            "id_number": [world.binjiang_member.id_number],
            "mobile": [world.binjiang_member.mobile],
            **_credentials(role, world),
        }
        copy = {**copy, **{k: v for k, v in identity.items() if k in names or k in ("username", "password")}}
    targets = [(OTHER, urls[OTHER])]
    if MISSING in urls:
        targets.append((MISSING, urls[MISSING]))
    for payload, url in targets:
        requests.append(Request("POST", url, OTHER if payload == OTHER else MISSING, copy, note="form copy"))
    if names:
        for payload in bad:
            requests.append(Request("POST", urls[OTHER], payload, bad_form(copy, names, payload)))
    return requests


def _action_requests(door, role, world, discovery, url, bad):
    requests = []
    obj = other_object(door, "object_id", world)
    selected = str(obj.pk) if obj is not None else MISSING_ID
    actions = discovery.body.get("actions", [])
    if lean(door, role) and actions:
        actions = [actions[zlib.crc32(f"{door.id}|{role}".encode()) % len(actions)]]
    for action in actions:
        data = {"action": action, "_selected_action": [selected], "index": "0", "post": "yes"}
        requests.append(Request("POST", url, OTHER, data, note=f"action {action}"))
        requests.append(
            Request("POST", url, OTHER, {**data, "select_across": "1"}, note=f"action {action} select_across")
        )
    actions = discovery.body.get("actions", []) or ["delete_selected"]
    for payload in bad:
        action = actions[zlib.crc32(f"{door.id}{payload}".encode()) % len(actions)]
        data = {"action": action, "_selected_action": [bad_value(payload)], "index": "0", "post": "yes"}
        requests.append(Request("POST", url, payload, data, note=f"action {action}"))
    return requests


def _autocomplete_requests(door, role, world, bad):
    from django.contrib import admin

    requests = []
    for model, model_admin in admin.site._registry.items():
        # Declared ones and those the admin adds (every relation to a member is an autocomplete).
        for field_name in model_admin.get_autocomplete_fields(None):
            base = {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field_name,
            }
            requests.append(Request("GET", "/admin/autocomplete/?" + urlencode({**base, "term": ""}), OTHER))
            if lean(door, role):
                continue
            requests.append(
                Request("GET", "/admin/autocomplete/?" + urlencode({**base, "term": MARKER[:4]}), OTHER)
            )
            payload = bad[zlib.crc32(f"{model}{field_name}".encode()) % len(bad)]
            requests.append(
                Request(
                    "GET", "/admin/autocomplete/?" + urlencode({**base, "term": bad_value(payload)}), payload
                )
            )
    return requests


def _bad_json(copy: dict, payload: str) -> dict:
    value = bad_value(payload)
    keys = set(copy) | set(GENERIC_BODY_KEYS)
    return {key: value for key in keys if key not in ("id", "url")}


def _api_writes(door, role, world, discovery, urls, bad):
    requests = []
    copy = {k: v for k, v in discovery.body.items() if k not in ("id", "url")}
    other = urls[OTHER]
    if door.name == "api-token" or door.route == "api/token/":
        creds = {k: v[0] for k, v in _credentials(role, world).items()}
        requests.append(Request("POST", other, OTHER, creds, json_body=True, note="own credentials"))
        for payload in bad:
            value = bad_value(payload)
            requests.append(
                Request("POST", other, payload, {"username": value, "password": value}, json_body=True)
            )
        return requests
    methods = set(door.actions) - {"get", "head", "options"}
    if door.kind == "api_view":
        return requests
    for method in sorted(methods):
        verb = method.upper()
        if verb == "DELETE":
            requests.append(Request("DELETE", other, OTHER))
            requests.append(Request("DELETE", urls.get(MISSING, other), MISSING))
            continue
        requests.append(Request(verb, other, OTHER, copy, json_body=True, note="copy of binjiang object"))
        if MISSING in urls:
            requests.append(Request(verb, urls[MISSING], MISSING, copy, json_body=True, note="copy"))
        if verb == "PUT" or door.suffix:
            continue  # PATCH carries the bad bodies; suffix twins get the copy only
        for payload in bad:
            requests.append(Request(verb, other, payload, _bad_json(copy, payload), json_body=True))
    return requests


# ---------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------


def send(client, request: Request):
    kwargs = {}
    if request.method == "GET":
        path, _, query = request.url.partition("?")
        data = parse_qsl(query, keep_blank_values=True) if query else None
        return client.get(path, data=_pairs_to_multi(data) if data else None)
    if request.json_body:
        kwargs = {"data": json.dumps(request.data or {}), "content_type": "application/json"}
    elif request.data is not None:
        kwargs = {"data": request.data}
    return getattr(client, request.method.lower())(request.url, **kwargs)


def _pairs_to_multi(pairs):
    data: dict[str, list[str]] = {}
    for key, value in pairs:
        data.setdefault(key, []).append(value)
    return data


def body_text(response) -> str:
    if getattr(response, "streaming", False):
        try:
            content = b"".join(response.streaming_content)
        except Exception:
            return ""
    else:
        content = response.content or b""
    text = content.decode("utf-8", "replace")
    location = response.get("Location", "") if hasattr(response, "get") else ""
    return text + "\n" + location


def request_text(request: Request) -> str:
    from urllib.parse import unquote

    data = request.data
    return unquote(request.url) + (json.dumps(data, ensure_ascii=False) if data is not None else "")


_WRITE_SQL = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE)


class WriteRecorder:
    """Notes the tables a request writes to (an execute wrapper): the fingerprint is computed
    only when a watched table was written, which keeps the matrix fast."""

    def __init__(self, watched: set[str]):
        self.watched = watched
        self.tables: set[str] = set()

    def __call__(self, execute, sql, params, many, context):
        match = _WRITE_SQL.match(sql)
        if match and match.group(1) in self.watched:
            self.tables.add(match.group(1))
        return execute(sql, params, many, context)


def run_door(door: Door, role: str, client, world: World, discovery: Discovery) -> tuple[list[Failure], int]:
    from django.db import connection

    from .world import watched_tables

    failures: list[Failure] = []
    requests = plan(door, role, world, discovery)
    cookies = client.cookies
    scoped = role != ASSOCIATION
    baseline = world.baselines.get(role)
    if scoped and baseline is None:
        baseline = world.baselines[role] = fingerprint(world, role)
    statuses: dict[tuple[str, str], int] = {}
    for request in requests:
        client.cookies = _copy_cookies(cookies)
        described = request.describe()
        recorder = WriteRecorder(watched_tables())
        with transaction.atomic(), connection.execute_wrapper(recorder):
            try:
                response = send(client, request)
                status = response.status_code
            except Exception as exc:  # the middleware itself broke
                response, status = None, 500
                described += f" raised {type(exc).__name__}: {shorten(str(exc), 120)}"
            if status >= 500:
                detail = ""
                if response is not None and getattr(response, "exc_info", None):
                    detail = shorten(f"{response.exc_info[0].__name__}: {response.exc_info[1]}", 160)
                failures.append(Failure("500", door.id, role, described, detail))
            if request.method == "GET" and request.payload in (OTHER, MISSING) and "?" not in request.url:
                statuses[("GET", request.payload)] = status
            if scoped and response is not None:
                asked = request_text(request)
                seen = body_text(response)
                for secret in world.secrets():
                    if secret in seen and secret not in asked:
                        failures.append(
                            Failure("read", door.id, role, described, f"{status} shows {secret!r}")
                        )
                        break
            if scoped and recorder.tables:
                try:
                    after = fingerprint(world, role)
                except DatabaseError:
                    after = None  # the transaction is broken: already a 500
                if after is not None and after != baseline:
                    changed = sorted(k for k in after if after[k] != baseline.get(k))
                    failures.append(Failure("write", door.id, role, described, f"{status} changed {changed}"))
            transaction.set_rollback(True)
    client.cookies = cookies
    other, missing = statuses.get(("GET", OTHER)), statuses.get(("GET", MISSING))
    if scoped and oracle_applies(door) and other is not None and missing is not None and other != missing:
        if not (other >= 500 or missing >= 500):
            failures.append(
                Failure(
                    "oracle",
                    door.id,
                    role,
                    f"GET {door.route}",
                    f"binjiang id answers {other}, missing id answers {missing}",
                )
            )
    return failures, len(requests)


def oracle_applies(door: Door) -> bool:
    """A binjiang id must answer like a missing one where it names another branch's object:
    doors of branch-owned models, and doors without a model (the content-type shortcut, the
    member pages, /files/, /news/). Stock admins of accounts and catalogues are not scoped."""
    from core.querysets import is_branch_owned

    if not set(id_slots(door)) - {"url", "path"}:
        return False  # the admin's catch-all and public media: no object behind the value
    return door.model is None or is_branch_owned(door.model)


def _copy_cookies(cookies):
    from http.cookies import SimpleCookie

    copy = SimpleCookie()
    for key, morsel in cookies.items():
        copy[key] = morsel.value
    return copy


def discover(door: Door, staff_client, world: World) -> Discovery:
    """Read the door as association staff: its form, the links it offers, its JSON."""
    found = Discovery()
    url = door.fill(slot_values(door, OTHER, world))
    with transaction.atomic():
        try:
            if door.kind.startswith("api"):
                found.body = _api_body(door, staff_client, world)
                if door.viewset is not None:
                    found.params = _api_filter_params(door.viewset)
            else:
                target = url
                if door.kind == "admin_add":
                    # The add form is posted with a copy of a binjiang object's change form.
                    target = url.replace("/add/", f"/{_obj_pk(door, world)}/change/")
                response = staff_client.get(target)
                if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                    parsed = read_form(response.content.decode("utf-8", "replace"))
                    found.form = as_multidict(parsed.fields)
                    found.names = parsed.names - {"csrfmiddlewaretoken"}
                    for link in parsed.links:
                        found.params |= {key for key, _ in parse_qsl(urlsplit(link).query)}
                if door.kind == "admin_changelist":
                    found.body = {"actions": _actions(door, world)}
        except Exception:
            pass
        transaction.set_rollback(True)
    return found


def _obj_pk(door, world):
    obj = other_object(door, "object_id", world)
    return obj.pk if obj is not None else MISSING_ID


def _actions(door, world):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = world.users[ASSOCIATION]
    return list(door.model_admin.get_actions(request))


def _api_filter_params(viewset) -> set[str]:
    params = set()
    filterset_class = getattr(viewset, "filterset_class", None)
    if filterset_class is not None:
        params |= set(filterset_class.base_filters)
    params |= set(getattr(viewset, "filterset_fields", None) or [])
    params |= {"search", "ordering", "cursor", "page_size"}
    return params


def _api_body(door, staff_client, world):
    model = door.model
    if model is None:
        return {}
    obj = other_object(door, "pk", world)
    if obj is None:
        return {}
    prefix = door.route.split("^", 1)[-1].split("/", 1)[0] if "^" in door.route else ""
    if door.route.startswith("api/^me/"):
        return {}
    response = staff_client.get(f"/api/{prefix}/{obj.pk}/")
    if response.status_code != 200:
        return {}
    data = response.json()
    return data if isinstance(data, dict) else {}
