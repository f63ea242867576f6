"""Public verification, the member's own pages (/me/) and the scoped document downloads."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.audit import access_log_record, client_ip
from core.errors import DomainError
from core.scoping import scopes_disabled
from core.sections import render_member_sections
from core.throttle import throttle_hit

from . import services
from .forms import CertificateRequestForm, VerifyLookupForm
from .models import Certificate, CraftsmanCard, Honor, Member
from .verification import verify_document

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
    response = render(request, "members/verify.html", {"result": result, "lookup_form": VerifyLookupForm()})
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def verify_lookup(request):
    """/verify/?serial=…&code=…: the printed serial and code typed in (the landing page's form),
    sent on to the one verification page; a malformed entry gets the form back with a reason."""
    if not request.GET:
        return render(request, "members/verify.html", {"lookup_form": VerifyLookupForm()})
    form = VerifyLookupForm(request.GET)
    if not form.is_valid():
        return render(request, "members/verify.html", {"lookup_form": form}, status=400)
    serial, code = form.cleaned_data["serial"].upper(), form.cleaned_data["code"].upper()
    return redirect(f"{reverse('members:verify', args=[serial])}?{urlencode({'code': code})}")


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
