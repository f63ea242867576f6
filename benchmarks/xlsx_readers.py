"""Reading an uploaded .xlsx: the portal's reader against openpyxl and python-calamine.

Makes the member-import benchmark's workbooks (10 columns, ID numbers and phones as text,
written by core.spreadsheets like the template) and reads each, in a fresh process per
reader and size, into a list of rows:

- openpyxl (normal mode), nothing in front: the naive baseline every ratio is against;
- openpyxl read-only, and python-calamine, each behind the reader's safety gate (archive
  caps, then every XML part the library will parse checked for UTF-8 and no DTD);
- the portal's reader (members.importing.readers.read_table): gate and parsing in one.

    .venv/bin/python benchmarks/xlsx_readers.py [--sizes 10000,100000] [--repeat 3]

python-calamine is not a dependency of the portal: `.venv/bin/pip install -e ".[bench]"`
(without it, its line is left out).

Prints the best of ``--repeat`` runs (wall clock and CPU) per reader, ms per 10,000 rows,
the ratio against the baseline measured in the same run, and the process's peak memory.
"""

import argparse
import datetime
import importlib.util
import io
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
READERS = {
    "openpyxl": "openpyxl normal mode (baseline)",
    "openpyxl_ro": "openpyxl read-only + gate",
    "calamine": "python-calamine + gate",
    "portal": "portal reader (read_table)",
}


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laomo_portal.settings")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def make_file(path: Path, rows: int):
    from core.idcard import make_id_number
    from core.spreadsheets import xlsx_bytes

    rng = random.Random(rows)

    def gen():
        for n in range(rows):
            birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=n // 1000)
            yield [
                f"成员{n}", make_id_number("330106", birth, n % 1000), "汉族", "群众", f"138{n:08d}",
                "杭州市西湖区文三路1号", "杭州某某有限公司", "技师", "制造业", rng.randint(1, 5),
            ]  # fmt: skip

    path.write_bytes(xlsx_bytes(COLUMNS, gen(), text_columns=(1, 4)))


def gate(data: bytes) -> None:
    """The checks the portal makes before any parser sees the file, as a library would need them:
    archive caps, the first worksheet located inside xl/, and each XML part the library will
    parse read once (size-capped) and checked for UTF-8 and no DTD."""
    from core.zipsafety import zip_check
    from members.importing import readers

    archive = readers.open_zip(data, what="Excel文件")
    zip_check(archive, what="Excel文件", max_entries=readers.MAX_ARCHIVE_MEMBERS,
              max_total=readers.MAX_UNCOMPRESSED_BYTES, error=readers.ImportFileError)
    sheet = readers._first_sheet_path(archive)
    for name in ("xl/sharedStrings.xml", "xl/styles.xml", sheet):
        if name in archive.namelist():
            readers._check_xml(readers._read_member(archive, name, readers.MAX_UNCOMPRESSED_BYTES))


def read_openpyxl(data: bytes) -> list:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), data_only=True)
    return list(enumerate(book.worksheets[0].iter_rows(values_only=True), start=1))


def read_openpyxl_ro(data: bytes) -> list:
    from openpyxl import load_workbook

    gate(data)
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = list(enumerate(book.worksheets[0].iter_rows(values_only=True), start=1))
    book.close()
    return rows


def read_calamine(data: bytes) -> list:
    from python_calamine import CalamineWorkbook

    gate(data)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return list(enumerate(book.get_sheet_by_index(0).iter_rows(), start=1))


def read_portal(data: bytes) -> list:
    from members.importing.readers import read_table

    return list(read_table(data, "members.xlsx"))


def child(reader: str, path: Path, repeat: int) -> dict:
    setup_django()
    data = path.read_bytes()
    run = {"openpyxl": read_openpyxl, "openpyxl_ro": read_openpyxl_ro, "calamine": read_calamine,
           "portal": read_portal}[reader]  # fmt: skip
    best = None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        rows = run(data)
        figures = {
            "seconds": time.perf_counter() - start,
            "cpu": time.process_time() - cpu,
            "rows": len(rows),
        }
        if best is None or figures["seconds"] < best["seconds"]:
            best = figures
        sample = [str(v) for v in rows[1][1]][:3]  # the first data row, to see that all read the same
        del rows
    best["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    best["sample"] = sample
    return best


def measure(reader: str, path: Path, repeat: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", reader, "--file", str(path), "--repeat", str(repeat)],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=3, help="runs per reader and size; the best counts")
    parser.add_argument("--readers", default=",".join(READERS))
    parser.add_argument("--child")
    parser.add_argument("--file")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, Path(args.file), args.repeat)))
        return
    readers = args.readers.split(",")
    if "calamine" in readers and importlib.util.find_spec("python_calamine") is None:
        print('python-calamine is not installed (pip install -e ".[bench]"): its line is left out')
        readers.remove("calamine")
    setup_django()
    tmp = Path(tempfile.mkdtemp(prefix="bench-xlsx-"))
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; best of {args.repeat}")
    print(
        "× baseline: the baseline's time ÷ the reader's, by wall clock and by CPU time (less sensitive to load)"
    )
    print(
        f"{'rows':>7} {'reader':<34} {'seconds':>8} {'CPU s':>7} {'ms/10k':>7} {'× wall':>7} {'× CPU':>6} {'peak MB':>8}"
    )
    for size in [int(s) for s in args.sizes.split(",")]:
        path = tmp / f"members_{size}.xlsx"
        make_file(path, size)
        results = {name: measure(name, path, args.repeat) for name in readers}
        baseline = results.get("openpyxl")
        for name, result in results.items():
            wall = f"{baseline['seconds'] / result['seconds']:.1f}x" if baseline else "-"
            cpu = f"{baseline['cpu'] / result['cpu']:.1f}x" if baseline else "-"
            print(
                f"{size:>7} {READERS[name]:<34} {result['seconds']:>8.2f} {result['cpu']:>7.2f}"
                f" {result['seconds'] * 1000 * 10_000 / size:>7.0f} {wall:>7} {cpu:>6} {result['peak_mb']:>8.0f}"
            )
        print(f"{size:>7} {path.stat().st_size / 1e6:.1f} MB file; rows read: "
              + ", ".join(f"{name} {r['rows']}" for name, r in results.items())
              + f"; first data row: {next(iter(results.values()))['sample']}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
