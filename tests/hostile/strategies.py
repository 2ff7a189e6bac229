"""Hostile input: text, numbers, dates, files and spreadsheets that a careless or malicious person could
send to any form or import of the portal."""

import os
import zipfile
from io import BytesIO

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE


def examples(count: int) -> settings:
    """`count` examples in CI, ten times as many with HYPOTHESIS_PROFILE=dev."""
    scale = 10 if os.environ.get("HYPOTHESIS_PROFILE") == "dev" else 1
    return settings(max_examples=count * scale)


MARKUP = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "</textarea><script>alert(1)</script>",
    "{{ request.user.password }}",
    "{% debug %}",
)
FORMULAS = (
    '=HYPERLINK("http://x")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-1+1",
    "=1+1",
    "\t=1+1",
    "\r=1+1",
    "'=1+1",
    "''+1",
)
ODDITIES = (
    "\x00",
    "a\x00b",
    "\u202e",  # right-to-left override
    "\u200f\u200e",  # right-to-left and left-to-right marks
    "\ufeff",
    "\x0b\x0c\x1b",
    "%(count)s %s {0}",
    "'; DROP TABLE portal_user; --",
    "../../etc/passwd",
    "\r\n\r\n",
    "   ",
    "",
    "ع" * 50,
)
PAYLOADS = MARKUP + FORMULAS + ODDITIES

# Any character that can travel in a form post: lone surrogates cannot be encoded as UTF-8.
characters = st.characters(exclude_categories=("Cs",))
plain_text = st.text(alphabet=characters, max_size=60)


def long_text(limits=(150, 200, 500, 2000, 10_000, 100_000)):
    """Text at, just below and just above the portal's limits."""
    return st.builds(
        lambda size, offset, char: char * (size + offset),
        st.sampled_from(limits),
        st.sampled_from((-1, 0, 1)),
        st.sampled_from(("x", "é", "中", "<", "=")),
    )


hostile_text = st.one_of(
    st.sampled_from(PAYLOADS),
    plain_text,
    st.builds(lambda a, payload, b: a + payload + b, plain_text, st.sampled_from(PAYLOADS), plain_text),
    long_text(),
)
# Text that a person could have typed: what a spreadsheet would run or a page would interpret, and more.
dangerous_text = st.one_of(
    st.sampled_from(MARKUP + FORMULAS),
    st.builds(lambda payload, tail: payload + tail, st.sampled_from(MARKUP + FORMULAS), plain_text),
    st.builds(lambda start, tail: start + tail, st.sampled_from("=+-@\t\r"), plain_text),
)

number_text = st.one_of(
    st.sampled_from(
        (
            "NaN",
            "nan",
            "-NaN",
            "sNaN",
            "inf",
            "-inf",
            "Infinity",
            "-Infinity",
            "1e999",
            "-1e999",
            "1e-999",
            "1E+308",
            "0x10",
            "1_000",
            "1,5",
            "1.000,50",
            "1 000",
            "1\u00a0000",
            "١٢٣",
            "−5",
            "+5",
            "--5",
            "5-",
            ".",
            "-0",
            "00000000000000000000000000000000000001",
            "9" * 400,
            "0." + "0" * 400 + "1",
            "1/2",
            "½",
            "Ⅻ",
            "",
        )  # fmt: skip
    ),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    hostile_text,
)

date_text = st.one_of(
    st.sampled_from(
        (
            "0000-00-00",
            "2026-02-30",
            "2026-13-01",
            "2026-00-10",
            "9999-12-31",
            "0001-01-01",
            "10000-01-01",
            "-0001-01-01",
            "31/12/2026",
            "12/31/2026",
            "2026-1-1",
            "2026-01-01T25:00",
            "2026-01",
            "2026",
            "١٤٤٧-٠١-٠١",
            "tomorrow",
            "",
        )  # fmt: skip
    ),
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.strftime("%d.%m.%Y")),
    hostile_text,
)

ZIP_MAGIC = b"PK\x03\x04"
file_names = st.one_of(
    st.sampled_from(
        (
            "report.pdf",
            "answers.xlsx",
            "law.docx",
            "x.pdf.exe",
            "noextension",
            ".pdf",
            "../../etc/passwd.pdf",
            "<script>alert(1)</script>.pdf",
            "\u202efdp.exe",
            "=1+1.xlsx",
            "a" * 300 + ".pdf",
            "名前.pdf",
        )  # fmt: skip
    ),
    st.builds(lambda stem, ext: stem + ext, plain_text, st.sampled_from((".pdf", ".xlsx", ".csv", ""))),
)
file_bytes = st.one_of(
    st.binary(max_size=2048),
    st.builds(lambda body: b"%PDF-1.4\n" + body, st.binary(max_size=512)),
    st.builds(lambda body: ZIP_MAGIC + body, st.binary(max_size=512)),
    st.sampled_from((b"", b"\x00" * 64, b"<html><script>alert(1)</script></html>", b"=1+1,2\n")),
)


def upload_named(name: str, content: bytes) -> SimpleUploadedFile:
    try:
        return SimpleUploadedFile(name, content)
    except SuspiciousFileOperation:
        # Django derives no file name from "", "." or a path: the upload then arrives without a name.
        return SimpleUploadedFile("upload", content)


uploads = st.builds(upload_named, file_names, file_bytes)


def csv_text():
    """CSV-looking bytes: lines of hostile fields, in a few encodings."""
    line = st.lists(st.one_of(hostile_text, number_text), min_size=0, max_size=4).map(",".join)
    body = st.lists(line, max_size=6).map("\n".join)
    header = st.sampled_from(
        ("currency,units_per_usd\n", "units_per_usd,currency\n", "", "\ufeffcurrency;rate\n")
    )
    return st.builds(
        lambda head, text, encoding: (head + text).encode(encoding, errors="replace"),
        header,
        body,
        st.sampled_from(("utf-8", "utf-16", "latin-1")),
    )


# --- Spreadsheets ----------------------------------------------------------------------------------------


def cell_value():
    return st.one_of(
        st.none(),
        hostile_text,
        number_text,
        st.integers(),
        st.floats(allow_nan=True),
        st.booleans(),
        st.dates(),
        st.datetimes(),
    )


def cell_safe(value):
    # No spreadsheet program writes control characters into a cell; openpyxl refuses them too.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _mutate_workbook(data: bytes, edits, renames, deletions) -> bytes:
    workbook = load_workbook(BytesIO(data))
    sheets = workbook.worksheets
    for sheet_index, row, column, value in edits:
        sheets[sheet_index % len(sheets)].cell(row=row, column=column, value=cell_safe(value))
    for sheet_index, title in renames:
        sheet = sheets[sheet_index % len(sheets)]
        try:
            sheet.title = cell_safe(title)[:31] or "x"
        except ValueError:  # characters no sheet name may hold
            sheet.title = f"x{sheet_index}"
    for sheet_index in deletions:
        if len(workbook.worksheets) > 1:
            workbook.remove(workbook.worksheets[sheet_index % len(workbook.worksheets)])
    if all(sheet.sheet_state != "visible" for sheet in workbook.worksheets):
        workbook.worksheets[0].sheet_state = "visible"  # a workbook shows at least one sheet
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _corrupt_zip(data: bytes, positions, cut) -> bytes:
    damaged = bytearray(data)
    for position, byte in positions:
        damaged[position % len(damaged)] = byte
    return bytes(damaged[:cut]) if cut else bytes(damaged)


def _swap_member(data: bytes, member_index: int, content: bytes) -> bytes:
    """The same zip with one member's content replaced (e.g. the sheet XML by junk)."""
    source = zipfile.ZipFile(BytesIO(data))
    names = source.namelist()
    target = names[member_index % len(names)]
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name in names:
            out.writestr(name, content if name == target else source.read(name))
    return buffer.getvalue()


sheet_titles = st.one_of(
    st.sampled_from(("_meta", "UNTOC", "TIP", "Sheet", "_lists", "Questions")), plain_text
)


def mutated_workbook(data: bytes):
    """A valid workbook changed the way hands, programs or attackers change files: cells replaced by
    hostile values, sheets renamed or deleted, members of the zip replaced, bytes flipped, cut short."""
    edits = st.lists(
        st.tuples(st.integers(0, 5), st.integers(1, 40), st.integers(1, 12), cell_value()),
        min_size=1,
        max_size=8,
    )
    structured = st.builds(
        lambda e, r, d: _mutate_workbook(data, e, r, d),
        edits,
        st.lists(st.tuples(st.integers(0, 5), sheet_titles), max_size=2),
        st.lists(st.integers(0, 5), max_size=1),
    )
    raw = st.builds(
        lambda positions, cut: _corrupt_zip(data, positions, cut),
        st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 255)), max_size=6),
        st.one_of(st.just(0), st.integers(1, len(data))),
    )
    swapped = st.builds(
        lambda index, content: _swap_member(data, index, content),
        st.integers(0, 30),
        st.one_of(
            st.binary(max_size=256),
            st.just(b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>"),
        ),
    )
    return st.one_of(structured, structured, raw, swapped)
