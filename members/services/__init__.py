"""Writes of the members app: one function per business action, one module per area.

Everything is re-exported here, so callers keep writing ``from members.services import …``.
"""

from ..importing.jobs import (
    member_import_confirm,
    member_import_execute,
    member_import_start,
    member_import_validate,
)
from .accounts import (
    member_account_set_password,
    member_claim_complete,
    member_claim_match,
    member_invite,
)
from .documents import (
    CERTIFICATE_BATCH_LIMIT,
    CertificateBatch,
    card_context,
    card_issue,
    card_render,
    card_revoke,
    certificate_batch,
    certificate_context,
    certificate_file_name,
    certificate_issue,
    certificate_render,
    certificate_revoke,
    certificates_issue_bulk,
    certificates_merged_pdf,
    certificates_zip,
    craftsman_title,
    document_next_number,
    documents_requeue_stale,
    qr_data_url,
    verify_url,
)
from .registration_form import REGISTRATION_FORM_BATCH_LIMIT, registration_forms_pdf
from .registry import (
    access_member,
    category_for_kinds,
    honor_create,
    honor_delete,
    honor_update,
    member_create,
    member_fields_check,
    member_refresh_category,
    member_update,
    members_refresh_categories,
)
from .scans import registration_scan_add, registration_scans_from_zip
from .seals import (
    current_seal,
    demo_seal_install,
    draw_demo_seal,
    require_seal,
    seal_image_from_upload,
    seal_png,
    seal_save,
)
from .statistics import statistics_snapshot_refresh
from .transfers import (
    member_transfer,
    member_transfer_request,
    transfer_accept,
    transfer_cancel,
    transfer_reject,
)

__all__ = [
    "access_member", "honor_create", "honor_delete", "honor_update", "member_create", "member_fields_check",
    "member_update",
    "card_context", "card_issue", "card_render", "card_revoke", "category_for_kinds", "certificate_context",
    "certificate_issue", "certificate_render", "certificate_revoke", "certificates_issue_bulk", "craftsman_title",
    "document_next_number", "documents_requeue_stale", "member_account_set_password", "member_claim_complete", "member_claim_match",
    "member_import_confirm", "member_import_execute", "member_import_start", "member_import_validate",
    "member_invite", "member_refresh_category", "member_transfer", "member_transfer_request",
    "members_refresh_categories", "qr_data_url", "registration_scan_add", "registration_scans_from_zip",
    "statistics_snapshot_refresh",
    "CERTIFICATE_BATCH_LIMIT", "CertificateBatch", "certificate_batch", "certificate_file_name",
    "certificates_merged_pdf", "certificates_zip", "REGISTRATION_FORM_BATCH_LIMIT", "registration_forms_pdf",
    "transfer_accept", "transfer_cancel", "transfer_reject", "verify_url",
    "current_seal", "demo_seal_install", "draw_demo_seal", "require_seal", "seal_image_from_upload", "seal_png",
    "seal_save",
]  # fmt: skip
