#!/usr/bin/env python
"""`make bench`: a province-size registry (default 1,000,000 members) on PostgreSQL.

Creates a fresh database, migrates, loads the members with honours by COPY, then measures
each page for the project and for a naive baseline in the same run: median of repeated
requests after a warm-up, through Django's test client. Prints one table with both and
their ratio, and the project's query count per page.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"


def recreate_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname or "127.0.0.1", port=parts.port or 5432, user=parts.username or "postgres",
        password=parts.password, dbname="postgres",
    )  # fmt: skip
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
    admin.close()


def measure(client, url, *, repeat, warmup, params=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(url, params or {})
        assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url, params or {})
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url, params or {})
    return statistics.median(timings), len(ctx.captured_queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--naive-repeat", type=int, default=5, help="repeats for the (slow) naive pages")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/laomo_bench"),
    )
    parser.add_argument("--keep", action="store_true", help="reuse an already loaded database")
    parser.add_argument("--only", default="", help="measure only figures whose label contains this text")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url

    if not args.keep:
        recreate_database(args.database_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from benchmarks.loader import load_members
    from members.models import Member

    if args.keep:
        call_command("migrate", verbosity=0)  # indexes added since the load need statistics
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE members_member")
    else:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("seed_demo", members=0, registry_only=True, stdout=open(os.devnull, "w"))
        print(f"migrated and seeded branches in {time.perf_counter() - started:.1f} s")
        loaded = load_members(args.members)
        load_line = f"LOAD: {loaded['members']:,} members and {loaded['honors']:,} honours by COPY in {loaded['seconds']:.1f} s"
        print(load_line, flush=True)
    # The statistics snapshot (what beat refreshes every few minutes in production) is
    # computed once after the load; its duration is a figure of its own.
    from members.services import statistics_snapshot_refresh

    started = time.perf_counter()
    snapshot = statistics_snapshot_refresh()
    refresh_line = (
        f"SNAPSHOT: statistics snapshot refreshed in {time.perf_counter() - started:.1f} s "
        f"({snapshot.member_rows:,} member-count rows, {snapshot.honor_rows:,} honour-count rows)"
    )
    print(refresh_line, flush=True)
    total = Member.objects.count()

    from django.contrib.auth import get_user_model

    User = get_user_model()
    clients = {}
    for username in ("staff", "officer_xihu"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        clients[username] = client

    sample = Member.objects.filter(branch__code="xihu").order_by("pk")[total // 46]
    deep_id = Member.objects.order_by("-id").values_list("id", flat=True)[total // 2]
    from rest_framework.pagination import Cursor

    from core.api.pagination import IdCursorPagination

    paginator = IdCursorPagination()
    paginator.base_url = "http://testserver/api/members/"
    deep_cursor_url = paginator.encode_cursor(Cursor(offset=0, reverse=False, position=str(deep_id)))
    deep_page_number = (total // 2) // 50

    rows = [
        # label, target ms, client, project url, params, naive url, naive params
        (
            "admin changelist, staff",
            150,
            "staff",
            "/admin/members/member/",
            None,
            "/naive-admin/members/member/",
            None,
        ),
        (
            "admin changelist, officer",
            150,
            "officer_xihu",
            "/admin/members/member/",
            None,
            "/naive-admin/members/member/",
            None,
        ),
        (
            "admin search name fragment",
            200,
            "staff",
            "/admin/members/member/",
            {"q": sample.name[:2]},
            "/naive-admin/members/member/",
            {"q": sample.name[:2]},
        ),
        (
            "admin search full ID",
            200,
            "staff",
            "/admin/members/member/",
            {"q": sample.id_number},
            "/naive-admin/members/member/",
            {"q": sample.id_number},
        ),
        (
            "admin search phone",
            200,
            "staff",
            "/admin/members/member/",
            {"q": sample.mobile},
            "/naive-admin/members/member/",
            {"q": sample.mobile},
        ),
        ("API members first page", 60, "staff", "/api/members/", None, "/naive-api/members/", None),
        (
            "API members deep page",
            60,
            "staff",
            deep_cursor_url,
            None,
            "/naive-api/members/",
            {"page": deep_page_number},
        ),
        (
            "statistics page, staff",
            500,
            "staff",
            "/admin/members/member/statistics/",
            None,
            "/naive-statistics/",
            None,
        ),
        (
            "statistics page, officer",
            500,
            "officer_xihu",
            "/admin/members/member/statistics/",
            None,
            "/naive-statistics/",
            None,
        ),
        ("dashboard, staff", 500, "staff", "/admin/", None, "/naive-dashboard/", None),
        ("dashboard, officer", 500, "officer_xihu", "/admin/", None, "/naive-dashboard/", None),
    ]
    results = []
    for label, target, who, url, params, naive_url, naive_params in rows:
        if args.only and args.only not in label:
            continue
        client = clients[who]
        project_ms, queries = measure(client, url, params=params, repeat=args.repeat, warmup=args.warmup)
        naive_ms, naive_queries = measure(
            client, naive_url, params=naive_params, repeat=args.naive_repeat, warmup=1
        )
        results.append((label, project_ms, queries, naive_ms, naive_queries, target))
        print(f"  measured {label}: {project_ms:.1f} ms vs {naive_ms:.1f} ms", flush=True)

    # Birthday selection for a day (the care issue's daily job), measured as a query, not a page.
    import datetime

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from birthdays import indexed as birthdays_indexed
    from birthdays import naive as birthdays_naive
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    day = datetime.date.today()
    categories = ["model_worker", "craftsman", "both"]
    with CaptureQueriesContext(connection) as indexed_queries:
        found = birthdays_indexed(day, categories)
    with CaptureQueriesContext(connection) as naive_queries:
        naive_found = birthdays_naive(day, categories)
    assert found == naive_found, "birthday selections disagree"
    timings, naive_timings = [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        birthdays_indexed(day, categories)
        timings.append((time.perf_counter() - started) * 1000)
    for _ in range(args.naive_repeat):
        started = time.perf_counter()
        birthdays_naive(day, categories)
        naive_timings.append((time.perf_counter() - started) * 1000)
    results.append(
        (
            "birthdays of one day",
            statistics.median(timings),
            len(indexed_queries.captured_queries),
            statistics.median(naive_timings),
            len(naive_queries.captured_queries),
            100,
        )
    )
    print(
        f"  measured birthdays of one day ({len(found)} found): {results[-1][1]:.1f} ms vs {results[-1][3]:.1f} ms"
    )

    load = os.getloadavg()[0]
    print()
    print(
        f"Province benchmark: {total:,} members on PostgreSQL; medians of {args.repeat} "
        f"(naive {args.naive_repeat}) requests after warm-up; load average {load:.1f} on {os.cpu_count()} CPUs"
    )
    header = f"{'figure':<30} {'project ms':>10} {'queries':>8} {'naive ms':>10} {'queries':>8} {'ratio':>8} {'target':>8} {'ok':>4}"
    print(header)
    print("-" * len(header))
    for label, project_ms, queries, naive_ms, naive_queries, target in results:
        ok = "yes" if project_ms <= target else "NO"
        print(
            f"{label:<30} {project_ms:>10.1f} {queries:>8} {naive_ms:>10.1f} {naive_queries:>8} {naive_ms / project_ms:>7.1f}x {target:>7}ms {ok:>4}"
        )
    if not args.keep:
        print(load_line)
    print(refresh_line)
    return 0


if __name__ == "__main__":
    from django_scopes import scopes_disabled

    with scopes_disabled():  # a benchmark is a system job: every branch
        sys.exit(main())
