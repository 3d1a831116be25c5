"""Workbook tables as every output lays them out: a header, rows, fitted widths, tints; with xlsxwriter."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from io import BytesIO
from math import ceil
from typing import Literal, NamedTuple

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from .text import xml_safe

# Text is written with write_string only; these options keep xlsxwriter from second-guessing it anywhere else.
WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
MAX_WIDTH = 60  # column width cap, in Excel's character units
WIDTH_CAPS = {
    "问题类别": 20,
    "问题": 30,
    "整改措施": 40,
    "佐证材料": 30,
    "备注": 30,
}  # so 措施明细 prints at a readable scale
LINE_HEIGHT = 15  # points a line of 11 pt text
HEADER_WIDTH_CAP = 14  # longer headers wrap rather than widen a column of short values
CELL = {"border": 1, "border_color": "#BFBFBF", "valign": "top"}
HEADER = {"bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "align": "center", "valign": "vcenter"}
Tint = Literal["red", "yellow", "total", "heading"]
# A row's look: red/yellow as Excel's Bad/Neutral cell styles, a bold total, a sub-heading like the header.
TINTS: dict[Tint, dict[str, object]] = {
    "red": {"bg_color": "#FFC7CE", "font_color": "#9C0006"},
    "yellow": {"bg_color": "#FFEB9C", "font_color": "#9C5700"},
    "total": {"bold": True, "bg_color": "#F2F2F2"},
    "heading": HEADER,
}
# Formats follow the value's type: floats in these workbooks are always rates; numbers and dates are centred.
NUMBER_FORMATS: dict[type, dict[str, object]] = {
    str: {"text_wrap": True},
    date: {"num_format": "yyyy-mm-dd", "align": "center"},
    float: {"num_format": "0.0%", "align": "center"},
    int: {"align": "center"},
}

Cell = str | int | float | date | None


class Column(NamedTuple):
    header: str
    tinted: bool = True  # takes the row's red/yellow fill


class Row(NamedTuple):
    cells: tuple[Cell, ...]
    tint: Tint | None = None


def table_columns(headers: str) -> tuple[Column, ...]:
    """“单位 | 文件” → (Column("单位"), Column("文件")): a table's headers written as one line."""
    return tuple(Column(h.strip()) for h in headers.split("|"))


def new_workbook() -> tuple[Workbook, BytesIO, Styles]:
    """An in-memory workbook, its buffer, and its formats."""
    buffer = BytesIO()
    book = Workbook(buffer, WORKBOOK_OPTIONS)
    return book, buffer, Styles(book)


class Styles:
    """One xlsxwriter format per combination of value type and tint, made on first use."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.cache: dict[tuple[type | None, Tint | None], Format] = {}
        self.by_type: dict[tuple[type, Tint | None], Format] = {}
        self.header = book.add_format({**CELL, **HEADER})

    def get(self, value: Cell, tint: Tint | None) -> Format:
        fmt = self.by_type.get((type(value), tint))  # one dict look-up per cell: 10,000-row sheets call this a lot
        if fmt is None:
            kind = next((t for t in NUMBER_FORMATS if isinstance(value, t)), None)
            if (kind, tint) not in self.cache:
                props = {**CELL, **(NUMBER_FORMATS[kind] if kind else {}), **(TINTS[tint] if tint else {})}
                self.cache[kind, tint] = self.book.add_format(props)
            fmt = self.by_type[type(value), tint] = self.cache[kind, tint]
        return fmt


def write_table(
    sheet: Worksheet, styles: Styles, columns: Sequence[Column], rows: Sequence[Row], filtered: bool = False
) -> None:
    """Every sheet's layout: header, rows, fitted widths, frozen header, filter and print setup."""
    rows = [Row(tuple(xml_safe(v) if isinstance(v, str) else v for v in row.cells), row.tint) for row in rows]
    measured = [[_line_widths(v) for v in row.cells] for row in rows]  # each cell's lines, measured once
    widths = [_width(col.header, [cells[c] for cells in measured if c < len(cells)]) for c, col in enumerate(columns)]
    for c, column in enumerate(columns):
        sheet.set_column(c, c, widths[c])
        sheet.write_string(0, c, column.header, styles.header)
    for r, (row, cells) in enumerate(zip(rows, measured, strict=True), 1):
        if height := _height(cells, widths):
            sheet.set_row(r, height)
        for c, (column, value) in enumerate(zip(columns, row.cells, strict=False)):
            _write(sheet, r, c, value, styles.get(value, row.tint if column.tinted else None))
    sheet.freeze_panes(1, 0)
    if filtered:
        sheet.autofilter(0, 0, sum(1 for row in rows if row.tint != "total"), len(columns) - 1)
    _print_setup(sheet)


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


def _width(header: str, cells: Iterable[tuple[int, ...]]) -> float:
    """Fitted to the widest line; long headers wrap; long text wraps at the column's cap."""
    widest = max((max(lines) + 2 for lines in cells), default=0)
    return min(max(widest, min(_line_width(header) + 3, HEADER_WIDTH_CAP)), WIDTH_CAPS.get(header, MAX_WIDTH))


def _height(cells: Sequence[tuple[int, ...]], widths: Sequence[float]) -> float | None:
    """A row's height for its wrapped text (neither Excel nor LibreOffice refits on opening); None for one line."""
    lines = max(
        (
            sum(ceil(w / (width - 1)) or 1 for w in c)
            for c, width in zip(cells, widths, strict=False)
            if len(c) > 1 or c[0] > width - 1  # a single line that fits needs no sum
        ),
        default=1,
    )
    return min(LINE_HEIGHT * lines, 409) if lines > 1 else None  # 409 pt: Excel's limit for a row


def _line_widths(value: Cell) -> tuple[int, ...]:
    if isinstance(value, str):
        return tuple(map(_line_width, value.split("\n"))) if "\n" in value else (_line_width(value),)
    return ({type(None): 0, date: 10, float: 6}.get(type(value), len(str(value))),)


@lru_cache(maxsize=4096)  # titles, owners and deadlines repeat down a ledger
def _line_width(line: str) -> int:
    """Display width: CJK and other wide characters count 2."""
    return len(line) if line.isascii() else sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
