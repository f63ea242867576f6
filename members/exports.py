"""The registry export: rows of a changelist as .xlsx or .csv, masked per role, logged."""

from core.audit import access_log_record, masked_filter
from core.idcard import mask_id_number, mask_phone
from core.models import AccessLog
from core.spreadsheets import XLSX_MIME, attachment, csv_bytes, xlsx_bytes

HEADERS = ["姓名", "身份证号", "性别", "出生日期", "民族", "政治面貌", "手机号码", "住址", "工作单位",
           "职务/工种", "行业", "所属分会", "状态", "类别", "最高荣誉", "荣誉年份"]  # fmt: skip
ID_COLUMN, PHONE_COLUMN = 1, 6


def member_rows(queryset, *, full: bool):
    """One row per member; 身份证号 and phone masked unless ``full``."""
    queryset = queryset.select_related("branch").with_highest_honor()
    for m in queryset.iterator(chunk_size=2000):
        yield [
            m.name, m.id_number if full else mask_id_number(m.id_number), m.get_gender_display(),
            m.birth_date, m.ethnicity, m.political_status, m.mobile if full else mask_phone(m.mobile),
            m.address, m.employer, m.position, m.industry, m.branch.name, m.get_status_display(),
            m.get_category_display(), m.highest_honor_title or "", m.highest_honor_year or "",
        ]  # fmt: skip


def member_export_response(*, queryset, fmt: str, full: bool, user, request, filter_params):
    """The download response, after recording it in the access log."""
    count = queryset.count()
    access_log_record(
        user=user, action=AccessLog.Action.EXPORT, target="劳模工匠名册", request=request,
        detail={"format": fmt, "full_values": full, "filter": masked_filter(filter_params)}, row_count=count,
    )  # fmt: skip
    rows = member_rows(queryset, full=full)
    if fmt == "csv":
        return attachment(csv_bytes(HEADERS, rows), "劳模工匠名册.csv", "text/csv; charset=utf-8")
    content = xlsx_bytes(HEADERS, rows, title="劳模工匠名册", text_columns=(ID_COLUMN, PHONE_COLUMN))
    return attachment(content, "劳模工匠名册.xlsx", XLSX_MIME)
