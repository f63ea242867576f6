"""The admin app configured with the portal's site (kept apart: app configs load before models)."""

from axes.apps import AppConfig as LibraryAxesConfig
from django.contrib.admin.apps import AdminConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as LibraryTOTPConfig


class PortalAdminConfig(AdminConfig):
    default_site = "laomo_portal.admin_site.PortalAdminSite"


# ---- Chinese names for the libraries' apps on the admin index ------------------------------
# Every app with models in the admin has a Chinese name: the portal's apps name themselves in
# their apps.py, auth and authtoken come translated (the navigation renames them, see admin_site.APP_NAMES);
# otp_totp and axes get theirs here (authtoken must stay listed by its module path: its models check for it). Models whose libraries give them an untranslated English name
# get one too: set on ``_meta`` only, not on ``_meta.original_attrs``, so the migration
# autodetector (which reads original_attrs) sees no change to the library's models.


def _name_models(app_config, names: dict[str, tuple[str, str]]) -> None:
    for model_name, (singular, plural) in names.items():
        meta = app_config.get_model(model_name)._meta
        meta.verbose_name = singular
        meta.verbose_name_plural = plural


class OTPTOTPConfig(LibraryTOTPConfig):
    verbose_name = "两步验证"

    def ready(self):
        super().ready()
        _name_models(self, {"TOTPDevice": ("验证器", "验证器")})


class AxesConfig(LibraryAxesConfig):
    verbose_name = "登录安全"

    def ready(self):
        super().ready()
        _name_models(
            self,
            {
                "AccessAttempt": ("登录失败锁定", "登录失败锁定"),
                "AccessLog": ("登录记录", "登录记录"),
                "AccessFailureLog": ("登录失败记录", "登录失败记录"),
                "AccessAttemptExpiration": ("失败记录有效期", "失败记录有效期"),
            },
        )
