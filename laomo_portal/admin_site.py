"""The portal's admin site: Django's admin with the staff dashboard as its index page and
two-factor authentication (django-otp TOTP) for staff.

Who must give a one-time password is decided once, in ``core.second_factor`` (the same
policy guards the API token and API sessions): every user who has enrolled a device, and
superusers and association staff when ``OTP_REQUIRED_FOR_ASSOCIATION`` is on (such a user
without a confirmed device cannot log in).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.urls import path
from django_otp import devices_for_user, user_has_device
from django_otp.forms import OTPAuthenticationFormMixin

from core.querysets import scoped_queryset
from core.second_factor import NOT_ENROLLED_MESSAGE, second_factor_required, second_factor_satisfied

from .dashboard import dashboard_for

# The navigation in the order of the association's work: the registry and its documents
# first, the system last. Apps and models not named here follow, alphabetically.
APP_ORDER = {
    "members": ["Member", "Honor", "Certificate", "CraftsmanCard", "Transfer", "MemberImport", "Branch",
                "OfficerProfile", "DocumentSeal"],
    "workshops": ["Workshop", "WorkshopActivity", "Subsidy", "Assessment", "CoverageTarget", "Standard",
                  "Dimension"],
    "volunteering": ["ServiceEvent", "Participation", "ServiceTeam", "ServiceRequest", "Course", "Beneficiary",
                     "Donation"],
    "wellbeing": ["ConvalescenceTrip", "Nomination", "SafetyCheck", "TripQuota", "MemberWorkProfile", "TripRules",
                  "CondolenceVisit", "VisitCampaign", "CampaignEntry", "HardshipCase", "CareBudget", "Greeting",
                  "BirthdayPreference", "GreetingTemplate", "GreetingSettings", "Inquiry", "CalendarDay"],
    "publications": ["Article", "NewsletterIssue", "Book", "BookDistribution", "Exhibition", "Work"],
    "auth": ["User", "Group"],
    "otp_totp": [],
    "authtoken": [],
    "core": [],
    "axes": [],
}  # fmt: skip
# Plain words for the apps whose AppConfig the portal cannot replace (auth, and authtoken, whose
# models check for its module path): the navigation names them; otp_totp and axes are named
# in their AppConfigs (laomo_portal/admin_apps.py), which the breadcrumbs read too.
APP_NAMES = {"auth": "账号与权限", "authtoken": "接口令牌"}
MODEL_NAMES = {("authtoken", "TokenProxy"): "接口令牌"}


def _rank(order: list, name: str) -> int:
    return order.index(name) if name in order else len(order)


class PortalAdminLoginForm(AdminAuthenticationForm, OTPAuthenticationFormMixin):
    otp_device = forms.CharField(required=False, widget=forms.Select)
    otp_token = forms.CharField(
        required=False, label="动态验证码", widget=forms.TextInput(attrs={"autocomplete": "one-time-code"})
    )
    otp_challenge = forms.CharField(required=False)

    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": "请输入验证器上的6位动态验证码。",
        "invalid_token": "动态验证码不正确或已过期，请重试。",
        "n_failed_attempts": "验证码错误次数过多，请%(time_remaining)s秒后再试。",
        "verification_not_allowed": "暂时不能验证，请稍后再试。",
        "device_required": "请选择验证设备。",
    }

    def _chosen_device(self, user):
        # Most staff have one authenticator: use it without asking them to pick it. Only a
        # confirmed device of this user counts: django-otp's form would load any device
        # named in the form, an unconfirmed one (a lost phone never set up) included.
        device = super()._chosen_device(user)
        if device is not None and not (device.confirmed and device.user_id == user.pk):
            device = None
        if device is None:
            devices = list(devices_for_user(user, confirmed=True, for_verify=True))
            if len(devices) == 1:
                device = devices[0]
        return device

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is None or not second_factor_required(user):
            return cleaned
        if not user_has_device(user, confirmed=True):
            raise forms.ValidationError(NOT_ENROLLED_MESSAGE, code="otp_not_enrolled")
        self.clean_otp(user)
        return cleaned


class PortalAdminSite(admin.AdminSite):
    site_header = "杭州市劳模工匠协会 管理平台"
    site_title = "劳模工匠管理平台"
    index_title = "工作台"
    index_template = "admin/dashboard.html"
    login_form = PortalAdminLoginForm
    login_template = "otp/admin111/login.html"

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every admin, the libraries' included, cleans the ids it queries with (core.admin.input)."""
        # Imported here because Django requires it: this module is loaded while the admin site
        # is being built, and core.admin registers its own admin on import.
        from core.admin.input import AdminInputMixin

        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AdminInputMixin):
            admin_class = type(
                admin_class.__name__, (AdminInputMixin, admin_class), {"__module__": admin_class.__module__}
            )
        return super().register(model_or_iterable, admin_class, **options)

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        # A session that skipped the second factor (e.g. logged in before OTP was
        # required) is sent back to the login page.
        return second_factor_satisfied(request)

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        app_list.sort(key=lambda app: (_rank(list(APP_ORDER), app["app_label"]), app["name"]))
        for app in app_list:
            app["name"] = APP_NAMES.get(app["app_label"], app["name"])
            order = APP_ORDER.get(app["app_label"], [])
            app["models"].sort(key=lambda model: (_rank(order, model["object_name"]), model["name"]))
            for model in app["models"]:
                model["name"] = MODEL_NAMES.get((app["app_label"], model["object_name"]), model["name"])
        return app_list

    def autocomplete_view(self, request):
        from core.admin.base import PortalAutocompleteJsonView  # see register()

        return PortalAutocompleteJsonView.as_view(admin_site=self)(request)

    def index(self, request, extra_context=None):
        context = {"dashboard": dashboard_for(request.user), **(extra_context or {})}
        return super().index(request, context)

    # ---- the "view on site" shortcut, scoped ------------------------------------------------

    def get_urls(self):
        # Django's /admin/r/<ct>/<pk>/ redirects to any object's page without a scope check
        # (an oracle for another branch's drafts): ours replaces it, under the same name.
        urls = [url for url in super().get_urls() if getattr(url, "name", None) != "view_on_site"]
        shortcut = self.admin_view(self.view_on_site)
        return [path("r/<path:content_type_id>/<path:object_id>/", shortcut, name="view_on_site"), *urls]

    def view_on_site(self, request, content_type_id, object_id):
        """Redirect to an object's page only if the user may read it; 404 for everything else.

        The object must belong to a model registered here that the user may view, and be
        among the rows the user may read: ``readable_by`` where the model has it
        (publications: published, or a draft the user may preview), else
        ``visible_to`` for branch-owned models. Out of scope, missing and malformed ids
        answer the same 404.
        """
        from core.admin.input import valid_keys  # see register(): core.admin registers on import

        if not (content_type_id.isascii() and content_type_id.isdigit() and len(content_type_id) <= 9):
            raise Http404
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except ContentType.DoesNotExist:
            raise Http404 from None
        model_admin = self._registry.get(model)
        if model_admin is None or not model_admin.has_view_or_change_permission(request):
            raise Http404
        queryset = model._default_manager.all()
        if hasattr(queryset, "readable_by"):
            queryset = queryset.readable_by(request.user)
        else:
            queryset = scoped_queryset(model, request.user)
        keys = valid_keys(model._meta.pk, [object_id])
        if not keys or not queryset.filter(pk=keys[0]).exists():
            raise Http404
        return contenttype_views.shortcut(request, content_type_id, str(keys[0]))
