"""Registry models: branches, members, honours, officers' profiles."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import ExtractDay, ExtractMonth, Substr
from simple_history.models import HistoricalRecords

from core.idcard import mask_id_number, normalise, parse_id_number, validate_id_number
from core.querysets import ScopedQuerySet
from core.scoping import scoped_manager
from core.validators import validate_mobile

from ..querysets import NAME_BIGRAM_STARTS, BranchQuerySet, HonorQuerySet, MemberQuerySet

ETHNICITIES = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
    "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
    "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
]  # fmt: skip
POLITICAL_STATUSES = [
    "中共党员", "中共预备党员", "共青团员", "民革党员", "民盟盟员", "民建会员", "民进会员",
    "农工党党员", "致公党党员", "九三学社社员", "台盟盟员", "无党派人士", "群众",
]  # fmt: skip


class Branch(models.Model):
    """A branch association: one of the district/county associations or industry branches."""

    class Kind(models.TextChoices):
        DISTRICT = "district", "区县(市)"
        INDUSTRY = "industry", "产业"

    name = models.CharField("名称", max_length=100, unique=True)
    code = models.SlugField("代码", max_length=30, unique=True)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    branch_path = "pk"
    officer_actions = ("view",)
    objects = scoped_manager(BranchQuerySet)

    class Meta:
        verbose_name = "分会"
        verbose_name_plural = "分会"
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name


class Member(models.Model):
    """One person in the registry: a model worker, a craftsman, or both."""

    class Gender(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    class Status(models.TextChoices):
        ACTIVE = "active", "在册"
        DECEASED = "deceased", "已故"
        MOVED_OUT = "moved_out", "迁出"
        REVOKED = "revoked", "荣誉撤销"

    class Category(models.TextChoices):
        NONE = "", "无"
        MODEL_WORKER = "model_worker", "劳模"
        CRAFTSMAN = "craftsman", "工匠"
        BOTH = "both", "劳模、工匠"

    name = models.CharField("姓名", max_length=50, db_index=True)
    id_number = models.CharField(
        "身份证号", max_length=18, unique=True, validators=[validate_id_number],
        help_text="18位公民身份号码；出生日期和性别由号码自动得出。",
    )  # fmt: skip
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, editable=False)
    birth_date = models.DateField("出生日期", editable=False, db_index=True)
    ethnicity = models.CharField("民族", max_length=10, choices=[(e, e) for e in ETHNICITIES], default="汉族")
    political_status = models.CharField(
        "政治面貌", max_length=20, choices=[(p, p) for p in POLITICAL_STATUSES], blank=True
    )
    mobile = models.CharField(
        "手机号码", max_length=20, blank=True, db_index=True, validators=[validate_mobile]
    )
    # The mobile the member has proved they hold (an SMS code at claim or on /me/). Password
    # reset and login by mobile use only this one: a number staff or officers type into
    # ``mobile`` does not count for recovery until the member confirms it (docs/security.md).
    recovery_mobile = models.CharField(
        "本人确认的手机号", max_length=20, blank=True, default="", db_default="", db_index=True, editable=False,
        help_text="会员本人通过短信验证码确认过的手机号，仅用于登录和找回密码。",
    )  # fmt: skip
    address = models.CharField("住址", max_length=200, blank=True)
    employer = models.CharField("工作单位", max_length=200, blank=True)
    position = models.CharField("职务/工种", max_length=100, blank=True)
    industry = models.CharField("行业", max_length=50, blank=True)
    branch = models.ForeignKey(
        Branch, verbose_name="所属分会", on_delete=models.PROTECT, related_name="members"
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.ACTIVE)
    category = models.CharField(
        "类别", max_length=20, choices=Category.choices, default=Category.NONE, blank=True, editable=False
    )
    top_honor_level = models.PositiveSmallIntegerField(
        "最高荣誉级别", null=True, blank=True, editable=False,
        help_text="由荣誉自动得出（1 全国 … 4 区县级）；统计按它分组，不必逐人查荣誉。",
    )  # fmt: skip
    notes = models.TextField("备注", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="登录账号", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="member",
    )  # fmt: skip
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    branch_path = "branch"
    objects = scoped_manager(MemberQuerySet)

    class Meta:
        verbose_name = "劳模工匠"
        verbose_name_plural = "劳模工匠"
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["branch", "status"], name="member_branch_status"),
            models.Index(fields=["category"], name="member_category"),
            # Dashboard and statistics group active members by branch and category.
            models.Index(fields=["status", "branch", "category"], name="member_status_branch_category"),
            # Today's birthdays (wellbeing greetings) look members up by month and day.
            models.Index(ExtractMonth("birth_date"), ExtractDay("birth_date"), name="member_birth_month_day"),
            # Two-character name fragments (the usual search for a Chinese name) are too
            # short for a trigram index: each two-character window of the name is indexed.
            *[
                models.Index(Substr("name", start, 2), name=f"member_name_bigram_{start}")
                for start in NAME_BIGRAM_STARTS
            ],
        ]

    def __str__(self):
        # Never the ID number or phone: __str__ ends up in logs, LogEntry and autocomplete.
        return self.name

    def save(self, *args, **kwargs):
        # Birth date and gender are never typed in: they follow the ID number.
        self.id_number = normalise(self.id_number)
        parsed = parse_id_number(self.id_number)
        self.birth_date = parsed.birth_date
        self.gender = parsed.gender
        # A confirmed number belongs to the person who confirmed it with the login they had:
        # linking the record to another login (staff can) must not hand that login a way in.
        if self.pk and self.user_id != getattr(self, "_loaded_user_id", self.user_id):
            self.recovery_mobile = ""
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "recovery_mobile"}
        super().save(*args, **kwargs)
        self._loaded_user_id = self.user_id

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_user_id = instance.__dict__.get("user_id")
        return instance

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    def age_on(self, day: datetime.date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    @property
    def age(self) -> int | None:
        return self.age_on(datetime.date.today()) if self.birth_date else None

    def clean(self):
        super().clean()
        if not self.id_number:
            return
        try:
            parsed = parse_id_number(self.id_number)
        except ValidationError as exc:
            raise ValidationError({"id_number": exc.messages}) from None
        self.id_number = parsed.value
        self.birth_date = parsed.birth_date
        self.gender = parsed.gender


class Honor(models.Model):
    """One title awarded to a member, with its level and year."""

    class Kind(models.TextChoices):
        MODEL_WORKER = "model_worker", "劳动模范"
        ADVANCED_WORKER = "advanced_worker", "先进工作者"
        MAY_DAY_MEDAL = "may_day_medal", "五一劳动奖章"
        CRAFTSMAN = "craftsman", "工匠"

    class Level(models.IntegerChoices):
        # Lower is higher: ordering by level puts the most senior honour first.
        NATIONAL = 1, "全国"
        PROVINCIAL = 2, "省级"
        CITY = 3, "市级"
        DISTRICT = 4, "区县级"

    MODEL_WORKER_KINDS = (Kind.MODEL_WORKER, Kind.ADVANCED_WORKER, Kind.MAY_DAY_MEDAL)

    member = models.ForeignKey(
        Member, verbose_name="劳模工匠", on_delete=models.CASCADE, related_name="honors"
    )
    kind = models.CharField("荣誉类别", max_length=20, choices=Kind.choices)
    level = models.PositiveSmallIntegerField("级别", choices=Level.choices)
    title = models.CharField(
        "荣誉称号", max_length=100, help_text="按授予文件填写，如“浙江工匠”“杭州市劳动模范”。"
    )
    year = models.PositiveSmallIntegerField("授予年份")
    awarding_body = models.CharField("授予机关", max_length=100, blank=True)
    document_number = models.CharField("文件号", max_length=100, blank=True)

    history = HistoricalRecords()

    branch_path = "member__branch"
    objects = scoped_manager(HonorQuerySet)

    class Meta:
        verbose_name = "荣誉"
        verbose_name_plural = "荣誉"
        ordering = ["level", "-year", "pk"]
        indexes = [
            models.Index(fields=["member", "level", "year"], name="honor_member_level_year"),
            models.Index(fields=["year"], name="honor_year"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=1950) & models.Q(year__lte=2100), name="honor_year_range"
            ),
            models.UniqueConstraint(fields=["member", "kind", "level", "title", "year"], name="honor_unique"),
        ]

    def __str__(self):
        return f"{self.year}年 {self.title}"

    def clean(self):
        super().clean()
        if self.year and self.year > datetime.date.today().year:
            raise ValidationError({"year": "授予年份不能晚于今年。"})
        if (
            self.year
            and self.member_id
            and self.member.birth_date
            and self.year < self.member.birth_date.year + 14
        ):
            raise ValidationError({"year": "授予年份早于本人14周岁，请核对。"})


class OfficerProfile(models.Model):
    """A branch's staff member and, once invited, their login (which branch it may see).

    The row can exist before the login: association staff add the person (name, mobile,
    branch) and then create the login with an invitation (``members.services.staff_accounts``);
    the officer sets their own password through the link.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="officer_profile",
    )
    branch = models.ForeignKey(
        Branch, verbose_name="分会", null=True, blank=True, on_delete=models.PROTECT, related_name="officers"
    )
    name = models.CharField("姓名", max_length=50, blank=True)
    mobile = models.CharField(
        "手机号码", max_length=20, blank=True, validators=[validate_mobile], help_text="登录邀请短信发送到此号码"
    )
    invited_at = models.DateTimeField("最近邀请时间", null=True, blank=True, editable=False)

    branch_path = "branch"
    officer_actions = ()
    objects = scoped_manager(ScopedQuerySet)

    class Meta:
        verbose_name = "分会工作人员"
        verbose_name_plural = "分会工作人员"

    def __str__(self):
        who = self.name or (self.user.get_username() if self.user_id else "未命名")
        return f"{who} ({self.branch or '未指定分会'})"
