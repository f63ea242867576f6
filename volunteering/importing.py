"""Service hours from a sign-in sheet (签到表), through django-import-export.

Staff and officers enter the hours of one 志愿服务活动 in bulk: a row per person with 姓名,
身份证号 or 手机号, 服务时长 and 角色. The admin (``SignInSheetImportMixin`` on the
participation list) shows import-export's two steps: a dry run that previews every row
and names each error in Chinese, then the confirmed import. Both run in one transaction and
any row error writes nothing (``use_transactions`` and ``rollback_on_validation_errors``).

Scoping: the event must be one the user sees; a person is looked up among the members the
user sees, so for an officer a member of another branch is "找不到该会员", like a missing
one. Each row is written by ``participation_record`` (the service every door uses: the
event's status under lock, the model's rules, the history with its user).

The upload is read by the member importer's reader (zip-bomb and XML-entity safe, UTF-8 or
GBK CSV) rather than tablib's, and kept between the two steps in the cache for an hour,
never in a temporary file.
"""

import io
import re
from decimal import Decimal, InvalidOperation

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from import_export import fields, resources
from import_export.formats.base_formats import Format
from import_export.tmp_storages import CacheStorage
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from core.audit import id_numbers_confirmed
from core.errors import DomainError
from core.idcard import mask_id_number, mask_phone, normalise
from members.importing.readers import read_table
from members.models import Member

from .models import Participation, ServiceEvent
from .services import participation_record

NAME, ID_NUMBER, MOBILE, HOURS, ROLE = "姓名", "身份证号", "手机号", "服务时长", "角色"
HEADERS = [NAME, ID_NUMBER, MOBILE, HOURS, ROLE]
HEADER_ALIASES = {
    "身份证号码": ID_NUMBER, "公民身份号码": ID_NUMBER, "手机号码": MOBILE, "手机": MOBILE, "联系电话": MOBILE,
    "时长": HOURS, "服务时长（小时）": HOURS, "服务时长(小时)": HOURS, "小时": HOURS, "时长（小时）": HOURS,
    "签到角色": ROLE,
}  # fmt: skip
ROLE_BY_LABEL = {label: value for value, label in Participation.Role.choices}
ROLE_LABELS = "、".join(ROLE_BY_LABEL)
MAX_ROWS = 2_000  # one activity's sign-in sheet


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class SignInSheetFormat(Format):
    """Excel (.xlsx) or CSV, read by the registry importer's safe reader."""

    def __init__(self, encoding=None):
        self.encoding = encoding

    def get_title(self):
        return "Excel（.xlsx）或CSV"

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def get_extension(self):
        return "xlsx"

    def can_import(self):
        return True

    def create_dataset(self, in_stream):
        data = in_stream if isinstance(in_stream, bytes) else bytes(in_stream or b"")
        # The reader decides by content; CSV when the bytes are not a zip archive.
        rows = read_table(data, "签到表.xlsx" if data[:4] == b"PK\x03\x04" else "签到表.csv")
        dataset = tablib.Dataset()
        header = None
        for number, values in rows:
            cells = [_text(v) for v in values]
            if header is None:
                if not any(cells):
                    continue
                header = [HEADER_ALIASES.get(h.rstrip("*＊"), h.rstrip("*＊")) or f"列{i + 1}"
                          for i, h in enumerate(cells)]  # fmt: skip
                dataset.headers = [*header, "__row__"]
                continue
            if not any(cells):
                continue
            if len(dataset) >= MAX_ROWS:
                raise DomainError(f"签到表超过{MAX_ROWS}行，请拆分后导入。", code="too_many_rows")
            cells = (cells + [""] * len(header))[: len(header)]
            dataset.append([*cells, number])
        if header is None:
            raise DomainError("文件中没有数据。", code="empty")
        missing = [h for h in (NAME, HOURS) if h not in header]
        if missing or (ID_NUMBER not in header and MOBILE not in header):
            need = "、".join(missing or ["身份证号或手机号"])
            raise DomainError(f"第一行应为列标题，缺少：{need}。请使用下载的签到表模板。", code="header")
        return dataset


class SignInSheetStorage(CacheStorage):
    """The upload between preview and confirmation: in the cache for an hour, under a random name."""

    CACHE_LIFETIME = 3600
    CACHE_PREFIX = "volunteering:signin:"
    NAME = re.compile(r"^[0-9a-f]{32}$")

    def read(self):
        if not self.NAME.match(self.name or ""):
            return None
        return super().read()


class SignInSheetResource(resources.ModelResource):
    """One row of a sign-in sheet: who (by 身份证号 or 手机号, checked against 姓名), hours, role."""

    name = fields.Field(attribute="import_name", column_name=NAME)
    id_number = fields.Field(attribute="import_id", column_name=ID_NUMBER)
    mobile = fields.Field(attribute="import_mobile", column_name=MOBILE)
    hours = fields.Field(attribute="hours", column_name=HOURS)
    role = fields.Field(attribute="import_role", column_name=ROLE)

    class Meta:
        model = Participation
        fields = ("name", "id_number", "mobile", "hours", "role")
        import_order = ("name", "id_number", "mobile", "hours", "role")
        import_id_fields = ()
        use_transactions = True
        clean_model_instances = False  # participation_record runs full_clean
        skip_unchanged = False
        name = "签到表"

    def __init__(self, *, event: ServiceEvent | None = None, user=None, **kwargs):
        super().__init__(**kwargs)
        self.event = event
        self.user = user
        self.seen: dict[int, int] = {}  # member id -> row number
        self.confirmed: list[int] = []
        self.sheet_rows: dict[int, tuple] = {}  # dataset row number -> (row number in the file, 姓名)

    @classmethod
    def get_display_name(cls):
        return "签到表"

    # -- finding the person ------------------------------------------------------------

    def _members(self):
        return Member.objects.visible_to(self.user)

    def _member(self, row) -> Member:
        name = _text(row.get(NAME))
        id_number = normalise(_text(row.get(ID_NUMBER)))
        mobile = re.sub(r"[\s-]", "", _text(row.get(MOBILE)))
        if not name:
            raise ValidationError({NAME: "姓名不能为空。"})
        if id_number:
            member = self._members().filter(id_number=id_number).first()
            column = ID_NUMBER
        elif mobile:
            found = list(self._members().filter(mobile=mobile)[:2])
            if len(found) > 1:
                raise ValidationError({MOBILE: "该手机号对应多名会员，请填写身份证号。"})
            member = found[0] if found else None
            column = MOBILE
        else:
            raise ValidationError({ID_NUMBER: "身份证号和手机号至少填写一项。"})
        # Another branch's member answers as a missing one (the lookup is scoped).
        if member is None:
            raise ValidationError({column: f"找不到该会员（{name}）。"})
        if member.name != name:
            raise ValidationError({NAME: f"姓名“{name}”与{column}登记的会员不符。"})
        return member

    def get_or_init_instance(self, instance_loader, row):
        member = self._member(row)
        self.confirmed.append(member.pk)
        number = row.get("__row__")
        first = self.seen.setdefault(member.pk, number)
        if first != number:
            raise ValidationError({NAME: f"与第{first}行是同一人。"})
        instance = Participation.objects.filter(event=self.event, member=member).first()
        new = instance is None
        if new:
            instance = Participation(event=self.event, member=member)
        instance.import_name = member.name
        instance.import_id = mask_id_number(member.id_number)
        instance.import_mobile = mask_phone(member.mobile)
        instance.import_role = instance.get_role_display() if not new else ""
        return instance, new

    # -- the values ----------------------------------------------------------------------

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        typed = _text(row.get(HOURS))
        raw = typed.removesuffix("小时").strip()
        try:
            hours = Decimal(raw)
        except (InvalidOperation, ValueError):
            hours = None
        limit = self.event.duration_hours
        if not raw:
            errors[HOURS] = "服务时长不能为空。"
        elif hours is None or not hours.is_finite():
            errors[HOURS] = f"服务时长“{typed[:20]}”不是数字（填小时数，如2或1.5）。"
        elif hours <= 0:
            errors[HOURS] = "服务时长应大于0。"
        elif hours > limit:
            errors[HOURS] = f"服务时长{hours}小时超过活动时长（{limit}小时）。"
        elif hours != hours.quantize(Decimal("0.1")):
            errors[HOURS] = "服务时长最多保留一位小数（如1.5）。"
        label = _text(row.get(ROLE)) or Participation.Role.VOLUNTEER.label
        if label not in ROLE_BY_LABEL:
            errors[ROLE] = f"角色“{label[:20]}”无效，应为：{ROLE_LABELS} 之一。"
        if errors:
            raise ValidationError(errors)
        instance.hours = hours
        instance.role = ROLE_BY_LABEL[label]
        instance.import_role = label

    def save_instance(self, instance, is_create, row, **kwargs):
        try:
            saved = participation_record(
                event=self.event,
                member=instance.member,
                hours=instance.hours,
                role=instance.role,
                actor=self.user,
            )
        except DomainError as exc:
            raise ValidationError({NON_FIELD_ERRORS: exc.message}) from None
        instance.pk = saved.pk

    def import_row(self, row, instance_loader, **kwargs):
        self.sheet_rows[kwargs.get("row_number")] = (row.get("__row__"), _text(row.get(NAME))[:50])
        return super().import_row(row, instance_loader, **kwargs)

    def after_import(self, dataset, result, **kwargs):
        # The preview told the user whether the 身份证号 they typed are members: logged as a view.
        if self.confirmed:
            id_numbers_confirmed(user=self.user, door="签到表导入", member_ids=sorted(set(self.confirmed)))
        result.sheet_rows = self.sheet_rows  # the admin names rows as the file numbers them
        super().after_import(dataset, result, **kwargs)


def sign_in_sheet_template(event: ServiceEvent | None = None) -> bytes:
    """The sign-in sheet to print or fill: the five columns, text-formatted IDs and phones, a role list."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "签到表"
    sheet.append(HEADERS)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center")
    for letter, width in zip("ABCDE", (12, 22, 16, 12, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    for letter in "BC":
        sheet.column_dimensions[letter].number_format = "@"
    roles = DataValidation(
        type="list", formula1='"' + ",".join(ROLE_BY_LABEL) + '"', allow_blank=True, showErrorMessage=True,
        errorTitle="角色无效", error=f"请从列表中选择：{ROLE_LABELS}。",
    )  # fmt: skip
    roles.add("E2:E2001")
    sheet.add_data_validation(roles)
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    lines = [
        "签到表填写说明",
        f"活动：{event}" if event else "导入时在页面上选择对应的服务活动。",
        "姓名：必填，须与名册一致。",
        "身份证号、手机号：至少填写一项（按名册查找本人；有身份证号时以身份证号为准）。",
        "服务时长：必填，小时数，如2或1.5，不超过活动时长。",
        f"角色：{ROLE_LABELS}之一，留空为志愿者。",
        "任何一行有错误时整张签到表都不导入；已登记的人员再次导入时更新其时长和角色。",
    ]
    for line in lines:
        notes.append([line])
    notes["A1"].font = Font(bold=True, size=14)
    notes.column_dimensions["A"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
