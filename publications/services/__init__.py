"""Writes of the publications app: the newsletter's life cycle and its print edition.

草稿 → 审核 → 已发布, as ``NewsletterIssue.TRANSITIONS`` says. Association staff and the
officers of the issue's branch may submit a draft for review; only association staff
send an issue back, publish it or withdraw it. Management commands act as ``SYSTEM``.

One module per aggregate; everything is re-exported here, so callers keep writing
``from publications.services import …``.
"""

from .newsletter import (
    SYSTEM,
    issue_notify,
    issue_publish,
    issue_return,
    issue_submit,
    issue_withdraw,
)
from .print_edition import PRINT_CACHE_SECONDS, issue_print_context, issue_print_pdf

__all__ = [
    "PRINT_CACHE_SECONDS", "SYSTEM", "issue_notify", "issue_print_context", "issue_print_pdf",
    "issue_publish", "issue_return", "issue_submit", "issue_withdraw",
]  # fmt: skip
