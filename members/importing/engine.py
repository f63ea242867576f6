"""The import engine: validate every row in bulk, then write everything in one transaction.

Phase one reads the file, checks each row in Python (ID checksum and date, duplicates in
the file, branch, dates, required values, honour kind and level), looks the ID numbers up
in a handful of chunked queries and classifies each row as new, updated, unchanged or
error, writing nothing. Phase two runs only when there is no error, inside one
``transaction.atomic()``: ``bulk_create``/``bulk_update`` with their history records, in
batches so that memory stays flat at 100,000 rows.

The rows skip the ORM (multi-row INSERTs, for speed) but not the rules: the branch of each
row comes from ``branch_for_new_row`` and what the file may write from
``member_fields_check``, the functions ``member_create``/``member_update`` use; the
身份证号 goes through ``parse_id_number`` as in ``Member.clean``, and the categories
through ``category_for_kinds``/``members_refresh_categories``.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.access import branch_for_new_row
from core.errors import DomainError
from core.idcard import mask_id_number, mask_phone, normalise, parse_id_number
from core.scoping import scopes_disabled, user_scope
from core.validators import MOBILE_RULE, is_phone
from members.services.registry import category_for_kinds, member_fields_check, members_refresh_categories

from ..models import ETHNICITIES, POLITICAL_STATUSES, Branch, Honor, Member
from .columns import (
    COLUMNS,
    GENDERS,
    HONOR_FIELDS,
    HONOR_KEYS,
    KIND_BY_LABEL,
    KIND_LABELS,
    LEVEL_BY_LABEL,
    LEVEL_LABELS,
    MEMBER_TEXT_FIELDS,
    POLITICAL_ALIASES,
    allowed,
    column_label,
    header_key,
    split_key,
)
from .fastinsert import adapter, insert_rows
from .readers import excel_date, read_table

LOOKUP_CHUNK = 2_000
WRITE_BATCH = 2_000
SAMPLE_ROWS = 200
STATUS_BY_LABEL = {label: value for value, label in Member.Status.choices}
GENDER_BY_LABEL = {"男": "M", "女": "F", "M": "M", "F": "F"}
ETHNICITY_SET = frozenset(ETHNICITIES)
POLITICAL_SET = frozenset(POLITICAL_STATUSES)
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
MAX_LENGTHS = {f.name: f.max_length for f in Member._meta.fields if getattr(f, "max_length", None)}
HONOR_MAX = {"honor_title": 100, "awarding_body": 100, "document_number": 100}
ERROR_VALUE_MAX = 60  # characters of the offending value kept in the report


def error_value(key: str, value) -> str:
    """The value an error names, as the report stores it: never a full 身份证号 or phone."""
    text = "" if value is None else str(value)[:ERROR_VALUE_MAX]
    base = split_key(key)[0] if key else ""
    if base == "id_number":
        return mask_id_number(text)
    if base == "mobile":
        return mask_phone(text)
    return text


@dataclass
class RowError:
    row: int
    column: str
    message: str
    value: str = ""  # as error_value() keeps it (masked 身份证号 and phone)
    name: str = ""  # the row's 姓名, to find the row in the file

    def as_dict(self):
        return {"row": self.row, "column": self.column, "message": self.message, "value": self.value,
                "name": self.name}  # fmt: skip


@dataclass(slots=True)
class ParsedRow:
    row: int
    id_number: str
    values: dict  # member field -> value (only the non-empty cells)
    branch_id: int | None
    honors: tuple  # of (kind, level, title, year, awarding_body, document_number), one per group filled
    parsed: object = None  # the IdNumber (birth date, gender)
    name: str = ""
    action: str = "new"  # new / updated / unchanged
    member_id: int | None = None
    changed: tuple = ()


@dataclass
class ImportPlan:
    """The outcome of validation: every row classified, every error with its row number."""

    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total: int = 0
    # Members whose 身份证号 the file named: the preview confirms each one (logged by the job).
    matched_member_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and self.total > 0

    def counts(self) -> dict:
        counts = {"new": 0, "updated": 0, "unchanged": 0}
        for row in self.rows:
            counts[row.action] += 1
        counts["error"] = len({e.row for e in self.errors})
        counts["total"] = self.total
        return counts

    def report(self) -> dict:
        """What the preview shows (JSON-safe, ID numbers masked, samples capped)."""
        samples: dict[str, list] = {"new": [], "updated": [], "unchanged": []}
        for row in self.rows:
            bucket = samples[row.action]
            if len(bucket) < SAMPLE_ROWS:
                bucket.append(
                    {"row": row.row, "name": row.name, "id": mask_id_number(row.id_number),
                     "changed": [column_label(k) for k in row.changed]}
                )  # fmt: skip
        return {"counts": self.counts(), "samples": samples, "errors": [e.as_dict() for e in self.errors]}


class RowChecker:
    """Turns one row's cells into clean values, collecting errors with row and column."""

    def __init__(self, branches_by_name: dict, actor, today: datetime.date, honor_groups=(0,)):
        self.branches_by_name = branches_by_name
        self.honor_groups = tuple(honor_groups)
        self.branch_ids = set(branches_by_name.values())
        self.actor = actor
        self.today = today
        # branch_for_new_row's answer per branch named (a handful per file), not per row.
        self.new_row_branch: dict[int | None, tuple[int | None, str]] = {}

    def parse(self, number: int, cells: dict, errors: list[RowError]) -> ParsedRow | None:
        bad = len(errors)

        def error(key, message, value=None):
            raw = cells.get(key) if value is None else value
            errors.append(RowError(number, column_label(key), message, error_value(key, raw), cells.get("name", "")))

        values = {}
        for key in MEMBER_TEXT_FIELDS:
            value = cells.get(key)
            if value:
                if len(value) > MAX_LENGTHS.get(key, 10_000):
                    error(key, f"内容过长（最多{MAX_LENGTHS[key]}个字）。")
                values[key] = value
        if "name" not in values:
            error("name", "姓名不能为空。")
        id_number, parsed = self._id_number(cells.get("id_number"), error)
        if parsed is not None:
            self._check_gender_and_birth(cells, parsed, error)
        self._check_choices(values, error)
        branch_id = self._branch(cells.get("branch"), error)
        honors = []
        for group in self.honor_groups:
            honor = self._honor(cells, group, parsed, error)
            if honor is not None and all(honor[:4] != h[:4] for h in honors):  # the same honour twice: once
                honors.append(honor)
        if len(errors) > bad:
            return None
        return ParsedRow(number, id_number, values, branch_id, tuple(honors), parsed, name=values.get("name", ""))

    def _id_number(self, raw, error):
        if not raw:
            error("id_number", "身份证号不能为空。")
            return "", None
        if raw.endswith(".0") or "E+" in raw.upper():
            error("id_number", "身份证号被存成了数字（末几位已丢失），请将该列设为文本格式后重新填写。")
            return "", None
        try:
            parsed = parse_id_number(raw, today=self.today)
        except ValidationError as exc:
            error("id_number", exc.messages[0])
            return normalise(raw), None
        return parsed.value, parsed

    def _check_gender_and_birth(self, cells, parsed, error):
        gender = cells.get("gender")
        if gender:
            code = GENDER_BY_LABEL.get(gender)
            if code is None:
                error("gender", f"性别“{gender}”无效，{allowed(GENDERS)}。")
            elif code != parsed.gender:
                error("gender", "性别与身份证号不符。")
        raw = cells.get("birth_date")
        if raw:
            birth = parse_date(raw)
            if birth is None:
                error("birth_date", f"出生日期“{raw}”不是有效日期。")
            elif birth != parsed.birth_date:
                error(
                    "birth_date", f"出生日期{birth:%Y-%m-%d}与身份证号中的{parsed.birth_date:%Y-%m-%d}不符。"
                )

    def _check_choices(self, values, error):
        ethnicity = values.get("ethnicity")
        if ethnicity:
            if ethnicity not in ETHNICITY_SET and ethnicity + "族" in ETHNICITY_SET:
                values["ethnicity"] = ethnicity = ethnicity + "族"
            if ethnicity not in ETHNICITY_SET:
                error("ethnicity", f"民族“{ethnicity}”不在56个民族名称中，{allowed(ETHNICITIES)}。")
        political = values.get("political_status")
        if political and political not in POLITICAL_SET:
            if political in POLITICAL_ALIASES:
                values["political_status"] = POLITICAL_ALIASES[political]
            else:
                hint = "（如为无党派人士，请填“无党派人士”）" if political.startswith("无党") else ""
                error("political_status", f"政治面貌“{political}”无效，{allowed(POLITICAL_STATUSES)}{hint}。")
        status = values.get("status")
        if status:
            if status in STATUS_BY_LABEL:
                values["status"] = STATUS_BY_LABEL[status]
            else:
                error("status", f"状态“{status}”无效，{allowed(STATUS_BY_LABEL)}。")
        mobile = values.get("mobile")
        if mobile and not is_phone(mobile):
            error("mobile", f"手机号码“{mask_phone(mobile[:30])}”格式不正确：{MOBILE_RULE}。")

    def _branch(self, raw, error):
        """The row's branch as every door decides it (``branch_for_new_row``); None when not named."""
        requested = None
        if raw:
            requested = self.branches_by_name.get(raw)
            if requested is None and raw.isdigit() and int(raw) in self.branch_ids:
                requested = int(raw)
            if requested is None:
                error("branch", f"分会“{raw}”不存在。")
                return None
        if requested not in self.new_row_branch:
            try:
                self.new_row_branch[requested] = (branch_for_new_row(self.actor, requested), "")
            except ValidationError as exc:
                self.new_row_branch[requested] = (None, exc.message_dict["branch"][0])
        branch_id, refused = self.new_row_branch[requested]
        if refused:
            error("branch", f"该行填写的是其他分会：{refused}")
        return branch_id

    def _honor(self, cells, group, parsed, error):
        """One honour column group (0: the unnumbered columns) as a tuple, None when empty or wrong."""
        keys = {base: f"{base}#{group}" if group else base for base in HONOR_FIELDS}
        got = {base: cells.get(key) for base, key in keys.items()}
        if not any(got.values()):
            return None
        missing = [k for k in HONOR_KEYS if not got[k]]
        for base in missing:
            error(keys[base], f"填写荣誉时“{column_label(keys[base])}”不能为空。")
        kind = level = year = None
        if got["honor_kind"]:
            kind = KIND_BY_LABEL.get(got["honor_kind"])
            if kind is None:
                error(keys["honor_kind"], f"荣誉类别“{got['honor_kind']}”无效，{allowed(KIND_LABELS)}。")
        if got["honor_level"]:
            level = LEVEL_BY_LABEL.get(got["honor_level"])
            if level is None:
                error(keys["honor_level"], f"荣誉级别“{got['honor_level']}”无效，{allowed(LEVEL_LABELS)}。")
        if got["honor_year"]:
            year = self._year(got["honor_year"], parsed, lambda message: error(keys["honor_year"], message))
        for base, limit in HONOR_MAX.items():
            if len(got[base] or "") > limit:
                error(keys[base], f"内容过长（最多{limit}个字）。")
        if missing or kind is None or level is None or year is None:
            return None
        return (kind, level, got["honor_title"], year, got["awarding_body"] or "", got["document_number"] or "")

    def _year(self, raw, parsed, error):
        text = raw[:-1] if raw.endswith("年") else raw
        text = text[:-2] if text.endswith(".0") else text
        if not text.isdigit():
            error(f"授予年份“{raw}”不是年份。")
            return None
        year = int(text)
        if year < 1950 or year > self.today.year:
            error(f"授予年份{year}不可能（应在1950年至今年之间）。")
            return None
        if parsed is not None and year < parsed.birth_date.year + 14:
            error(f"授予年份{year}早于本人14周岁，请核对。")
            return None
        return year


def parse_date(raw: str) -> datetime.date | None:
    """A date typed in any of the usual ways, or an Excel serial number."""
    text = raw.strip()
    if text.replace(".", "", 1).isdigit() and len(text) <= 7:
        return excel_date(float(text))
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    text = text.split(" ")[0].split("T")[0] if len(text) > 10 and text[4] == "-" else text
    match = DATE_TEXT.match(text)
    if not match:
        return None
    try:
        return datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def _cell_text(value) -> str:
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value).strip()


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


# The importer scopes by the actor itself (user_scope below: rows forced into an officer's
# branch, another branch's member refused) and must see ID numbers registry-wide to do so.
@scopes_disabled()
def member_import_plan(
    *, data: bytes, filename: str, actor, progress: Callable[[int], None] | None = None
) -> ImportPlan:
    """Validate a whole file for ``actor``; write nothing. Raises DomainError for an unreadable file."""
    scope = user_scope(actor)
    if scope.is_empty:
        raise DomainError("您没有可导入的分会。", code="no_scope")
    officer_branch = None if scope.all_branches else scope.branch_id
    branches = {}
    for pk, name, code in Branch.objects.values_list("pk", "name", "code"):
        branches[name] = branches[code] = pk
    plan = ImportPlan()
    rows = read_table(data, filename)
    keys = _read_header(rows)
    groups = sorted({split_key(k)[1] for _, k in keys if split_key(k)[0] in HONOR_FIELDS}) or [0]
    checker = RowChecker(branches, actor, timezone.localdate(), honor_groups=groups)
    # What the file may write, by the rule every door applies (once per file: the columns).
    member_fields_check(actor=actor, fields=[*MEMBER_TEXT_FIELDS, "id_number", "branch"])
    seen: dict[str, int] = {}
    for count, (number, raw) in enumerate(rows, start=1):
        cells = {key: _cell_text(raw[i]) for i, key in keys if i < len(raw)}
        if progress and count % 5_000 == 0:
            progress(count)
        if not any(cells.values()):
            continue
        plan.total += 1
        parsed = checker.parse(number, cells, plan.errors)
        if parsed is None:
            continue
        first = seen.setdefault(parsed.id_number, number)
        if first != number:
            plan.errors.append(
                RowError(number, "身份证号", f"与第{first}行的身份证号重复。", mask_id_number(parsed.id_number),
                         parsed.name)
            )  # fmt: skip
            continue
        plan.rows.append(parsed)
    if plan.total == 0:
        raise DomainError("文件中没有数据行。", code="empty")
    _match_existing(plan, officer_branch)
    plan.errors.sort(key=lambda e: e.row)
    return plan


def _read_header(rows) -> list[tuple[int, str]]:
    for _, raw in rows:
        if not any(v not in (None, "") for v in raw):
            continue
        keys = [(i, header_key(v)) for i, v in enumerate(raw)]
        keys = [(i, k) for i, k in keys if k]
        found = {k for _, k in keys}
        missing = [c.header for c in COLUMNS if c.required and c.key not in found]
        if missing:
            raise DomainError(
                f"第一行应为列标题，缺少必需的列：{'、'.join(missing)}。请使用下载的导入模板。", code="header"
            )
        return keys
    raise DomainError("文件中没有数据。", code="empty")


def _match_existing(plan: ImportPlan, officer_branch: int | None) -> None:
    """Classify rows against the database: a few chunked queries, never one per row."""
    by_id = {row.id_number: row for row in plan.rows}
    fields = ["pk", "id_number", "branch_id", *MEMBER_TEXT_FIELDS]
    existing = {}
    for chunk in _chunks(list(by_id), LOOKUP_CHUNK):
        for values in Member.objects.filter(id_number__in=chunk).values(*fields):
            existing[values["id_number"]] = values
    honors: dict[int, set] = {}
    member_ids = [v["pk"] for v in existing.values()]
    plan.matched_member_ids = member_ids
    for chunk in _chunks(member_ids, LOOKUP_CHUNK):
        for member_id, *key in Honor.objects.filter(member_id__in=chunk).values_list(
            "member_id", "kind", "level", "title", "year"
        ):
            honors.setdefault(member_id, set()).add(tuple(key))
    kept = []
    for row in plan.rows:
        current = existing.get(row.id_number)
        if current is None:
            if row.branch_id is None:
                plan.errors.append(RowError(row.row, "所属分会", "新增人员必须填写所属分会。", "", row.name))
                continue
            row.action = "new"
            kept.append(row)
            continue
        if officer_branch is not None and current["branch_id"] != officer_branch:
            plan.errors.append(
                RowError(
                    row.row,
                    "身份证号",
                    "该身份证号已登记在其他分会，不能通过导入修改；如需调入请申请名单转移。",
                    mask_id_number(row.id_number),
                    row.name,
                )
            )
            continue
        if row.branch_id is not None and row.branch_id != current["branch_id"]:
            plan.errors.append(
                RowError(
                    row.row, "所属分会", "与该人员现在的分会不同；更换分会请使用名单转移，不能通过导入。",
                    "", row.name,
                )  # fmt: skip
            )
            continue
        row.member_id = current["pk"]
        row.changed = tuple(k for k, v in row.values.items() if current[k] != v)
        held = honors.get(current["pk"], set())
        row.honors = tuple(h for h in row.honors if h[:4] not in held)
        has_honor = bool(row.honors)
        row.action = "updated" if (row.changed or has_honor) else "unchanged"
        if has_honor:
            row.changed = (*row.changed, "honor_title")
        kept.append(row)
    plan.rows = kept


MEMBER_DEFAULTS = {"ethnicity": "汉族", "political_status": "", "mobile": "", "address": "", "employer": "",
                   "position": "", "industry": "", "status": Member.Status.ACTIVE, "notes": ""}  # fmt: skip
MEMBER_COLUMNS = ["name", "id_number", "gender", "birth_date", *MEMBER_DEFAULTS, "branch_id", "category",
                  "user_id", "created_at"]  # fmt: skip
HONOR_COLUMNS = ["member_id", "kind", "level", "title", "year", "awarding_body", "document_number"]


@scopes_disabled()  # writes a plan member_import_plan validated for its actor, registry-wide ids
def member_import_write(*, plan: ImportPlan, actor, progress: Callable[[int], None] | None = None) -> dict:
    """Write a validated plan in one transaction (all or nothing), with history rows; returns the counts."""
    if not plan.ok:
        raise DomainError("导入文件有错误，未写入任何数据。", code="import_invalid")
    done = 0
    now = timezone.now()
    history = (now, "批量导入", actor.pk if actor else None)
    with transaction.atomic():
        for batch in _chunks([r for r in plan.rows if r.action == "new"], WRITE_BATCH):
            _insert_members(batch, now, history)
            _insert_honors(batch, history)
            done += len(batch)
            if progress:
                progress(done)
        for batch in _chunks([r for r in plan.rows if r.action == "updated"], WRITE_BATCH):
            _update_members(batch, now, actor)
            _insert_honors(batch, history)
            done += len(batch)
            if progress:
                progress(done)
    return plan.counts()


def _insert_members(batch: list[ParsedRow], now, history) -> None:
    adapt = adapter()
    stamp = adapt(now)
    categories: dict[frozenset, str] = {}
    rows = []
    for row in batch:
        values = {**MEMBER_DEFAULTS, **row.values}
        kinds = frozenset(h[0] for h in row.honors)
        category = categories.get(kinds)
        if category is None:
            category = categories[kinds] = category_for_kinds(sorted(kinds))
        rows.append((values["name"], row.id_number, row.parsed.gender, adapt(row.parsed.birth_date),
                     *(values[k] for k in MEMBER_DEFAULTS), row.branch_id, category, None, stamp))  # fmt: skip
    insert_rows(Member, [*MEMBER_COLUMNS, "updated_at"], [(*r, stamp) for r in rows], adapted=True)
    ids = dict(
        Member.objects.filter(id_number__in=[r.id_number for r in batch]).values_list("id_number", "pk")
    )
    for row in batch:
        row.member_id = ids[row.id_number]
    history = (stamp, *history[1:])
    history_rows = [(row.member_id, *values, *history, "+") for row, values in zip(batch, rows, strict=True)]
    insert_rows(Member.history.model, ["id", *MEMBER_COLUMNS, "history_date", "history_change_reason",
                                       "history_user_id", "history_type"], history_rows, adapted=True)  # fmt: skip


def _update_members(batch: list[ParsedRow], now, actor) -> None:
    members = Member.objects.in_bulk([r.member_id for r in batch])
    fields = {"updated_at"}
    for row in batch:
        member = members[row.member_id]
        member.updated_at = now  # bulk_update does not run auto_now
        for key in row.changed:
            if key in row.values:
                setattr(member, key, row.values[key])
                fields.add(key)
    changed = list(members.values())
    Member.objects.bulk_update(changed, sorted(fields))
    Member.history.bulk_history_create(
        changed, update=True, default_user=actor, default_change_reason="批量导入"
    )


def _insert_honors(batch: list[ParsedRow], history) -> None:
    rows = [(row.member_id, *honor) for row in batch for honor in row.honors]
    if not rows:
        return
    insert_rows(Honor, HONOR_COLUMNS, rows)
    wanted = {r[:5] for r in rows}
    saved = Honor.objects.filter(member_id__in=[r[0] for r in rows]).values_list("pk", *HONOR_COLUMNS)
    history_rows = [(pk, *values, *history, "+") for pk, *values in saved if tuple(values[:5]) in wanted]
    insert_rows(Honor.history.model, ["id", *HONOR_COLUMNS, "history_date", "history_change_reason",
                                      "history_user_id", "history_type"], history_rows)  # fmt: skip
    # Category and top honour level follow the honours (a few grouped UPDATEs per batch).
    members_refresh_categories(member_ids=[row.member_id for row in batch if row.honors])
