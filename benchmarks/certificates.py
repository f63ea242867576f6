"""Benchmark: certificate PDFs, the project's renderer against the naive configuration.

    .venv/bin/python benchmarks/certificates.py [--renders 40] [--batch 1000]

1. Render the same one-page certificate (赵孟𫖯 + one of 昇 淼 赟 珺 䶮, three honours, the seal)
   ``--renders`` times with the project's renderer (core.documents.render_pdf: the
   project's TrueType subset font registered once per process) and with the naive
   configuration (WeasyPrint straight on the template with the system's Noto Serif CJK SC
   found through fontconfig, bold headings, a fresh font configuration per document),
   interleaved in the same run. Each project render is then signed (core.signing.sign_pdf:
   PAdES, SHA-256, an RSA-3072 key like the one signing_keygen makes, throwaway, in the
   work directory) and the signing is timed on its own: the table shows render, sign, and
   the whole (render + sign: what is stored) beside the naive render. The first round is a
   warm-up and not counted. Prints median and p95 time and size, and the ratios.
2. Issue ``--batch`` certificates and wait until every PDF is rendered through Celery:
   with REDIS_URL a real worker (a subprocess, ``celery worker -c 2``) on that broker,
   otherwise eager in-process tasks. Prints the throughput.

Runs in a throwaway database (Django's test database for DATABASE_URL, or a temporary
SQLite file) and a temporary private storage, so it never touches real data or serials.
"""

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="laomo-bench-"))
os.environ["PRIVATE_MEDIA_ROOT"] = str(WORKDIR / "private")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laomo_portal.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"


def _throwaway_signing_key() -> None:
    """An RSA-3072 key and certificate as signing_keygen makes them, in the work directory
    (never the operator's own key); the Celery worker of part 2 inherits them."""
    from core import signing_keys

    key = signing_keys.new_private_key("rsa3072")
    certificate = signing_keys.new_self_signed_certificate(key, common_name="杭州市劳模工匠协会", days=1)
    passphrase = "benchmark-only"
    key_path, cert_path = WORKDIR / "signing" / "signing-key.pem", WORKDIR / "signing" / "signing-cert.pem"
    signing_keys.write_private_file(key_path, signing_keys.key_pem(key, passphrase))
    signing_keys.write_private_file(cert_path, signing_keys.certificate_pem(certificate))
    os.environ.update(
        SIGNING_KEY_FILE=str(key_path), SIGNING_CERT_FILE=str(cert_path), SIGNING_KEY_PASSPHRASE=passphrase,
        SIGNING_CHAIN_FILE="", SIGNING_PREVIOUS_CERTS="",
    )  # fmt: skip


_throwaway_signing_key()

import argparse  # noqa: E402
import logging  # noqa: E402

import django  # noqa: E402

django.setup()
logging.disable(logging.WARNING)

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from weasyprint import HTML  # noqa: E402

RARE_NAME = "赵孟\U0002b5af"  # 𫖯 (CJK Extension C): the project's second face is embedded too
NAIVE_CSS = """<style>
@page { size: A4; margin: 20mm 18mm; }
html { font-family: "Noto Serif CJK SC", serif; font-size: 11pt; line-height: 1.6; color: #111; }
h1, h2, h3 { font-weight: bold; }
</style>"""


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def database_url_for(name: str) -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{name}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def setup_database():
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db["TEST"]["NAME"] = str(WORKDIR / "test.sqlite3")
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return name


def make_members(count: int):
    import datetime

    from core.idcard import make_id_number
    from members.models import Branch, Honor, Member

    branch = Branch.objects.create(name="基准分会", code="bench", kind=Branch.Kind.DISTRICT)
    members = []
    for i in range(count):
        birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=i * 7)
        members.append(
            Member(
                name=f"{RARE_NAME}{'昇淼赟珺䶮'[i % 5]}",
                id_number=make_id_number("330106", birth, i % 1000),
                mobile=f"139{i:08d}",
                branch=branch,
            )  # fmt: skip
        )
    for m in members:
        m.save()
    honors = []
    for m in members:
        honors += [
            Honor(member=m, kind="model_worker", level=2, title="浙江省劳动模范", year=2016),
            Honor(member=m, kind="may_day_medal", level=1, title="全国五一劳动奖章", year=2019),
            Honor(member=m, kind="craftsman", level=3, title="杭州工匠", year=2021),
        ]
    Honor.objects.bulk_create(honors)
    return members


def staff():
    from django.contrib.auth import get_user_model

    from members import services

    user = get_user_model().objects.create_superuser("bench", password=None)
    services.demo_seal_install(actor=user)  # certificates print the seal (and are refused without)
    return user


def render_comparison(renders: int, actor, member):
    from core import documents, signing
    from members import services

    certificate = services.certificate_issue(member=member, actor=actor, purpose="办理公园年卡")
    context = services.certificate_context(certificate)
    template = "members/pdf/certificate.html"
    naive_html = render_to_string(template, context).replace(
        '<link rel="stylesheet" href="pdf/base.css">', NAIVE_CSS
    )
    base_url = documents.static_base_url()

    def project():
        return documents.render_pdf(template, context)

    def naive():
        return HTML(
            string=naive_html, base_url=base_url, url_fetcher=documents.StaticOnlyFetcher()
        ).write_pdf()

    reason = signing.signing_reason("劳模证明", certificate.serial)

    def timed(fn, *args):
        start, cpu = time.perf_counter(), time.process_time()
        pdf = fn(*args)
        return pdf, time.perf_counter() - start, time.process_time() - cpu

    results = {key: ([], [], []) for key in ("project", "sign", "whole", "naive")}

    def record(key, pdf, elapsed, cpu):
        results[key][0].append(elapsed)
        results[key][1].append(len(pdf))
        results[key][2].append(cpu)

    for i in range(renders + 1):
        rendered, render_s, render_cpu = timed(project)
        signed, sign_s, sign_cpu = timed(lambda pdf: signing.sign_pdf(pdf, reason=reason), rendered)
        naive_pdf, naive_s, naive_cpu = timed(naive)
        if i:  # the first round is a warm-up (fonts, the key read once per process)
            record("project", rendered, render_s, render_cpu)
            record("sign", signed, sign_s, sign_cpu)
            record("whole", signed, render_s + sign_s, render_cpu + sign_cpu)
            record("naive", naive_pdf, naive_s, naive_cpu)
    assert signing.inspect_pdf(signed).verdict == signing.GENUINE
    return results


def print_comparison(results, renders):
    print(f"Certificate render ({renders} renders each after one warm-up, name {RARE_NAME}…, 3 honours)")
    print(f"{'configuration':<46}{'median s':>9}{'p95 s':>8}{'CPU med s':>10}{'median KB':>10}{'p95 KB':>8}")
    labels = {
        "project": "project renderer (HZLM faces, TrueType)",
        "sign": "  signing only (PAdES, RSA-3072; size: signed)",
        "whole": "project render + sign (the stored file)",
        "naive": "naive (system Noto Serif CJK via fontconfig)",
    }
    stats = {}
    for key in ("project", "sign", "whole", "naive"):
        times, sizes, cpus = results[key]
        stats[key] = (
            statistics.median(times),
            percentile(times, 0.95),
            statistics.median(sizes),
            percentile(sizes, 0.95),
        )
        t50, t95, s50, s95 = stats[key]
        c50 = statistics.median(cpus)
        print(f"{labels[key]:<46}{t50:>9.3f}{t95:>8.3f}{c50:>10.3f}{s50 / 1024:>10.1f}{s95 / 1024:>8.1f}")
    p, n, w, sg = stats["project"], stats["naive"], stats["whole"], stats["sign"]
    print(f"ratio naive/project: time x{n[0] / p[0]:.1f} (median), size x{n[2] / p[2]:.1f} (median)")
    print(
        f"signing: +{sg[0] * 1000:.0f} ms median ({sg[0] / p[0] * 100:.0f}% of the render), "
        f"+{(w[2] - p[2]) / 1024:.1f} KB; whole {w[0]:.3f} s median, {w[2] / 1024:.1f} KB "
        f"(target ≤ 0.150 s, ≤ 60 KB); ratio naive/whole: time x{n[0] / w[0]:.1f}, size x{n[2] / w[2]:.1f}"
    )
    print(
        f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall time includes waiting for a CPU)"
    )


def start_worker(test_db_name):
    env = {**os.environ, "DATABASE_URL": database_url_for(test_db_name)}
    command = [sys.executable, "-m", "celery", "-A", "laomo_portal", "worker", "-c", "2", "-l", "WARNING",
               "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"bench-{os.getpid()}@%h"]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def batch_throughput(batch: int, actor, members, test_db_name):
    from django.db import transaction

    from laomo_portal.celery import app
    from members import services
    from members.models import Certificate, RenderState

    worker = None
    mode = "eager, in-process (no REDIS_URL)"
    if settings.REDIS_URL:
        app.conf.task_always_eager = False
        app.control.purge()
        worker = start_worker(test_db_name)
        mode = "Celery worker -c 2 on Redis"
        time.sleep(3)
    try:
        before = set(Certificate.objects.values_list("pk", flat=True))
        start = time.perf_counter()
        for i in range(batch):
            with transaction.atomic():
                services.certificate_issue(member=members[i % len(members)], actor=actor, purpose="疗休养")
        issued = time.perf_counter() - start
        pending = Certificate.objects.exclude(pk__in=before)
        deadline = time.time() + max(600, batch * 2)
        while pending.exclude(render_state=RenderState.READY).exists():
            if pending.filter(render_state=RenderState.FAILED).exists() or time.time() > deadline:
                raise SystemExit("batch rendering failed or timed out")
            if worker and worker.poll() is not None:
                raise SystemExit(f"worker died: {worker.stderr.read().decode()[-2000:]}")
            time.sleep(0.5)
        elapsed = time.perf_counter() - start
        sizes = [c.pdf.size for c in pending.only("pdf")[:50]]
    finally:
        if worker:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
    print(f"Batch of {batch} certificates through Celery ({mode}):")
    print(f"  issued in {issued:.1f} s; all rendered after {elapsed:.1f} s → {batch / elapsed:.1f} certificates/s"
          f" ({elapsed / batch * 1000:.0f} ms each); median size {statistics.median(sizes) / 1024:.1f} KB")  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=40)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    test_db_name = setup_database()
    try:
        actor = staff()
        members = make_members(50)
        print_comparison(render_comparison(args.renders, actor, members[0]), args.renders)
        if args.batch:
            batch_throughput(args.batch, actor, members, test_db_name)
    finally:
        connection.creation.destroy_test_db(test_db_name, verbosity=0)
        shutil.rmtree(WORKDIR, ignore_errors=True)


if __name__ == "__main__":
    from django_scopes import scopes_disabled

    with scopes_disabled():  # a benchmark is a system job: every branch
        main()
