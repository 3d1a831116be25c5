"""Workbook tables as every output lays them out: a header, rows, fitted widths, tints, print setup.

The cells are written by `xlsx_shim.TableSheet` (XlsxWriter's own bytes at a tenth of the cost); any other
worksheet gets XlsxWriter's per-cell calls.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date
from functools import cache
from io import BytesIO
from itertools import zip_longest
from math import ceil

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from rectification.core.text import plain, xml_safe
from rectification.render.xlsx_cells import FIXED_WIDTHS, UNSAFE, Cell, Column, Row, Styles, Tint, table_columns
from rectification.render.xlsx_shim import TableBook, TableSheet

__all__ = ["Cell", "Column", "Row", "Tint", "new_workbook", "table_columns", "write_table"]

# Text is written as shared strings only; these options keep xlsxwriter from second-guessing it anywhere else.
WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


MAX_WIDTH = 60  # column width cap, in Excel's character units


# Measured line widths kept from one workbook to the next (headers, owners, statuses repeat down a batch); one
# workbook's own are never evicted while it is written (at 100,000 measures a bounded cache lost them between tables).
WIDTH_CACHE_KEPT = 16_384


WIDTH_CAPS = {"问题类别": 20, "问题": 30, "整改措施": 40}  # so 措施明细 prints at a readable scale


LINE_HEIGHT = 15  # points a line of 11 pt text


MAX_ROW_HEIGHT = 409  # points: Excel's largest row height


HEADER_WIDTH_CAP = 14  # longer headers wrap rather than widen a column of short values


def new_workbook() -> tuple[Workbook, BytesIO, Styles]:
    """A workbook written into a buffer, the buffer, and its formats.

    XlsxWriter keeps each part in memory until close() zips it; a table's rows are not in those parts but
    deflated straight from the rows as prepared (see TableSheet), so a large workbook takes no second copy.
    """
    if _line_width.cache_info().currsize > WIDTH_CACHE_KEPT:  # a batch's memory stays flat
        _line_width.cache_clear()
    buffer = BytesIO()
    book = TableBook(buffer, WORKBOOK_OPTIONS)
    return book, buffer, Styles(book)


def write_table(
    sheet: Worksheet, styles: Styles, columns: Sequence[Column], rows: Sequence[Row], filtered: bool = False
) -> None:
    """Every sheet's layout: header, rows, fitted widths, frozen header, filter and print setup.

    Row heights follow the wrapped text (neither Excel nor LibreOffice refits on opening), at most Excel's 409 pt.
    """
    cells = _safe(rows, len(columns))
    widths, lines = _fit(columns, cells)
    heights = [min(LINE_HEIGHT * n, MAX_ROW_HEIGHT) if n > 1 else None for n in lines]
    for c, width in enumerate(widths):
        sheet.set_column(c, c, width)
    if isinstance(sheet, TableSheet):
        sheet.add_table(styles, columns, cells, [row.tint for row in rows], heights)
    else:  # any other worksheet: XlsxWriter's own calls, a cell at a time
        for r, height in enumerate(heights, 1):
            if height:
                sheet.set_row(r, height)
        for c, column in enumerate(columns):
            sheet.write_string(0, c, column.header, styles.header)
        for r, (values, row) in enumerate(zip(cells, rows, strict=True), 1):
            for c, (value, column) in enumerate(zip(values, columns, strict=False)):
                _write(sheet, r, c, value, styles.get(value, row.tint if column.tinted else None, column.locked))
    sheet.freeze_panes(1, 0)
    if filtered:
        sheet.autofilter(0, 0, sum(1 for row in rows if row.tint != "total"), len(columns) - 1)
    _print_setup(sheet)


def _safe(rows: Sequence[Row], width: int) -> list[tuple[Cell, ...]]:
    """Each row's cells under the table's columns, their text without control characters (raw or _x0007_-escaped).

    Each distinct text is looked at once (owners, statuses and titles repeat down a table); a row holding one
    that needs it has all its texts made safe, as before. Most rows need no change.
    """
    cells = [row.cells[:width] for row in rows]
    texts = {v for values in cells for v in values if isinstance(v, str)}
    unsafe = {t for t in texts if not plain(t, lines=True) and UNSAFE.search(t) is not None}
    if not unsafe:
        return cells
    return [
        tuple(xml_safe(v) if isinstance(v, str) else v for v in values)
        if any(isinstance(v, str) and v in unsafe for v in values)
        else values
        for values in cells
    ]


def _fit(columns: Sequence[Column], cells: Sequence[tuple[Cell, ...]]) -> tuple[list[float], list[int]]:
    """Each column's width and each row's lines: a column is fitted to its widest line, long headers wrap,
    long text wraps at the column's cap; a row is as tall as its most wrapped cell. Distinct values are measured once.
    """
    widths: list[float] = []
    lines = [1] * len(cells)
    by_column = list(zip_longest(*cells))  # rows may be shorter than the columns: None fills in
    for c, column in enumerate(columns):
        values = by_column[c] if c < len(by_column) else (None,) * len(cells)
        texts = {v: _text_width(v) for v in set(values) if isinstance(v, str)}
        kinds = {k for k in {v.__class__ for v in values} if not issubclass(k, str)}  # texts are measured above
        others = {(kind, v): _other_width(v) for kind in kinds for v in _of(kind, values)}
        widest = max((*texts.values(), *others.values()), default=-2) + 2
        header = min(_line_width(column.header) + 3, HEADER_WIDTH_CAP)
        width = min(max(widest, header), WIDTH_CAPS.get(column.header, MAX_WIDTH))
        widths.append(width)
        room = width - 1
        # Only a text wider than the room, or of several lines, takes more than one line.
        wrapped = {t: n for t, w in texts.items() if (w > room or "\n" in t) and (n := _text_lines(t, room)) > 1}
        wrapped_others = {key: ceil(w / room) for key, w in others.items() if w > room}
        if wrapped or wrapped_others:
            for i, v in enumerate(values):
                n = wrapped.get(v, 1) if isinstance(v, str) else wrapped_others.get((v.__class__, v), 1)
                if n > lines[i]:
                    lines[i] = n
    return widths, lines


def _of(kind: type, values: Sequence[Cell]) -> set[Cell]:
    """The distinct values of one type (so that 1, 1.0 and True stay apart)."""
    return {v for v in values if v.__class__ is kind}


def _text_lines(text: str, room: float) -> int:
    """Lines a text takes in a column with room for this many characters."""
    return sum(ceil(_line_width(line) / room) or 1 for line in text.split("\n"))


def _print_setup(sheet: Worksheet) -> None:
    """Landscape A4, one page wide, the header row on every page."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.repeat_rows(0)
    sheet.fit_to_pages(1, 0)
    sheet.set_footer("&C第 &P 页，共 &N 页")


def _write(sheet: Worksheet, row: int, col: int, value: Cell, fmt: Format) -> None:
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        sheet.write_string(row, col, value, fmt)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, fmt)
    else:
        sheet.write_number(row, col, value, fmt)


def _text_width(text: str) -> int:
    """The widest line of a text."""
    return max(map(_line_width, text.split("\n"))) if "\n" in text else _line_width(text)


def _other_width(value: Cell) -> int:
    width = FIXED_WIDTHS.get(type(value))
    return len(str(value)) if width is None else width


@cache  # titles, owners and deadlines repeat across tables and workbooks; new_workbook() bounds it
def _line_width(line: str) -> int:
    """Display width: CJK and other wide characters count 2."""
    return len(line) if line.isascii() else sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
