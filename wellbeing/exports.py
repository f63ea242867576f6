"""Rows of the wellbeing app's lists and reports, written through core.spreadsheets."""

from core.spreadsheets import xlsx_bytes

CAKE_HEADERS = [
    "序号",
    "分会",
    "姓名",
    "性别",
    "手机号码",
    "住址",
    "工作单位",
    "祝福语",
    "生日（历法）",
    "状态",
    "签收",
]
REPORT_HEADERS = [
    "经费承担方",
    "预算（元）",
    "走访人次",
    "慰问人数",
    "慰问金（元）",
    "慰问品价值（元）",
    "合计（元）",
    "剩余（元）",
    "执行率",
]


def cake_list_rows(greetings) -> list[list]:
    """One row per cake: who, where to deliver, the card's text."""
    rows = []
    for index, g in enumerate(greetings, start=1):
        member = g.member
        rows.append(
            [
                index,
                member.branch.name,
                member.name,
                member.get_gender_display(),
                member.mobile,
                member.address,
                member.employer,
                g.text,
                f"{g.birthday:%m月%d日}（{g.get_calendar_display()[:2]}）",
                g.get_status_display(),
                "",
            ]
        )
    return rows


def cake_list_xlsx(rows) -> bytes:
    return xlsx_bytes(CAKE_HEADERS, rows, title="生日蛋糕配送名单", text_columns=[4])


def care_report_xlsx(rows):
    """(headers, rows) of the care report for xlsx_response."""
    return REPORT_HEADERS, [
        [
            r.payer,
            r.budget,
            r.visits,
            r.people,
            r.cash,
            r.goods,
            r.spent,
            r.remaining,
            r.usage,
        ]
        for r in rows
    ]
