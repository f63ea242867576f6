"""The downloadable import template, as office staff expect it, and the error list as .xlsx.

The template's first sheet is the one the importer reads: a frozen header, widths, 身份证号,
手机号码 and 文件号 formatted as text ("@") so that 18 digits survive, and drop-down lists
(data validations) for 性别, 民族, 政治面貌, 所属分会, 状态, 荣誉类别 and 荣誉级别. The lists
live on a hidden sheet 选项, so that long ones (56 民族) work in every Excel version; a
填写说明 sheet says for each column whether it is required, its format, what it allows
and an example. The formatting helpers are local (core/spreadsheets.py writes streamed,
unstyled sheets).
"""

import datetime
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from core.idcard import make_id_number
from core.spreadsheets import neutralise

from .columns import (
    BY_KEY,
    CHOICES,
    MAX_HONOR_GROUPS,
    MEMBER_COLUMNS,
    TEMPLATE_HONOR_GROUPS,
    Column,
    template_columns,
)

DATA_SHEET = "劳模工匠名册"
HELP_SHEET = "填写说明"
OPTIONS_SHEET = "选项"
VALIDATED_ROWS = 5_000  # drop-downs and text format down to this row
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
HONOR_FILL = PatternFill("solid", fgColor="E2EFDA")
BOLD = Font(bold=True)
TEXT = "@"
EXAMPLE_ID = make_id_number("330106", datetime.date(1980, 1, 1), 123)


def _format_rule(column: Column) -> str:
    if column.key in CHOICES:
        return "从下拉列表中选择"
    if column.key == "id_number":
        return "18位，文本格式"
    if column.key in ("birth_date",):
        return "日期，如1980-01-01"
    if column.key == "honor_year":
        return "4位年份"
    if column.key == "branch":
        return "从下拉列表中选择分会名称"
    return "文字"


def _allowed_text(column: Column, branches: list[str]) -> str:
    if column.key == "branch":
        return "、".join(branches)
    values = CHOICES.get(column.key)
    return "、".join(values) if values else ""


def member_import_template(branch_names: list[str]) -> bytes:
    """The template workbook for a user who may import into ``branch_names``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    options = workbook.create_sheet(OPTIONS_SHEET)
    help_sheet = workbook.create_sheet(HELP_SHEET, 1)  # after the data sheet: the importer reads the first

    lists = {**CHOICES, "branch": branch_names or ["（无可导入的分会）"]}
    ranges = {}
    for index, (key, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        options.cell(1, index, BY_KEY[key].header)
        for row, value in enumerate(values, start=2):
            options.cell(row, index, value)
        ranges[key] = f"{quote_sheetname(OPTIONS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
    options.sheet_state = "hidden"

    last = VALIDATED_ROWS + 1
    validations = {}
    for col, (header, column) in enumerate(template_columns(), start=1):
        letter = get_column_letter(col)
        cell = sheet.cell(1, col, header)
        cell.font = BOLD
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = (
            REQUIRED_FILL
            if column.required
            else HONOR_FILL
            if column.key.startswith(("honor_", "awarding", "document"))
            else HEADER_FILL
        )
        sheet.column_dimensions[letter].width = max(column.width, len(header) * 2 + 2)
        if column.text:
            sheet.column_dimensions[letter].number_format = TEXT
        if column.key in ranges:
            validation = validations.get(column.key)
            if validation is None:
                validation = validations[column.key] = DataValidation(
                    type="list", formula1=f"={ranges[column.key]}", allow_blank=True, showErrorMessage=True,
                    errorTitle="输入值无效", error=f"请从下拉列表中选择“{column.header}”。",
                    showInputMessage=bool(column.note), promptTitle=column.header[:32], prompt=column.note[:255],
                )  # fmt: skip
                sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last}")
    sheet.row_dimensions[1].height = 30
    sheet.freeze_panes = "C2"  # the header and 姓名/身份证号 stay in view
    sheet.auto_filter.ref = f"A1:{get_column_letter(sheet.max_column)}1"

    _help(help_sheet, branch_names)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _help(sheet, branch_names: list[str]) -> None:
    sheet.append(["劳模工匠名册导入说明"])
    sheet["A1"].font = Font(bold=True, size=14)
    notes = [
        f"1. 在“{DATA_SHEET}”表中从第2行起每人填写一行；不要修改第1行的列标题。",
        "2. 带*的列必填；有下拉箭头的列请从列表中选择；身份证号、手机号码列已设为文本格式，请直接输入，不要改成数字格式。",
        f"3. 一人有多项荣誉时，依次填写荣誉类别1…文件号1、荣誉类别2…文件号2、荣誉类别3…；超过{TEMPLATE_HONOR_GROUPS}项时，"
        f"可在右侧照样添加“荣誉类别4”“荣誉级别4”等列（最多{MAX_HONOR_GROUPS}组），或导入后再次导入补充的荣誉。",
        "4. 已在名册中的人员（按身份证号识别）会更新所填的内容，已有的荣誉不会重复登记。",
        "5. 上传后先预览：任何一行有错误时整个文件都不导入，可下载错误清单按行修改后重新上传。",
    ]
    for line in notes:
        sheet.append([line])
    sheet.append([])
    header_row = sheet.max_row + 1
    sheet.append(["列标题", "是否必填", "格式", "可选值", "示例", "说明"])
    for cell in sheet[header_row]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
    for column in MEMBER_COLUMNS:
        example = EXAMPLE_ID if column.key == "id_number" else column.example
        if column.key == "branch":
            # The example is one of this user's own branches: an officer of 滨江区 is not shown
            # 西湖区, which the import would refuse (and which is not theirs to pick).
            example = branch_names[0] if branch_names else ""
        sheet.append([neutralise(v) for v in (column.header, "必填" if column.required else "选填",
                      _format_rule(column), _allowed_text(column, branch_names), example, column.note)])  # fmt: skip
    for key in ("honor_kind", "honor_level", "honor_title", "honor_year", "awarding_body", "document_number"):
        column = BY_KEY[key]
        sheet.append([neutralise(v) for v in (f"{column.header}1、{column.header}2…", "填写荣誉时必填" if key in (
            "honor_kind", "honor_level", "honor_title", "honor_year") else "选填", _format_rule(column),
            _allowed_text(column, branch_names), column.example, column.note)])  # fmt: skip
    for letter, width in zip("ABCDEF", (22, 14, 22, 60, 26, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["B"].number_format = TEXT


ERROR_HEADERS = ["行号", "姓名", "列", "填写的值", "错误原因"]


def import_errors_xlsx(errors: list[dict]) -> bytes:
    """The preview's error list as a workbook: row, name, column, value, reason."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "错误清单"
    sheet.append(ERROR_HEADERS)
    for cell in sheet[1]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
    for error in errors:
        sheet.append([error.get("row"), *(neutralise(str(error.get(k) or "")) for k in ("name", "column", "value",
                                                                                       "message"))])  # fmt: skip
    for letter, width in zip("ABCDE", (8, 10, 14, 24, 80), strict=True):
        sheet.column_dimensions[letter].width = width
        if letter != "A":
            sheet.column_dimensions[letter].number_format = TEXT
    for row in sheet.iter_rows(min_row=2, min_col=5, max_col=5):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
