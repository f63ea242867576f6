"""Benchmark: one year's service statistics per branch and category.

    .venv/bin/python benchmarks/volunteering_statistics.py [--events 20000] [--repeats 5]

Loads synthetic teams, events, beneficiaries and participations (about five per event) into
a throwaway database, then prints, in the same run, ``yearly_statistics`` (grouped
aggregates in the database, one query per figure) beside the naive way (load every
participation and event link of the year with its event and team, and add up in Python),
each the median over repeats, with the ratio. Both must give the same totals; the script
checks that before printing.

With a PostgreSQL DATABASE_URL it creates and drops the database ``laomo_bench_volunteering``
on that server; otherwise it runs on a temporary SQLite file.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
BENCH_DB = "laomo_bench_volunteering"


def configure_database():
    """Point Django at a fresh throwaway database; return (vendor, cleanup)."""
    import environ

    url = os.environ.get("DATABASE_URL", "")
    config = environ.Env.db_url_config(url) if url else {"ENGINE": "sqlite"}
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
    os.environ["DATABASE_URL"] = f"{url.rsplit('/', 1)[0]}/{BENCH_DB}"

    def drop():
        from django.db import connections

        connections.close_all()
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        admin.close()

    return "postgresql", drop


def load(n_events: int, year: int):
    from core.idcard import make_id_number, parse_id_number
    from members.demo import DISTRICTS, INDUSTRIES
    from members.models import Branch, Member
    from volunteering.models import Beneficiary, EventBeneficiary, Participation, ServiceEvent, ServiceTeam

    rng = random.Random(8)
    names = [(n, c) for n, c, _ in DISTRICTS] + list(INDUSTRIES)
    branches = Branch.objects.bulk_create(
        [Branch(name=n, code=c, kind="district", sort_order=i) for i, (n, c) in enumerate(names)]
    )
    members = []
    for i in range(max(200, n_events // 10)):
        id_number = make_id_number(
            "330106", datetime.date(1960, 1, 1) + datetime.timedelta(days=i % 12000), i % 1000
        )
        parsed = parse_id_number(id_number)
        members.append(Member(name=f"成员{i}", id_number=id_number, birth_date=parsed.birth_date,
                              gender=parsed.gender, branch=branches[i % len(branches)]))  # fmt: skip
    members = Member.objects.bulk_create(members, batch_size=2000)
    teams = ServiceTeam.objects.bulk_create(
        [
            ServiceTeam(name=f"{b.name}服务队{k}", kind="technical", branch=b)
            for b in branches
            for k in range(3)
        ]
    )
    orgs = Beneficiary.objects.bulk_create(
        [
            Beneficiary(name=f"{b.name}企业{k}", branch=b, is_small_micro=k % 3 > 0)
            for b in branches
            for k in range(40)
        ]
    )
    categories = [c for c, _ in ServiceEvent.Category.choices]
    events = ServiceEvent.objects.bulk_create(
        [
            ServiceEvent(
                title=f"活动{i}", category=rng.choice(categories), team=rng.choice(teams), status="done",
                date=datetime.date(year - (i % 3 == 0), 1 + i % 12, 1 + i % 28), duration_hours=8, place="杭州",
            )
            for i in range(n_events)
        ],
        batch_size=2000,
    )  # fmt: skip
    links, parts = [], []
    for event in events:
        for org in rng.sample(orgs, 2):
            links.append(EventBeneficiary(event=event, beneficiary=org))
        for member in rng.sample(members, 5):
            parts.append(
                Participation(event=event, member=member, hours=Decimal(rng.choice(["2", "3.5", "4", "8"])))
            )
    EventBeneficiary.objects.bulk_create(links, batch_size=5000)
    Participation.objects.bulk_create(parts, batch_size=5000)
    return len(parts)


def naive(user, year):
    """Load the year's rows and add up in Python: what a report written without aggregates does."""
    from volunteering.models import EventBeneficiary, Participation, ServiceEvent

    events = defaultdict(int)
    for e in (
        ServiceEvent.objects.visible_to(user).filter(status="done", date__year=year).select_related("team")
    ):
        events[e.team.branch_id, e.category] += 1
    hours, people = defaultdict(Decimal), defaultdict(set)
    all_people, total_hours = set(), Decimal(0)
    for p in (
        Participation.objects.visible_to(user)
        .filter(event__status="done", event__date__year=year)
        .select_related("event__team")
    ):
        key = (p.event.team.branch_id, p.event.category)
        hours[key] += p.hours
        people[key].add(p.member_id)
        all_people.add(p.member_id)
        total_hours += p.hours
    orgs = set()
    for link in EventBeneficiary.objects.visible_to(user).filter(
        event__status="done", event__date__year=year
    ):
        orgs.add(link.beneficiary_id)
    return total_hours, len(all_people), len(orgs), sum(events.values())


def median_seconds(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    vendor, cleanup = configure_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laomo_portal.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0)
        year = datetime.date.today().year
        started = time.perf_counter()
        n_parts = load(args.events, year)
        print(
            f"{vendor}: {args.events} events, {n_parts} participations loaded in {time.perf_counter() - started:.1f}s"
        )
        from volunteering.statistics import yearly_statistics

        user = get_user_model().objects.create(username="bench", is_staff=True, is_superuser=True)
        fast, stats = median_seconds(lambda: yearly_statistics(user=user, year=year), args.repeats)
        slow, expected = median_seconds(lambda: naive(user, year), max(1, args.repeats // 2))
        got = (stats.total.hours, stats.total.people, stats.total.beneficiaries, stats.total.events)
        assert got == expected, (got, expected)
        print(f"yearly_statistics (grouped aggregates): {fast * 1000:9.1f} ms (median of {args.repeats})")
        print(f"naive (load rows, add up in Python):    {slow * 1000:9.1f} ms")
        print(f"ratio: {slow / fast:.1f}x faster")
    finally:
        cleanup()


if __name__ == "__main__":
    from django_scopes import scopes_disabled

    with scopes_disabled():  # a benchmark is a system job: every branch
        main()
