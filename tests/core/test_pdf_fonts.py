"""The PDF fonts: every name prints, in the project's faces only, on any machine.

Rendering runs in a subprocess: fontconfig reads its configuration once per process, and
the point is a machine whose fontconfig knows no font at all (``FONTCONFIG_FILE`` naming an
empty directory), where anything the project's faces lack would print as a box.
"""

import io
import os
import re
import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream

from core import documents
from core.errors import DomainError
from tests.members.documents_helpers import pdf_tool

ROOT = Path(__file__).resolve().parents[2]
FACES = {"HZLM Serif SC", "HZLM Han Ext", "HZLM Han Ext G"}

# One name per block, each with a character a face has (and a space after it in the
# template: Pango shapes that space with the same face).
NAMES = {
    "Ext B": "王𪚥",  # U+2A6A5
    "Ext C": "赵孟𫖯",  # U+2B5AF
    "Ext D": "李𫝀",  # U+2B740
    "Ext E": "张𬌗",  # U+2C317
    "Ext F": "陈𬺰",  # U+2CEB0
    "Ext G": "刘𰻞",  # U+30EDE
    "Ext H": "杨𱍐",  # U+31350
    "gaps": "黄鿰䶶﨑",  # U+9FF0 (basic block), U+4DB6 (Ext A): Unicode 13; U+FA11 compatibility
}
ORDINARY = "王堃喆䶮"

TEMPLATE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<link rel="stylesheet" href="pdf/base.css"></head><body>
<h1>{{ names.0 }} 名单</h1>
{% for name in names %}<p>{{ name }} 同志 {{ forloop.counter }}</p>{% endfor %}
</body></html>"""

RENDER = textwrap.dedent(
    """
    import logging, sys
    import django
    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings
    from core import documents
    out, template_dir, *names = sys.argv[1:]
    log = logging.getLogger("weasyprint")
    log.setLevel(logging.WARNING)
    log.addHandler(logging.StreamHandler(sys.stderr))
    engine = {**settings.TEMPLATES[0], "DIRS": [template_dir, *settings.TEMPLATES[0]["DIRS"]]}
    with override_settings(TEMPLATES=[engine]):
        pdf = documents.render_pdf("fonts_probe.html", {"names": names})
    open(out, "wb").write(pdf)
    """
)


def no_fonts_config(tmp_path) -> str:
    """A fonts.conf whose only font directory is empty: a machine without any font."""
    (tmp_path / "no-fonts").mkdir(exist_ok=True)
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">'
        f"<fontconfig><dir>{tmp_path / 'no-fonts'}</dir>"
        f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>"
    )
    return str(conf)


def render_in_subprocess(tmp_path, names, *, no_system_fonts: bool) -> tuple[bytes, str]:
    (tmp_path / "templates").mkdir(exist_ok=True)
    (tmp_path / "templates" / "fonts_probe.html").write_text(TEMPLATE, encoding="utf-8")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "laomo_portal.test_settings"}
    if no_system_fonts:
        env["FONTCONFIG_FILE"] = no_fonts_config(tmp_path)
    out = tmp_path / "probe.pdf"
    result = subprocess.run(
        [sys.executable, "-c", RENDER, str(out), str(tmp_path / "templates"), *names],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return out.read_bytes(), result.stderr


def missing_glyphs(content: bytes) -> list[str]:
    """What in the PDF's text is drawn with .notdef (an empty box), or [] if nothing is.

    WeasyPrint writes 2-byte glyph ids (Identity-H, CID = glyph id). A character no font has
    is drawn as .notdef through an unused id and a font-specific CMap instead of
    Identity-H; so: every font Identity-H, every id drawn a real glyph (0 < id < glyphs).
    """
    problems = []
    reader = PdfReader(io.BytesIO(content))
    glyph_counts, drawn = {}, 0
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for key, ref in fonts.items():
            font = ref.get_object()
            if font["/Encoding"] != "/Identity-H":
                problems.append(f"{font['/BaseFont']}: encoding {font['/Encoding']}")
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            data = descriptor["/FontFile2"].get_object().get_data()
            glyph_counts[key] = TTFont(io.BytesIO(data), lazy=True)["maxp"].numGlyphs
        current = None
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                current = operands[0]
                continue
            if operator == b"TJ":
                strings = [item for item in operands[0] if isinstance(item, (bytes, str))]
            elif operator in (b"Tj", b"'", b'"'):
                strings = [operands[-1]]
            else:
                continue
            for string in strings:
                raw = bytes(getattr(string, "original_bytes", string))
                for i in range(0, len(raw), 2):
                    glyph = int.from_bytes(raw[i : i + 2], "big")
                    drawn += 1
                    if not 0 < glyph < glyph_counts[current]:
                        problems.append(f"glyph {glyph} in {fonts[current].get_object()['/BaseFont']}")
    assert drawn, "no text found in the PDF"
    return problems


def embedded_fonts(content: bytes, tmp_path) -> list[tuple[str, str]]:
    """(name, encoding) of each font pdffonts lists; each must be embedded as a subset."""
    rows = []
    for line in pdf_tool("pdffonts", content, tmp_path).splitlines()[2:]:
        fields = line.split()
        assert fields[-5:-2] == ["yes", "yes", "yes"], line  # embedded, subset, ToUnicode
        rows.append((fields[0], fields[-6]))
    return rows


@pytest.mark.parametrize("no_system_fonts", [True, False], ids=["no-system-fonts", "system-fonts"])
def test_names_of_every_extension_block_print_in_project_faces(tmp_path, no_system_fonts):
    names = [ORDINARY, *NAMES.values()]
    content, log = render_in_subprocess(tmp_path, names, no_system_fonts=no_system_fonts)
    assert missing_glyphs(content) == []
    assert ".notdef" not in log, log
    fonts = embedded_fonts(content, tmp_path)
    pattern = re.compile(r"[A-Z]{6}\+HZLM-(Serif-SC|Han-Ext|Han-Ext-G)(-Bold)?")
    assert all(pattern.fullmatch(name) and encoding == "Identity-H" for name, encoding in fonts), fonts
    assert {name.split("+")[1].removesuffix("-Bold") for name, _ in fonts} == {
        "HZLM-Serif-SC", "HZLM-Han-Ext", "HZLM-Han-Ext-G",
    }  # fmt: skip
    text = pdf_tool("pdftotext", content, tmp_path)
    for name in names:
        assert f"{name} 同志" in text, name


def test_missing_glyph_check_sees_a_box(tmp_path):
    """The check above is not blind: a private-use character prints as .notdef."""
    content, log = render_in_subprocess(tmp_path, ["王\ue000"], no_system_fonts=True)
    assert missing_glyphs(content) and ".notdef" in log


# What the faces cover --------------------------------------------------------------------


def assigned(lo, hi):
    """Code points of a block assigned in this Python's Unicode (3.11: Unicode 14)."""
    return [cp for cp in range(lo, hi + 1) if unicodedata.name(chr(cp), None)]


@pytest.mark.parametrize(
    ("lo", "hi"),
    [
        (0x4E00, 0x9FFF),  # basic block
        (0x3400, 0x4DBF),  # Ext A
        (0x20000, 0x2A6DF),  # Ext B
        (0x2A700, 0x2B73F),  # Ext C
        (0x2B740, 0x2B81F),  # Ext D
        (0x2B820, 0x2CEAF),  # Ext E
        (0x2CEB0, 0x2EBEF),  # Ext F
        (0xF900, 0xFAFF),  # compatibility ideographs
        (0x2F800, 0x2FA1F),  # compatibility supplement
    ],
)
def test_every_assigned_ideograph_of_these_blocks_is_printable(lo, hi):
    block = assigned(lo, hi)
    assert block and documents.unprintable_characters("".join(map(chr, block))) == []


def test_extension_g_is_partly_covered():
    block = assigned(0x30000, 0x3134F)
    missing = documents.unprintable_characters("".join(map(chr, block)))
    assert 0 < len(missing) < len(block) // 2  # BabelStone Han has 3045 of 4939


def test_faces_are_the_registered_files_and_their_characters_are_disjoint():
    files = documents.font_files()
    assert [f.name for f in files] == [
        "HZLMSerifSC-Regular.ttf", "HZLMHanExt-Regular.ttf", "HZLMHanExtG-Regular.ttf",
    ]  # fmt: skip
    cmaps = [set(TTFont(str(f), lazy=True).getBestCmap()) - {0x20, 0xA0, 0x3000} for f in files]
    assert not (cmaps[0] & cmaps[1]) and not (cmaps[0] & cmaps[2]) and not (cmaps[1] & cmaps[2])
    for path in files:  # each face keeps a space: Pango shapes a following space with it
        assert 0x20 in TTFont(str(path), lazy=True).getBestCmap(), path.name


def test_pdf_stylesheets_name_only_project_faces():
    base = (ROOT / "static/pdf/base.css").read_text(encoding="utf-8")
    stack = re.search(r"html \{ font-family: ([^;]+);", base).group(1)
    assert stack == '"HZLM Serif SC", "HZLM Han Ext", "HZLM Han Ext G", serif'
    registered = set(re.findall(r'font-family: "([^"]+)"', (ROOT / "static/pdf/fonts.css").read_text()))
    assert registered == FACES
    templates = list(ROOT.glob("templates/*/pdf/*.html"))
    assert templates
    for template in templates:  # every PDF takes the stack from base.css and names no face
        source = template.read_text(encoding="utf-8")
        assert 'href="pdf/base.css"' in source and "font-family" not in source, template


# Refusing what would not print -------------------------------------------------------------


def test_unprintable_characters_finds_what_no_face_has():
    ext_i = "\U0002ebf0"  # CJK Extension I (Unicode 15.1): no face has it
    uncovered_g = next(
        chr(cp) for cp in assigned(0x30000, 0x3134F) if documents.unprintable_characters(chr(cp))
    )
    assert documents.unprintable_characters("赵孟𫖯", "刘𰻞", ORDINARY) == []
    assert documents.unprintable_characters(f"王{ext_i}\ue000", f"李{uncovered_g}{ext_i}") == [
        ext_i, "\ue000", uncovered_g,
    ]  # fmt: skip
    # spaces, line breaks, zero-width joiners and variation selectors print as nothing
    assert documents.unprintable_characters("王 秀\u3000英\n\t\u200d\u00ad葛\U000e0100\ufe00") == []


def test_require_printable_names_the_character_and_its_code_point():
    documents.require_printable("赵孟𫖯", label="姓名")
    with pytest.raises(DomainError) as refused:
        documents.require_printable("赵孟\U0002ebf0", label="姓名")
    assert refused.value.code == "unprintable_character"
    assert refused.value.message == (
        "姓名「赵孟\U0002ebf0」中的“\U0002ebf0”（U+2EBF0）无法打印：证明所用字体不含此字。请联系协会系统管理员。"
    )


# What rendering needs from the system ------------------------------------------------------


def test_weasyprint_subsets_with_harfbuzz():
    """Without libharfbuzz-subset0 WeasyPrint falls back to fontTools: 0.25–0.7 s a document."""
    from weasyprint.text.ffi import harfbuzz_subset

    assert harfbuzz_subset is not None


def test_image_installs_rendering_libraries_and_no_cjk_font():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    for package in (
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz0b",
        "libharfbuzz-subset0",
        "libfontconfig1",
    ):
        assert re.search(rf"\s{re.escape(package)}\s", dockerfile), package
    assert "fonts-noto-cjk" not in dockerfile and "fonts-wqy" not in dockerfile
