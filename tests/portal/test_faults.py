"""Faults: the broker down, a worker killed mid-render, a database error mid-import.

Each test shows what the portal does when one piece fails; the closing note of issue 12
lists them.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import Certificate, RenderState
from tests import factories as f
from tests.celery_support import wait_for


@pytest.fixture
def honoured_member(xihu):
    member = f.MemberFactory(branch=xihu, name="西湖张工", user=f.UserFactory(username="zhanggong"))
    f.HonorFactory(member=member)
    return member


@pytest.mark.django_db
def test_issue_with_broker_down_leaves_certificate_pending(
    broker_down, honoured_member, staff_user, on_commit
):
    certificate = on_commit(
        services.certificate_issue, member=honoured_member, actor=staff_user, purpose="疗休养"
    )
    assert certificate.queued is False
    certificate.refresh_from_db()
    assert certificate.render_state == RenderState.PENDING
    assert not certificate.pdf


@pytest.mark.django_db(transaction=True)  # on_commit runs when the view's transaction commits
def test_member_request_with_broker_down_says_queued(broker_down, client, honoured_member):
    client.force_login(honoured_member.user)
    response = client.post(reverse("members:certificate_request"), {"purpose": "疗休养"}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "已排队" in text and "稍后自动重试" in text
    certificate = Certificate.objects.get(member=honoured_member)
    assert certificate.render_state == RenderState.PENDING


@pytest.mark.django_db
def test_member_page_loads_with_broker_down(broker_down, client, honoured_member, staff_user, on_commit):
    on_commit(services.certificate_issue, member=honoured_member, actor=staff_user, purpose="疗休养")
    client.force_login(honoured_member.user)
    response = client.get(reverse("members:me"))
    assert response.status_code == 200
    assert "生成中" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_staff_issue_in_admin_with_broker_down_says_queued(broker_down, client, staff_user, honoured_member):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:members_certificate_add"),
        {"member": honoured_member.pk, "purpose": "办理公园年卡"},
        follow=True,
    )
    assert response.status_code == 200
    assert "已排队：PDF暂时无法生成，稍后自动重试" in response.content.decode()
    assert Certificate.objects.get(member=honoured_member).render_state == RenderState.PENDING


@pytest.mark.django_db
def test_sweep_renders_certificates_stuck_pending(honoured_member, staff_user):
    from members.tasks import documents_requeue_stale_task

    certificate = services.certificate_issue(member=honoured_member, actor=staff_user, purpose="疗休养")
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=timezone.now() - datetime.timedelta(minutes=30)
    )
    assert documents_requeue_stale_task.delay().get() == 1  # eager: the render runs here
    certificate.refresh_from_db()
    assert certificate.render_state == RenderState.READY and certificate.pdf


@pytest.mark.django_db
def test_sweep_leaves_fresh_pending_certificates(honoured_member, staff_user):
    services.certificate_issue(member=honoured_member, actor=staff_user, purpose="疗休养")
    assert services.documents_requeue_stale(minutes=10) == 0


@pytest.mark.django_db
def test_sweep_with_broker_still_down_sends_nothing_and_does_not_raise(
    broker_down, honoured_member, staff_user
):
    certificate = services.certificate_issue(member=honoured_member, actor=staff_user, purpose="疗休养")
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=timezone.now() - datetime.timedelta(minutes=30)
    )
    assert services.documents_requeue_stale(minutes=10) == 0


@pytest.mark.django_db
def test_redelivered_render_after_success_writes_nothing(honoured_member, staff_user, on_commit):
    certificate = on_commit(
        services.certificate_issue, member=honoured_member, actor=staff_user, purpose="疗休养"
    )
    certificate.refresh_from_db()
    name = certificate.pdf.name
    assert services.certificate_render(certificate_id=certificate.pk) is False
    certificate.refresh_from_db()
    assert certificate.pdf.name == name
    assert Certificate.objects.filter(member=honoured_member).count() == 1


# A database error in the middle of an import's write phase.


@pytest.fixture
def import_write_breaks_after_first_batch(monkeypatch):
    """Batches of two rows; the member INSERT of the second batch fails like a lost connection."""
    from django.db import OperationalError

    from members.importing import engine

    original = engine._insert_members
    calls = {"n": 0}

    def insert_then_fail(batch, now, history):
        calls["n"] += 1
        if calls["n"] > 1:
            raise OperationalError("server closed the connection unexpectedly")
        original(batch, now, history)

    monkeypatch.setattr(engine, "WRITE_BATCH", 2)
    monkeypatch.setattr(engine, "_insert_members", insert_then_fail)
    return calls


def _import_rows(xihu):
    from tests.members.io_helpers import new_id, row

    return [
        row(name=f"导入{i}", id_number=new_id(i), branch=xihu.name, honor_kind="劳动模范", honor_level="市级",
            honor_title="杭州市劳动模范", honor_year="2015")
        for i in range(1, 6)
    ]  # fmt: skip


@pytest.mark.django_db
def test_database_error_mid_import_writes_nothing(import_write_breaks_after_first_batch, xihu, staff_user):
    from core.models import AccessLog
    from members.models import Honor, Member, MemberImport
    from tests.members.io_helpers import xlsx_file

    job = services.member_import_start(upload=xlsx_file(_import_rows(xihu)), actor=staff_user)
    assert job.status == MemberImport.Status.READY
    job = services.member_import_confirm(job=job, actor=staff_user)

    assert import_write_breaks_after_first_batch["n"] == 2  # the first batch was written, then the error
    assert job.status == MemberImport.Status.FAILED
    assert "未写入任何数据" in job.report["fatal"]
    assert not Member.objects.exists() and not Honor.objects.exists()
    assert not Member.history.exists() and not Honor.history.exists()
    assert not AccessLog.objects.filter(action=AccessLog.Action.IMPORT).exists()
    assert not MemberImport.objects.get(pk=job.pk).file  # the upload with its ID numbers is gone


@pytest.mark.django_db
def test_database_error_mid_import_in_admin_answers_without_500(
    import_write_breaks_after_first_batch, client, xihu, staff_user
):
    from members.models import Member
    from tests.members.io_helpers import xlsx_file

    job = services.member_import_start(upload=xlsx_file(_import_rows(xihu)), actor=staff_user)
    client.force_login(staff_user)
    response = client.post(reverse("admin:members_member_import_detail", args=[job.pk]), follow=True)
    assert response.status_code == 200
    assert "本次导入已全部撤回" in response.content.decode()
    assert not Member.objects.exists()


# A worker killed in the middle of writing a certificate (a real worker on our own Redis).


@pytest.mark.postgres  # the worker subprocess shares the test database; SQLite's is in memory
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_write_leaves_one_complete_certificate(
    worker_process, honoured_member, staff_user, tmp_path
):
    import signal
    import subprocess

    from core.storage import private_storage

    marker = tmp_path / "half-written"
    folder = f"certificates/{timezone.localdate().year}"
    before = set(private_storage().listdir(folder)[1]) if private_storage().exists(folder) else set()
    first = worker_process(marker=marker)
    certificate = services.certificate_issue(member=honoured_member, actor=staff_user, purpose="疗休养")
    assert certificate.queued is True
    name = f"certificates/{certificate.year}/{certificate.serial}.pdf"
    storage = private_storage()

    wait_for(marker.exists, seconds=120, what="the worker to write half the PDF")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    certificate.refresh_from_db()
    assert certificate.render_state == RenderState.PENDING and not certificate.pdf
    assert storage.exists(name)  # what the dead worker left: half a PDF, not pointed at
    assert storage.size(name) > 0

    worker_process()  # a fresh worker picks the unacknowledged message up again

    def ready():
        certificate.refresh_from_db()
        return certificate.render_state == RenderState.READY

    wait_for(ready, seconds=120, what="the redelivered render")
    assert Certificate.objects.filter(member=honoured_member).count() == 1
    assert certificate.pdf.name == name
    # One file for this serial: not a second, renamed copy beside the half-written one. (Other
    # tests' certificates share the directory: only what appeared during this test counts.)
    files = set(storage.listdir(folder)[1])
    assert f"{certificate.serial}.pdf" in files and files - before <= {f"{certificate.serial}.pdf"}
    text = subprocess.run(
        ["pdftotext", storage.path(name), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert certificate.serial in text and honoured_member.name in text


# ---- the broker down where work is handed to Celery after commit (core.tasks.PortalTask) ----


@pytest.mark.django_db
def test_newsletter_step_with_broker_down_is_kept_and_answers(
    broker_down, xihu, xihu_officer, django_capture_on_commit_callbacks
):
    from publications.models import NewsletterIssue
    from publications.services import issue_submit

    issue = f.NewsletterIssueFactory(branch=xihu)
    f.ArticleFactory(issue=issue)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        issue_submit(issue=issue, actor=xihu_officer)
    assert len(callbacks) == 1  # the notice was attempted after commit, and did not raise
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.REVIEW


@pytest.mark.django_db(transaction=True)  # the admin's own transaction commits, the notice is tried
def test_newsletter_submit_in_admin_with_broker_down_is_not_a_500(broker_down, client, xihu, xihu_officer):
    from publications.models import NewsletterIssue

    issue = f.NewsletterIssueFactory(branch=xihu)
    f.ArticleFactory(issue=issue)
    client.force_login(xihu_officer)
    response = client.post(
        reverse("admin:publications_newsletterissue_workflow", args=[issue.pk, "submit"]), follow=True
    )
    assert response.status_code == 200
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.REVIEW


@pytest.mark.django_db
def test_import_with_broker_down_fails_the_job_with_a_message(
    broker_down, xihu, staff_user, settings, django_capture_on_commit_callbacks
):
    from members.importing.jobs import BROKER_DOWN
    from members.models import Member, MemberImport
    from tests.members.io_helpers import new_id, row, xlsx_file

    settings.MEMBER_IMPORT_ASYNC_ROWS = 1
    rows = [row(name=f"人{i}", id_number=new_id(40 + i), branch="西湖区") for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        job = services.member_import_start(upload=xlsx_file(rows), actor=staff_user)
    job.refresh_from_db()
    assert job.status == MemberImport.Status.FAILED and job.report["fatal"] == BROKER_DOWN
    assert not job.file  # the upload (ID numbers in clear) is not kept for a job that will not run
    assert not Member.objects.exists()


@pytest.mark.django_db
def test_import_confirm_with_broker_down_fails_the_job_with_a_message(
    broker_down, xihu, staff_user, settings, django_capture_on_commit_callbacks
):
    from members.importing.jobs import BROKER_DOWN
    from members.models import Member, MemberImport
    from tests.members.io_helpers import new_id, row, xlsx_file

    rows = [row(name=f"人{i}", id_number=new_id(50 + i), branch="西湖区") for i in range(3)]
    job = services.member_import_start(upload=xlsx_file(rows), actor=staff_user)  # validated here
    assert job.status == MemberImport.Status.READY
    settings.MEMBER_IMPORT_ASYNC_ROWS = 1  # the write goes to Celery, which is unreachable
    with django_capture_on_commit_callbacks(execute=True):
        services.member_import_confirm(job=job, actor=staff_user)
    job.refresh_from_db()
    assert job.status == MemberImport.Status.FAILED and job.report["fatal"] == BROKER_DOWN
    assert not job.file and not Member.objects.exists()
