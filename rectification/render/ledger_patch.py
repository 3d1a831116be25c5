"""The merged ledger as bytes: the clerk's package with only the filled-in cells changed.

openpyxl's load and save would rewrite every part (and drop what it does not know: x14 validations, slicers,
conditional-format extensions). Here the ledger sheet's XML is patched cell by cell, and every other part is
copied as it was, in its order, under its name, date and compression. A cell keeps its style; text goes in as an
inline string, so the shared strings stay untouched; a date goes in as a serial number where the cell's style shows
dates (a blank unformatted cell takes the style of its column's dates), as text (2025-12-01) elsewhere. A cell this cannot write safely is handed back with its reason.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from rectification.core.dates import WINDOWS_1900
from rectification.core.text import escape_xml, xml_safe
from rectification.read.access import WorkbookUnusable
from rectification.read.sheet_xml import column_letters, column_number
from rectification.read.sheets import MAC_1904

# Numbers: at most 10 digits (int() refuses over 4,300; no row, style or format number has more than 10)
ROW = re.compile(rb"<(?P<p>[A-Za-z_][\w.-]*:)?row(?=[\s>/])(?P<a>[^>]*)>")
ROW_NUMBER = re.compile(rb"""\sr\s*=\s*["']([0-9]{1,10})["']""")
CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s>/])([^>]*)>")
CELL_REF = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]{1,3})\$?([0-9]{1,10})["']""")
STYLE = re.compile(rb"""\ss\s*=\s*["']([0-9]{1,10})["']""")
MERGE = re.compile(
    rb"""<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*ref\s*=\s*["']([A-Za-z]{1,3})([0-9]{1,10}):([A-Za-z]{1,3})([0-9]{1,10})["']"""
)
NUM_FMT = re.compile(
    rb"""<(?:\w+:)?numFmt\s[^>]*numFmtId\s*=\s*["']([0-9]{1,10})["'][^>]*formatCode\s*=\s*["']([^"']*)["']"""
)
CELL_XFS = re.compile(rb"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", re.S)
XF = re.compile(rb"<(?:\w+:)?xf\b([^>]*)>")
XF_NUM_FMT = re.compile(rb"""numFmtId\s*=\s*["']([0-9]{1,10})["']""")
DATE_FORMAT_IDS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}  # built-in date formats (CJK too)
DATE_CODE = re.compile(r"[ymd]", re.I)
UNPATCHABLE = "台账工作表的写法特殊（行或单元格没有写明位置），无法只改动填报的单元格。请用 Excel 或 WPS 打开台账另存一次后再合并。"
QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


@dataclass(frozen=True, slots=True)
class PatchCell:
    row: int
    column: int
    value: str | date


class PatchRefused(WorkbookUnusable):
    """The ledger sheet is written in a way cells cannot be found in safely (no r= on rows or cells)."""


def patch_package(data: bytes, part: str, cells: Sequence[PatchCell]) -> tuple[bytes, list[tuple[PatchCell, str]]]:
    """The package with these cells of one worksheet part set; and the cells not written, each with its reason."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        sheet = archive.read(part)
        styles = archive.read("xl/styles.xml") if "xl/styles.xml" in archive.namelist() else b""
        workbook = archive.read("xl/workbook.xml")
        epoch = MAC_1904 if re.search(rb"""date1904\s*=\s*["'](?:1|true)["']""", workbook) else WINDOWS_1900
        writable, refused = _through_merges(sheet, cells)
        patched, more = patch_sheet(sheet, writable, _date_styles(styles), epoch)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compresslevel=1) as target:  # as every output: fast, a little larger
            for info in infos:
                copy = zipfile.ZipInfo(info.filename, info.date_time)
                copy.compress_type, copy.external_attr = info.compress_type, info.external_attr
                # not extra: a ZIP64 record there would give sizes the new entry does not have
                copy.create_system, copy.comment = info.create_system, info.comment
                target.writestr(copy, patched if info.filename == part else archive.read(info))
    return out.getvalue(), refused + more


def _through_merges(sheet: bytes, cells: Sequence[PatchCell]) -> tuple[list[PatchCell], list[tuple[PatchCell, str]]]:
    """A cell inside a merge is written to the merge's first cell, when every row it spans got the same value."""
    merges = [
        (int(top), column_number(left), int(bottom), column_number(right))
        for left, top, right, bottom in MERGE.findall(sheet)
    ]
    if not merges:
        return list(cells), []
    by_place = {(c.row, c.column): c for c in cells}
    writable, refused, done = [], [], set()
    for cell in cells:
        merge = next((m for m in merges if m[0] <= cell.row <= m[2] and m[1] <= cell.column <= m[3]), None)
        if merge is None:
            writable.append(cell)
            continue
        if merge in done:
            continue
        top, left, bottom, right = merge
        spanned = [by_place.get((r, cell.column)) for r in range(top, bottom + 1)]
        values = {c.value for c in spanned if c is not None}
        if left == cell.column and None not in spanned and len(values) == 1:
            writable.append(PatchCell(top, left, cell.value))
        else:
            area = f"{column_letters(left)}{top}:{column_letters(right)}{bottom}"
            why = (
                f"台账中 {area} 是合并单元格，所含各行的填报值不同或未全部填报；请在台账中取消合并后再合并，或手工填写"
            )
            refused += [(c, why) for c in spanned if c is not None]
        done.add(merge)
    return writable, refused


def patch_sheet(
    xml: bytes, cells: Sequence[PatchCell], date_styles: set[int], epoch: datetime
) -> tuple[bytes, list[tuple[PatchCell, str]]]:
    """The worksheet XML with these cells replaced (or inserted in column order); everything else byte for byte."""
    wanted: dict[int, list[PatchCell]] = {}
    for cell in cells:
        wanted.setdefault(cell.row, []).append(cell)
    dated = {c.column for c in cells if isinstance(c.value, date)}
    column_styles = {column: _column_date_style(xml, column, date_styles) for column in dated}
    pieces, refused, at = [], [], 0
    for match in ROW.finditer(xml):
        number = ROW_NUMBER.search(match["a"])
        if number is None:
            raise PatchRefused(UNPATCHABLE)
        row = int(number[1])
        if row not in wanted or match["a"].endswith(b"/"):
            continue
        end = xml.find(b"</" + (match["p"] or b"") + b"row>", match.end())
        if end < 0:
            raise PatchRefused(UNPATCHABLE)
        body, notes = _patch_row(
            xml[match.end() : end], wanted.pop(row), match["p"] or b"", date_styles, epoch, column_styles
        )
        pieces += [xml[at : match.end()], body]
        refused += notes
        at = end
    pieces.append(xml[at:])
    for left in wanted.values():
        refused += [(c, "台账中找不到这一行") for c in left]
    return b"".join(pieces), refused


def _patch_row(
    body: bytes,
    cells: list[PatchCell],
    prefix: bytes,
    date_styles: set[int],
    epoch: datetime,
    column_styles: dict[int, int | None],
) -> tuple[bytes, list[tuple[PatchCell, str]]]:
    found: list[tuple[int, int, int, bytes]] = []  # (column, start, end, attributes) of each cell in the row
    for match in CELL.finditer(body):
        ref = CELL_REF.search(match[1])
        if ref is None:
            raise PatchRefused(UNPATCHABLE)
        closing = b"</" + prefix + b"c>"
        end = match.end() if match[1].endswith(b"/") else body.find(closing, match.end()) + len(closing)
        found.append((column_number(ref[1]), match.start(), end, match[1]))
    refused: list[tuple[PatchCell, str]] = []
    edits: list[tuple[int, int, bytes]] = []  # (start, end, new bytes): end == start for an insertion
    for cell in sorted(cells, key=lambda c: c.column):
        existing = next((f for f in found if f[0] == cell.column), None)
        if existing is not None and b"<" + prefix + b"f" in body[existing[1] : existing[2]]:
            refused.append((cell, "台账中该单元格是公式，未覆盖；请在台账中手工填写"))
            continue
        styled = STYLE.search(existing[3]) if existing else None
        style = int(styled[1]) if styled else None
        if not style and isinstance(cell.value, date):  # a blank, unformatted cell: as its column shows dates
            style = column_styles.get(cell.column) or style
        new = _cell_xml(cell, prefix, style, date_styles, epoch)
        if existing is not None:
            edits.append((existing[1], existing[2], new))
        else:
            after = next((f[1] for f in found if f[0] > cell.column), len(body))
            edits.append((after, after, new))
    pieces, at = [], 0
    for start, end, new in sorted(edits, key=lambda e: e[0]):
        pieces += [body[at:start], new]
        at = end
    pieces.append(body[at:])
    return b"".join(pieces), refused


def _cell_xml(cell: PatchCell, prefix: bytes, style: int | None, date_styles: set[int], epoch: datetime) -> bytes:
    p = prefix.decode()
    ref = f"{column_letters(cell.column)}{cell.row}"
    s = f' s="{style}"' if style is not None else ""
    if isinstance(cell.value, date):
        if style in date_styles:
            serial = (datetime.combine(cell.value, datetime.min.time()) - epoch).days
            return f'<{p}c r="{ref}"{s}><{p}v>{serial}</{p}v></{p}c>'.encode()
        text = cell.value.isoformat()
    else:
        text = xml_safe(cell.value).replace("\r\n", "\n").replace("\r", "\n")  # XML reads a bare CR as LF
    if not text:
        return f'<{p}c r="{ref}"{s}/>'.encode()
    escaped = escape_xml(text)
    return (
        f'<{p}c r="{ref}"{s} t="inlineStr"><{p}is><{p}t xml:space="preserve">{escaped}</{p}t></{p}is></{p}c>'.encode()
    )


def _column_date_style(xml: bytes, column: int, date_styles: set[int]) -> int | None:
    """The style of the first cell in this column that shows a date, if any."""
    pattern = re.compile(
        rb"""<(?:[A-Za-z_][\w.-]*:)?c\s+r\s*=\s*["']"""
        + column_letters(column).encode()
        + rb"""[0-9]{1,10}["']\s+s\s*=\s*["']([0-9]{1,10})["']"""
    )
    for match in pattern.finditer(xml):
        if int(match[1]) in date_styles:
            return int(match[1])
    return None


def _date_styles(styles: bytes) -> set[int]:
    """The cell-format numbers (s=) whose number format shows a date."""
    custom = {int(i) for i, code in NUM_FMT.findall(styles) if _is_date_code(code.decode("utf-8", "replace"))}
    block = CELL_XFS.search(styles)
    if block is None:
        return set()
    found = set()
    for index, xf in enumerate(XF.findall(block[0])):
        number = XF_NUM_FMT.search(xf)
        if number and (int(number[1]) in DATE_FORMAT_IDS or int(number[1]) in custom):
            found.add(index)
    return found


def _is_date_code(code: str) -> bool:
    bare = QUOTED.sub("", code.replace("&quot;", '"'))
    return DATE_CODE.search(bare) is not None and "General" not in bare
