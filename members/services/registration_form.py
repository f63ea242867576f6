"""The member's 登记表 (registration form) as a PDF: one member, or several in one file for printing.

Rendered on request through core.documents (nothing is stored): the registry changes, the
form shows it as it is today. Who may see the full 身份证号 is the caller's decision
(``full_id``); the masked form follows the member form of the admin for officers: the
number masked and the age instead of the birth date (docs/security.md).
"""

import io

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from core import documents
from core.sections import record_sections

from ..models import Honor

# A selection renders synchronously in the request, about 0.3 s of CPU a form (measured on the
# demo data): 50 forms stay well inside a worker's 30-second timeout.
REGISTRATION_FORM_BATCH_LIMIT = 50


def registration_form_entry(member, *, full_id: bool) -> dict:
    """What one form prints; ``member`` carries its honours (prefetched) and branch."""
    return {
        "member": member,
        "id_number": member.id_number if full_id else member.masked_id_number,
        "birth": member.birth_date.strftime("%Y年%m月%d日") if full_id else f"{member.age}岁",
        "birth_label": "出生日期" if full_id else "年龄",
        "honors": list(member.honors.all()),
        # Houses, service teams…: what other apps registered (core.sections), in the caller's scope.
        "records": record_sections(member),
    }


def registration_form_pdf(member, *, full_id: bool, printed_on=None) -> bytes:
    """One member's 登记表 (one page, more when the honours run long)."""
    context = {
        "association_name": settings.ASSOCIATION_NAME,
        "entry": registration_form_entry(member, full_id=full_id),
        "printed_on": printed_on or timezone.localdate(),
        "full_id": full_id,
    }
    return documents.render_pdf("members/pdf/registration_form.html", context)


def registration_forms_pdf(members, *, full_id: bool) -> bytes:
    """The 登记表 of ``members`` (a queryset the caller scoped) in one file, by branch and name.

    Each form is rendered on its own and the files are joined, so every form starts on a
    new sheet and its footer counts its own pages (第1页，共2页), as a stack of forms should.
    """
    members = (
        members.select_related("branch")
        .prefetch_related(Prefetch("honors", queryset=Honor.objects.order_by("level", "-year", "pk")))
        .order_by("branch__sort_order", "branch__pk", "name", "pk")
    )
    printed_on = timezone.localdate()
    forms = [registration_form_pdf(m, full_id=full_id, printed_on=printed_on) for m in members]
    if len(forms) == 1:
        return forms[0]
    out = io.BytesIO()
    documents.merge_pdfs((io.BytesIO(form) for form in forms), out)
    return out.getvalue()
