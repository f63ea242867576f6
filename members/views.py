"""Public verification, the member's own pages (/me/) and the scoped document downloads."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, ValidationError
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import FileResponse, Http404
from django.http.multipartparser import MultiPartParserError
from django.http.request import UnreadablePostError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from core.audit import access_log_record, client_ip
from core.errors import DomainError
from core.middleware import BadInputMiddleware, parses_own_body, request_has_nul
from core.scoping import scopes_disabled
from core.sections import render_member_sections
from core.throttle import concurrency_slot, throttle_hit
from core.uploads import validate_upload

from . import services
from .forms import CertificateRequestForm, VerifyLookupForm
from .models import Certificate, CraftsmanCard, Honor, Member
from .verification import verify_document
from .verification import verify_file as verify_file_content

VERIFY_WINDOW = 600


@never_cache
def verify(request, serial):
    """/verify/<serial>/?code=…: 有效 / 已撤销 / one neutral 无法验证; throttled per client."""
    if not throttle_hit(
        f"verify:{client_ip(request)}",
        limit=settings.VERIFY_RATE_LIMIT,
        window=VERIFY_WINDOW,
        fail_open=True,  # it reads signed data only: keep it up while the cache is down
    ):
        response = render(request, "members/verify.html", {"throttled": True}, status=429)
        response["Retry-After"] = str(VERIFY_WINDOW)
        return response
    # Public page, empty scope: the one lookup by serial (checked against its code) is unscoped.
    with scopes_disabled():
        result = verify_document(serial, request.GET.get("code"))
    return _verify_page(request, result=result)


@never_cache
def verify_lookup(request):
    """/verify/?serial=…&code=…: the printed serial and code typed in (the landing page's form),
    sent on to the one verification page; a malformed entry gets the form back with a reason."""
    if not request.GET:
        return _verify_page(request)
    form = VerifyLookupForm(request.GET)
    if not form.is_valid():
        return _verify_page(request, lookup_form=form, status=400)
    serial, code = form.cleaned_data["serial"].upper(), form.cleaned_data["code"].upper()
    return redirect(f"{reverse('members:verify', args=[serial])}?{urlencode({'code': code})}")


# /verify/file/: an uploaded PDF is read into memory, checked and forgotten; never stored.
VERIFY_FILE_MAX_BYTES = 2 * 1024 * 1024
# What a browser wraps around the file in the multipart body (boundaries, part headers, token).
VERIFY_FILE_ENVELOPE_BYTES = 16 * 1024
VERIFY_FILE_FIELD = "file"


class MemoryOnlyUploadHandler(MemoryFileUploadHandler):
    """Django's in-memory handler, active whatever FILE_UPLOAD_MAX_MEMORY_SIZE says (the body is
    capped before it is read), so an upload is never written to a temporary file."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        super().handle_raw_input(input_data, META, content_length, boundary, encoding)
        self.activated = True


def _verify_page(request, *, status=200, **context):
    context.setdefault("lookup_form", VerifyLookupForm())
    context.setdefault("file_limit", VERIFY_FILE_MAX_BYTES)
    response = render(request, "members/verify.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _file_refused(request, message: str, status: int = 400):
    return _verify_page(request, status=status, file_error=message)


@parses_own_body  # outermost: BadInputMiddleware must not parse the upload before the cap below
@csrf_exempt  # the CSRF check runs in verify_file_checked, once the body is capped and in memory
@never_cache
def verify_file(request):
    """/verify/file/ (POST): an uploaded certificate or card PDF checked by its signature.

    At most VERIFY_FILE_MAX_BYTES, refused by CONTENT_LENGTH before the body is read, read into
    memory only, throttled per client like /verify/ (its own count), never stored. GET shows the
    page with both forms.
    """
    if request.method != "POST":
        return _verify_page(request)
    if not throttle_hit(
        f"verify-file:{client_ip(request)}",
        limit=settings.VERIFY_RATE_LIMIT,
        window=VERIFY_WINDOW,
        fail_open=True,  # like /verify/: the check reads the upload and signed data only
    ):
        response = _verify_page(request, status=429, throttled=True)
        response["Retry-After"] = str(VERIFY_WINDOW)
        return response
    limit = filesizeformat(VERIFY_FILE_MAX_BYTES)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > VERIFY_FILE_MAX_BYTES + VERIFY_FILE_ENVELOPE_BYTES:
        return _file_refused(request, f"文件过大，上限为{limit}。证明和匠心卡的PDF文件都小于这个大小。", 413)
    request.upload_handlers = [MemoryOnlyUploadHandler(request)]
    try:
        request.POST, request.FILES  # noqa: B018 (read now: into memory, within the cap)
    except (MultiPartParserError, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, UnreadablePostError):
        return _file_refused(request, "上传的内容无法读取，请重新选择文件后再试。")
    if request_has_nul(request):
        return BadInputMiddleware.refuse(request)
    return verify_file_checked(request)


@csrf_protect
def verify_file_checked(request):
    upload = request.FILES.get(VERIFY_FILE_FIELD)
    if upload is None:
        return _file_refused(request, "请选择要核验的证明或匠心卡PDF文件。")
    try:
        validate_upload(upload, allowed=("pdf",), max_bytes=VERIFY_FILE_MAX_BYTES)
    except ValidationError as exc:
        status = 413 if exc.code == "too_large" else 400
        return _file_refused(request, exc.messages[0], status)
    content = upload.read()
    # A check may cost up to its CPU limit (core.signing): however many addresses send files,
    # only VERIFY_FILE_CONCURRENCY checks run at once, leaving the other workers to everyone else.
    with concurrency_slot("verify-file", limit=settings.VERIFY_FILE_CONCURRENCY) as granted:
        if not granted:
            response = _file_refused(request, "核验服务繁忙，请稍等片刻再上传。", 429)
            response["Retry-After"] = "10"
            return response
        # Public page, empty scope: the one lookup by the serial the genuine signature names is unscoped.
        with scopes_disabled():
            result = verify_file_content(content)
    return _verify_page(request, file_result=result)


def own_member(user) -> Member:
    """The member record of a logged-in member; anybody else gets 404."""
    if not user.is_authenticated:
        raise Http404
    with scopes_disabled():  # a member's scope is empty: this reads only the row linked to their login
        member = Member.objects.filter(user=user).select_related("branch").first()
    if member is None:
        raise Http404
    return member


@never_cache
@login_required
def me(request):
    """The member's own page: profile, honours, certificates, cards and other apps' sections."""
    member = own_member(request.user)
    # A member's scope is empty: their own page reads, unscoped, only rows filtered by this
    # member (each app's section is one member's rows too); rendered inside for the same reads.
    with scopes_disabled():
        certificates = Certificate.objects.of_member(member)
        context = {
            "member": member,
            "honors": Honor.objects.filter(member=member),
            "certificates": certificates,
            "cards": CraftsmanCard.objects.of_member(member),
            "pending": any(not c.is_ready for c in certificates if c.render_state == "pending"),
            "form": CertificateRequestForm(),
            "sections": render_member_sections(member, request),
        }
        return render(request, "members/me/home.html", context)


@require_POST
@login_required
def me_certificate_request(request):
    """A member asks for a standard certificate of all their honours; no staff step."""
    member = own_member(request.user)
    form = CertificateRequestForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("__all__", []) or ["请选择用途。"]:
            messages.error(request, error)
        return redirect("members:me")
    try:
        # A member's scope is empty: the service reads this member's honours unscoped and
        # itself refuses (channel SELF) any member but the one linked to this login.
        with scopes_disabled():
            certificate = services.certificate_issue(
                member=member, actor=request.user, purpose=form.cleaned_data["purpose_text"],
                channel=Certificate.Channel.SELF,
            )  # fmt: skip
    except DomainError as exc:
        if exc.code == "seal_missing":  # the staff's wording names an admin page a member never sees
            messages.error(request, "证明暂时不能在线开具：协会尚未配置电子印章。请稍后再试，或联系所在分会。")
        else:
            messages.error(request, exc.message)
    else:
        if certificate.queued is False:
            messages.warning(
                request,
                f"已提交，证明 {certificate.serial} 已排队：生成服务暂时无法生成，稍后自动重试，请稍后再来下载。",
            )
        else:
            messages.success(request, f"已提交，证明 {certificate.serial} 正在生成，稍候即可下载。")
    return redirect("members:me")


def _downloadable(model, request):
    """Staff: their scope (officers their branch). Members: only their own."""
    if request.user.is_staff:
        return model.objects.visible_to(request.user)
    member = own_member(request.user)
    with scopes_disabled():  # a member's own documents only (their scope is empty)
        return model.objects.of_member(member)


def document_file_response(request, obj, *, label: str, filename: str):
    """Stream a ready PDF from private storage after logging the download (404 while pending)."""
    if not obj.is_ready:
        raise Http404
    access_log_record(
        user=request.user, action="download", target=f"{label} {filename}", request=request,
        detail={"model": obj._meta.model_name, "pk": obj.pk},
    )  # fmt: skip
    response = FileResponse(obj.pdf.open("rb"), as_attachment=True, filename=f"{filename}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def certificate_download(request, pk):
    certificate = get_object_or_404(_downloadable(Certificate, request), pk=pk)
    return document_file_response(request, certificate, label="劳模证明", filename=certificate.serial)


@login_required
def card_download(request, pk):
    card = get_object_or_404(_downloadable(CraftsmanCard, request), pk=pk)
    return document_file_response(request, card, label="匠心卡", filename=card.number)
