"""Scanned registration forms (登记表): single uploads and .zip batches."""

from django.core.exceptions import ValidationError
from django.db import transaction

from core.audit import id_numbers_confirmed
from core.errors import DomainError
from core.scanzip import scan_zip_entries
from core.uploads import validate_upload

from ..models import Member, RegistrationScan
from .registry import access_member

# ----------------------------------------------------------------------------------------
# Scanned registration forms (登记表)
# ----------------------------------------------------------------------------------------


def registration_scan_add(*, member, upload, actor, note: str = ""):
    """Attach one scan to a member the actor can see; the type is checked from the content."""
    access_member(actor, member)
    try:
        kind = validate_upload(upload)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="scan_invalid") from None
    scan = RegistrationScan(
        member=member, kind=kind, original_name=(getattr(upload, "name", "") or "")[-200:],
        size=upload.size, note=note, uploaded_by=actor,
    )  # fmt: skip
    scan.file.save(f"{kind}", upload, save=False)
    scan.save()
    return scan


def registration_scans_from_zip(*, archive, actor) -> dict:
    """Attach every file of a .zip whose name holds the ID number of a member the actor can see.

    Returns a report: ``matched`` (file, member name), ``unmatched`` (files whose number is
    missing or not in the actor's registry), ``rejected`` (file, reason). A zip bomb or a
    path escaping the archive refuses the whole archive (DomainError), attaching nothing.
    """
    entries = scan_zip_entries(archive)
    ids = {entry.id_number for entry in entries if entry.id_number}
    members = {m.id_number: m for m in Member.objects.visible_to(actor).filter(id_number__in=ids)}
    if members:  # the report tells matched numbers from unmatched ones
        id_numbers_confirmed(user=actor, door="批量上传登记表", member_ids=[m.pk for m in members.values()])
    report = {"matched": [], "unmatched": [], "rejected": []}
    with transaction.atomic():
        for entry in entries:
            if entry.error:
                report["rejected"].append({"file": entry.name, "reason": entry.error})
                continue
            member = members.get(entry.id_number)
            if member is None:
                report["unmatched"].append({"file": entry.name})
                continue
            try:
                registration_scan_add(member=member, upload=entry.upload(), actor=actor, note="批量上传")
            except DomainError as exc:
                report["rejected"].append({"file": entry.name, "reason": exc.message})
                continue
            report["matched"].append({"file": entry.name, "member": member.name})
    return report
