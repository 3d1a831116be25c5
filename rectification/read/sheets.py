"""A workbook's sheets as sparse grids of values, plus what the cells' XML says that readers drop.

Values come from python-calamine unless a sheet's value cells span an area so large that calamine would size a
dense grid for it and abort the process (backends.py); what the values leave out is read from the sheet XML
(sheet_xml.py). A sheet is read only when the reader asks for it (Book.load): a workbook's 填表说明 or 附表
costs nothing and cannot block it.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

from rectification.core.dates import WINDOWS_1900
from rectification.read.backends import CalamineLoad, fill_with_calamine, fill_with_openpyxl, rewritten
from rectification.read.legacy import ods_extents, xls_extents
from rectification.read.package import MAX_RAW_PART_BYTES, Package
from rectification.read.sheet_xml import (
    MAX_CELL_TAGS,
    Extent,
    Sheet,
    SheetTooLarge,
    _tag,
    attributes,
    column_letters,
    dimension_area,
    extent,
    parse_ref,
    scan,
    without_dimension,
    xml_text,
)

__all__ = ["Book", "Sheet", "SheetTooLarge", "column_letters", "open_book", "parse_ref"]

MAX_DENSE_CELLS = 2_000_000  # rows × columns calamine may allocate for one sheet (~400 MB once in Python)
MAX_MERGED_CELLS = 2_000_000  # cells all merges together may fill in, duplicates removed
MAC_1904 = datetime(1904, 1, 1)


@dataclass
class Book:
    """A workbook's worksheets by title; their cells are read when asked for, so unused sheets cost nothing."""

    sheets: list[Sheet]  # in workbook order
    epoch: datetime  # for bare serial numbers in General cells
    data: bytes = field(repr=False)
    parts: list[tuple[str, str]] = field(repr=False)  # each sheet's title as written (readers look it up) and part
    loaded: set[int] = field(default_factory=set, repr=False)
    unpacked: dict[str, bytes] = field(default_factory=dict, repr=False)  # sheets already unpacked, until load()
    # .xls and .ods (read by calamine alone): each sheet's extent and cell count, found before any is read
    legacy: dict[str, tuple[Extent, int]] | None = field(default=None, repr=False)

    def load(self, wanted: list[Sheet]) -> None:
        """Read the cells of these sheets (those not read yet), together: one pass over each sheet's XML."""
        pending = [i for i, sheet in enumerate(self.sheets) if sheet in wanted and i not in self.loaded]
        if pending:
            _fill(self, pending)
            self.loaded.update(pending)
        self.unpacked.clear()  # sheets read later (rarely any) are unpacked again, rather than held all along


def open_book(data: bytes, unpacked: dict[str, bytes] | None = None) -> Book:
    """The worksheets of an .xlsx already passed by package.inspect(), by title; Book.load() reads their cells.

    unpacked: parts package.inspect() already unpacked, by name; the sheets' are kept for Book.load().
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        workbook = archive.read("xl/workbook.xml")
        parts = _sheet_parts(archive, workbook)
        if any(archive.getinfo(part).file_size > MAX_RAW_PART_BYTES for _, part in parts):
            raise SheetTooLarge(
                f"有工作表解压后超过 {MAX_RAW_PART_BYTES >> 20} MB，内容过多"
            )  # whatever its part is named
    epoch = MAC_1904 if re.search(rb"""date1904\s*=\s*["'](?:1|true)["']""", workbook) else WINDOWS_1900
    kept = {part: unpacked[part] for _, part in parts if unpacked and part in unpacked}
    return Book([Sheet(title) for title, _ in parts], epoch, data, parts, unpacked=kept)


def open_legacy_book(data: bytes, package: Package) -> Book:
    """An .xls or .ods already passed by package.inspect(): its sheets by title, with their cells' extents.

    calamine reads every sheet of these formats as it opens them, so every sheet is checked first (a 附表 too).
    """
    from python_calamine import CalamineWorkbook

    merges: dict[str, list[tuple[int, int, int, int]]] = {}
    if package.kind == "xls":
        extents = xls_extents(data)
    else:
        extents, merges = ods_extents(package.unpacked.get("content.xml", b""))
    for title, (found, cells) in extents.items():
        if cells > MAX_CELL_TAGS or found.area > MAX_DENSE_CELLS:
            where = f"工作表“{title}”" if title else "有工作表"
            raise SheetTooLarge(
                f"{where}的内容分布在异常大的范围内（直到第{found.rows:,}行、第{found.columns:,}列，{cells:,} 个单元格）"
            )
    titles = CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names
    sheets = [Sheet(title, merged=list(merges.get(title, []))) for title in titles]
    return Book(sheets, WINDOWS_1900, data, [(t, "") for t in titles], legacy=extents)


def _fill_legacy(book: Book, indices: list[int]) -> None:
    """.xls, .ods: calamine only (open_legacy_book() checked every sheet's extent; there is no sparse reader here)."""
    fill_with_calamine(CalamineLoad(book.data, [book.parts[i][0] for i in indices]), [book.sheets[i] for i in indices])
    for i in indices:
        found = (book.legacy or {}).get(book.parts[i][0], (Extent(1, 1, True), 0))[0]
        _check_merges(book.sheets[i], found)
        _spread_merges(book.sheets[i])


def _fill(book: Book, indices: list[int]) -> None:
    """Read these sheets: what their XML says, then their values with calamine or, for huge areas, openpyxl."""
    if book.legacy is not None:
        _fill_legacy(book, indices)
        return
    xml = {i: book.unpacked.pop(book.parts[i][1]) for i in indices if book.parts[i][1] in book.unpacked}
    if len(xml) < len(indices):
        with zipfile.ZipFile(io.BytesIO(book.data)) as archive:
            xml |= {i: archive.read(book.parts[i][1]) for i in indices if i not in xml}
    extents = {}
    dense: list[int] = []
    sparse: list[int] = []
    for i in indices:  # where the cells lie first: it decides which reader may take a sheet
        extents[i] = found = extent(xml[i])
        (dense if found.area <= MAX_DENSE_CELLS and not found.odd else sparse).append(i)
    load = None
    if dense:
        # A <dimension> claiming more than the cells hold is advice no reader should act on: drop it.
        swollen = {
            book.parts[i][1]: without_dimension(xml[i]) for i in dense if dimension_area(xml[i]) > MAX_DENSE_CELLS
        }
        data = rewritten(book.data, swollen) if swollen else book.data
        load = CalamineLoad(data, [book.parts[i][0] for i in dense])
    for i in indices:  # while calamine parses
        scan(book.sheets[i], xml[i])
        _check_merges(book.sheets[i], extents[i])
    if load is not None:
        for i in dense:  # calamine reads the package itself: let the sheets' XML go (100 MB and more for a big one)
            del xml[i]
        fill_with_calamine(load, [book.sheets[i] for i in dense])
    if sparse:
        fill_with_openpyxl(book.data, book.parts, book.sheets, xml, sparse, extents)
    for i in indices:
        _spread_merges(book.sheets[i])


def _sheet_parts(archive: zipfile.ZipFile, workbook: bytes) -> list[tuple[str, str]]:
    """(title, part name) of each worksheet, in workbook order; chart sheets left out."""
    rels = archive.read("xl/_rels/workbook.xml.rels")
    targets = {}
    for match in _tag(rb"Relationship").finditer(rels):
        attrs = attributes(match[1])
        if attrs.get(b"Type", b"").endswith(b"/worksheet") and b"Target" in attrs and b"Id" in attrs:
            target = xml_text(attrs[b"Target"])
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[attrs[b"Id"]] = path
    parts = []
    for match in _tag(rb"sheet").finditer(workbook):
        attrs = {k.split(b":")[-1]: v for k, v in attributes(match[1]).items()}
        part = targets.get(attrs.get(b"id", b""))
        if part is not None and b"name" in attrs and part in archive.NameToInfo:
            parts.append((xml_text(attrs[b"name"]), part))
    return parts


def _check_merges(sheet: Sheet, found: Extent) -> None:
    """Merges are filled in within the cells' area: their total there, duplicates removed, must stay bounded."""
    sheet.merged = list(dict.fromkeys(sheet.merged))
    total = 0
    for top, left, bottom, right in sheet.merged:
        if top <= found.rows and left <= found.columns:
            total += (min(bottom, found.rows) - top + 1) * (min(right, found.columns) - left + 1)
    if total > MAX_MERGED_CELLS:
        raise SheetTooLarge("合并单元格的范围异常巨大")


def _spread_merges(sheet: Sheet) -> None:
    """A merged range's value holds for every cell it covers (within the used area: merges can be huge)."""
    if not sheet.values or not sheet.merged:  # finding the used area walks every row: only when there is a merge
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
