"""Issue 19's test of done, end to end: a signed certificate for 赵孟𫖯 (U+2B5AF) rendered on a
machine whose fontconfig knows no font at all; pdfsig calls the signature valid; uploaded to
/verify/file/ it is genuine, and a copy with one byte changed is not.

The certificate is issued here (the database); its PDF is made by the same context, template,
renderer and signature as the render task, in a subprocess whose FONTCONFIG_FILE names an
empty font directory (fontconfig reads its configuration once per process). The subprocess
signs with the test key of this run (laomo_portal/test_settings.py hands it over by env).
"""

import os
import pickle
import subprocess
import sys
import textwrap

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from members import services
from members.verification import CERTIFICATE_KIND
from tests import factories as f
from tests.core.test_pdf_fonts import FACES, ROOT, embedded_fonts, missing_glyphs, no_fonts_config
from tests.members.documents_helpers import pdf_tool
from tests.signing_helpers import with_byte_changed

pytestmark = pytest.mark.django_db

NAME = "赵孟\U0002b5af"

RENDER_AND_SIGN = textwrap.dedent(
    """
    import pickle, sys
    import django
    django.setup()
    from core import documents, signing
    context_file, kind, out = sys.argv[1:]
    context = pickle.load(open(context_file, "rb"))
    pdf = documents.render_pdf("members/pdf/certificate.html", context)
    reason = signing.signing_reason(kind, context["certificate"].serial)
    open(out, "wb").write(signing.sign_pdf(pdf, reason=reason))
    """
)


def render_without_system_fonts(certificate, tmp_path) -> bytes:
    context_file = tmp_path / "context.pickle"
    context_file.write_bytes(pickle.dumps(services.certificate_context(certificate)))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "laomo_portal.test_settings",
        "FONTCONFIG_FILE": no_fonts_config(tmp_path),
    }
    out = tmp_path / "certificate.pdf"
    result = subprocess.run(
        [sys.executable, "-c", RENDER_AND_SIGN, str(context_file), CERTIFICATE_KIND, str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return out.read_bytes()


def test_signed_certificate_for_a_name_of_extension_b_to_g_without_system_fonts(
    client, xihu, staff_user, tmp_path
):
    member = f.MemberFactory(branch=xihu, name=NAME)
    f.HonorFactory(member=member, title="杭州市劳动模范", level=3, year=2019)
    certificate = services.certificate_issue(member=member, actor=staff_user, purpose="办理公园年卡")
    content = render_without_system_fonts(certificate, tmp_path)

    assert missing_glyphs(content) == []  # no .notdef box drawn
    assert {name.split("+", 1)[1].replace("-", " ") for name, _ in embedded_fonts(content, tmp_path)} <= FACES
    assert NAME in pdf_tool("pdftotext", content, tmp_path)
    signature = pdf_tool("pdfsig", content, tmp_path)
    assert "Signature is Valid" in signature and "Total document signed" in signature
    assert len(content) <= 60 * 1024

    genuine = client.post(
        "/verify/file/", {"file": SimpleUploadedFile("证明.pdf", content, "application/pdf")}
    )
    body = genuine.content.decode()
    assert genuine.status_code == 200 and "真实有效" in body and certificate.serial in body
    assert NAME not in body  # the public answer masks the name as /verify/<serial>/ does

    changed = client.post(
        "/verify/file/",
        {"file": SimpleUploadedFile("证明.pdf", with_byte_changed(content), "application/pdf")},
    )
    body = changed.content.decode()
    assert changed.status_code == 200 and "文件已被改动" in body and "真实有效" not in body
