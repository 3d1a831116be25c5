"""The XlsxWriter shim: a worksheet that takes a whole table at once, and packing through zip_writer.

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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from functools import partial
from math import isfinite
from typing import BinaryIO
from zipfile import ZIP_DEFLATED, ZipInfo

from xlsxwriter import Workbook
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from rectification.render.xlsx_cells import MAX_STRING, Cell, Column, Styles, Tint, pixels, truncated
from rectification.render.zip_writer import ZipWriter, pack, pack_pieces

ROWS_PER_PIECE = 1_000  # a large table's rows are encoded and deflated this many at a time


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
            ht = f' ht="{pixels(height) * 0.75:.16g}" customHeight="1"' if height else ""
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
                        value = truncated(value)
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
        self.row_sizes.update({r: [pixels(h), False] for r, h in enumerate(heights, 1) if h})

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
            return truncated(value) if len(value) > MAX_STRING // 2 else value
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
