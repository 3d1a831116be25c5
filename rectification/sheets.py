"""A workbook's sheets as sparse grids of values, plus what the cells' XML says that readers drop.

Values come from python-calamine (about 10× faster than openpyxl) unless a sheet's cells span an area so
large that calamine would size a dense grid for it and abort the process; such sheets are read with
openpyxl's sparse store instead. Error values, formulas without a cached result and hidden rows and
columns are read from the sheet XML itself, the same way on both paths.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

from .dates import WINDOWS_1900

MAX_DENSE_CELLS = 2_000_000  # rows × columns calamine may allocate for one sheet
MAC_1904 = datetime(1904, 1, 1)


def _xml_pattern(pattern: bytes) -> re.Pattern[bytes]:
    """A tag pattern where `~` stands for an optional namespace prefix, as some generators write <x:c>."""
    return re.compile(pattern.replace(b"~", rb"(?:\w+:)?"))


# The attributes of <c> come in any order: r= need not be first, t="e" may come before it.
_CELL = rb'<~c\b[^>]*?\br="([A-Z]{1,3})(\d{1,7})"'
CELL_REF = _xml_pattern(_CELL)
ROW_TAG = _xml_pattern(rb"<~row\b[^>]*>")
COL_TAG = _xml_pattern(rb"<~col\b[^>]*>")
CELL_TAG = _xml_pattern(rb"<~c\b")
ROW_REF = _xml_pattern(rb'<~row\b[^>]*?\br="(\d{1,7})"')
MERGE_REF = _xml_pattern(rb'<~mergeCell\b[^>]*?\bref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"')
ERROR_CELL = _xml_pattern(
    rb'<~c(?=[^>]*\bt="e")\b[^>]*?\br="([A-Z]{1,3})(\d{1,7})"'
    + rb"[^>/]*>(?:<~f[^>]*/>|<~f[^>]*>.*?</~f>)?<~v>([^<]*)</~v>"
)
UNCACHED_FORMULA = _xml_pattern(_CELL + rb"[^>/]*>(?:<~f[^>]*/>|<~f[^>]*>([^<]*)</~f>)(?:<~v\s*/>|<~v></~v>)?</~c>")
ATTRIBUTE = re.compile(rb'(\w+)="([^"]*)"')
FORMULA_TAGS = (b"<f>", b"<f ", b"<f/", b":f>", b":f ", b":f/")  # <f> or <x:f>, as UNCACHED_FORMULA reads them


class SheetTooLarge(ValueError):
    """A sheet no reader can take without exhausting memory."""


@dataclass
class Sheet:
    """One worksheet: 1-based rows and columns, merges filled in, blanks left out."""

    title: str
    values: dict[int, dict[int, object]] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_row, min_col, max_row, max_col
    errors: list[tuple[int, int, str]] = field(default_factory=list)  # (row, column, '#REF!')
    uncached: list[tuple[int, int, str]] = field(default_factory=list)  # (row, column, formula)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)


@dataclass
class Book:
    sheets: list[Sheet]
    epoch: datetime  # for bare serial numbers in General cells


def column_number(letters: bytes | str) -> int:
    number = 0
    for letter in letters if isinstance(letters, str) else letters.decode():
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def open_book(data: bytes) -> Book:
    """Every worksheet of an .xlsx already passed by package.inspect()."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        workbook = archive.read("xl/workbook.xml")
        parts = _sheet_parts(archive, workbook)
        xml = {title: archive.read(part) for title, part in parts}
    epoch = MAC_1904 if re.search(rb'date1904="(?:1|true)"', workbook) else WINDOWS_1900
    sheets = [_scan(title, xml[title]) for title, _ in parts]
    dense = [s for s in sheets if _area(xml[s.title]) <= MAX_DENSE_CELLS]
    sparse = [s for s in sheets if s not in dense]
    if dense:
        _fill_with_calamine(data, dense)
    if sparse:
        if any(_merge_area(s) > MAX_DENSE_CELLS for s in sparse):
            raise SheetTooLarge("合并单元格的范围异常巨大")  # openpyxl would build a cell object for each
        _fill_with_openpyxl(data, sparse)
    for sheet in sheets:
        _spread_merges(sheet)
    return Book(sheets, epoch)


def _sheet_parts(archive: zipfile.ZipFile, workbook: bytes) -> list[tuple[str, str]]:
    """(title, part name) of each worksheet, in workbook order; chart sheets left out."""
    rels = archive.read("xl/_rels/workbook.xml.rels")
    targets = {}
    for tag in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        attrs = dict(ATTRIBUTE.findall(tag))
        if attrs.get(b"Type", b"").endswith(b"/worksheet"):
            target = html.unescape(attrs[b"Target"].decode())
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[attrs[b"Id"]] = path
    parts = []
    for tag in re.findall(rb"<(?:\w+:)?sheet\b[^>]*>", workbook):
        attrs = {k.split(b":")[-1]: v for k, v in re.findall(rb'([\w:]+)="([^"]*)"', tag)}
        part = targets.get(attrs.get(b"id", b""))
        if part is not None:
            parts.append((html.unescape(attrs[b"name"].decode()), part))
    return parts


def _area(xml: bytes) -> int:
    """Rows × columns a dense reader would allocate for the sheet: a safe over-estimate.

    Formatted-only cells count, and cells or rows written without r= (allowed, positions then run on)
    are assumed to run on from the widest column or the last row.
    """
    refs = CELL_REF.findall(xml)
    letters, numbers = zip(*refs, strict=True) if refs else ((), ())  # C loops, not one Python step a cell
    rows = max(map(int, numbers), default=0)
    widest = max(set(letters), key=lambda column: (len(column), column), default=b"")
    with_ref = len(refs)
    row_refs = [int(r) for r in ROW_REF.findall(xml)]
    rows = max(rows, max(row_refs, default=0), len(ROW_TAG.findall(xml)))
    without_ref = len(CELL_TAG.findall(xml)) - with_ref
    return rows * (column_number(widest) + without_ref) if rows else 0


def _merge_area(sheet: Sheet) -> int:
    return max(((b - t + 1) * (r - lft + 1) for t, lft, b, r in sheet.merged), default=0)


def _scan(title: str, xml: bytes) -> Sheet:
    """What the values leave out: error cells, uncached formulas, hidden rows and columns.

    Each pattern runs only when a plain substring search (about 1 ms a megabyte) finds what it needs.
    """
    sheet = Sheet(title)
    if b't="e"' in xml:
        sheet.errors = [(int(r), column_number(c), v.decode()) for c, r, v in ERROR_CELL.findall(xml)]
    if b"mergeCell" in xml:
        sheet.merged = [
            (int(top), column_number(left), int(bottom), column_number(right))
            for left, top, right, bottom in MERGE_REF.findall(xml)
        ]
    if any(tag in xml for tag in FORMULA_TAGS):
        sheet.uncached = [
            (int(r), column_number(c), html.unescape(f.decode())) for c, r, f in UNCACHED_FORMULA.findall(xml)
        ]
    if b"hidden=" not in xml:
        return sheet
    for tag in ROW_TAG.findall(xml):
        attrs = dict(ATTRIBUTE.findall(tag))
        if attrs.get(b"hidden") in (b"1", b"true") and attrs.get(b"r", b"").isdigit():
            sheet.hidden_rows.add(int(attrs[b"r"]))
    for tag in COL_TAG.findall(xml):
        attrs = dict(ATTRIBUTE.findall(tag))
        if attrs.get(b"hidden") in (b"1", b"true"):
            first, last = int(attrs.get(b"min", b"0")), int(attrs.get(b"max", b"0"))
            sheet.hidden_columns.update(range(first, min(last, 16384) + 1))
    return sheet


def _keep(value: object) -> bool:
    return value is not None and value != "" and not (isinstance(value, str) and not value.strip())


def _fill_with_calamine(data: bytes, sheets: list[Sheet]) -> None:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    for sheet in sheets:
        source = book.get_sheet_by_name(sheet.title)
        if source.start is None:  # an empty sheet, like the Sheet2 Excel adds
            continue
        for r, row in enumerate(source.to_python(skip_empty_area=False), 1):  # absolute: row 1 is Excel's row 1
            cells = {  # _keep(), inlined: it runs for every cell
                c: v
                for c, v in enumerate(row, 1)
                if v is not None and v != "" and not (isinstance(v, str) and not v.strip())
            }
            if cells:
                sheet.values[r] = cells
    book.close()


def _fill_with_openpyxl(data: bytes, sheets: list[Sheet]) -> None:
    """The sparse path for sheets whose cells span a huge area: reads only the cells that exist."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops; we only read
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    for sheet in sheets:
        source = book[sheet.title]
        for (row, column), cell in source._cells.items():  # never iterate to max_row × max_column
            if cell.data_type != "e" and _keep(cell.value):
                sheet.values.setdefault(row, {})[column] = cell.value


def _spread_merges(sheet: Sheet) -> None:
    """A merged range's value holds for every cell it covers (within the used area: merges can be huge)."""
    if not sheet.values:
        return
    last_row = max(sheet.values)
    last_col = max(max(cells) for cells in sheet.values.values())
    for min_row, min_col, max_row, max_col in sheet.merged:
        value = sheet.values.get(min_row, {}).get(min_col)
        if value is None:
            continue
        max_row, max_col = min(max_row, last_row), min(max_col, last_col)
        for row in range(min_row, max_row + 1):
            cells = sheet.values.setdefault(row, {})
            for column in range(min_col, max_col + 1):
                cells[column] = value
