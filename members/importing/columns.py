"""The import's columns: Chinese headers, what each maps to, and what the template explains.

A person's honours sit on their own row, in numbered column groups: 荣誉类别1, 荣誉级别1,
荣誉称号1, 授予年份1, 授予机关1, 文件号1, then 荣誉类别2 … (the template has three groups; a
file may add more up to ``MAX_HONOR_GROUPS``). The older layout, one unnumbered group
(荣誉类别, 荣誉级别 …), still imports: it is group 0.
"""

import re
from dataclasses import dataclass

from ..models import ETHNICITIES, POLITICAL_STATUSES, Honor, Member


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    note: str = ""
    width: int = 12
    text: bool = False  # formatted as text ("@") in the template: long digit strings survive
    example: str = ""


GENDERS = ["男", "女"]
STATUS_LABELS = [label for _, label in Member.Status.choices]
KIND_LABELS = list(Honor.Kind.labels)
LEVEL_LABELS = list(Honor.Level.labels)

COLUMNS = [
    Column("name", "姓名", True, "", 10, example="王建国"),
    Column(
        "id_number",
        "身份证号",
        True,
        "18位公民身份号码，末位可为X；请保持文本格式",
        21,
        True,
        "330106198001011237",
    ),
    Column("gender", "性别", note="可留空，按身份证号核对", width=6, example="男"),
    Column(
        "birth_date", "出生日期", note="可留空，按身份证号核对；如1980-01-01", width=12, example="1980-01-01"
    ),
    Column("ethnicity", "民族", note="56个民族的全称，留空为汉族", width=9, example="汉族"),
    Column("political_status", "政治面貌", width=12, example="中共党员"),
    Column(
        "mobile",
        "手机号码",
        note="11位手机号码，或带区号的固定电话（如0571-87654321）",
        width=15,
        text=True,
        example="13800000000",
    ),
    Column("address", "住址", width=24, example="杭州市西湖区文三路1号"),
    Column("employer", "工作单位", width=24, example="杭州汽轮动力集团有限公司"),
    Column("position", "职务/工种", width=12, example="高级技师"),
    Column("industry", "行业", width=10, example="装备制造"),
    Column("branch", "所属分会", note="分会工作人员导入时可留空（归入本分会）", width=14, example="西湖区"),
    Column("status", "状态", note="留空为在册", width=8, example="在册"),
    Column("notes", "备注", width=16),
    Column("honor_kind", "荣誉类别", note="填写荣誉时必填", width=12, example="劳动模范"),
    Column("honor_level", "荣誉级别", note="填写荣誉时必填", width=9, example="市级"),
    Column(
        "honor_title", "荣誉称号", note="填写荣誉时必填；按授予文件填写", width=18, example="杭州市劳动模范"
    ),
    Column("honor_year", "授予年份", note="填写荣誉时必填；4位年份", width=9, example="2015"),
    Column("awarding_body", "授予机关", width=16, example="杭州市人民政府"),
    Column("document_number", "文件号", width=16, text=True, example="杭政〔2015〕1号"),
]
BY_KEY = {c.key: c for c in COLUMNS}
HONOR_FIELDS = ("honor_kind", "honor_level", "honor_title", "honor_year", "awarding_body", "document_number")
HONOR_KEYS = HONOR_FIELDS[:4]  # required once any cell of a group is filled
MEMBER_COLUMNS = [c for c in COLUMNS if c.key not in HONOR_FIELDS]
TEMPLATE_HONOR_GROUPS = 3
MAX_HONOR_GROUPS = 20

BY_HEADER = {c.header: c for c in COLUMNS}
# Model field names are read too: a file written for django-import-export's ModelResource imports.
BY_HEADER.update({c.key: c for c in COLUMNS})
HEADER_ALIASES = {
    "公民身份号码": "身份证号", "身份证号码": "身份证号", "手机": "手机号码", "联系电话": "手机号码",
    "单位": "工作单位", "职务": "职务/工种", "工种": "职务/工种", "分会": "所属分会", "级别": "荣誉级别",
    "称号": "荣誉称号", "年份": "授予年份", "获得年份": "授予年份", "荣誉": "荣誉称号",
}  # fmt: skip
MEMBER_TEXT_FIELDS = ["name", "ethnicity", "political_status", "mobile", "address", "employer", "position",
                      "industry", "status", "notes"]  # fmt: skip
GROUP_SUFFIX = re.compile(r"^(.*?)[\s_\-]*[（(]?(\d{1,2})[）)]?$")

KIND_BY_LABEL = {label: value for value, label in Honor.Kind.choices}
KIND_BY_LABEL.update({"劳模": Honor.Kind.MODEL_WORKER, "五一奖章": Honor.Kind.MAY_DAY_MEDAL})
LEVEL_BY_LABEL = {label: value for value, label in Honor.Level.choices}
LEVEL_BY_LABEL.update(
    {"国家级": 1, "全国级": 1, "省": 2, "省部级": 2, "市": 3, "区县": 4, "区(县)级": 4, "区县(市)级": 4}
)
# The full names of GB/T 4762 (and common variants) for the short forms the registry stores.
POLITICAL_ALIASES = {
    "中国共产党党员": "中共党员", "中国共产党预备党员": "中共预备党员", "预备党员": "中共预备党员",
    "中国共产主义青年团团员": "共青团员", "团员": "共青团员", "中国国民党革命委员会会员": "民革党员",
    "民革会员": "民革党员", "中国民主同盟盟员": "民盟盟员", "中国民主建国会会员": "民建会员",
    "中国民主促进会会员": "民进会员", "中国农工民主党党员": "农工党党员", "中国致公党党员": "致公党党员",
    "台湾民主自治同盟盟员": "台盟盟员", "无党派民主人士": "无党派人士",
}  # fmt: skip


def allowed(values) -> str:
    """The allowed values as an error names them: "应为：甲、乙、丙 之一"."""
    return f"应为：{'、'.join(values)} 之一"


# What each column of the template allows (drop-down lists; the importer names them in its errors).
CHOICES = {
    "gender": GENDERS,
    "ethnicity": ETHNICITIES,
    "political_status": POLITICAL_STATUSES,
    "status": STATUS_LABELS,
    "honor_kind": KIND_LABELS,
    "honor_level": LEVEL_LABELS,
}


def split_key(key: str) -> tuple[str, int]:
    """("honor_kind", 2) for "honor_kind#2"; group 0 for an unnumbered column."""
    base, _, group = key.partition("#")
    return base, int(group) if group else 0


def column_label(key: str) -> str:
    """The Chinese header of a column key ("荣誉类别2" for "honor_kind#2")."""
    base, group = split_key(key)
    column = BY_KEY.get(base)
    header = column.header if column else base
    return f"{header}{group}" if group else header


def _lookup(text: str) -> Column | None:
    text = HEADER_ALIASES.get(text, text)
    return BY_HEADER.get(text)


def header_key(raw) -> str | None:
    """The column key for a header cell ('姓名*' and '姓名（必填）' are read as '姓名').

    A numbered honour column ("荣誉类别2", "级别 2", "授予年份(2)") is "honor_kind#2"."""
    if raw is None:
        return None
    text = str(raw).strip().rstrip("*＊").replace("（必填）", "").replace("(必填)", "").strip()
    column = _lookup(text)
    if column:
        return column.key
    match = GROUP_SUFFIX.match(text)
    if match:
        column = _lookup(match.group(1).strip())
        group = int(match.group(2))
        if column and column.key in HONOR_FIELDS and 0 < group <= MAX_HONOR_GROUPS:
            return f"{column.key}#{group}"
    return None


def template_columns() -> list[tuple[str, Column]]:
    """The template's columns: (header, column), the member's then the numbered honour groups."""
    result = [(c.header + ("*" if c.required else ""), c) for c in MEMBER_COLUMNS]
    for group in range(1, TEMPLATE_HONOR_GROUPS + 1):
        result += [(f"{BY_KEY[k].header}{group}", BY_KEY[k]) for k in HONOR_FIELDS]
    return result
