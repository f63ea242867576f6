"""Fuzz the member-import reader: mutated workbooks and CSV files give rows or ImportFileError, nothing else.

Sizes are capped (a few kB a part) instead of asserting time. Derandomized so CI sees the same
examples every time; ``FUZZ_EXAMPLES=5000`` makes a longer, random local run.
"""

import io
import os
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members.importing.engine import _cell_text
from members.importing.readers import MAX_COLUMNS, ImportFileError, read_table

from .xlsx_parts import CHINESE, NS, SHEET, SST, base_workbook, shared, sheet, workbook

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize="FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SHEET_WITH_SHARED = sheet(
    '<row r="1" spans="1:4"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
    '<c r="C1" t="b"><v>1</v></c><c r="D1" t="str"><f>A1</f><v>=cmd|x</v></c></row>'
    '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>330106</v></c><c r="C2"><v>1.5E+3</v></c>'
    '<c r="D2" t="inlineStr"><is><r><rPr><color rgb="FF0000"/></rPr><t>红</t></r><t xml:space="preserve"> 字</t></is></c>'
    '<c r="E2" t="e"><v>#N/A</v></c><c r="F2" t="d"><v>2020-01-02T00:00:00</v></c></row>'
)
SHARED = shared("姓名", "身份证号", "甲 &amp; 乙")
PREFIXED = (
    f'<x:worksheet xmlns:x="{NS[7:-1]}"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>甲</x:t>'
    '</x:is></x:c><x:c r="B1"><x:v>7</x:v></x:c></x:row></x:sheetData></x:worksheet>'
).encode()
BASES = [
    base_workbook(),
    workbook({SST: SHARED, SHEET: SHEET_WITH_SHARED}),
    workbook({SHEET: PREFIXED}),
    workbook({SST: SHARED, SHEET: SHEET_WITH_SHARED}, method=zipfile.ZIP_STORED),
]
PARTS = [SHEET, SST, "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"]

# Tokens that exercise every branch of the reader: tags, broken tags, entities, declarations.
TOKENS = [
    "<row>", "</row>", '<row r="2">', '<row r="99999999">', "<row/>", "<row ", "<c>", "</c>", '<c r="B1">',
    '<c r="A1" t="s">', '<c t="inlineStr">', '<c r="ZZZ9">', "<c/>", "<v>", "</v>", "<v>1</v>", "<v>-1</v>",
    "<v>1e999</v>", "<v>x</v>", "<is><t>", "</t></is>", "<t>", "</t>", "<si>", "</si>", "<r>", "</r>",
    "<sheetData>", "</sheetData>", "<sheetData/>", "<f>SUM(A1)</f>", "&amp;", "&lt;", "&#0;", "&#x10FFFF;",
    "&nbsp;", "&b;", "<!-- c -->", "<![CDATA[<row>]]>", "<?pi <row>?>", '<!DOCTYPE a [<!ENTITY b "bb">]>',
    '<?xml version="1.0" encoding="GBK"?>', "\x00", "\ufeff", "身份证号", ">", "<", '"', "=HYPERLINK(1)",
]  # fmt: skip


def _part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name) if name in archive.namelist() else b""


def check(data: bytes, name: str = "名册.xlsx") -> None:
    """The reader's contract: rows of plain values within the caps, or ImportFileError in Chinese."""
    try:
        rows = list(read_table(data, name))
    except ImportFileError as exc:
        assert CHINESE.search(exc.message), exc.message
        return
    for number, values in rows:
        assert type(number) is int and len(values) <= MAX_COLUMNS
        for value in values:
            assert value is None or type(value) in (str, int, float, bool)
            assert type(_cell_text(value)) is str  # the engine's next step takes every value


bases = st.sampled_from(BASES)


@FUZZ
@given(bases, st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 255)), min_size=1, max_size=8))
def test_flipped_bytes(base, flips):
    data = bytearray(base)
    for position, mask in flips:
        data[position % len(data)] ^= mask
    check(bytes(data))


@FUZZ
@given(bases, st.integers(0, 10**6))
def test_truncated_file(base, cut):
    check(base[: cut % len(base)] or b"PK\x03\x04")


@FUZZ
@given(bases, st.sampled_from(PARTS), st.one_of(st.binary(max_size=2000), st.none()))
def test_part_replaced_by_random_bytes_or_removed(base, part, data):
    check(workbook({part: data}, base=base))


@FUZZ
@given(
    bases,
    st.sampled_from([SHEET, SST]),
    st.lists(
        st.tuples(
            st.floats(0, 1), st.one_of(st.sampled_from(TOKENS), st.text(max_size=30)), st.integers(0, 20)
        ),
        min_size=1,
        max_size=12,
    ),
)
def test_xml_of_sheet_or_shared_strings_spliced(base, part, edits):
    """Insert tokens at relative positions of the part's XML, deleting a few characters after each."""
    text = _part(base, part).decode("utf-8", "replace") or "<sst/>"
    for where, token, delete in edits:
        at = int(where * len(text))
        text = text[:at] + token + text[at + delete :]
    check(workbook({part: text.encode("utf-8", "surrogatepass")}, base=base))


xml_node = st.recursive(
    st.one_of(st.sampled_from(TOKENS), st.text(max_size=20)),
    lambda children: st.tuples(
        st.sampled_from(["row", "c", "v", "t", "is", "r", "si", "f", "sheetData", "x:row", "rPh"]),
        st.dictionaries(
            st.sampled_from(["r", "t", "s", "spans"]),
            st.sampled_from(["1", "A1", "s", "n", "inlineStr", "b", "-1", "ZZ"]),
            max_size=3,
        ),
        st.lists(children, max_size=5),
    ),
    max_leaves=40,
)


def _render(node) -> str:
    if isinstance(node, str):
        return node
    tag, attrs, children = node
    attributes = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return f"<{tag}{attributes}>{''.join(_render(c) for c in children)}</{tag}>"


@FUZZ
@given(st.lists(xml_node, max_size=6), st.lists(xml_node, max_size=6))
def test_random_xml_trees_in_sheet_and_shared_strings(sheet_nodes, shared_nodes):
    sheet_xml = sheet("".join(_render(n) for n in sheet_nodes))
    shared_xml = f"<sst {NS}>{''.join(_render(n) for n in shared_nodes)}</sst>"
    check(workbook({SHEET: sheet_xml, SST: shared_xml.encode("utf-8", "surrogatepass")}))


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=3000), st.text(max_size=1000).map(lambda t: t.encode("utf-8", "surrogatepass"))
    )
)
def test_random_csv(data):
    check(data or b"x", "名册.csv")


@FUZZ
@given(st.binary(max_size=3000), st.sampled_from(["名册.xlsx", "名册.xls", "名册.xlsm", "名册.docx", "名册"]))
def test_random_bytes_under_any_name(data, name):
    check(data or b"x", name)
