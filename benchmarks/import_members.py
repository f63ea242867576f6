"""Import benchmark: the project's member import against django-import-export's default ModelResource.

Generates .xlsx files of 10,000 and 100,000 members (the same file for both importers),
imports each into a fresh database in a fresh process, and prints rows/second, the ratio
and the peak memory (max RSS of the process, Django included).

    .venv/bin/python benchmarks/import_members.py [--sizes 10000,100000] [--skip-baseline-above N]

Uses a temporary SQLite database unless BENCH_DATABASE_URL is set (a PostgreSQL database
that the benchmark may empty).
"""

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
COLUMNS = ["name", "id_number", "ethnicity", "political_status", "mobile", "address", "employer", "position",
           "industry", "branch"]  # fmt: skip


def setup_django(db_url: str):
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laomo_portal.settings")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def fresh_database():
    from django.core.management import call_command

    from members.models import Branch, Member

    call_command("migrate", verbosity=0)
    from members.models import Honor

    # Raw deletes: emptying 100,000 rows through the ORM's cascade would take minutes.
    for queryset in (Honor.history.all(), Honor.objects.all(), Member.history.all(), Member.objects.all()):
        queryset._raw_delete(queryset.db)
    for i, name in enumerate(["上城区", "拱墅区", "西湖区", "滨江区", "萧山区"]):
        Branch.objects.get_or_create(code=f"b{i}", defaults={"name": name, "kind": "district"})
    return {b.name: b.pk for b in Branch.objects.all()}


def make_file(path: Path, rows: int, branch_ids: list[int]):
    from core.idcard import make_id_number
    from core.spreadsheets import xlsx_bytes

    rng = random.Random(rows)

    def gen():
        for n in range(rows):
            birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=n // 1000)
            yield [
                f"成员{n}", make_id_number("330106", birth, n % 1000), "汉族", "群众", f"138{n:08d}",
                "杭州市西湖区文三路1号", "杭州某某有限公司", "技师", "制造业", rng.choice(branch_ids),
            ]  # fmt: skip

    path.write_bytes(xlsx_bytes(COLUMNS, gen(), text_columns=(1, 4)))


def run_project(path: Path) -> dict:
    from django.contrib.auth import get_user_model

    from members.importing.engine import member_import_plan, member_import_write

    user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"is_superuser": True})
    data = path.read_bytes()
    start, cpu = time.perf_counter(), time.process_time()
    plan = member_import_plan(data=data, filename=path.name, actor=user)
    if not plan.ok:
        raise SystemExit(f"validation failed: {plan.errors[:3]}")
    counts = member_import_write(plan=plan, actor=user)
    seconds = time.perf_counter() - start
    return {"rows": counts["new"], "seconds": seconds, "cpu": time.process_time() - cpu}


def run_baseline(path: Path) -> dict:
    from import_export import resources
    from import_export.formats.base_formats import XLSX

    from members.models import Member

    class MemberResource(resources.ModelResource):
        class Meta:
            model = Member

    start, cpu = time.perf_counter(), time.process_time()
    dataset = XLSX().create_dataset(path.read_bytes())
    result = MemberResource().import_data(dataset, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - start
    return {"rows": result.totals["new"], "seconds": seconds, "cpu": time.process_time() - cpu}


def child(args):
    setup_django(args.db)
    fresh_database()
    runner = run_project if args.child == "project" else run_baseline
    result = runner(Path(args.file))
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def measure(kind: str, path: Path, db: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--file", str(path), "--db", db],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument(
        "--skip-baseline-above", type=int, default=0, help="0: run the baseline at every size"
    )
    parser.add_argument("--child")
    parser.add_argument("--file")
    parser.add_argument("--db")
    args = parser.parse_args()
    if args.child:
        return child(args)
    tmp = Path(tempfile.mkdtemp(prefix="bench-import-"))
    db = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}"
    setup_django(db)
    branch_ids = list(fresh_database().values())
    print(
        f"database: {db.split('@')[-1]}; load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print("seconds = wall clock; CPU s = the importing process's CPU time (less sensitive to other load)")
    print(f"{'rows':>8} {'importer':<34} {'seconds':>8} {'CPU s':>7} {'rows/s':>9} {'peak MB':>8}")
    for size in [int(s) for s in args.sizes.split(",")]:
        path = tmp / f"members_{size}.xlsx"
        make_file(path, size, branch_ids)
        project = measure("project", path, db)
        line = "{:>8} {:<34} {:>8.2f} {:>7.2f} {:>9.0f} {:>8.0f}"
        print(line.format(size, "project (two-phase bulk)", project["seconds"], project["cpu"],
                          size / project["seconds"], project["peak_mb"]), flush=True)  # fmt: skip
        if args.skip_baseline_above and size > args.skip_baseline_above:
            print(f"{size:>8} django-import-export ModelResource  (skipped)")
            continue
        baseline = measure("baseline", path, db)
        print(line.format(size, "django-import-export ModelResource", baseline["seconds"], baseline["cpu"],
                          size / baseline["seconds"], baseline["peak_mb"]), flush=True)  # fmt: skip
        wall_ratio = baseline["seconds"] / project["seconds"]
        cpu_ratio = baseline["cpu"] / project["cpu"]
        print(
            f"{size:>8} ratio project ÷ default: {wall_ratio:.1f}x wall clock, {cpu_ratio:.1f}x CPU time",
            flush=True,
        )


if __name__ == "__main__":
    from django_scopes import scopes_disabled

    with scopes_disabled():  # a benchmark is a system job: every branch
        main()
