"""Attack on issue 19 (official certificates): the seal, issuing without it, /verify/file/,
the deploy check of SITE_URL.

Each test asserts the secure behaviour through the real URL (or the real command) and failed
on the code as it was attacked, except where a docstring says it guards a door that held.
"""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageDraw

from members import services
from members.models import DocumentSeal
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
ADD = "/admin/members/documentseal/add/"


def _png(image: Image.Image, name="seal.png", **save) -> io.BytesIO:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", **save)
    buffer.seek(0)
    buffer.name = name
    return buffer


def _drawn_seal() -> Image.Image:
    return Image.open(io.BytesIO(services.draw_demo_seal(center_text="测试"))).convert("RGBA")


def _on_paper(seal: Image.Image) -> Image.Image:
    paper = Image.new("RGB", seal.size, (255, 255, 255))
    paper.paste(seal, mask=seal.getchannel("A"))
    return paper


def _first_visible(image: Image.Image) -> tuple[int, int]:
    alpha = image.getchannel("A")
    for y in range(image.height):
        for x in range(image.width):
            if alpha.getpixel((x, y)) > 0:
                return x, y
    raise AssertionError("a blank seal")


def _staff_client(staff_user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(staff_user)
    return client


def _errors(response) -> str:
    return " ".join(re.findall(r"errorlist[^>]*>(.*?)</ul", response.content.decode(), re.S))


# --- the seal: uploads ----------------------------------------------------------------------


@pytest.mark.no_seal
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # the point of the test
def test_a_seal_picture_claiming_huge_dimensions_is_refused_before_it_is_decoded(staff_user):
    """A 9900 × 9900 PNG of white paper with a ring is 120 KB (under the 5 MB cap and under
    Pillow's bomb limit of 100 million pixels). It was decoded and copied a dozen times at full
    size: 6 s of CPU and 2 GB of memory in the web worker per upload, then accepted."""
    scan = Image.new("L", (9900, 9900), 255)
    ImageDraw.Draw(scan).ellipse([100, 100, 900, 900], outline=0, width=30)
    response = _staff_client(staff_user).post(ADD, {"image": _png(scan, optimize=True)})
    assert response.status_code == 200 and "图片尺寸过大（9900×9900像素）" in _errors(response)
    assert not DocumentSeal.objects.exists()


@pytest.mark.no_seal
def test_a_large_but_reasonable_scan_still_makes_a_full_size_seal(staff_user):
    """The fix must not cost the seal its resolution: a 4000 × 4000 scan whose seal fills a
    third of it still gives a seal of the full SEAL_PIXELS."""
    scan = Image.new("RGB", (4000, 4000), (255, 255, 255))
    seal = _drawn_seal().resize((1400, 1400))
    scan.paste(seal, (1300, 1300), mask=seal.getchannel("A"))
    response = _staff_client(staff_user).post(ADD, {"image": _png(scan)})
    assert response.status_code == 302, _errors(response)
    seal = DocumentSeal.objects.current()
    assert max(seal.width_px, seal.height_px) == services.seals.SEAL_PIXELS


@pytest.mark.no_seal
def test_a_semi_transparent_seal_keeps_its_red_ink(staff_user):
    """A seal exported at 50 % opacity (common from drawing tools): no pixel counted as solid,
    the ink colour was the mean over an empty mask, (0, 0, 0): every document printed a black
    seal, silently."""
    seal = _drawn_seal()
    seal.putalpha(seal.getchannel("A").point(lambda v: v // 2))
    response = _staff_client(staff_user).post(ADD, {"image": _png(seal)})
    assert response.status_code == 302, _errors(response)
    with DocumentSeal.objects.current().image.open("rb") as handle:
        stored = Image.open(handle).convert("RGBA")
    red, green, blue = stored.convert("RGB").getpixel(_first_visible(stored))
    assert red > 150 and green < 80 and blue < 80, (red, green, blue)


@pytest.mark.no_seal
@pytest.mark.parametrize("mode", ["I;16", "CMYK", "P", "LA", "1", "animated"])
def test_odd_seal_pictures_are_taken_or_refused_in_chinese(staff_user, mode):
    """Guards a door that held: 16-bit, CMYK JPEG, palette, grey+alpha, 1-bit, animated PNG."""
    paper = _on_paper(_drawn_seal())
    if mode == "CMYK":
        upload = io.BytesIO()
        paper.convert("CMYK").save(upload, format="JPEG")
        upload.seek(0)
        upload.name = "seal.jpg"
    elif mode == "I;16":
        upload = _png(paper.convert("L").convert("I;16"))
    elif mode == "animated":
        seal = _drawn_seal()
        upload = _png(seal, save_all=True, append_images=[seal.rotate(30)], duration=100, loop=0)
    else:
        upload = _png(paper.convert(mode))
    response = _staff_client(staff_user).post(ADD, {"image": upload})
    assert response.status_code == 302 or (response.status_code == 200 and _errors(response))


# --- the seal: who sees what ------------------------------------------------------------------


def test_the_seal_version_page_shows_that_version_to_staff(staff_user):
    """/admin/members/documentseal/<id>/history/<v>/ answered 500 to association staff: the
    version page shows every field read-only, and Django renders a read-only file as a link to
    its URL, which private storage refuses (ValueError)."""
    seal = DocumentSeal.objects.current()
    version = seal.history.first()
    response = _staff_client(staff_user).get(
        reverse("admin:members_documentseal_simple_history", args=[seal.pk, version.history_id])
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'src="data:image/png;base64,' in body and "seals/" not in body


@pytest.mark.parametrize("who", ["xihu_officer", "xihu_member", "anonymous"])
def test_nobody_but_staff_gets_the_seal_from_any_of_its_pages(request, who):
    """Guards a door that held: no image bytes, data URL or path for anybody else."""
    seal = DocumentSeal.objects.current()
    client = Client(raise_request_exception=False)
    if who == "xihu_officer":
        client.force_login(request.getfixturevalue("xihu_officer"))
    elif who == "xihu_member":
        client.force_login(f.member_user(request.getfixturevalue("xihu_member")))
    version = seal.history.first().history_id
    for url in (
        reverse("admin:members_documentseal_changelist"),
        reverse("admin:members_documentseal_change", args=[seal.pk]),
        reverse("admin:members_documentseal_history", args=[seal.pk]),
        reverse("admin:members_documentseal_simple_history", args=[seal.pk, version]),
    ):
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code in (302, 403, 404), (url, response.status_code)
        assert "data:image/png" not in body and seal.image.name not in body


# --- check --deploy: SITE_URL -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://127.1",  # loopback, as every resolver reads it (inet_aton)
        "https://0x7f.0.0.1",
        "https://0177.0.0.1",
        "https://100.64.1.1",  # carrier-grade NAT: not reachable from the internet
        "https://laomo.home.arpa",  # a home network's name (RFC 8375)
        "https://portal.test",  # never resolves (RFC 6761)
        "https://laomo portal.cn",  # not a host name at all
    ],
)
def test_check_deploy_refuses_a_local_site_url_in_any_spelling(settings, url):
    """python manage.py check --deploy answered nothing for these: a certificate's QR code and
    every invitation link would point at the server itself or nowhere."""
    settings.SITE_URL = url
    with pytest.raises(SystemCheckError) as refused:
        call_command("check", "--deploy", "--tag", "security")
    assert "laomo.E101" in str(refused.value)
