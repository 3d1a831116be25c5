"""A workbook's sheets as sparse grids of values, plus what the cells' XML says that readers drop.

Values come from python-calamine (about 10× faster than openpyxl) unless a sheet's value cells span an area
so large that calamine would size a dense grid for it and abort the process; such sheets are read with
openpyxl's sparse store instead, from a slimmed copy holding only their cells. Error values, formulas
without a cached result, hidden rows and columns and merges are read from the sheet XML itself. A sheet is
read only when the reader asks for it (Book.load): a workbook's 填表说明 or 附表 costs nothing and cannot block it.

Every limit below was measured on a 2-core desk-class machine so that reading any file that passes them
takes under about 5 s and 500 MB (see tests/test_hardening.py).
"""

from __future__ import annotations

import io
import posixpath
import re
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from rectification.core.dates import WINDOWS_1900
from rectification.core.errors import RectificationError
from rectification.read.package import MAX_PART_BYTES

SCAN_BLOCK = 1 << 18  # bytes of sheet XML the cell-extent scan takes at a time
MAX_CELL_TAGS = 2_500_000  # cells in one sheet, formatted-only ones included (~3 s to scan and parse)
MAX_DENSE_CELLS = 2_000_000  # rows × columns calamine may allocate for one sheet (~400 MB once in Python)
MAX_SPARSE_TAGS = 400_000  # <c> and <row> tags openpyxl may build objects for (~3 s)
MAX_EMULATED_TAGS = 2_000_000  # tags walked one by one in Python when cells lack a plain r= (~2 s)
MAX_MERGED_CELLS = 2_000_000  # cells all merges together may fill in, duplicates removed
MAC_1904 = datetime(1904, 1, 1)

# A tag's attributes, as XML allows them: either quote, spaces around =, and '>' inside a quoted value.
ATTRS = rb"""((?:[^>"']|"[^"]*"|'[^']*')*)"""
PREFIX = rb"""(?:[^\s<>/:="'!?]+:)?"""  # any namespace prefix, as some generators write <x:c>
ATTRIBUTE = re.compile(rb"""([^\s=/<>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
REF = re.compile(rb"\$?([A-Za-z]*)\$?([0-9]+)")  # A1, $A$1, a1, 0001; a row alone: 5


ENTITY = re.compile(r"&(?:#([0-9]+)|#x([0-9A-Fa-f]+)|(lt|gt|amp|quot|apos));")
NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def xml_text(raw: bytes) -> str:
    """Attribute or text bytes as XML reads them (html.unescape would map &#x85; to … and drop &#x1b;)."""
    text = raw.decode("utf-8", "replace")
    return ENTITY.sub(_entity, text) if "&" in text else text


def _entity(match: re.Match[str]) -> str:
    if match[3]:
        return NAMED[match[3]]
    number = int(match[1]) if match[1] else int(match[2], 16)
    return chr(number) if number <= 0x10FFFF and not 0xD800 <= number <= 0xDFFF else "\ufffd"


def _tag(name: bytes) -> re.Pattern[bytes]:
    """<name ...> with any prefix; group 1 holds the attributes (and a closing / if self-closing)."""
    return re.compile(rb"<" + PREFIX + name + rb"(?=[\s/>])" + ATTRS + rb">")


CELL_OR_ROW = re.compile(rb"<(/?)" + PREFIX + rb"(row|c)(?=[\s/>])" + ATTRS + rb">")
PREFIXED = re.compile(rb"<[^\s<>/:=\"'!?]+:(?:c|row|f|v|sheetData)[\s/>]")
PREFIXED_NAME = re.compile(rb":(?:c|row|f|v|sheetData)[\s/>]")  # what PREFIXED needs, found faster (':' is rare)
NAME_END = b" \t\n\r\f\v/>"  # what may follow a tag's name
# How Excel, WPS, openpyxl and XlsxWriter write cells: r first, then plain double-quoted values without / or >.
# Every cell tag matches: a plain one gives (column letters, row digits, "/" if self-closing), any other ("", "", "").
# (No possessive *+: Python 3.10 has none. Each attribute is fixed by its quotes, so a tag that fails backtracks linearly.)
CELL_TAGS = re.compile(rb'<c(?=[\s/>])(?: r="([A-Z]{1,3})([0-9]+)"(?:\s+[\w:.-]+="[^"<>/]*")*\s*(/?)>|)')
CELL_TAG = _tag(rb"c")
ROW_TAG = _tag(rb"row")
FORMULA = re.compile(rb"<" + PREFIX + rb"f(?=[\s/>])" + ATTRS + rb">")
VALUE = re.compile(rb"<" + PREFIX + rb"v(?:\s[^>]*)?>([^<]*)<")
CELL_END = re.compile(rb"</" + PREFIX + rb"c\s*>")
FORMULA_END = re.compile(rb"</" + PREFIX + rb"f\s*>")
HIDDEN = re.compile(rb"""hidden\s*=\s*["'](?:1|true)["']""")
HIDDEN_TAG = re.compile(rb"<" + PREFIX + rb"(row|col)(?=[\s/>])" + ATTRS + rb">")
ERROR_TYPE = re.compile(rb"""\bt\s*=\s*["']e["']""")
MERGE = _tag(rb"mergeCell")
PLAIN_MERGE = re.compile(rb'\s+ref="([A-Z]{1,3})([0-9]+):([A-Z]{1,3})([0-9]+)"\s*/')  # a MERGE's attributes
DIMENSION = _tag(rb"dimension")
WORKSHEET_START = re.compile(rb"<(" + PREFIX + rb"worksheet)(?=[\s/>])" + ATTRS + rb">")
SHEET_DATA_START = re.compile(rb"<(" + PREFIX + rb")sheetData(?=[\s/>])" + ATTRS + rb">")
SELF_CLOSING_CELL = re.compile(rb"<" + PREFIX + rb"c(?=[\s/>])" + ATTRS + rb"(?<=/)>")
SELF_CLOSING_ROW = re.compile(rb"<" + PREFIX + rb"row(?=[\s/>])" + ATTRS + rb"(?<=/)>")
ROW_START = re.compile(rb"<(" + PREFIX + rb")row(?=[\s>])" + ATTRS + rb"(?<!/)>")


class SheetTooLarge(RectificationError, ValueError):
    """A sheet no reader can take within the time and memory a desk PC has; the message is Chinese."""


@dataclass(eq=False)  # a sheet is itself: Book.load() finds it by identity
class Sheet:
    """One worksheet: 1-based rows and columns, merges filled in, blanks left out (once Book.load() read it)."""

    title: str
    values: dict[int, dict[int, object]] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_row, min_col, max_row, max_col
    errors: list[tuple[int, int, str]] = field(default_factory=list)  # (row, column, '#REF!')
    uncached: list[tuple[int, int, str]] = field(default_factory=list)  # (row, column, formula)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)


@dataclass
class Book:
    """A workbook's worksheets by title; their cells are read when asked for, so unused sheets cost nothing."""

    sheets: list[Sheet]  # in workbook order
    epoch: datetime  # for bare serial numbers in General cells
    data: bytes = field(repr=False)
    parts: list[tuple[str, str]] = field(repr=False)  # each sheet's title as written (readers look it up) and part
    loaded: set[int] = field(default_factory=set, repr=False)
    unpacked: dict[str, bytes] = field(default_factory=dict, repr=False)  # sheets already unpacked, until load()

    def load(self, wanted: list[Sheet]) -> None:
        """Read the cells of these sheets (those not read yet), together: one pass over each sheet's XML."""
        pending = [i for i, sheet in enumerate(self.sheets) if sheet in wanted and i not in self.loaded]
        if pending:
            _fill(self, pending)
            self.loaded.update(pending)
        self.unpacked.clear()  # sheets read later (rarely any) are unpacked again, rather than held all along


@dataclass(frozen=True)
class Extent:
    """Where a sheet's value cells lie, as a reader would place them (an over-estimate, never an under-)."""

    rows: int  # the last row holding a cell with content
    columns: int  # the last column holding one
    plain: bool  # every cell names its position in a plain r="A1": tags may be dropped without moving others
    odd: bool = False  # a position calamine would misread (an entity, a $): only openpyxl may read it

    @property
    def area(self) -> int:
        return self.rows * self.columns


def column_number(letters: bytes | str) -> int:
    number = 0
    for letter in letters.upper() if isinstance(letters, str) else letters.upper().decode():
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def attributes(body: bytes) -> dict[bytes, bytes]:
    """A tag's attributes by name as written (prefix kept), values undecoded; the first of a name wins."""
    found: dict[bytes, bytes] = {}
    for name, double, single in ATTRIBUTE.findall(body):
        found.setdefault(name, double or single)
    return found


def parse_ref(raw: bytes) -> tuple[int, int, bool] | None:
    """(row, column, odd) of a cell or row reference in any spelling; column 0 when it names a row only.

    odd: written in a way calamine reads differently from openpyxl (an entity, a $): read such sheets sparsely.
    """
    text = xml_text(raw).strip().encode() if b"&" in raw else raw.strip()
    match = REF.fullmatch(text)
    if match is None or int(match[2]) == 0:
        return None
    odd = text != raw or b"$" in text
    return int(match[2]), column_number(match[1]) if match[1] else 0, odd


def _plain_extent(xml: bytes) -> Extent | None:
    """The fast path, for cells all written as <c r="A1" …>: one C-speed pass over the cell tags.

    Formatted-only cells (<c r="A1" s="1"/>) hold nothing and no reader keeps them: they do not count. The
    sheet is taken a block at a time, each ending where a cell tag starts, so that the tags found stay few
    enough to be cached (a whole 100,000-row sheet's are about 90 MB of tuples).
    """
    columns: set[bytes] = set()
    last_row = start = 0
    while start < len(xml):
        end = xml.find(b"<c", start + SCAN_BLOCK) if start + SCAN_BLOCK < len(xml) else -1
        end = end if end >= 0 else len(xml)
        found = CELL_TAGS.findall(xml, start, end)  # two set comprehensions over it beat one filtered list
        block = {letters for letters, _, closed in found if not closed}
        if b"" in block:  # a cell not written the plain way
            return None
        if block:
            columns |= block
            last_row = max(last_row, *map(int, {digits for _, digits, closed in found if not closed}))
        start = end
    if not columns:
        return Extent(0, 0, True)
    last = max(columns, key=lambda letters: (len(letters), letters))
    return Extent(last_row, column_number(last), True)


def _emulated_extent(xml: bytes) -> Extent:
    """Place every cell as calamine does: r= if it has one, else one right of the last, in the current row.

    Where readers may differ (a prefixed r, a self-closing row), both places count.
    """
    row, column = 1, 1
    rows = columns = 0
    odd = False
    plain = True
    for match in CELL_OR_ROW.finditer(xml):
        closing, name, body = match.groups()
        empty = body.endswith(b"/")
        if name == b"row":
            if closing or empty:
                row, column = row + 1, 1
            elif (ref := _ref_attribute(body, b"r")) is not None:
                row, _, weird = ref
                odd |= weird
            continue
        if closing:
            continue
        places = [(row, column)]
        ref = _ref_attribute(body, b"r")
        if ref is None or ref[1] == 0:
            plain = False
        else:
            places = [(ref[0], ref[1])]
            odd |= ref[2]
            column = ref[1]
        if (other := _ref_attribute(body, b":r")) is not None and other[1]:
            places.append((other[0], other[1]))  # x:r= is no r= to calamine, but may be to others
            plain = False
        column += 1
        if not empty:  # a self-closing cell holds no value: no reader keeps it
            rows = max(rows, *(r for r, _ in places))
            columns = max(columns, *(c for _, c in places))
    return Extent(rows, columns, plain, odd)


def _ref_attribute(body: bytes, name: bytes) -> tuple[int, int, bool] | None:
    """The reference in attribute r (name b"r") or in any prefixed p:r (name b":r")."""
    for key, double, single in ATTRIBUTE.findall(body):
        if key == name or (name.startswith(b":") and key.endswith(name) and len(key) > len(name)):
            ref = parse_ref(double or single)
            return ref if ref is not None else (0, 0, True)
    return None


def _mentions(xml: bytes, mark: bytes) -> bool:
    """mark (b"<f") followed by what ends a tag name: a find() per occurrence, to spare a regex pass when the
    mark is rare or only starts other names (<formula1>, <filterColumn>)."""
    at = xml.find(mark)
    while at >= 0:
        if xml[at + len(mark) : at + len(mark) + 1] in NAME_END:  # b"" (the end) counts too: when unsure, yes
            return True
        at = xml.find(mark, at + 1)
    return False


def extent(xml: bytes) -> Extent:
    """Where the sheet's value cells lie; raises SheetTooLarge when finding out would take too long."""
    cells = xml.count(b"<c") + xml.count(b":c")  # an upper bound: <col> and <cfRule> count too
    if cells > MAX_CELL_TAGS:
        raise SheetTooLarge(
            f"有工作表含有多达 {cells:,} 个单元格（多为只有格式的空白单元格），超过本工具能在几秒内读完的上限"
            f"（{MAX_CELL_TAGS:,} 个）"
        )
    prefixed = PREFIXED_NAME.search(xml) is not None and PREFIXED.search(xml) is not None  # the first is 3× faster
    if not prefixed and (found := _plain_extent(xml)) is not None:
        return found
    if (tags := xml.count(b"<")) > MAX_EMULATED_TAGS:
        raise SheetTooLarge(f"有工作表内容多达 {tags:,} 项且单元格未标明位置（没有 r=“A1”式的地址），无法在几秒内读完")
    return _emulated_extent(xml)


def dimension_area(xml: bytes) -> int:
    """The area the sheet's <dimension ref="A1:N40"> claims (0 when absent or unreadable)."""
    match = DIMENSION.search(xml, max(xml.find(b"dimension") - 64, 0))
    ref = attributes(match[1]).get(b"ref", b"") if match else b""
    corners = [parse_ref(part) for part in ref.split(b":")]
    if not corners or any(c is None or c[1] == 0 for c in corners):
        return 0
    return max(c[0] for c in corners if c) * max(c[1] for c in corners if c)


def open_book(data: bytes, unpacked: dict[str, bytes] | None = None) -> Book:
    """The worksheets of an .xlsx already passed by package.inspect(), by title; Book.load() reads their cells.

    unpacked: parts package.inspect() already unpacked, by name; the sheets' are kept for Book.load().
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        workbook = archive.read("xl/workbook.xml")
        parts = _sheet_parts(archive, workbook)
        if any(archive.getinfo(part).file_size > MAX_PART_BYTES for _, part in parts):
            raise SheetTooLarge(f"有工作表解压后超过 {MAX_PART_BYTES >> 20} MB，内容过多")  # whatever its part is named
    epoch = MAC_1904 if re.search(rb"""date1904\s*=\s*["'](?:1|true)["']""", workbook) else WINDOWS_1900
    kept = {part: unpacked[part] for _, part in parts if unpacked and part in unpacked}
    return Book([Sheet(title) for title, _ in parts], epoch, data, parts, unpacked=kept)


def _fill(book: Book, indices: list[int]) -> None:
    """Read these sheets: what their XML says, then their values with calamine or, for huge areas, openpyxl."""
    xml = {i: book.unpacked.pop(book.parts[i][1]) for i in indices if book.parts[i][1] in book.unpacked}
    if len(xml) < len(indices):
        with zipfile.ZipFile(io.BytesIO(book.data)) as archive:
            xml |= {i: archive.read(book.parts[i][1]) for i in indices if i not in xml}
    extents = {}
    dense: list[int] = []
    sparse: list[int] = []
    for i in indices:
        _scan(book.sheets[i], xml[i])
        extents[i] = found = extent(xml[i])
        _check_merges(book.sheets[i], found)
        (dense if found.area <= MAX_DENSE_CELLS and not found.odd else sparse).append(i)
    if dense:
        # A <dimension> claiming more than the cells hold is advice no reader should act on: drop it.
        swollen = {
            book.parts[i][1]: _without_dimension(xml[i]) for i in dense if dimension_area(xml[i]) > MAX_DENSE_CELLS
        }
        data = _rewritten(book.data, swollen) if swollen else book.data
        _fill_with_calamine(data, [(book.parts[i][0], book.sheets[i]) for i in dense])
    if sparse:
        _fill_with_openpyxl(book, xml, sparse, extents)
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


def _scan(sheet: Sheet, xml: bytes) -> None:
    """What the values leave out: error cells, uncached formulas, hidden rows and columns, merges."""
    if b'"e"' in xml or b"'e'" in xml:  # rare: search for error cells only when the mark is there
        for match in ERROR_TYPE.finditer(xml):
            cell = _cell_around(xml, match.start())
            if cell is not None and (value := VALUE.search(xml, cell[2], cell[3])) is not None:
                sheet.errors.append((cell[0], cell[1], xml_text(value[1])))
    sheet.uncached = _uncached(xml)
    for match in HIDDEN.finditer(xml):
        tag = HIDDEN_TAG.match(xml, xml.rfind(b"<", 0, match.start()))
        if tag is None or tag.end() <= match.start() or not re.search(rb"(?:^|\s)hidden\s*=", tag[2]):
            continue
        attrs = attributes(tag[2])
        if tag[1] == b"row" and (ref := parse_ref(attrs.get(b"r", b""))) is not None:
            sheet.hidden_rows.add(ref[0])
        elif tag[1] == b"col" and attrs.get(b"min", b"").isdigit() and attrs.get(b"max", b"").isdigit():
            sheet.hidden_columns.update(range(int(attrs[b"min"]), min(int(attrs[b"max"]), 16384) + 1))
    first = xml.find(b"mergeCell")
    for match in MERGE.finditer(xml, max(first - 64, 0)) if first >= 0 else ():
        corners: list[tuple[int, int, bool] | None]
        if plain := PLAIN_MERGE.fullmatch(match[1]):  # as Excel writes it: a ledger may merge hundreds of ranges
            left, top, right, bottom = plain.groups()
            corners = [(int(top), column_number(left), False), (int(bottom), column_number(right), False)]
        else:
            corners = [parse_ref(part) for part in attributes(match[1]).get(b"ref", b"").split(b":")]
        if len(corners) == 2 and all(c is not None and c[0] and c[1] for c in corners):
            (top, left, _), (bottom, right, _) = corners  # type: ignore[misc]
            sheet.merged.append((min(top, bottom), min(left, right), max(top, bottom), max(left, right)))


def _cell_around(xml: bytes, position: int) -> tuple[int, int, int, int] | None:
    """(row, column, content start, content end) of the cell whose start tag holds position."""
    cell = _cell_at(xml, xml.rfind(b"<", 0, position))  # '<' cannot occur inside an attribute value
    return cell if cell is not None and cell[2] > position else None


def _cell_at(xml: bytes, start: int) -> tuple[int, int, int, int] | None:
    """(row, column, content start, content end) of the cell whose start tag begins at start."""
    tag = CELL_TAG.match(xml, start) if start >= 0 else None
    if tag is None or tag[1].endswith(b"/"):
        return None
    ref = parse_ref(attributes(tag[1]).get(b"r", b""))
    end = CELL_END.search(xml, tag.end())
    if ref is None or not ref[1] or end is None:
        return None
    return ref[0], ref[1], tag.end(), end.start()


def _uncached(xml: bytes) -> list[tuple[int, int, str]]:
    """Formulas saved without a result: <f>…</f> and no <v> with text in the same cell."""
    if not _mentions(xml, b"<f") and not _mentions(xml, b":f"):  # <formula1> and <filterColumn> are no formulas
        return []
    found = []
    for match in FORMULA.finditer(xml):
        cell = _cell_at(xml, xml.rfind(b"<", 0, match.start()))
        if cell is None or xml[cell[2] : match.start()].strip() or match.start() >= cell[3]:
            continue  # a formula directly inside a cell, as every writer puts it
        formula = b""
        after = match.end()
        if not match[1].endswith(b"/") and (end := FORMULA_END.search(xml, match.end(), cell[3])) is not None:
            formula, after = xml[match.end() : end.start()], end.end()
        value = VALUE.search(xml, after, cell[3])
        if value is None or not value[1].strip():
            found.append((cell[0], cell[1], xml_text(formula)))
    return found


def _without_dimension(xml: bytes) -> bytes:
    match = DIMENSION.search(xml, max(xml.find(b"dimension") - 64, 0))
    return xml[: match.start()] + xml[match.end() :] if match else xml


def _rewritten(data: bytes, replaced: dict[str, bytes], dropped: tuple[str, ...] = ()) -> bytes:
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


def _fill_with_calamine(data: bytes, sheets: list[tuple[str, Sheet]]) -> None:
    """(title as written, sheet): each sheet's values, from calamine."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    # One object for each distinct text: calamine makes a new str for every cell, while a ledger repeats its
    # owners, statuses, deadlines and categories down thousands of rows (every later stage walks fewer objects).
    texts: dict[str, str] = {}
    for title, sheet in sheets:
        source = book.get_sheet_by_name(title)  # the title as calamine reads it: see xml_text
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
    book.close()


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


def _fill_with_openpyxl(book: Book, xml: dict[int, bytes], sparse: list[int], extents: dict[int, Extent]) -> None:
    """The sparse path for sheets whose cells span a huge area: reads only the cells that exist.

    openpyxl reads a copy: these sheets slimmed, every other sheet empty, no sheet's own parts (drawings,
    comments, tables), so that its cost follows the cells alone.
    """
    import openpyxl

    replaced = {}
    for index, (_, part) in enumerate(book.parts):
        if index in sparse:
            replaced[part] = slimmed(xml[index], extents[index].plain)
            tags = len(re.findall(rb"<" + PREFIX + rb"(?:c|row)(?=[\s/>])", replaced[part]))
            if tags > MAX_SPARSE_TAGS:
                raise SheetTooLarge(
                    f"工作表“{book.sheets[index].title}”的内容分布在异常大的范围内（直到第{extents[index].rows:,}行、"
                    f"第{extents[index].columns:,}列），且单元格多达 {tags:,} 个，无法在几秒内读完"
                )
        else:
            replaced[part] = (
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'
            )
    copy = _rewritten(book.data, replaced, dropped=("xl/worksheets/_rels/",))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops; we only read
        workbook = openpyxl.load_workbook(io.BytesIO(copy), data_only=True)
    titles = [ws.title for ws in workbook.worksheets]
    for index in sparse:
        sheet, title = book.sheets[index], book.parts[index][0]
        # openpyxl lists worksheets in the same workbook order; its titles may differ from ours (see xml_text)
        source = workbook.worksheets[titles.index(title) if title in titles else index]
        for (row, column), cell in source._cells.items():  # never iterate to max_row × max_column
            if cell.data_type != "e" and _keep(cell.value):
                sheet.values.setdefault(row, {})[column] = cell.value


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
