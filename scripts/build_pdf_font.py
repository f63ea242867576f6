"""Build the project's PDF fonts in static/fonts/, reproducibly: one command, every face.

    .venv/bin/python scripts/build_pdf_font.py [--source KEY=PATH ...] [--only KEY ...]

Three faces, each a subset of a font Debian ships, each taking only the code points the
faces before it lack (so their character sets are disjoint but for the spaces, see SPACES,
and the stack order in ``static/pdf/base.css`` decides nothing else):

``serif`` → ``HZLMSerifSC-Regular.ttf``, family "HZLM Serif SC"
    Noto Serif CJK SC Regular (SIL Open Font License 1.1, ``fonts-noto-cjk``): Latin,
    punctuation, CJK symbols, full-width forms, every CJK Unified Ideograph of the basic
    block and Extension A the face has (names like 堃 喆 昇 淼 赟 珺 䶮). Licence: OFL.txt.
``ext`` → ``HZLMHanExt-Regular.ttf``, family "HZLM Han Ext"
    Hanazono Mincho B (``fonts-hanazono``, HanaMinB.ttf, GlyphWiki Project; Hanazono Font
    License or OFL 1.1, at our choice): CJK Extensions B–F (赵孟𫖯's 𫖯 is U+2B5AF, Ext C).
    Licence: HANAZONO-COPYRIGHT.txt.
``extg`` → ``HZLMHanExtG-Regular.ttf``, family "HZLM Han Ext G"
    BabelStone Han (``fonts-babelstone-han``, Arphic Public License): CJK Extensions G and
    H, and the few ideographs (basic block, Ext A–F, compatibility ideographs) the two faces
    before it lack. Licence: BABELSTONE-COPYRIGHT.txt; the APL asks a modified file to say
    how and when it was changed: that notice is in its name table (description, ID 10),
    and its licence text (ID 13) is kept.

Why project fonts instead of the system's through fontconfig: the same bytes print on every
machine (a machine without a CJK font printed empty boxes), and WeasyPrint subsets with
HarfBuzz *retaining glyph ids*; in a CFF font every retained id up to the highest one used
costs a CharStrings offset that deflate cannot squeeze (63 164 glyphs → ~155 KB per face,
whatever the page says). In a TrueType (``glyf``) font the offsets of empty glyphs repeat,
so they compress to almost nothing and a page costs only the glyphs it prints.

TrueType, not WOFF2 (which WeasyPrint reads): WOFF2 would shrink HZLM Han Ext from 30.6 MB
to 12.0 MB with its glyf transform, which fontTools (WeasyPrint's decoder) takes 78 s to
undo, or to 14.0 MB without it, 0.8 s to decode in every process that renders; git stores
the TTF deflated (~17.8 MB), so the repository would save ~4 MB. Not worth it.

What it does to each: keeps the wanted characters, drops vertical metrics, layout and
hinting tables, converts cubic CFF outlines to quadratic TrueType outlines (fontTools cu2qu;
the Noto face only, the others are TrueType already) and renames the family (the OFL asks a
modified version not to keep the original's reserved name), with fixed timestamps so two
runs give the same bytes. It prints each file's size, glyph count and sha256.

Sources default to where Debian installs them; without the packages installed:
``apt-get download fonts-hanazono fonts-babelstone-han`` and ``dpkg-deb -x`` each into a
directory, then ``--source ext=DIR/usr/share/fonts/truetype/hanazono/HanaMinB.ttf`` (and
``extg=…/babelstone/BabelStoneHan.ttf``). The committed files were built from
fonts-noto-cjk 1:20220127+repack1-1, fonts-hanazono 20170904-2.1 and
fonts-babelstone-han 15.0.5-2 (Debian 12). ``--only`` rebuilds some faces and reads the
earlier ones' character sets from their committed files.
"""

import argparse
import hashlib
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

ROOT = Path(__file__).resolve().parent.parent
FONTS_DIR = ROOT / "static" / "fonts"
FIXED_TIMESTAMP = 3_900_000_000  # seconds since 1904 (2027-ish); any constant keeps builds identical
MAX_ERROR = 1.0  # font units of 1000: invisible at any print size

# Ideograph blocks (Unicode 15.1)
URO = (0x4E00, 0x9FFF)  # CJK Unified Ideographs
EXT_A = (0x3400, 0x4DBF)  # 䶮
EXT_B = (0x20000, 0x2A6DF)  # 𠀀
EXT_C = (0x2A700, 0x2B73F)  # 𫖯 (赵孟𫖯)
EXT_D = (0x2B740, 0x2B81F)
EXT_E = (0x2B820, 0x2CEAF)
EXT_F = (0x2CEB0, 0x2EBEF)
EXT_I = (0x2EBF0, 0x2EE5F)  # none of the sources has it yet
EXT_G = (0x30000, 0x3134F)
EXT_H = (0x31350, 0x323AF)
COMPAT = (0xF900, 0xFAFF)  # CJK Compatibility Ideographs (﨑)
COMPAT_SUPPLEMENT = (0x2F800, 0x2FA1F)

# The third face also fills whatever ideographs the first two lack
GAPS = (URO, EXT_A, EXT_B, EXT_C, EXT_D, EXT_E, EXT_F, EXT_I, COMPAT, COMPAT_SUPPLEMENT)

SERIF_RANGES = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1 (·, ×, ÷, °)
    (0x2010, 0x206F),  # General punctuation (— ‘ ’ “ ” … ‰ ※)
    (0x2100, 0x218F),  # Letterlike, number forms (№ Ⅰ Ⅱ)
    (0x2460, 0x24FF),  # Enclosed alphanumerics (① ②)
    (0x25A0, 0x25FF),  # Geometric shapes (■ □ ○ ●)
    (0x3000, 0x303F),  # CJK symbols and punctuation (、。〈〉《》「」【】〇)
    (0x3200, 0x32FF),  # Enclosed CJK (㈠)
    EXT_A,
    URO,
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # Half- and full-width forms
)

# Every face keeps the source's spaces, even though an earlier face has them: Pango never
# changes font for a space, so a space after 𫖯 is shaped with 𫖯's face, and a face without
# U+0020 would draw it as .notdef (a box). HarfBuzz maps the other spaces to U+0020 if need be.
SPACES = (0x0020, 0x00A0, 0x3000)

OFL_DESCRIPTION = "This Font Software is licensed under the SIL Open Font License, Version 1.1."


@dataclass(frozen=True)
class Face:
    key: str
    filename: str
    family: str
    ps_name: str
    default_source: Path
    ranges: tuple
    version: str  # name ID 5
    license_description: str | None  # name ID 13; None keeps the source's
    license_url: str | None  # name ID 14; None keeps the source's
    description: str | None = None  # name ID 10: the notice of modification
    ttc_family: str | None = None  # the face to take out of a collection

    @property
    def output(self) -> Path:
        return FONTS_DIR / self.filename


FACES = (
    Face(
        key="serif",
        filename="HZLMSerifSC-Regular.ttf",
        family="HZLM Serif SC",
        ps_name="HZLMSerifSC-Regular",
        default_source=Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
        ttc_family="Noto Serif CJK SC",
        ranges=SERIF_RANGES,
        version="Version 1.0; subset of Noto Serif CJK SC 2.001",
        license_description=OFL_DESCRIPTION,
        license_url="https://openfontlicense.org",
    ),
    Face(
        key="ext",
        filename="HZLMHanExt-Regular.ttf",
        family="HZLM Han Ext",
        ps_name="HZLMHanExt-Regular",
        default_source=Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"),
        ranges=(EXT_B, EXT_C, EXT_D, EXT_E, EXT_F, EXT_I),
        version="Version 1.0; subset of HanaMinB 2017-09-04 (Debian fonts-hanazono 20170904-2.1)",
        license_description=(
            "Derived from Hanazono Mincho B by the GlyphWiki Project, used under the Hanazono "
            "Font License (or the SIL Open Font License 1.1); see HANAZONO-COPYRIGHT.txt."
        ),
        license_url="http://fonts.jp/hanazono/",
        description=(
            "Modified 2026-12-01 by scripts/build_pdf_font.py of the HZLM portal: subset to "
            "CJK Unified Ideographs Extensions B-F, hinting and layout tables dropped, renamed."
        ),
    ),
    Face(
        key="extg",
        filename="HZLMHanExtG-Regular.ttf",
        family="HZLM Han Ext G",
        ps_name="HZLMHanExtG-Regular",
        default_source=Path("/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf"),
        ranges=(EXT_G, EXT_H, *GAPS),
        version="Version 1.0; subset of BabelStone Han 15.0.5 (Debian fonts-babelstone-han 15.0.5-2)",
        license_description=None,  # BabelStone Han's own: the Arphic Public License text
        license_url=None,
        description=(
            "Modified 2026-12-01 by scripts/build_pdf_font.py of the HZLM portal from BabelStone "
            "Han 15.0.5 (derived from AR PL Mingti2L Big5 and AR PL SungtiL GB, Arphic Public "
            "License): subset to CJK Unified Ideographs Extensions G and H and the ideographs "
            "HZLM Serif SC and HZLM Han Ext lack, hinting and layout tables dropped, renamed."
        ),
    ),
)


def load_source(face: Face, path: Path) -> TTFont:
    if not path.is_file():
        raise SystemExit(f"{face.key}: no source font at {path} (see this script's docstring)")
    if path.suffix.lower() == ".ttc":
        for font in TTCollection(str(path)).fonts:
            if font["name"].getDebugName(1) == face.ttc_family:
                return font
        raise SystemExit(f"no {face.ttc_family} face in {path}")
    return TTFont(str(path))


def wanted_codepoints(face: Face, font: TTFont, taken: set[int]) -> list[int]:
    cmap = font.getBestCmap()
    wanted = {cp for lo, hi in face.ranges for cp in range(lo, hi + 1) if cp not in taken}
    return sorted(cp for cp in wanted | set(SPACES) if cp in cmap)


def subset_font(font: TTFont, wanted: list[int]) -> None:
    options = subset.Options(
        layout_features=[],
        hinting=False,
        desubroutinize=True,
        notdef_outline=True,
        name_IDs=[0, 1, 2, 3, 4, 5, 6, 10, 13, 14],
        drop_tables="BASE GPOS GSUB GDEF JSTF VORG vhea vmtx DSIG meta FFTM gasp prop".split(),
    )
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)


def cff_to_glyf(font: TTFont) -> None:
    """Quadratic TrueType outlines (the fontTools otf2ttf recipe)."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        recording = DecomposingRecordingPen(glyph_set)
        glyph_set[name].draw(recording)
        tt_pen = TTGlyphPen(None)
        recording.replay(Cu2QuPen(tt_pen, MAX_ERROR, reverse_direction=True))
        glyphs[name] = tt_pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    del font["CFF "]
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones maxTwilightPoints maxStorage maxFunctionDefs maxInstructionDefs "
        "maxStackElements maxSizeOfInstructions maxComponentElements"
    ).split():
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def drop_glyph_names(font: TTFont) -> None:
    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller, and nothing needs them
    post.extraNames = []
    post.mapping = {}


def rename(font: TTFont, face: Face) -> None:
    name = font["name"]
    kept = {
        0: name.getDebugName(0),
        13: name.getDebugName(13),
        14: name.getDebugName(14),
    }
    for record in list(name.names):
        name.removeNames(nameID=record.nameID)
    values = {
        0: kept[0],
        1: face.family,
        2: "Regular",
        3: f"{face.ps_name};build-pdf-font",
        4: f"{face.family} Regular",
        5: face.version,
        6: face.ps_name,
        10: face.description,
        13: face.license_description if face.license_description is not None else kept[13],
        14: face.license_url if face.license_url is not None else kept[14],
    }
    for name_id, value in values.items():
        if value:
            name.setName(value, name_id, 3, 1, 0x409)


def build(face: Face, source: Path, taken: set[int]) -> set[int]:
    """Write ``face.output``; returns its characters."""
    font = load_source(face, source)
    wanted = wanted_codepoints(face, font, taken)
    subset_font(font, wanted)
    if "CFF " in font:
        cff_to_glyf(font)
    drop_glyph_names(font)
    rename(font, face)
    font["head"].created = font["head"].modified = FIXED_TIMESTAMP
    font.recalcTimestamp = False
    face.output.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(face.output))
    report(face)
    return set(wanted)


def report(face: Face) -> None:
    digest = hashlib.sha256(face.output.read_bytes()).hexdigest()
    font = TTFont(str(face.output), lazy=True)
    glyphs, chars = font["maxp"].numGlyphs, len(font.getBestCmap())
    print(
        f"{face.output.relative_to(ROOT)}: {face.output.stat().st_size} bytes, {glyphs} glyphs, "
        f"{chars} characters, sha256 {digest}"
    )


def committed_codepoints(face: Face) -> set[int]:
    if not face.output.is_file():
        raise SystemExit(f"{face.output} is missing: build {face.key} too")
    return set(TTFont(str(face.output), lazy=True).getBestCmap())


def main() -> None:
    keys = [face.key for face in FACES]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", action="append", default=[], metavar="KEY=PATH",
                        help=f"source font of a face ({', '.join(keys)}); default: Debian's path")  # fmt: skip
    parser.add_argument("--only", action="append", choices=keys, help="rebuild only these faces")
    args = parser.parse_args()
    sources = {face.key: face.default_source for face in FACES}
    for item in args.source:
        key, _, path = item.partition("=")
        if key not in sources or not path:
            parser.error(f"--source wants KEY=PATH with KEY one of {', '.join(keys)}")
        sources[key] = Path(path)
    chosen = [face for face in FACES if not args.only or face.key in args.only]
    taken: set[int] = set()
    for face in FACES[: FACES.index(chosen[-1]) + 1]:
        if face in chosen:
            taken |= build(face, sources[face.key], taken)
        else:  # an earlier face not rebuilt: a later one still leaves its characters to it
            taken |= committed_codepoints(face)


if __name__ == "__main__":
    main()
