"""Benchmark: find one day's birthdays (solar and lunar) among N members.

    .venv/bin/python benchmarks/birthdays.py [--members 1000000] [--date 2026-06-01] [--repeats 7]

On PostgreSQL (DATABASE_URL names the server; default postgres://postgres@127.0.0.1:5432/postgres)
it creates a throwaway database ``laomo_bench_birthdays``, migrates it, loads N members with
COPY (5 % of them keeping a lunar birthday), and prints, in the same run, the indexed
selection the daily job uses beside the naive way (load every member and test each birth
date in Python, converting lunar birthdays with the same library), each the median over
repeats, with the ratio. The database is dropped at the end.

Without a PostgreSQL DATABASE_URL it runs on a temporary SQLite file (default 100,000 members).
"""

import argparse
import datetime
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
BENCH_DB = "laomo_bench_birthdays"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--members", type=int, default=None, help="members to load (PostgreSQL 1,000,000; SQLite 100,000)"
    )
    parser.add_argument("--date", default=None, help="the day whose birthdays are found (default today)")
    parser.add_argument(
        "--repeats", type=int, default=7, help="repeats of the indexed query (the naive way runs 3)"
    )
    parser.add_argument(
        "--lunar-share", type=float, default=0.05, help="share of members keeping a lunar birthday"
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    return parser.parse_args()


def configure_database():
    """Point Django at a fresh throwaway database; return (vendor, cleanup)."""
    import environ

    url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    config = environ.Env.db_url_config(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return "sqlite", lambda: path.unlink(missing_ok=True)
    import psycopg2

    admin = psycopg2.connect(
        dbname="postgres", user=config["USER"] or None, password=config["PASSWORD"] or None,
        host=config["HOST"] or None, port=config["PORT"] or None,
    )  # fmt: skip
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        cursor.execute(f"CREATE DATABASE {BENCH_DB}")
    base = url.rsplit("/", 1)[0]
    os.environ["DATABASE_URL"] = f"{base}/{BENCH_DB}"

    def drop():
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        admin.close()

    return "postgresql", drop


def member_rows(n, branch_ids):
    """(tab-separated) rows of N synthetic members with valid, unique ID numbers."""
    from core.idcard import make_id_number

    first = datetime.date(1940, 1, 1)
    days = (datetime.date(2000, 12, 31) - first).days + 1
    categories = ["craftsman"] * 4 + ["model_worker"] * 3 + ["both"] + [""] * 2
    now = datetime.datetime.now(datetime.UTC).isoformat()
    for i in range(n):
        birth = first + datetime.timedelta(days=(i * 7919) % days)
        seq = i // days
        region = ("330102", "330106", "330108", "330110")[seq % 4]
        id_number = make_id_number(region, birth, (seq // 4) % 1000)
        status = "deceased" if i % 10 == 9 else "active"
        yield (
            f"成员{i}\t{id_number}\t{'M' if i % 2 else 'F'}\t{birth.isoformat()}\t汉族\t\t138{i:08d}\t\t\t\t\t"
            f"{branch_ids[i % len(branch_ids)]}\t{status}\t{categories[i % 10]}\t\t{now}\t{now}\n"
        )


def load(vendor, n, lunar_share):
    from django.db import connection, transaction

    from members.models import Branch

    branches = [Branch.objects.create(name=f"分会{i}", code=f"b{i}", kind="district") for i in range(23)]
    branch_ids = [b.pk for b in branches]
    columns = [
        "name", "id_number", "gender", "birth_date", "ethnicity", "political_status", "mobile", "address",
        "employer", "position", "industry", "branch_id", "status", "category", "notes", "created_at", "updated_at",
    ]  # fmt: skip
    started = time.perf_counter()
    with transaction.atomic():
        _copy_members(vendor, n, branch_ids, columns)
    prefs = _lunar_preferences(n, lunar_share)
    with transaction.atomic(), connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.cursor.copy_from(
                io.StringIO("".join(prefs)), "wellbeing_birthdaypreference",
                columns=["member_id", "calendar", "lunar_month", "lunar_day", "lunar_leap", "opt_out", "notes"],
            )  # fmt: skip
        else:
            rows = [p.rstrip("\n").split("\t") for p in prefs]
            cursor.executemany(
                "INSERT INTO wellbeing_birthdaypreference (member_id, calendar, lunar_month, lunar_day, lunar_leap, opt_out, notes) VALUES (%s,%s,%s,%s,%s,%s,%s)",
                [(int(r[0]), "lunar", int(r[2]), int(r[3]), r[4] == "t", False, "") for r in rows],
            )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started, len(prefs)


def _copy_members(vendor, n, branch_ids, columns):
    from django.db import connection

    from members.models import Member

    if vendor == "postgresql":
        chunk = 200_000
        rows = member_rows(n, branch_ids)
        with connection.cursor() as cursor:
            for start in range(0, n, chunk):
                buffer = io.StringIO("".join(next(rows) for _ in range(min(chunk, n - start))))
                cursor.cursor.copy_from(buffer, Member._meta.db_table, columns=columns)
    else:
        placeholders = ",".join(["%s"] * len(columns))
        sql = f"INSERT INTO {Member._meta.db_table} ({','.join(columns)}) VALUES ({placeholders})"
        with connection.cursor() as cursor:
            batch = []
            for line in member_rows(n, branch_ids):
                values = line.rstrip("\n").split("\t")
                batch.append(values)
                if len(batch) == 50_000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)


def _lunar_preferences(n, lunar_share):
    """Lunar birthdays for a share of members (their birth date in the lunar calendar)."""
    from members.models import Member
    from wellbeing.birthdays import to_lunar

    step = max(int(1 / lunar_share), 1) if lunar_share > 0 else 0
    prefs = []
    if step:
        members = Member.objects.filter(pk__in=range(1, n + 1, step)).values_list("pk", "birth_date")
        for pk, birth in members.iterator(chunk_size=20_000):
            lunar = to_lunar(birth)
            prefs.append(f"{pk}\tlunar\t{lunar.month}\t{lunar.day}\t{'t' if lunar.leap else 'f'}\tf\t\n")
    return prefs


def indexed(day, categories):
    """What the daily job runs: two indexed queries."""
    from wellbeing.birthdays import lunar_birthdays, solar_birthdays

    solar = set(solar_birthdays(day, categories).values_list("pk", flat=True))
    lunar_members, _ = lunar_birthdays(day, categories)
    return solar | set(lunar_members.values_list("pk", flat=True))


def naive(day, categories):
    """Load every member and test each birthday in Python (lunar ones converted for this year)."""
    from members.models import Member
    from wellbeing.birthdays import lunar_birthday_in_year, solar_birthday_in_year, to_lunar
    from wellbeing.models import BirthdayPreference

    prefs = {
        m: (month, d, leap)
        for m, month, d, leap in BirthdayPreference.objects.filter(calendar="lunar").values_list(
            "member_id", "lunar_month", "lunar_day", "lunar_leap"
        )
    }
    lunar_year = to_lunar(day).year
    wanted = set(categories)
    found = set()
    for pk, birth, category, status in Member.objects.values_list(
        "pk", "birth_date", "category", "status"
    ).iterator(chunk_size=20_000):
        if status != "active" or category not in wanted:
            continue
        if pk in prefs:
            if lunar_birthday_in_year(lunar_year, *prefs[pk]) == day:
                found.add(pk)
        elif solar_birthday_in_year(birth, day.year) == day:
            found.add(pk)
    return found


def median_ms(fn, repeats):
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def main():
    args = parse_args()
    vendor, cleanup = configure_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laomo_portal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    try:
        n = args.members or (1_000_000 if vendor == "postgresql" else 100_000)
        call_command("migrate", verbosity=0)
        load_seconds, lunar_count = load(vendor, n, args.lunar_share)
        day = datetime.date.fromisoformat(args.date) if args.date else datetime.date.today()
        categories = ["craftsman", "model_worker", "both"]
        print(
            f"database: {vendor} ({connection.settings_dict['NAME']}), members: {n:,}, lunar birthdays: {lunar_count:,}"
        )
        print(f"loaded in {load_seconds:.1f} s; day: {day.isoformat()}")
        from wellbeing.birthdays import month_table

        month_table.cache_clear()
        started = time.perf_counter()
        month_table(day.year)
        month_table(day.year - 1)
        table_ms = (time.perf_counter() - started) * 1000
        print(
            f"lunar month tables of {day.year - 1}-{day.year}: {table_ms:.1f} ms, once per year and process"
        )
        indexed(day, categories)  # warm the database cache once, as the daily job's database would be
        fast_ms, fast = median_ms(lambda: indexed(day, categories), args.repeats)
        slow_ms, slow = median_ms(lambda: naive(day, categories), 3)
        assert fast == slow, f"the two ways disagree: {len(fast)} vs {len(slow)}"
        print(f"birthdays found: {len(fast):,} (both ways agree)")
        print(f"indexed selection (solar + lunar): {fast_ms:10.1f} ms  (median of {args.repeats})")
        print(f"naive (load all, test in Python):  {slow_ms:10.1f} ms  (median of 3)")
        print(f"ratio: {slow_ms / fast_ms:,.0f}x faster")
        if vendor == "postgresql":
            from wellbeing.birthdays import solar_birthdays

            plan = solar_birthdays(day, categories).values("pk").explain()
            used = sorted(
                {
                    line.split(" on ")[1].split()[0]
                    for line in plan.splitlines()
                    if "Index" in line and " on " in line
                }
            )
            print(f"indexes in the solar plan: {', '.join(used)}")
    finally:
        connections.close_all()
        if not args.keep:
            cleanup()


if __name__ == "__main__":
    from django_scopes import scopes_disabled

    with scopes_disabled():  # a benchmark is a system job: every branch
        main()
