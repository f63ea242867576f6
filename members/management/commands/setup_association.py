"""Going live: the 23 real branches, the role groups and the first association administrator.

Idempotent: a second run changes nothing (branches are matched by code and updated, never
duplicated; an existing administrator is left alone). No password is ever typed here: the
administrator gets a one-time invitation link (printed, and sent by SMS with --mobile) with
which they set their own password and, where policy requires, enrol an authenticator.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from core.notifications import SmsError, send_sms
from core.permissions import sync_role_groups
from core.scoping import scopes_disabled
from core.validators import validate_mobile
from members.services.staff_accounts import (
    association_admin_create,
    branches_load,
    staff_invitation_reissue,
)
from members.tokens import staff_invitation_hours


class Command(BaseCommand):
    help = (
        "上线初始化：载入13个区县(市)分会和10个产业分会、创建角色组，并创建第一位协会管理员"
        "（不在命令行输入密码：打印一次性邀请链接，由本人设置密码）。可重复运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--admin-username", help="第一位协会管理员的登录名（不填则只载入分会和角色组）")
        parser.add_argument("--admin-name", default="", help="管理员姓名")
        parser.add_argument("--admin-email", default="", help="管理员电子邮箱（可选）")
        parser.add_argument("--mobile", default="", help="同时把邀请链接用短信发到这个手机号（可选）")
        parser.add_argument(
            "--resend-invitation",
            action="store_true",
            help="管理员尚未设置密码时，重新生成邀请链接（旧链接失效）",
        )
        parser.add_argument(
            "--reset",
            metavar="USERNAME",
            help="重置一个工作人员账号：清除密码和验证器，打印新的邀请链接由本人重新设置（忘记密码、丢失手机时）",
        )

    # A command run by the server's operator before any branch login exists: it sets up the
    # branches and the first accounts for every branch, so no single branch's scope applies.
    @scopes_disabled()
    def handle(
        self,
        *args,
        admin_username=None,
        admin_name="",
        admin_email="",
        mobile="",
        resend_invitation=False,
        reset=None,
        **options,
    ):
        if mobile:
            try:
                validate_mobile(mobile)
            except ValidationError:
                raise CommandError("手机号码格式不正确。") from None
        counts = branches_load()
        sync_role_groups()
        self.stdout.write(
            f"分会：新建 {counts['created']} 个，更新 {counts['updated']} 个，未变 {counts['unchanged']} 个。角色组已就绪。"
        )
        if reset:
            self.reset_login(reset, mobile)
            return
        if not admin_username:
            self.stdout.write("未指定 --admin-username：未创建管理员。")
            return
        try:
            user, created = association_admin_create(
                username=admin_username, name=admin_name, email=admin_email, mobile=mobile
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        if not created and not resend_invitation:
            opened = user.has_usable_password() or user.last_login is not None
            self.stdout.write(
                f"管理员 {user.get_username()} 已存在（{'已设置密码' if opened else '尚未设置密码'}），未做改动。"
                + ("" if opened else "需要新的邀请链接时加 --resend-invitation。")
            )
            return
        if not created and not (user.is_staff and user.is_superuser):
            raise CommandError(f"{user.get_username()} 不是管理员账号，不能用本命令发送邀请。")
        try:
            url = staff_invitation_reissue(user)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{'已创建' if created else '已重新邀请'}协会管理员 {user.get_username()}（无密码）。"
            )
        )
        self.stdout.write(
            f"请把下面的一次性链接交给本人，{staff_invitation_hours()}小时内有效，只能使用一次："
        )
        self.stdout.write(url)
        self.send(
            mobile, f"您的协会管理员账号（登录名 {user.get_username()}）已创建，请打开链接设置密码：{url}"
        )

    def reset_login(self, username, mobile):
        user = get_user_model().objects.filter(username=username, is_staff=True, is_active=True).first()
        if user is None:
            raise CommandError(f"没有名为 {username} 的在用工作人员账号。")
        url = staff_invitation_reissue(user, reset=True)
        self.stdout.write(self.style.SUCCESS(f"已重置 {username}：密码和验证器已清除，旧的邀请链接失效。"))
        self.stdout.write(f"请把下面的一次性链接交给本人，{staff_invitation_hours()}小时内有效：")
        self.stdout.write(url)
        self.send(mobile, f"您的账号（登录名 {username}）已重置，请打开链接重新设置密码：{url}")

    def send(self, mobile, text):
        if not mobile:
            return
        try:
            send_sms(mobile=mobile, text=text)
        except SmsError as exc:
            self.stderr.write(f"短信发送失败：{exc}")
        else:
            self.stdout.write("邀请链接已用短信发送。")
