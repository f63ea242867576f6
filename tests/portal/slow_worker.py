"""A real Celery worker whose certificate files are written slowly, to be killed mid-write.

Run by tests/portal/test_faults.py as a subprocess: ``python tests/portal/slow_worker.py``.
With SLOW_WRITE_MARKER set, the render writes the first half of the PDF to storage, notes
that in the marker file, then sleeps SLOW_WRITE_SECONDS before writing the rest — the test
SIGKILLs the worker in that window, leaving a half-written file on disk.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laomo_portal.settings")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402

from laomo_portal.celery import app  # noqa: E402
from members.services import documents  # noqa: E402

MARKER = os.environ.get("SLOW_WRITE_MARKER")


class SlowContentFile(ContentFile):
    def chunks(self, chunk_size=None):
        data = self.read()
        half = len(data) // 2
        yield data[:half]
        if MARKER:
            Path(MARKER).write_text("half-written\n")
            time.sleep(float(os.environ.get("SLOW_WRITE_SECONDS", "60")))
        yield data[half:]


documents.ContentFile = SlowContentFile  # the renderer writes through this name
# Unacknowledged messages of a dead worker come back after 3 s (the production default is 1 h).
app.conf.broker_transport_options = {
    "visibility_timeout": 3, "unacked_restore_interval": 1, "unacked_restore_throttle": 1
}  # fmt: skip

if __name__ == "__main__":
    app.worker_main(
        ["worker", "--pool=solo", "--loglevel=INFO", "--without-heartbeat", "--without-gossip",
         "--without-mingle", "-Q", "celery", "-n", f"faults-{os.getpid()}@localhost"]
    )  # fmt: skip
