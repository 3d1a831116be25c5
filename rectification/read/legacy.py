"""Where the cells of an .xls (Excel 97–2003) or .ods (OpenDocument) workbook lie, before calamine reads them.

calamine sizes a dense grid from the cells' extent: a 5 kB .xls with one cell at IV65536 took 1 GB, and an .ods
can place a cell anywhere with a repeat count. So the extent is found first, from the bytes: in an .xls, the cell
records of each worksheet in the OLE2 container's Workbook stream; in an .ods, the rows and cells of content.xml
with their repeat counts. A sheet whose cells span more than the dense budget is refused (there is no sparse
reader for these formats): the user is asked to save it as .xlsx.
"""

from __future__ import annotations

import re
import struct

from rectification.read.package import UnsafePackage
from rectification.read.sheet_xml import Extent, xml_text

FREE, END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE
BOF, EOF, BOUNDSHEET = 0x0809, 0x000A, 0x0085
CELL_RECORDS = {0x0006, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6}  # row, column in bytes 0–3
SPAN_RECORDS = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column … last column in the final two bytes
WORKSHEET = 0x0010


class LegacyUnreadable(UnsafePackage):
    """The container or its records do not hold together: a damaged file (the reader says so in Chinese)."""


def xls_extents(data: bytes) -> dict[str, tuple[Extent, int]]:
    """Each worksheet's name → (the extent of its cells, how many cell records it has)."""
    stream = _ole_stream(data, ("Workbook", "Book"))
    names: dict[int, str] = {}  # a worksheet's BOF offset → its name
    found: dict[int, list[int]] = {}  # BOF offset → [last row, last column, cells]
    at, current = 0, None
    while at + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, at)
        body = stream[at + 4 : at + 4 + size]
        if kind == BOF:
            current = at if len(body) >= 4 and struct.unpack_from("<H", body, 2)[0] == WORKSHEET else None
            if current is not None:
                found[current] = [0, 0, 0]
        elif kind == EOF:
            current = None
        elif kind == BOUNDSHEET and len(body) >= 8:
            names[struct.unpack_from("<I", body)[0]] = _sheet_name(body[6:])
        elif current is not None and len(body) >= 4 and (kind in CELL_RECORDS or kind in SPAN_RECORDS):
            row, column = struct.unpack_from("<HH", body)
            if kind in SPAN_RECORDS and len(body) >= 6:
                column = max(column, struct.unpack_from("<H", body, len(body) - 2)[0])
            place = found[current]
            place[0], place[1], place[2] = max(place[0], row + 1), max(place[1], column + 1), place[2] + 1
        at += 4 + size
    return {names.get(offset, ""): (Extent(r, c, True), cells) for offset, (r, c, cells) in found.items()}


def _sheet_name(body: bytes) -> str:
    """A BOUNDSHEET's name: a length, a flags byte (1: UTF-16), then the characters."""
    if len(body) < 2:
        return ""
    length, wide = body[0], body[1] & 1
    raw = body[2 : 2 + length * (2 if wide else 1)]
    return raw.decode("utf-16-le" if wide else "latin-1", "replace")


def _ole_stream(data: bytes, wanted: tuple[str, ...]) -> bytes:
    """The first of the wanted streams in an OLE2 compound file (the standard's layout, checked at every step)."""
    if len(data) < 512:
        raise LegacyUnreadable("too short")
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if shift not in (9, 12) or mini_shift != 6:
        raise LegacyUnreadable("sector size")
    size, mini_size = 1 << shift, 1 << mini_shift
    fat_count, directory, _, cutoff, mini_fat, mini_fat_count, difat, difat_count = struct.unpack_from(
        "<IIIIIIII", data, 0x2C
    )
    sectors = (len(data) - 512) // size

    def sector(n: int) -> bytes:
        if n >= sectors:
            raise LegacyUnreadable("sector out of range")
        return data[512 + n * size : 512 + (n + 1) * size]

    fat_sectors = list(struct.unpack_from("<109I", data, 0x4C))
    for _ in range(min(difat_count, sectors)):  # the DIFAT chain: a sector of FAT sector numbers, the last links on
        if difat in (FREE, END_OF_CHAIN):
            break
        block = struct.unpack(f"<{size // 4}I", sector(difat))
        fat_sectors += block[:-1]
        difat = block[-1]
    fat: list[int] = []
    for n in fat_sectors[:fat_count]:
        fat += struct.unpack(f"<{size // 4}I", sector(n))

    def chain(start: int, table: list[int], limit: int) -> list[int]:
        links: list[int] = []
        while start not in (FREE, END_OF_CHAIN):
            if start >= len(table) or len(links) > limit:
                raise LegacyUnreadable("broken chain")
            links.append(start)
            start = table[start]
        return links

    entries = b"".join(sector(n) for n in chain(directory, fat, sectors))
    root = entries[:128]
    mini_stream = b"".join(sector(n) for n in chain(struct.unpack_from("<I", root, 0x74)[0], fat, sectors))
    mini_table: list[int] = []
    for n in chain(mini_fat, fat, sectors)[:mini_fat_count]:
        mini_table += struct.unpack(f"<{size // 4}I", sector(n))
    for at in range(0, len(entries) - 127, 128):
        entry = entries[at : at + 128]
        length = min(struct.unpack_from("<H", entry, 0x40)[0], 64)
        name = entry[: max(length - 2, 0)].decode("utf-16-le", "replace")
        if entry[0x42] != 2 or name not in wanted:
            continue
        start, stream_size = struct.unpack_from("<II", entry, 0x74)
        if stream_size < cutoff:
            pieces = chain(start, mini_table, len(mini_stream) // mini_size)
            stream = b"".join(mini_stream[n * mini_size : (n + 1) * mini_size] for n in pieces)
        else:
            stream = b"".join(sector(n) for n in chain(start, fat, sectors))
        return stream[:stream_size]
    raise LegacyUnreadable("no workbook stream")


# --- OpenDocument ---------------------------------------------------------------------------------------------

ODS_TAG = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>")
REPEATED = re.compile(rb'table:number-(?:rows|columns)-repeated\s*=\s*["\']([0-9]+)["\']')
TABLE_NAME = re.compile(rb'table:name\s*=\s*"([^"]*)"|table:name\s*=\s*\'([^\']*)\'')
MAX_ODS_TAGS = 2_500_000  # as MAX_CELL_TAGS for a worksheet's XML


def ods_extents(content: bytes) -> tuple[dict[str, tuple[Extent, int]], dict[str, list[tuple[int, int, int, int]]]]:
    """Each table's name → (the extent of its cells holding a value, as repeats place them; how many tags), and
    each table's merges (1-based: top, left, bottom, right), which calamine does not give for .ods."""
    tags = content.count(b"<table:")
    if tags > MAX_ODS_TAGS:
        return {"": (Extent(0, 0, True), tags)}, {}
    found: dict[str, tuple[Extent, int]] = {}
    merges: dict[str, list[tuple[int, int, int, int]]] = {}
    name, row, column, last_row, last_column, cells = "", 0, 0, 0, 0, 0
    rows_repeat, cell_start, cell_repeat = 1, -1, 1
    for match in ODS_TAG.finditer(content):
        closing, kind, attributes, empty = match.groups()
        repeat = int(m[1]) if (m := REPEATED.search(attributes)) else 1
        if kind == b"table" and not closing:
            named = TABLE_NAME.search(attributes)
            name = xml_text(named[1] or named[2]) if named else ""
            row = last_row = last_column = cells = 0
        elif kind == b"table" and closing:
            found[name] = (Extent(last_row, last_column, True), cells)
        elif kind == b"table-row" and not closing:
            rows_repeat, column = repeat, 0
            if empty:
                row += repeat
        elif kind == b"table-row":
            row += rows_repeat
        elif not closing:  # a cell (or a covered one) opens: a value if it has a type or, later, text
            cells += 1
            if b"-spanned" in attributes and (spans := _spans(attributes)) != (1, 1):
                merges.setdefault(name, []).append((row + 1, column + 1, row + spans[0], column + spans[1]))
            if empty:
                column += repeat
                continue
            cell_start, cell_repeat = match.end(), repeat
            if b"value-type" in attributes:
                last_row, last_column = max(last_row, row + rows_repeat), max(last_column, column + repeat)
        else:  # the cell closes: text inside makes it a value too
            if cell_start >= 0 and b"<text:" in content[cell_start : match.start()]:
                last_row, last_column = max(last_row, row + rows_repeat), max(last_column, column + cell_repeat)
            column += cell_repeat
            cell_start = -1
    return found, merges


SPANNED = re.compile(rb'table:number-(rows|columns)-spanned\s*=\s*["\']([0-9]+)["\']')


def _spans(attributes: bytes) -> tuple[int, int]:
    spans = {kind: int(count) for kind, count in SPANNED.findall(attributes)}
    return max(spans.get(b"rows", 1), 1), max(spans.get(b"columns", 1), 1)
