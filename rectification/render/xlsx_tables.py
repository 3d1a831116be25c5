"""Workbook tables as every output lays them out: a header, rows, fitted widths, tints; with xlsxwriter.

A table's cells are written by `TableSheet` as finished `<row>` XML, the very bytes XlsxWriter's per-cell
write_*() calls would produce (tests/test_xlsx_tables.py compares the two, part by part): XlsxWriter spends about
8 µs a cell storing it and writing it out again at close(), this under 1 µs; the rows then go from it straight
into the zip (zip_writer). Everything else about a sheet (columns, panes, filter, print setup, charts, the styles)
is XlsxWriter's own, and so is the shared-strings part but for its plain strings, written in one go.

This leans on XlsxWriter internals that have not changed in years: the worksheet's _write_sheet_data,
_get_range_data, _check_dimensions, _convert_date_time, str_table (string_table, count) and _escape_attributes;
Format._get_xf_index and its xf/dxf index tables, the workbook's formats and default_format_properties; the
packager's _write_shared_strings_file and _filename, SharedStrings._write_sst_strings and _write_si; the name
ZipFile in xlsxwriter.workbook. tests/test_xlsx_tables.py compares every part with XlsxWriter's own and fails
first if one changes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from copy import copy
from datetime import date
from functools import cache, partial
from io import BytesIO
from itertools import zip_longest
from math import ceil, isfinite
from typing import BinaryIO, Literal, NamedTuple
from zipfile import ZIP_DEFLATED, ZipInfo

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from rectification.core.text import plain, xml_safe
from rectification.render.zip_writer import ZipWriter, pack, pack_pieces

# Text is written as shared strings only; these options keep xlsxwriter from second-guessing it anywhere else.
WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
ROWS_PER_PIECE = 1_000  # a large table's rows are encoded and deflated this many at a time
MAX_WIDTH = 60  # column width cap, in Excel's character units
# Measured line widths kept from one workbook to the next (headers, owners, statuses repeat down a batch); one
# workbook's own are never evicted while it is written (at 100,000 measures a bounded cache lost them between tables).
WIDTH_CACHE_KEPT = 16_384
WIDTH_CAPS = {"问题类别": 20, "问题": 30, "整改措施": 40}  # so 措施明细 prints at a readable scale
LINE_HEIGHT = 15  # points a line of 11 pt text
MAX_ROW_HEIGHT = 409  # points: Excel's largest row height
HEADER_WIDTH_CAP = 14  # longer headers wrap rather than widen a column of short values
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


class _PlainNumbers:
    """XlsxWriter's attribute escaping, with a number handed back at once: its own raises and catches a
    TypeError for each (about 1 µs, and a workbook's XML has a few hundred numeric attributes)."""

    def _escape_attributes(self, attribute):
        return super()._escape_attributes(attribute) if isinstance(attribute, str) else attribute


class TableSheet(_PlainNumbers, Worksheet):
    """A worksheet that takes a whole table at once and keeps it as <row> XML until close() packs it.

    Only write_table() puts cells on it. What it writes is exactly what XlsxWriter's write_string/_number/
    _datetime/_blank calls would: shared-string and format numbers are handed out in the order the cells come,
    sheet by sheet, as XlsxWriter does at close(); rows carry the same spans and heights.
    """

    def __init__(self) -> None:
        super().__init__()
        self.rows_xml: list[str] = []
        self.streamed = False  # set by _PackedZip: the rows go straight into the zip, not through the sheet's XML
        self.values: list[tuple[Cell, ...]] = []  # each row's cells as written (0: the header), for chart caches

    def add_table(
        self,
        styles: Styles,
        columns: Sequence[Column],
        rows: Sequence[tuple[Cell, ...]],
        tints: Sequence[Tint | None],
        heights: Sequence[float | None],
    ) -> None:
        width = len(columns)
        letters = [xl_col_to_name(c) for c in range(width)]
        lengths = [width, *map(len, rows)]
        spans = [max(lengths[b : b + 16]) for b in range(0, len(lengths), 16)]  # XlsxWriter's blocks of 16 rows
        string_index = self.str_table._get_shared_string_index
        known = self.str_table.string_table  # a string met before is looked up here; only new ones take the call
        repeats = 0  # …and are added to the table's count at the end, as the call would have
        serials: dict[date, float] = {}
        # ' s="N"' for each row tint, column and value type, made when first met (so numbered in cell order)
        attrs: dict[Tint | None, list[dict[type, str]]] = {t: [{} for _ in columns] for t in set(tints)}
        heads = [f' s="{styles.header._get_xf_index()}" t="s"><v>{string_index(c.header)}' for c in columns]
        self.rows_xml.append(
            f'<row r="1" spans="1:{width}">'
            + "".join(f'<c r="{letters[c]}1"{head}</v></c>' for c, head in enumerate(heads))
            + "</row>"
        )
        self.values = [tuple(c.header for c in columns), *rows]
        last = 0
        opens = [f'<c r="{letter}' for letter in letters]
        for r, (values, tint, height) in enumerate(zip(rows, tints, heights, strict=True), 1):
            if not values:
                continue  # nothing written, no <row>: as XlsxWriter leaves a row without cells
            last, row = r, str(r + 1)
            ht = f' ht="{_pixels(height) * 0.75:.16g}" customHeight="1"' if height else ""
            parts = [f'<row r="{row}" spans="1:{spans[r >> 4]}"{ht}>']
            row_attrs = attrs[tint]
            for c, value in enumerate(values):
                kind = value.__class__
                s = row_attrs[c].get(kind)
                if s is None:
                    fmt = styles.get(value, tint if columns[c].tinted else None, columns[c].locked)
                    s = row_attrs[c][kind] = f' s="{fmt._get_xf_index()}"'
                if isinstance(value, str) and value:  # the common cell first
                    if len(value) > MAX_STRING // 2:
                        value = _truncated(value)
                    index = known.get(value)
                    if index is None:
                        index = string_index(value)
                    else:
                        repeats += 1
                    parts.append(f'{opens[c]}{row}"{s} t="s"><v>{index}</v></c>')
                elif value is None or isinstance(value, str):
                    parts.append(f'{opens[c]}{row}"{s}/>')
                elif isinstance(value, date):
                    serial = serials.get(value)
                    if serial is None:
                        serial = serials[value] = self._convert_date_time(value)
                    parts.append(f'{opens[c]}{row}"{s}><v>{serial:.16G}</v></c>')
                else:
                    if not isfinite(value):
                        raise TypeError("NAN/INF not supported in write_number()")  # as XlsxWriter says
                    parts.append(f'{opens[c]}{row}"{s}><v>{value:.16G}</v></c>')
            parts.append("</row>")
            self.rows_xml.append("".join(parts))
        self.str_table.count += repeats
        self._check_dimensions(0, 0)
        self._check_dimensions(last, width - 1)
        # What set_row() would keep for placing a chart; its other record, row_info, only feeds the <row>s above.
        self.row_sizes.update({r: [_pixels(h), False] for r, h in enumerate(heights, 1) if h})

    def _get_range_data(self, row_start: int, col_start: int, row_end: int, col_end: int) -> list[str | None]:
        """XlsxWriter's look-up of the cells a chart shows, for the chart's cached values (as its own does)."""
        data: list[str | None] = []
        for r in range(row_start, row_end + 1):
            cells = self.values[r] if r < len(self.values) else ()
            if not cells:
                data.append(None)  # a row without cells: one None, whatever the columns
                continue
            for c in range(col_start, col_end + 1):
                data.append(self._cached(cells[c]) if c < len(cells) else None)
        return data

    def _cached(self, value: Cell) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            return _truncated(value) if len(value) > MAX_STRING // 2 else value
        number = self._convert_date_time(value) if isinstance(value, date) else value
        return f"{number:.16g}"

    @property
    def rows_mark(self) -> str:
        """Where the rows go in the sheet's XML while it is packed (no XML holds a NUL)."""
        return f"\x00{self.index}\x00"

    def _write_sheet_data(self) -> None:
        """XlsxWriter's step that writes <sheetData> at close(): the rows as kept, or their mark for xml_pieces()."""
        if not self.rows_xml:
            super()._write_sheet_data()
        elif self.streamed:
            self.fh.write(f"<sheetData>{self.rows_mark}</sheetData>")
        else:
            self.fh.write(f"<sheetData>{''.join(self.rows_xml)}</sheetData>")
            self.rows_xml = []

    def xml_pieces(self, head: bytes, tail: bytes) -> Iterator[bytes]:
        """The sheet's XML as packed: what XlsxWriter wrote around the rows' mark, the rows a block at a time
        between, each block let go once yielded (at 100,000 measures the rows' text is about 70 MB)."""
        yield head
        rows, self.rows_xml = self.rows_xml, []
        for start in range(0, len(rows), ROWS_PER_PIECE):
            end = start + ROWS_PER_PIECE
            yield "".join(rows[start:end]).encode()
            rows[start:end] = [""] * len(rows[start:end])
        yield tail


class TableBook(_PlainNumbers, Workbook):
    """A workbook whose add_worksheet() makes TableSheets, zipped by ZipWriter."""

    worksheet_class = TableSheet

    def _store_workbook(self) -> None:
        with _packing([sheet for sheet in self.worksheets() if isinstance(sheet, TableSheet) and sheet.rows_xml]):
            super()._store_workbook()

    def _get_packager(self) -> Packager:
        return _Packager()


class _Packager(Packager):
    """XlsxWriter's packaging, with the shared strings written by _SharedStrings."""

    def _write_shared_strings_file(self) -> None:  # as Packager's own, with the class swapped
        if not self.workbook.str_table.count:
            return
        strings = _SharedStrings()
        strings.string_table = self.workbook.str_table
        strings._set_xml_writer(self._filename("xl/sharedStrings.xml"))
        strings._assemble_xml_file()


# What makes XlsxWriter write a shared string other than as <si><t>text</t></si>: characters to escape (U+FFFE
# and U+FFFF as _xFFFE_), an _xHHHH_ look-alike, leading or trailing white space (xml:space="preserve"), a rich
# string (starts with <r>).
SPECIAL_STRING = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")


class _SharedStrings(_PlainNumbers, SharedStrings):
    """The shared-strings part, plain strings written in one go (XlsxWriter spends about 3 µs on each)."""

    def _write_sst_strings(self) -> None:
        plain: list[str] = []
        for text in self.string_table.string_array:
            if SPECIAL_STRING.search(text) is None:
                plain.append(text)
                continue
            self.fh.write("".join([f"<si><t>{t}</t></si>" for t in plain]))
            plain.clear()
            self._write_si(text)
        self.fh.write("".join([f"<si><t>{t}</t></si>" for t in plain]))


class _PackedZip:
    """What XlsxWriter's packaging asks of a zipfile.ZipFile (writestr, close), packed by ZipWriter; a sheet's
    XML holding a TableSheet's rows mark gets its rows there, straight from the TableSheet."""

    compression = ZIP_DEFLATED  # XlsxWriter copies it into each part's ZipInfo

    def __init__(
        self, file: BinaryIO, mode: str = "w", *, sheets: Sequence[TableSheet] = (), **options: object
    ) -> None:
        self.file, self.package = file, ZipWriter()
        self.sheets = {sheet.rows_mark.encode(): sheet for sheet in sheets}
        for sheet in sheets:  # made before any part is written: the rows may be left to it
            sheet.streamed = True

    def writestr(self, info: ZipInfo, data: bytes) -> None:
        if info.filename.startswith("xl/worksheets/") and b"\x00" in data:
            for mark, sheet in self.sheets.items():
                if (at := data.find(mark)) >= 0:
                    pieces = sheet.xml_pieces(data[:at], data[at + len(mark) :])
                    self.package.add(pack_pieces(info.filename, pieces, info.date_time))
                    return
        self.package.add(pack(info.filename, data, info.date_time))

    def close(self) -> None:
        self.file.write(self.package.getvalue())


@contextmanager
def _packing(sheets: Sequence[TableSheet]) -> Iterator[None]:
    """XlsxWriter's packaging with its parts zipped by ZipWriter, at zip_writer.DEFLATE_LEVEL, not zlib's default 6.

    XlsxWriter offers no setting for either: while it zips, the name its packaging uses for zipfile.ZipFile is
    swapped for _PackedZip. Should a later XlsxWriter no longer use it, the workbook is still written, by zipfile
    (the sheets' rows then go into their XML: only a _PackedZip made for them tells them to wait for it).
    """
    import xlsxwriter.workbook as packaging

    saved = getattr(packaging, "ZipFile", None)
    if saved is None:
        yield
        return
    packaging.ZipFile = partial(_PackedZip, sheets=sheets)
    try:
        yield
    finally:
        packaging.ZipFile = saved


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


def _truncated(text: str) -> str:
    """At most 32,767 UTF-16 units, as XlsxWriter's write_string() cuts a longer text."""
    encoded = text.encode("utf-16-le")
    if len(encoded) // 2 <= MAX_STRING:
        return text
    return encoded[: 2 * MAX_STRING].decode("utf-16-le", "ignore")


def _pixels(height: float) -> int:
    """A height in points as set_row() stores it."""
    return int(height * 4.0 / 3.0 + 0.5)


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
