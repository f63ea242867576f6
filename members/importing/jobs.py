"""Import jobs around the engine: store the upload, validate (preview), confirm, write; progress in the cache."""

import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from core.access import access_object
from core.audit import access_log_record, id_numbers_confirmed
from core.errors import ConflictError, DomainError
from core.models import AccessLog
from core.scoping import user_scope
from core.states import can_transition
from core.tasks import portal_task

from ..models import MemberImport
from ..statistics import registry_changed, statistics_snapshot_request
from .engine import member_import_plan, member_import_write
from .readers import MAX_ROWS, MAX_UPLOAD_BYTES, ZIP_ERRORS, ImportFileError, open_zip

logger = logging.getLogger(__name__)

DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"')
PROGRESS_TTL = 6 * 3600


def progress_key(job_id: int) -> str:
    return f"members:import:{job_id}:progress"


def progress_set(job_id: int, phase: str, done: int, total: int) -> None:
    cache.set(progress_key(job_id), {"phase": phase, "done": done, "total": total}, PROGRESS_TTL)


def progress_get(job_id: int) -> dict | None:
    return cache.get(progress_key(job_id))


def estimate_rows(data: bytes, filename: str) -> int:
    """A cheap row count to decide between in-request and Celery: CSV lines, or the sheet's dimension.

    Never raises: a file it cannot size is left to the reader, which says what is wrong with it."""
    if data[:4] != b"PK\x03\x04":
        return data.count(b"\n")
    try:
        with open_zip(data, what="Excel文件") as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
            if sheets:
                with archive.open(sorted(sheets)[0]) as handle:
                    match = DIMENSION.search(handle.read(4096))
                    if match:
                        # The dimension is the file's word: keep it inside what the column and the reader take.
                        return max(0, min(int(match.group(1)) - 1, MAX_ROWS + 1))
    except (ImportFileError, *ZIP_ERRORS):
        return 0
    return len(data) // 60  # about 60 compressed bytes per row of the template


def _is_async(job: MemberImport) -> bool:
    return job.total_rows > settings.MEMBER_IMPORT_ASYNC_ROWS


def member_import_start(*, upload, actor) -> MemberImport:
    """Store an uploaded file and validate it (in Celery above the threshold); nothing is imported yet."""
    scope = user_scope(actor)
    if scope.is_empty:
        raise DomainError("您没有可导入的分会。", code="no_scope")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ImportFileError(f"文件过大，上限为{MAX_UPLOAD_BYTES // 1024 // 1024}MB。", code="too_large")
    upload.seek(0)
    data = upload.read()
    name = (upload.name or "import")[-200:]
    job = MemberImport(created_by=actor, branch_id=scope.branch_id, filename=name)
    job.total_rows = estimate_rows(data, name)
    job.file.save("upload", ContentFile(data), save=False)
    job.save()
    if _is_async(job):
        transaction.on_commit(lambda: _enqueue(job, portal_task("members.tasks.member_import_validate_task")))
    else:
        member_import_validate(job=job, data=data)
    return job


BROKER_DOWN = "后台任务服务暂时不可用，未导入任何数据，请稍后重新上传。"


def _enqueue(job: MemberImport, task) -> None:
    """Hand the job to Celery (after commit); when the broker is down, fail it with a message.

    Nothing re-sends an import job later, so a job left 校验中 or 写入中 would wait forever:
    it ends 失败 instead, its upload discarded, and the user is told to upload again.
    """
    if task.enqueue(job.pk):
        return
    _set_status(job, MemberImport.Status.FAILED, report={**job.report, "fatal": BROKER_DOWN})
    _discard_file(job)


def _set_status(job: MemberImport, status, **fields) -> None:
    job.status = status
    for key, value in fields.items():
        setattr(job, key, value)
    job.save(update_fields=["status", *fields])


def _read(job: MemberImport) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


def member_import_validate(*, job: MemberImport, data: bytes | None = None) -> MemberImport:
    """Phase one: the dry run. Stores the preview report; status READY or INVALID."""
    actor = job.created_by
    if data is None:
        data = _read(job)
    progress_set(job.pk, "validating", 0, job.total_rows)
    try:
        plan = member_import_plan(
            data=data, filename=job.filename, actor=actor,
            progress=lambda n: progress_set(job.pk, "validating", n, job.total_rows),
        )  # fmt: skip
    except DomainError as exc:
        _set_status(job, MemberImport.Status.INVALID, report={"fatal": exc.message, "errors": []})
        _discard_file(job)
        return job
    if plan.matched_member_ids:
        id_numbers_confirmed(user=actor, door="导入预览", member_ids=plan.matched_member_ids)
    report = plan.report()
    status = MemberImport.Status.READY if plan.ok else MemberImport.Status.INVALID
    try:
        _set_status(job, status, report=report, total_rows=plan.total)
    except DatabaseError:
        # A report the database refuses must not leave the job in 校验中 with the upload on disk.
        logger.exception("member import %s: the validation report could not be stored", job.pk)
        message = "校验结果无法保存（文件中可能含有无效字符），请检查文件后重新上传。"
        _set_status(job, MemberImport.Status.INVALID, report={"fatal": message, "errors": []})
        status = MemberImport.Status.INVALID
    if status == MemberImport.Status.INVALID:
        _discard_file(job)
    progress_set(job.pk, "validated", plan.total, plan.total)
    return job


def member_import_confirm(*, job: MemberImport, actor) -> MemberImport:
    """The user confirms a clean preview: write it (in Celery above the threshold)."""
    with transaction.atomic():
        # Only its author confirms an import: anyone else's answers like a missing one.
        job = access_object(MemberImport.objects.filter(created_by_id=actor.pk), actor, job, for_update=True)
        if not can_transition(job, MemberImport.Status.WRITING):
            raise ConflictError(
                f"该导入当前状态为“{job.get_status_display()}”，不能确认。", code="import_state"
            )
        _set_status(job, MemberImport.Status.WRITING)
        if _is_async(job):
            transaction.on_commit(
                lambda: _enqueue(job, portal_task("members.tasks.member_import_execute_task"))
            )
            return job
    return member_import_execute(job=job)


def member_import_execute(*, job: MemberImport) -> MemberImport:
    """Phase two: validate again against today's database, then write everything or nothing."""
    actor = job.created_by
    total = job.total_rows
    progress_set(job.pk, "writing", 0, total)
    try:
        plan = member_import_plan(data=_read(job), filename=job.filename, actor=actor)
        if not plan.ok:
            # The registry changed since the preview (e.g. someone added the same ID).
            _set_status(job, MemberImport.Status.INVALID, report=plan.report())
            return job
        counts = member_import_write(
            plan=plan, actor=actor, progress=lambda n: progress_set(job.pk, "writing", n, total)
        )
    except DomainError as exc:
        _set_status(job, MemberImport.Status.FAILED, report={**job.report, "fatal": exc.message})
        return job
    except IntegrityError:
        # Someone registered one of these ID numbers between our check and our write.
        message = "导入期间名册被他人修改（如同一身份证号已被录入），未写入任何数据，请重新上传。"
        _set_status(job, MemberImport.Status.FAILED, report={**job.report, "fatal": message})
        return job
    except DatabaseError:
        # The write ran in one transaction, rolled back whole: say so instead of a 500.
        logger.exception("member import %s failed while writing", job.pk)
        message = "写入数据库时出错，本次导入已全部撤回，未写入任何数据，请稍后重新上传。"
        _set_status(job, MemberImport.Status.FAILED, report={**job.report, "fatal": message})
        return job
    finally:
        _discard_file(job)
    report = {**job.report, "counts": counts}
    _set_status(job, MemberImport.Status.DONE, report=report, finished_at=timezone.now())
    access_log_record(
        user=actor, action=AccessLog.Action.IMPORT, target="劳模工匠名册",
        detail={"file": job.filename, "counts": counts, "import_id": job.pk}, row_count=counts["total"],
    )  # fmt: skip
    progress_set(job.pk, "done", total, total)

    # The counts changed (bulk writes send no signals): the snapshot is stale from now on, and
    # a refresh is asked for at once instead of waiting for the next beat.
    registry_changed()
    statistics_snapshot_request()
    return job


def _discard_file(job: MemberImport) -> None:
    # The upload holds ID numbers in clear: keep it no longer than the import needs it.
    if job.file:
        job.file.delete(save=False)
        MemberImport.objects.filter(pk=job.pk).update(file="")
