"""Importing a sign-in sheet (签到表) into the participation list, with django-import-export's screens.

The two steps are import-export's: upload and dry run (a preview of every row, or the rows'
errors in Chinese), then confirmation. The event is picked on the first step among the events
the user sees and carried to the second; the upload waits in the cache (``SignInSheetStorage``)
under a name this session was given, so that no one confirms another's upload. A confirmation
whose rows no longer validate writes nothing and shows the errors again.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from import_export.admin import ImportMixin
from import_export.forms import ConfirmImportForm, ImportForm

from core.errors import DomainError
from core.spreadsheets import XLSX_MIME, attachment

from ..importing import (
    HEADERS,
    ID_NUMBER,
    MOBILE,
    SignInSheetFormat,
    SignInSheetResource,
    SignInSheetStorage,
    sign_in_sheet_template,
)
from ..models import ServiceEvent

SESSION_KEY = "volunteering_signin_uploads"


def _events(user):
    return (
        ServiceEvent.objects.visible_to(user)
        .exclude(status=ServiceEvent.Status.CANCELLED)
        .select_related("team")
        .order_by("-date", "-pk")
    )


class EventChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.date:%Y-%m-%d} {obj.title}（{obj.team}，{obj.duration_hours}小时）"


class SignInImportForm(ImportForm):
    event = EventChoiceField(
        label="服务活动", queryset=ServiceEvent.objects.none(), empty_label="请选择签到表对应的活动",
        help_text="只列出您可以登记的活动（已取消的活动除外）。",
    )  # fmt: skip
    field_order = ["event", "import_file", "format", "resource"]

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields["import_file"].label = "签到表文件"
        self.fields["import_file"].help_text = "Excel（.xlsx）或CSV（UTF-8或GBK编码）；请使用签到表模板。"
        self.fields["format"].label = "文件格式"

    @property
    def media(self):
        return forms.Media()  # no format guessing: one format, decided by the content


class SignInConfirmForm(ConfirmImportForm):
    event = forms.ModelChoiceField(queryset=ServiceEvent.objects.none(), widget=forms.HiddenInput)


class SignInSheetImportMixin(ImportMixin):
    """import-export's import on the participation list, for sign-in sheets of one event."""

    resource_classes = [SignInSheetResource]
    import_form_class = SignInImportForm
    confirm_form_class = SignInConfirmForm
    import_formats = [SignInSheetFormat]
    tmp_storage_class = SignInSheetStorage
    import_template_name = "volunteering/admin/signin_import.html"

    def get_import_resource_classes(self, request):
        # The list's ``resource_classes`` may be its export's (ExcelExportMixin); a sign-in
        # sheet is always read by its own resource.
        return [SignInSheetResource]
    import_export_change_list_template = "volunteering/admin/participation_change_list.html"
    import_error_display = ("message",)
    from_encoding = None

    def get_urls(self):
        view = self.admin_site.admin_view(self.sign_in_template_view)
        return [path("import/template/", view, name="volunteering_participation_import_template"),
                *super().get_urls()]  # fmt: skip

    def has_import_permission(self, request):
        return self.has_add_permission(request)

    def sign_in_template_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        event = _events(request.user).filter(pk=request.GET.get("event") or None).first() if (
            request.GET.get("event") or "").isdigit() else None  # fmt: skip
        name = f"签到表-{event.title}.xlsx" if event else "签到表模板.xlsx"
        return attachment(sign_in_sheet_template(event), name, XLSX_MIME)

    # -- forms: scoped event lists; the event carried from the first step to the second --

    def create_import_form(self, request):
        form = super().create_import_form(request)
        form.fields["event"].queryset = _events(request.user)
        return form

    def get_import_form_initial(self, request):
        initial = super().get_import_form_initial(request)
        event = request.GET.get("event", "")
        if event.isdigit():
            initial["event"] = event
        return initial

    def create_confirm_form(self, request, import_form=None):
        form = super().create_confirm_form(request, import_form)
        form.fields["event"].queryset = _events(request.user)
        return form

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["event"] = import_form.cleaned_data["event"].pk
        return initial

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        event = (
            form.cleaned_data.get("event") if form is not None and form.is_bound and form.is_valid() else None
        )
        return {**super().get_import_resource_kwargs(request, **kwargs), "event": event, "user": request.user}

    def get_import_data_kwargs(self, **kwargs):
        # All or nothing on confirmation too: a row that no longer validates rolls everything back.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def add_data_read_fail_error_to_form(self, form, e):
        message = (
            e.message
            if isinstance(e, DomainError)
            else "无法读取该文件，请使用签到表模板（.xlsx）或CSV文件。"
        )
        form.add_error("import_file", message)

    # -- the two steps ------------------------------------------------------------------

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = response.context_data
        confirm = context.get("confirm_form")
        if confirm is not None:
            # Only this session may confirm this upload.
            names = request.session.get(SESSION_KEY, [])[-9:]
            request.session[SESSION_KEY] = [*names, confirm.initial["import_file_name"]]
        form = context.get("form")
        if form is not None and form.is_bound and form.is_valid():
            context["sheet_event"] = form.cleaned_data["event"]
        self._add_sheet_context(context)
        return response

    def process_import(self, request, **kwargs):
        # Only an upload this session previewed, in the one format (import-export reads it with int()).
        if request.method == "POST" and (
            request.POST.get("import_file_name") not in request.session.get(SESSION_KEY, [])
            or request.POST.get("format") != "0"
        ):
            raise Http404
        again = HttpResponseRedirect(reverse("admin:volunteering_participation_import"))
        try:
            response = super().process_import(request, **kwargs)
        except DomainError:  # the upload expired from the cache (an hour) or cannot be read any more
            messages.error(request, "签到表已过期，未导入任何数据，请重新上传。")
            return again
        if isinstance(response, TemplateResponse) and not response.context_data.get("rolled_back"):
            # The confirmation itself is invalid (e.g. the event is no longer one of the user's).
            messages.error(request, "确认信息无效，未导入任何数据，请重新上传签到表。")
            return again
        return response

    def process_dataset(self, dataset, form, request, **kwargs):
        result = super().process_dataset(dataset, form, request, **kwargs)
        self._last_event = form.cleaned_data.get("event")
        return result

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # Rolled back whole: show what is wrong now, nothing was written.
            context = {**self.admin_site.each_context(request), "title": "导入签到表", "opts": self.model._meta,
                       "result": result, "form": None, "rolled_back": True}  # fmt: skip
            self._add_sheet_context(context)
            return TemplateResponse(request, [self.import_template_name], context)
        request.session[SESSION_KEY] = []
        new, updated = result.totals["new"], result.totals["update"]
        event = getattr(self, "_last_event", None)
        self.generate_log_entries(result, request)
        messages.success(
            request, f"签到表已导入{f'（{event.title}）' if event else ''}：新增{new}人，更新{updated}人。"
        )
        url = reverse("admin:volunteering_participation_changelist")
        return HttpResponseRedirect(url)

    def _add_sheet_context(self, context):
        context["title"] = "导入签到表"
        context["sheet_headers"] = HEADERS
        result = context.get("result")
        if result is None:
            return
        problems = []
        sheet_rows = getattr(result, "sheet_rows", {})
        for invalid in result.invalid_rows:
            row, name = sheet_rows.get(invalid.number, (invalid.number + 1, ""))
            problems.append({
                "row": row,
                "name": name,
                "errors": [(column if column != "__all__" else "", message)
                           for column, messages_ in invalid.error_dict.items() for message in messages_],
            })  # fmt: skip
        for line, _errors in result.row_errors():
            row, name = sheet_rows.get(line, (line + 1, ""))
            problems.append({"row": row, "name": name, "errors": [("", "该行无法导入，请检查后重新上传。")]})
        context["sheet_problems"] = sorted(problems, key=lambda p: p["row"])
        context["masked_columns"] = (ID_NUMBER, MOBILE)
