"""What a worksheet's XML says, read without a parser: where its cells lie, and what value readers drop.

Error values, formulas without a cached result, hidden rows and columns and merges are found here with byte
searches and regular expressions that accept every legal spelling (prefixes, either quote, spaces around =).
Every limit below was measured on a 2-core desk-class machine so that reading any file that passes them
takes under about 5 s and 500 MB (see tests/test_hardening.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rectification.core.errors import RectificationError

SCAN_BLOCK = 1 << 18  # bytes of sheet XML the cell-extent scan takes at a time
MAX_CELL_TAGS = 2_500_000  # cells in one sheet, formatted-only ones included (~3 s to scan and parse)
MAX_EMULATED_TAGS = 2_000_000  # tags walked one by one in Python when cells lack a plain r= (~2 s)


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
    match = _dimension(xml)
    ref = attributes(match[1]).get(b"ref", b"") if match else b""
    corners = [parse_ref(part) for part in ref.split(b":")]
    if not corners or any(c is None or c[1] == 0 for c in corners):
        return 0
    return max(c[0] for c in corners if c) * max(c[1] for c in corners if c)


def scan(sheet: Sheet, xml: bytes) -> None:
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


def _dimension(xml: bytes) -> re.Match[bytes] | None:
    """The <dimension> tag, which comes before the cells: only the sheet's head is searched (openpyxl writes none,
    and searching a 100 MB sheet for it took 0.5 s)."""
    head = xml.find(b"sheetData")
    end = len(xml) if head < 0 else head
    at = xml.find(b"dimension", 0, end)
    return DIMENSION.search(xml, max(at - 64, 0), end) if at >= 0 else None


def without_dimension(xml: bytes) -> bytes:
    match = _dimension(xml)
    return xml[: match.start()] + xml[match.end() :] if match else xml
