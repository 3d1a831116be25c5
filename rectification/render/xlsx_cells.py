"""The cells every workbook table holds, and their looks: value types, tints, formats made once per look."""

from __future__ import annotations

import re
from copy import copy
from datetime import date
from typing import Literal, NamedTuple

from xlsxwriter import Workbook
from xlsxwriter.format import Format

CELL = {"border": 1, "border_color": "#BFBFBF", "valign": "top"}


HEADER = {"bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "align": "center", "valign": "vcenter"}
UNLOCKED = {"locked": False, "bg_color": "#FFF9E5"}  # editable under sheet protection, and tinted so it shows


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


UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")  # what xml_safe() removes


FIXED_WIDTHS: dict[type, int] = {type(None): 0, date: 10, float: 6}  # other values: their str()'s length


MAX_STRING = 32767  # UTF-16 units in a cell, as XlsxWriter cuts them


Cell = str | int | float | date | None


class Column(NamedTuple):
    header: str
    tinted: bool = True  # takes the row's red/yellow fill
    locked: bool = True  # False: editable once the sheet is protected (a department's 填报 columns)


class Row(NamedTuple):
    cells: tuple[Cell, ...]
    tint: Tint | None = None


def table_columns(headers: str) -> tuple[Column, ...]:
    """“单位 | 文件” → (Column("单位"), Column("文件")): a table's headers written as one line."""
    return tuple(Column(h.strip()) for h in headers.split("|"))


class Styles:
    """One xlsxwriter format per combination of value type and tint, made on first use."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.cache: dict[tuple[type | None, Tint | None, bool], Format] = {}
        self.by_type: dict[tuple[type, Tint | None, bool], Format] = {}
        self.header = _add_format(book, "header", {**CELL, **HEADER})

    def get(self, value: Cell, tint: Tint | None, locked: bool = True) -> Format:
        fmt = self.by_type.get((type(value), tint, locked))
        if fmt is None:
            kind = next((t for t in NUMBER_FORMATS if isinstance(value, t)), None)
            if (kind, tint, locked) not in self.cache:
                props = {**CELL, **(NUMBER_FORMATS[kind] if kind else {}), **(TINTS[tint] if tint else {})}
                props |= {} if locked else UNLOCKED
                self.cache[kind, tint, locked] = _add_format(self.book, (kind, tint, locked), props)
            fmt = self.by_type[type(value), tint, locked] = self.cache[kind, tint, locked]
        return fmt


_PROTOTYPES: dict[object, Format] = {}  # one format per look (and default properties), copied into each workbook


def _add_format(book: Workbook, look: object, props: dict[str, object]) -> Format:
    """book.add_format(props), copied from the first one made (XlsxWriter takes about 25 µs to build a format
    from its properties, and a summary has a dozen): the copy is tied to this book as add_format() ties it."""
    key = (look, *book.default_format_properties.items())
    prototype = _PROTOTYPES.get(key)
    if prototype is None:
        prototype = _PROTOTYPES[key] = Format({**book.default_format_properties, **props})  # as add_format()
    fmt = copy(prototype)
    fmt.xf_format_indices, fmt.dxf_format_indices = book.xf_format_indices, book.dxf_format_indices
    book.formats.append(fmt)
    return fmt


def truncated(text: str) -> str:
    """At most 32,767 UTF-16 units, as XlsxWriter's write_string() cuts a longer text."""
    encoded = text.encode("utf-16-le")
    if len(encoded) // 2 <= MAX_STRING:
        return text
    return encoded[: 2 * MAX_STRING].decode("utf-16-le", "ignore")


def pixels(height: float) -> int:
    """A height in points as set_row() stores it."""
    return int(height * 4.0 / 3.0 + 0.5)
