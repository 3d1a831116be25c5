"""The value readers: python-calamine for sheets of a sane area, openpyxl's sparse store for the rest.

calamine is about 10× faster but sizes a dense grid from a sheet's extent and aborts the process on a huge one;
such sheets go to openpyxl, from a slimmed copy holding only their cells, so that its cost follows the cells.
"""

from __future__ import annotations

import io
import re
import threading
import warnings
import zipfile
from collections.abc import Sequence

from rectification.read.sheet_xml import ATTRS, PREFIX, Extent, Sheet, SheetTooLarge

MAX_SPARSE_TAGS = 400_000  # <c> and <row> tags openpyxl may build objects for (~3 s)

WORKSHEET_START = re.compile(rb"<(" + PREFIX + rb"worksheet)(?=[\s/>])" + ATTRS + rb">")
SHEET_DATA_START = re.compile(rb"<(" + PREFIX + rb")sheetData(?=[\s/>])" + ATTRS + rb">")
SELF_CLOSING_CELL = re.compile(rb"<" + PREFIX + rb"c(?=[\s/>])" + ATTRS + rb"(?<=/)>")
SELF_CLOSING_ROW = re.compile(rb"<" + PREFIX + rb"row(?=[\s/>])" + ATTRS + rb"(?<=/)>")
ROW_START = re.compile(rb"<(" + PREFIX + rb")row(?=[\s>])" + ATTRS + rb"(?<!/)>")


def rewritten(data: bytes, replaced: dict[str, bytes], dropped: tuple[str, ...] = ()) -> bytes:
    """The package with some parts' bytes replaced and some left out; stored, not compressed (fast)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for item in source.infolist():
            if item.filename in dropped or item.filename.startswith(dropped):
                continue
            target.writestr(item.filename, replaced.get(item.filename) or source.read(item))
    return out.getvalue()


def _keep(value: object) -> bool:
    return value is not None and value != "" and not (isinstance(value, str) and not value.strip())


class CalamineLoad:
    """calamine parsing sheets in a thread: it releases the GIL while it parses, so the sheets' XML is scanned
    meanwhile (at 100,000 measures written by openpyxl, about 0.7 s of the 1.7 s it takes)."""

    def __init__(self, data: bytes, titles: list[str]) -> None:
        self.outcome: list[object] = []
        self.thread = threading.Thread(target=self._load, args=(data, titles), name="calamine", daemon=True)
        self.thread.start()

    def _load(self, data: bytes, titles: list[str]) -> None:
        try:
            from python_calamine import CalamineWorkbook

            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            self.outcome.append(
                (book, [book.get_sheet_by_name(title) for title in titles])
            )  # the title as calamine reads it: see xml_text
        except BaseException as error:  # handed to the reading thread
            self.outcome.append(error)

    def result(self) -> tuple[object, list]:
        self.thread.join()
        found = self.outcome[0]
        if isinstance(found, BaseException):
            raise found
        return found  # type: ignore[return-value]


def fill_with_calamine(load: CalamineLoad, sheets: list[Sheet]) -> None:
    """Each sheet's values, from calamine (started by CalamineLoad with the sheets' titles, in this order)."""
    book, sources = load.result()
    # One object for each distinct text: calamine makes a new str for every cell, while a ledger repeats its
    # owners, statuses, deadlines and categories down thousands of rows (every later stage walks fewer objects).
    texts: dict[str, str] = {}
    for source, sheet in zip(sources, sheets, strict=True):
        if source.start is None or source.end is None:  # an empty sheet, like the Sheet2 Excel adds
            continue
        # Row by row, so that each row's cells are kept or let go while fresh (a 100,000-row sheet read whole
        # first peaks about 90 MB higher). iter_rows() starts at row 1 but at the range's first column.
        last_row, last_column = source.end
        rows = 0
        for rows, row in enumerate(source.iter_rows(), 1):
            _keep_row(sheet, rows, row, last_column + 2 - len(row), texts)
        if rows != last_row + 1:  # a calamine that iterates otherwise: read the sheet whole, from A1
            sheet.values.clear()
            for r, row in enumerate(source.to_python(skip_empty_area=False), 1):
                _keep_row(sheet, r, row, 1, texts)
        if not sheet.merged:  # an .xls or .ods has no sheet XML to scan: calamine gives its merges (0-based)
            ranges = getattr(source, "merged_cell_ranges", None) or []
            sheet.merged = [(top + 1, left + 1, bottom + 1, right + 1) for (top, left), (bottom, right) in ranges]
    book.close()  # type: ignore[attr-defined]


def _keep_row(sheet: Sheet, number: int, row: Sequence[object], first_column: int, texts: dict[str, str]) -> None:
    # _keep() inlined (a 100,000-row sheet has 1.4 million cells): "" is calamine's empty cell
    cells: dict[int, object] = {
        c: texts.setdefault(v, v) if v.__class__ is str else v
        for c, v in enumerate(row, first_column)
        if v != "" and v is not None and not (v.__class__ is str and v.isspace())
    }
    if cells:
        sheet.values[number] = cells


def slimmed(xml: bytes, plain: bool) -> bytes:
    """The sheet as openpyxl needs it for values: its root and sheetData only.

    Merges, hyperlinks and validations go (openpyxl makes a cell object for every cell they cover); when every
    cell names its place, formatted-only cells and rows, and the rows' styles, go too.
    """
    root, data = WORKSHEET_START.search(xml), SHEET_DATA_START.search(xml)
    if root is None or data is None or root[2].endswith(b"/"):
        return xml
    if data[2].endswith(b"/"):
        body = data[0]
    else:
        end = xml.find(b"</" + data[1] + b"sheetData", data.end())
        close = xml.find(b">", end)
        if end < 0 or close < 0:
            return xml
        body = xml[data.start() : close + 1]
    if plain:
        body = SELF_CLOSING_CELL.sub(b"", body)
        body = SELF_CLOSING_ROW.sub(b"", body)
        body = ROW_START.sub(rb"<\1row>", body)
    return b"".join([root[0], body, b"</", root[1], b">"])


def fill_with_openpyxl(
    data: bytes,
    parts: list[tuple[str, str]],
    sheets: list[Sheet],
    xml: dict[int, bytes],
    sparse: list[int],
    extents: dict[int, Extent],
) -> None:
    """The sparse path for sheets whose cells span a huge area: reads only the cells that exist.

    openpyxl reads a copy: these sheets slimmed, every other sheet empty, no sheet's own parts (drawings,
    comments, tables), so that its cost follows the cells alone.
    """
    import openpyxl

    replaced = {}
    for index, (_, part) in enumerate(parts):
        if index in sparse:
            replaced[part] = slimmed(xml[index], extents[index].plain)
            tags = len(re.findall(rb"<" + PREFIX + rb"(?:c|row)(?=[\s/>])", replaced[part]))
            if tags > MAX_SPARSE_TAGS:
                raise SheetTooLarge(
                    f"工作表“{sheets[index].title}”的内容分布在异常大的范围内（直到第{extents[index].rows:,}行、"
                    f"第{extents[index].columns:,}列），且单元格多达 {tags:,} 个，无法在几秒内读完"
                )
        else:
            replaced[part] = (
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'
            )
    copy = rewritten(data, replaced, dropped=("xl/worksheets/_rels/",))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops; we only read
        workbook = openpyxl.load_workbook(io.BytesIO(copy), data_only=True)
    titles = [ws.title for ws in workbook.worksheets]
    for index in sparse:
        sheet, title = sheets[index], parts[index][0]
        # openpyxl lists worksheets in the same workbook order; its titles may differ from ours (see xml_text)
        source = workbook.worksheets[titles.index(title) if title in titles else index]
        for (row, column), cell in source._cells.items():  # never iterate to max_row × max_column
            if cell.data_type != "e" and _keep(cell.value):
                sheet.values.setdefault(row, {})[column] = cell.value
