"""Certificates and cards as official documents: the association's seal, the holder's titles,
an ID number a receiving office can match. (Signing and the fonts have their own files.)"""

import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from core.errors import DomainError
from members import services
from members.models import Certificate, CraftsmanCard, DocumentCounter, DocumentSeal
from tests import factories as f
from tests.members.documents_helpers import pdf_tool

pytestmark = pytest.mark.django_db


def _seal_upload(*, background=(255, 255, 255), fmt="JPEG", name="seal.jpg"):
    """A photographed seal: the drawn demo seal on paper, as a phone or scanner gives it."""
    drawn = Image.open(io.BytesIO(services.draw_demo_seal(center_text="测试"))).convert("RGBA")
    paper = Image.new("RGBA", (drawn.width + 200, drawn.height + 120), (*background, 255))
    paper.alpha_composite(drawn, (100, 60))
    buffer = io.BytesIO()
    paper.convert("RGB").save(buffer, format=fmt)
    buffer.name = name
    buffer.seek(0)
    return buffer


def _images(content: bytes, tmp_path) -> list[list[str]]:
    rows = pdf_tool("pdfimages", content, tmp_path, "-list").splitlines()[2:]
    return [row.split() for row in rows if row.split()[2] == "image"]  # not the soft masks


# Without a seal nothing is issued ---------------------------------------------------------


@pytest.mark.no_seal
def test_without_a_seal_the_admin_says_so_and_issues_nothing(client, staff_user, xihu_member):
    assert DocumentSeal.objects.current() is None
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:members_certificate_add"), {"member": xihu_member.pk, "purpose": "办理公园年卡"}
    )
    assert response.status_code == 200
    assert "协会尚未上传电子印章" in response.content.decode() and "电子印章" in response.content.decode()
    assert not Certificate.objects.exists() and not DocumentCounter.objects.filter(last_number__gt=0).exists()


@pytest.mark.no_seal
def test_without_a_seal_neither_certificate_nor_card_is_issued(staff_user, xihu_member):
    f.HonorFactory(member=xihu_member, title="杭州工匠", kind="craftsman", level=3, year=2021)
    with pytest.raises(DomainError) as refused:
        services.certificate_issue(member=xihu_member, actor=staff_user, purpose="疗休养")
    assert refused.value.code == "seal_missing"
    with pytest.raises(DomainError) as refused:
        services.card_issue(member=xihu_member, actor=staff_user)
    assert refused.value.code == "seal_missing"
    assert not Certificate.objects.exists() and not CraftsmanCard.objects.exists()


@pytest.mark.no_seal
def test_without_a_seal_a_member_is_told_in_plain_words(client, xihu_member):
    user = f.member_user(xihu_member)
    client.force_login(user)
    response = client.post(reverse("members:certificate_request"), {"purpose": "办理公园年卡"}, follow=True)
    body = response.content.decode()
    assert "协会尚未配置电子印章" in body and "后台" not in body
    assert not Certificate.objects.exists()


# The seal: uploaded once by association staff ----------------------------------------------


@pytest.mark.no_seal
def test_staff_upload_a_photographed_seal_and_get_a_transparent_one(client, staff_user, tmp_path):
    client.force_login(staff_user)
    add = reverse("admin:members_documentseal_add")
    response = client.post(add, {"image": _seal_upload(), "note": "2026年启用"})
    assert response.status_code == 302, response.content.decode()[:2000]
    seal = DocumentSeal.objects.current()
    assert seal.updated_by == staff_user and seal.note == "2026年启用"
    with seal.image.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read())).convert("RGBA")
    assert max(image.size) <= services.seals.SEAL_PIXELS
    assert image.getpixel((0, 0))[3] == 0  # the paper is gone
    assert image.getpixel((image.width // 2, image.height // 2))[0] > 150  # the red star stays
    assert seal.history.count() == 1

    # The add page now leads to the one seal; a new image replaces it, the old version stays.
    assert client.get(add).url == reverse("admin:members_documentseal_change", args=[seal.pk])
    first_name = seal.image.name
    change = reverse("admin:members_documentseal_change", args=[seal.pk])
    page = client.get(change).content.decode()
    assert "电子印章" in page and "_addanother" not in page and 'src="data:image/png;base64,' in page
    response = client.post(change, {"image": _seal_upload(fmt="PNG", name="new.png"), "note": "更换"})
    assert response.status_code == 302
    seal.refresh_from_db()
    assert seal.image.name != first_name and DocumentSeal.objects.count() == 1
    assert seal.history.count() == 2 and seal.image.storage.exists(first_name)
    # The note alone can change without a new image.
    assert client.post(change, {"note": "只改说明"}).status_code == 302
    seal.refresh_from_db()
    assert seal.note == "只改说明" and seal.history.count() == 3


@pytest.mark.no_seal
@pytest.mark.parametrize(
    "upload, message",
    [
        (io.BytesIO(b"this is not an image"), "文件内容不是允许的类型"),
        (io.BytesIO(b"%PDF-1.7\n"), "文件内容不是允许的类型"),
        (None, "没有找到印章图案"),
        (io.BytesIO(b""), "提交的是空文件"),
    ],
)
def test_bad_seal_uploads_are_refused_in_chinese(client, staff_user, upload, message):
    if upload is None:  # blank paper: nothing but background
        upload = io.BytesIO()
        Image.new("RGB", (300, 300), (250, 250, 248)).save(upload, format="PNG")
        upload.seek(0)
    upload.name = "seal.png"
    client.force_login(staff_user)
    response = client.post(reverse("admin:members_documentseal_add"), {"image": upload})
    body = response.content.decode()
    assert response.status_code == 200 and message in body, re.findall(r"errorlist[^>]*>(.*?)</ul", body)
    assert "<title>错误：" in body  # Django's zh_Hans catalogue leaves "Error:" in English (locale/)
    assert not DocumentSeal.objects.exists()


@pytest.mark.no_seal
@pytest.mark.parametrize("who", ["xihu_officer", "xihu_member", "anonymous"])
def test_only_association_staff_reach_the_seal(client, request, who):
    if who == "xihu_officer":
        client.force_login(request.getfixturevalue("xihu_officer"))
    elif who == "xihu_member":
        client.force_login(f.member_user(request.getfixturevalue("xihu_member")))
    for url in (reverse("admin:members_documentseal_changelist"), reverse("admin:members_documentseal_add")):
        assert client.get(url).status_code in (302, 403)
        response = client.post(url, {"image": _seal_upload()})
        assert response.status_code in (302, 403)
    assert not DocumentSeal.objects.exists()


def test_the_service_refuses_an_officer(xihu_officer):
    with pytest.raises(DomainError):
        services.seal_save(content=b"x", width=1, height=1, actor=xihu_officer)


# What the documents print -------------------------------------------------------------------


def test_certificate_prints_the_seal_the_holders_titles_and_a_matchable_id(
    xihu, staff_user, tmp_path, on_commit
):
    member = f.MemberFactory(branch=xihu, name="赵桂芳")
    f.HonorFactory(member=member, title="全国五一劳动奖章", kind="may_day_medal", level=1, year=2015)
    f.HonorFactory(member=member, title="杭州工匠", kind="craftsman", level=3, year=2021)
    certificate = on_commit(services.certificate_issue, member=member, actor=staff_user, purpose="疗休养")
    certificate.refresh_from_db()
    content = certificate.pdf.open("rb").read()
    text = re.sub(r"\s+", "", pdf_tool("pdftotext", content, tmp_path))
    assert "登记在册的五一劳动奖章获得者、工匠，获得以下荣誉" in text
    assert "或工匠人才" not in text and "盖章处" not in text
    assert member.id_number[:6] + "********" + member.id_number[-4:] in text
    assert member.id_number[6:14] not in text
    images = _images(content, tmp_path)
    assert len(images) == 2  # the QR code and the seal
    seal = DocumentSeal.objects.current()
    assert any(row[3:5] == [str(seal.width_px), str(seal.height_px)] for row in images)


@pytest.mark.parametrize(
    "kinds, titles",
    [
        (["model_worker"], "劳动模范"),
        (["advanced_worker"], "先进工作者"),
        (["craftsman", "model_worker"], "劳动模范、工匠"),
        (["may_day_medal"], "五一劳动奖章获得者"),
    ],
)
def test_the_body_names_what_the_certified_honours_make_the_holder(xihu, staff_user, kinds, titles):
    member = f.MemberFactory(branch=xihu)
    honors = [
        f.HonorFactory(member=member, kind=kind, level=2, year=2010 + i) for i, kind in enumerate(kinds)
    ]
    f.HonorFactory(member=member, kind="may_day_medal" if "may_day_medal" not in kinds else "craftsman")
    certificate = services.certificate_issue(member=member, actor=staff_user, purpose="疗休养", honors=honors)
    assert certificate.holder_titles == titles


def test_card_prints_the_seal_over_issuer_and_date(xihu, staff_user, tmp_path, on_commit):
    member = f.MemberFactory(branch=xihu)
    f.HonorFactory(member=member, title="杭州工匠", kind="craftsman", level=3, year=2021)
    card = on_commit(services.card_issue, member=member, actor=staff_user)
    card.refresh_from_db()
    content = card.pdf.open("rb").read()
    images = _images(content, tmp_path)
    assert [row[0] for row in images] == ["1", "2"]  # the QR code on the front, the seal on the back
    text = pdf_tool("pdftotext", content, tmp_path, "-f", "2", "-l", "2")
    assert "杭州市劳模工匠协会" in text and f"{card.issued_on.year}年" in text


def test_a_seal_file_lost_from_storage_fails_the_render_with_the_reason(xihu_member, staff_user, on_commit):
    from members.services.seals import _seal_data_url

    seal = DocumentSeal.objects.current()
    seal.image.storage.delete(seal.image.name)
    _seal_data_url.cache_clear()
    certificate = on_commit(
        services.certificate_issue, member=xihu_member, actor=staff_user, purpose="疗休养"
    )
    certificate.refresh_from_db()
    assert certificate.render_state == "failed" and not certificate.pdf
    assert certificate.render_error == "电子印章图片文件丢失，请重新上传。"


def test_a_second_first_upload_updates_the_row_the_first_made(staff_user, monkeypatch):
    """Two staff upload the first seal at once: the second insert meets the unique key (here
    the first row appears between the second's look-up and its insert) and updates it."""
    DocumentSeal.objects.all().delete()
    content, width, height = services.seal_png(Image.open(io.BytesIO(services.draw_demo_seal())))
    real_first = DocumentSeal.objects.select_for_update().filter(key="association").first
    calls = []

    def first_then_someone_else_inserts():
        calls.append(1)
        found = real_first()
        if len(calls) == 1:
            services.seal_save(content=content, width=width, height=height, actor=staff_user, note="甲")
        return found

    from django.db.models import QuerySet

    original = QuerySet.first

    def patched(self):
        if self.model is DocumentSeal and not calls:
            return first_then_someone_else_inserts()
        return original(self)

    monkeypatch.setattr(QuerySet, "first", patched)
    seal = services.seal_save(content=content, width=width, height=height, actor=staff_user, note="乙")
    assert DocumentSeal.objects.count() == 1 and seal.note == "乙"


def test_the_list_offers_no_second_seal(client, staff_user):
    client.force_login(staff_user)
    body = client.get(reverse("admin:members_documentseal_changelist")).content.decode()
    assert "杭州市劳模工匠协会电子印章" in body
    tools = re.search(r'<ul class="object-tools">.*?</ul>', body, re.S)
    assert tools is None or reverse("admin:members_documentseal_add") not in tools.group(0)
