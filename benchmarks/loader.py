"""Bulk loader for benchmarks: N synthetic members with honours through PostgreSQL COPY.

Rows come from a deterministic generator (valid, unique ID numbers with Hangzhou region
codes, realistic names and phones); columns are read off the models, so fields added
later get their defaults.
"""

import datetime
import io
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, connections
from django.utils import timezone

from core.idcard import check_char
from members.demo import DISTRICTS, GIVEN, HONOR_TEMPLATES, SURNAMES
from members.models import Branch, Honor, Member

REGIONS = [region for _, _, region in DISTRICTS] + ["330100"]
BASE_BIRTH = datetime.date(1940, 1, 1)
BIRTH_SPAN_DAYS = 20_000  # 1940–1994


def member_id_number(i: int) -> tuple[str, datetime.date]:
    """A unique valid ID for index i: (region, birth day, sequence) walk without repeats."""
    region = REGIONS[i % len(REGIONS)]
    j = i // len(REGIONS)
    birth = BASE_BIRTH + datetime.timedelta(days=j % BIRTH_SPAN_DAYS)
    sequence = (j // BIRTH_SPAN_DAYS) % 1000
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17), birth


def _copy(table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(r"\N" if v is None else str(v) for v in row))
        buffer.write("\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT text)", buffer
        )


def _columns(model, provided: dict) -> tuple[list[str], list]:
    """Column names and constant defaults for fields the generator does not provide."""
    columns, defaults = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.attname in provided:
            defaults.append(None)
        elif field.has_default():
            value = field.get_default()
            defaults.append(field.get_db_prep_save(value, connection))
        elif field.null:
            defaults.append(None)
        else:
            raise ValueError(f"loader does not know how to fill {model.__name__}.{field.attname}")
    return columns, defaults


def _secondary_indexes(tables: list[str]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes that back no constraint, as the migrations made them."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.tablename = ANY(%s) AND i.schemaname = 'public'
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
            """,
            [tables],
        )
        return cursor.fetchall()


def _dropped_constraints(tables: list[str]) -> list[tuple[str, str, str, str | None]]:
    """(table, name, ADD CONSTRAINT definition, backing index definition) of unique and foreign keys.

    Checked row by row during COPY (a trigger per foreign key, an index insert per unique
    key), they cost more than building them once afterwards from the migrations' definitions.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid),
                   CASE WHEN c.contype = 'u' AND NOT c.condeferrable THEN pg_get_indexdef(c.conindid) END
            FROM pg_constraint c
            WHERE c.conrelid::regclass::text = ANY(%s) AND c.contype IN ('u', 'f')
            ORDER BY c.contype DESC
            """,
            [tables],
        )
        return cursor.fetchall()


def _run_parallel(statements: list[str], *, workers: int = 2) -> None:
    """Run maintenance statements on ``workers`` connections at once (one per core).

    Each connection gets a large maintenance_work_mem so a sort fits in memory; parallel
    workers inside one build are off because the connections already use the cores.
    """
    pending = list(statements)
    lock = threading.Lock()

    def work():
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '1GB'")
                cursor.execute("SET max_parallel_maintenance_workers = 0")
                while True:
                    with lock:
                        if not pending:
                            return
                        statement = pending.pop(0)
                    cursor.execute(statement)
        finally:
            connections["default"].close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(work) for _ in range(workers)]:
            future.result()


def _copy_in_thread(table_rows: list[tuple[str, list[str], list]]) -> None:
    try:
        for table, columns, rows in table_rows:
            _copy(table, columns, rows)
    finally:
        connections["default"].close()


def load_members(count: int, *, chunk: int = 100_000, seed: int = 7, log=print) -> dict:
    """Load ``count`` members (and 1–3 honours each) into an empty registry; returns timings."""
    assert connection.vendor == "postgresql", "the bulk loader uses PostgreSQL COPY"
    rng = random.Random(seed)
    branches = list(Branch.objects.order_by("pk").values_list("pk", flat=True))
    now = timezone.now().isoformat()
    member_fields = {
        "name", "id_number", "gender", "birth_date", "mobile", "address", "employer", "position",
        "industry", "branch_id", "status", "category", "top_honor_level", "created_at", "updated_at", "ethnicity",
        "political_status", "notes", "user_id",
    }  # fmt: skip
    m_columns, m_defaults = _columns(Member, member_fields)
    m_attnames = [f.attname for f in Member._meta.concrete_fields if not f.primary_key]
    h_fields = {"member_id", "kind", "level", "title", "year", "awarding_body", "document_number"}
    h_columns, h_defaults = _columns(Honor, h_fields)
    h_attnames = [f.attname for f in Honor._meta.concrete_fields if not f.primary_key]
    started = time.perf_counter()
    # Bulk-load practice: drop the secondary indexes and the unique and foreign keys (their
    # definitions come from the migrations and are read back from the catalogue), COPY,
    # then build them once, two at a time.
    tables = ["members_member", "members_honor"]
    indexes = _secondary_indexes(tables)
    constraints = _dropped_constraints(tables)
    with connection.cursor() as cursor:
        for table, name, _, _ in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM members_member")
        first_id = cursor.fetchone()[0] + 1
    honors_total = 0
    # The server parses one chunk (on another connection, in a thread) while Python
    # generates the next: the two cores work at once.
    copier = ThreadPoolExecutor(max_workers=1)
    pending_copy = None
    for start in range(0, count, chunk):
        members, honors = [], []
        for i in range(start, min(start + chunk, count)):
            member_id = first_id + i
            id_number, birth = member_id_number(i)
            templates = rng.sample(HONOR_TEMPLATES, rng.choice((1, 1, 2, 3)))
            kinds = {k for k, _, _ in templates}
            craftsman = "craftsman" in kinds
            model_worker = bool(kinds - {"craftsman"})
            category = (
                "both" if craftsman and model_worker else ("craftsman" if craftsman else "model_worker")
            )
            values = {
                "name": rng.choice(SURNAMES)
                + rng.choice(GIVEN)
                + (rng.choice(GIVEN) if rng.random() < 0.7 else ""),
                "id_number": id_number,
                "gender": "M" if int(id_number[16]) % 2 else "F",
                "birth_date": birth.isoformat(),
                "mobile": f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}",
                "address": "杭州市某某路1号",
                "employer": "某某有限公司",
                "position": "高级技师",
                "industry": "制造业",
                "branch_id": branches[i % len(branches)],
                "status": "active",
                "category": category,
                "top_honor_level": min(level for _, level, _ in templates),
                "created_at": now,
                "updated_at": now,
                "ethnicity": "汉族",
                "political_status": "群众",
                "notes": "",
                "user_id": None,
            }
            members.append(
                [member_id]
                + [values[a] if a in values else d for a, d in zip(m_attnames, m_defaults, strict=True)]
            )
            for kind, level, title in templates:
                year = rng.randint(max(birth.year + 25, 1980), 2026)
                h = {
                    "member_id": member_id, "kind": kind, "level": level, "title": title, "year": year,
                    "awarding_body": "杭州市人民政府", "document_number": "",
                }  # fmt: skip
                honors.append([h[a] if a in h else d for a, d in zip(h_attnames, h_defaults, strict=True)])
        if pending_copy is not None:
            pending_copy.result()
        pending_copy = copier.submit(
            _copy_in_thread,
            [("members_member", ["id", *m_columns], members), ("members_honor", h_columns, honors)],
        )
        honors_total += len(honors)
        log(
            f"  generated {min(start + chunk, count):,} members, {honors_total:,} honours ({time.perf_counter() - started:.1f} s)"
        )
    if pending_copy is not None:
        pending_copy.result()
    copier.shutdown()
    log(f"  copied ({time.perf_counter() - started:.1f} s)")
    # VACUUM first (visibility map and hint bits; cheaper with no index to visit), then the
    # indexes, then the keys, then ANALYZE (expression indexes need their statistics).
    _run_parallel([f"VACUUM {table}" for table in tables])
    unique_indexes = [index for _, _, _, index in constraints if index]
    _run_parallel([definition for _, definition in indexes] + unique_indexes)
    log(f"  rebuilt {len(indexes) + len(unique_indexes)} indexes ({time.perf_counter() - started:.1f} s)")
    keys = []
    for table, name, definition, index in constraints:
        if index:
            keys.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" UNIQUE USING INDEX "{name}"')
        else:
            keys.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for statement in keys:
            cursor.execute(statement)
    log(f"  restored {len(keys)} unique and foreign keys ({time.perf_counter() - started:.1f} s)")
    _run_parallel([f"ANALYZE {table}" for table in tables])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('members_member', 'id'), (SELECT MAX(id) FROM members_member))"
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('members_honor', 'id'), (SELECT MAX(id) FROM members_honor))"
        )
    return {"members": count, "honors": honors_total, "seconds": time.perf_counter() - started}
