"""Build the project's PDF font, static/fonts/HZLMSerifSC-Regular.ttf, reproducibly.

Source: Noto Serif CJK SC Regular (SIL Open Font License 1.1), from Debian's
``fonts-noto-cjk`` (installed by ``.ci/system-packages``) or a path given on the command
line. Why a project font instead of the system one through fontconfig: WeasyPrint subsets
with HarfBuzz *retaining glyph ids*; in a CFF font every retained id up to the highest one
used costs a CharStrings offset that deflate cannot squeeze (63 164 glyphs → ~155 KB per
face, whatever the page says). In a TrueType (``glyf``) font the offsets of empty glyphs
repeat, so they compress to almost nothing and a page costs only the glyphs it prints.

What it does: keeps the Simplified Chinese face only (not the TTC's five), the characters a
certificate, card or roster can need — Latin, punctuation, CJK symbols, full-width forms,
every CJK Unified Ideograph of the basic block and Extension A the face has (names like
堃 喆 昇 淼 赟 珺 䶮) — drops vertical metrics, layout and hinting tables, converts the
cubic CFF outlines to quadratic TrueType outlines (fontTools cu2qu) and renames the family
(the OFL asks a modified version not to keep the original's reserved name), with fixed
timestamps so two runs give the same bytes.

    .venv/bin/python scripts/build_pdf_font.py [SOURCE.ttc|otf]
"""

import hashlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "static" / "fonts" / "HZLMSerifSC-Regular.ttf"
DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
FAMILY = "HZLM Serif SC"
PS_NAME = "HZLMSerifSC-Regular"
FIXED_TIMESTAMP = 3_900_000_000  # seconds since 1904 (2027-ish); any constant keeps builds identical
MAX_ERROR = 1.0  # font units of 1000: invisible at any print size

RANGES = [
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1 (·, ×, ÷, °)
    (0x2010, 0x206F),  # General punctuation (— ‘ ’ “ ” … ‰ ※)
    (0x2100, 0x218F),  # Letterlike, number forms (№ Ⅰ Ⅱ)
    (0x2460, 0x24FF),  # Enclosed alphanumerics (① ②)
    (0x25A0, 0x25FF),  # Geometric shapes (■ □ ○ ●)
    (0x3000, 0x303F),  # CJK symbols and punctuation (、。〈〉《》「」【】〇)
    (0x3200, 0x32FF),  # Enclosed CJK (㈠)
    (0x3400, 0x4DBF),  # CJK Extension A (䶮)
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # Half- and full-width forms
]


def load_source(path: Path) -> TTFont:
    if path.suffix.lower() == ".ttc":
        for font in TTCollection(str(path)).fonts:
            if font["name"].getDebugName(1) == "Noto Serif CJK SC":
                return font
        raise SystemExit(f"no Noto Serif CJK SC face in {path}")
    return TTFont(str(path))


def subset_font(font: TTFont) -> None:
    cmap = font.getBestCmap()
    wanted = sorted(cp for lo, hi in RANGES for cp in range(lo, hi + 1) if cp in cmap)
    options = subset.Options(
        layout_features=[],
        hinting=False,
        desubroutinize=True,
        notdef_outline=True,
        name_IDs=[0, 1, 2, 3, 4, 5, 6, 13, 14],
        drop_tables=["BASE", "GPOS", "GSUB", "JSTF", "VORG", "vhea", "vmtx", "DSIG", "meta"],
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
    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller, and nothing needs them
    post.extraNames = []
    post.mapping = {}
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font: TTFont) -> None:
    name = font["name"]
    original_copyright = name.getDebugName(0)
    for record in list(name.names):
        name.removeNames(nameID=record.nameID)
    values = {
        0: original_copyright,
        1: FAMILY,
        2: "Regular",
        3: f"{PS_NAME};build-pdf-font",
        4: f"{FAMILY} Regular",
        5: "Version 1.0; subset of Noto Serif CJK SC 2.001",
        6: PS_NAME,
        13: "This Font Software is licensed under the SIL Open Font License, Version 1.1.",
        14: "https://openfontlicense.org",
    }
    for name_id, value in values.items():
        name.setName(value, name_id, 3, 1, 0x409)


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    font = load_source(source)
    subset_font(font)
    cff_to_glyf(font)
    rename(font)
    font["head"].created = font["head"].modified = FIXED_TIMESTAMP
    font.recalcTimestamp = False
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(OUTPUT))
    digest = hashlib.sha256(OUTPUT.read_bytes()).hexdigest()
    glyphs = TTFont(str(OUTPUT))["maxp"].numGlyphs
    print(f"{OUTPUT.relative_to(ROOT)}: {OUTPUT.stat().st_size} bytes, {glyphs} glyphs, sha256 {digest}")


if __name__ == "__main__":
    main()
