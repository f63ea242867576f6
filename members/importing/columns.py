"""The import's columns: Chinese headers, what each maps to, and the downloadable template."""

import datetime
from dataclasses import dataclass

from core.idcard import make_id_number

from ..models import Honor


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    note: str = ""


COLUMNS = [
    Column("name", "姓名", True),
    Column("id_number", "身份证号", True, "18位，请设为文本格式"),
    Column("gender", "性别", note="可留空，按身份证号核对"),
    Column("birth_date", "出生日期", note="可留空，按身份证号核对"),
    Column("ethnicity", "民族"),
    Column("political_status", "政治面貌"),
    Column("mobile", "手机号码"),
    Column("address", "住址"),
    Column("employer", "工作单位"),
    Column("position", "职务/工种"),
    Column("industry", "行业"),
    Column("branch", "所属分会", note="分会工作人员导入时可留空"),
    Column("status", "状态", note="在册/已故/迁出/荣誉撤销，留空为在册"),
    Column("notes", "备注"),
    Column("honor_kind", "荣誉类别", note="劳动模范/先进工作者/五一劳动奖章/工匠"),
    Column("honor_level", "荣誉级别", note="全国/省级/市级/区县级"),
    Column("honor_title", "荣誉称号"),
    Column("honor_year", "授予年份"),
    Column("awarding_body", "授予机关"),
    Column("document_number", "文件号"),
]
BY_HEADER = {c.header: c for c in COLUMNS}
# Model field names are read too: a file written for django-import-export's ModelResource imports.
BY_HEADER.update({c.key: c for c in COLUMNS})
HEADER_ALIASES = {
    "公民身份号码": "身份证号", "身份证号码": "身份证号", "手机": "手机号码", "联系电话": "手机号码",
    "单位": "工作单位", "职务": "职务/工种", "工种": "职务/工种", "分会": "所属分会", "级别": "荣誉级别",
    "称号": "荣誉称号", "年份": "授予年份", "获得年份": "授予年份",
}  # fmt: skip
MEMBER_TEXT_FIELDS = ["name", "ethnicity", "political_status", "mobile", "address", "employer", "position",
                      "industry", "status", "notes"]  # fmt: skip
HONOR_KEYS = ("honor_kind", "honor_level", "honor_title", "honor_year")

KIND_BY_LABEL = {label: value for value, label in Honor.Kind.choices}
KIND_BY_LABEL.update({"劳模": Honor.Kind.MODEL_WORKER, "五一奖章": Honor.Kind.MAY_DAY_MEDAL})
LEVEL_BY_LABEL = {label: value for value, label in Honor.Level.choices}
LEVEL_BY_LABEL.update(
    {"国家级": 1, "全国级": 1, "省": 2, "省部级": 2, "市": 3, "区县": 4, "区(县)级": 4, "区县(市)级": 4}
)

EXAMPLE_ROW = [
    "王建国", "330106198001011234", "男", "1980-01-01", "汉族", "中共党员", "13800000000",
    "杭州市西湖区文三路1号", "杭州汽轮动力集团有限公司", "高级技师", "装备制造", "西湖区", "在册", "",
    "劳动模范", "市级", "杭州市劳动模范", 2015, "杭州市人民政府", "杭政〔2015〕1号",
]  # fmt: skip


def header_key(raw) -> str | None:
    """The column key for a header cell ('姓名*' and '姓名（必填）' are read as '姓名')."""
    if raw is None:
        return None
    text = str(raw).strip().rstrip("*＊").replace("（必填）", "").replace("(必填)", "").strip()
    text = HEADER_ALIASES.get(text, text)
    column = BY_HEADER.get(text)
    return column.key if column else None


def template_rows():
    """Header row and one example row of the downloadable template (a valid example ID)."""
    example = list(EXAMPLE_ROW)
    example[1] = make_id_number("330106", datetime.date(1980, 1, 1), 123)
    return [c.header + ("*" if c.required else "") for c in COLUMNS], [example]
