"""A department's returned copy (--merge), read as untrusted input: the ledger's package checks and limits, the
same readers, nothing evaluated (a formula counts by the value it shows, or not at all when it has none).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from rectification.core.identity import (
    CHECKED_COLUMNS,
    CONTEXT,
    DATA_SHEET,
    EDITABLE,
    HANDED_HEADER,
    IDENTITY_HEADER,
    MARK_SHEET,
    SEPARATOR,
    RowIdentity,
    parse_identity,
)
from rectification.core.text import clean, xml_safe
from rectification.read.access import WorkbookUnusable, read_bytes
from rectification.read.reader import HEADER_SEARCH_ROWS
from rectification.read.sheet_xml import column_letters
from rectification.read.sheets import Book, Sheet, open_book, open_legacy_book

MODIFIED = re.compile(rb"<(?:dcterms:modified|dc:date)[^>]*>\s*([0-9T:.\-+Z ]{10,40})\s*<")
FRACTION = re.compile(r"\.[0-9]+")
KNOWN = (*CONTEXT, *EDITABLE)
NOT_A_COPY = "请确认选对了文件：只能合并本工具“--split”拆分出、由部门填好后发回的工作簿。"


class ReturnUnusable(WorkbookUnusable):
    """A returned copy that cannot be merged at all (not a copy, damaged, hostile); the message names the file."""


@dataclass(frozen=True, slots=True)
class ReturnedRow:
    """A row of the copy's 填报 sheet as the department left it."""

    row: int  # its row in the copy, as Excel shows it
    identity: RowIdentity | None  # None: a row the department added (or whose identity it changed)
    values: dict[str, object]  # canonical column -> value as read
    faults: dict[str, str] = field(default_factory=dict)  # column -> why its value cannot be taken (#REF!, no result)


@dataclass(frozen=True)
class ReturnedCopy:
    path: Path
    facts: dict[str, str]  # the hidden 拆分标识 sheet's facts: 台账指纹, 拆分编号, 填报对象, …
    saved_at: datetime | None  # when the department last saved it (docProps/core.xml), in UTC
    columns: dict[str, int]  # canonical column -> its column number in the copy
    rows: tuple[ReturnedRow, ...]
    handed: tuple[str, ...]  # the rows handed out, as RowIdentity.handed ("<ledger row>|<measure key>")
    sheet: str = DATA_SHEET

    @property
    def name(self) -> str:
        return self.path.name

    def fact(self, name: str) -> str:
        return self.facts.get(name, "")

    @property
    def checked(self) -> tuple[str, ...]:
        """The columns each row identity's checks stand for, in order."""
        return tuple(self.fact(CHECKED_COLUMNS).split(SEPARATOR))

    def cell(self, row: int, column: str) -> str:
        """“C5”: where a value sits in the copy."""
        return f"{column_letters(self.columns[column])}{row}" if column in self.columns else f"第{row}行"


def read_returned(path: Path) -> ReturnedCopy:
    """The copy's rows, its hidden identity and its save time; ReturnUnusable with a Chinese message otherwise."""
    try:
        data, package = read_bytes(path)
    except WorkbookUnusable as error:
        raise ReturnUnusable(str(error).replace("台账文件", "填报文件")) from None
    try:
        book = open_book(data, package.unpacked) if package.kind == "xlsx" else open_legacy_book(data, package)
        titles = {xml_safe(s.title).strip(): s for s in book.sheets}
        sheet, mark = titles.get(DATA_SHEET), titles.get(MARK_SHEET)
        if sheet is None or mark is None:
            raise ReturnUnusable(
                f"{path.name} 中没有“{DATA_SHEET}”和隐藏的“{MARK_SHEET}”工作表，不是拆分出的填报表。{NOT_A_COPY}"
            )
        book.load([sheet, mark])
    except ReturnUnusable:
        raise
    except Exception as error:  # the readers raise many kinds for a damaged or hostile file
        raise ReturnUnusable(
            f"无法读取 {path.name}：文件已损坏、内容不完整或超出读取上限。请对方重新保存为 .xlsx 后发回。"
        ) from error
    facts, handed = _marks(mark)
    if not facts.get("台账指纹") or not facts.get("拆分编号") or not facts.get(CHECKED_COLUMNS):
        raise ReturnUnusable(f"{path.name} 的隐藏工作表“{MARK_SHEET}”被改动过，无法确认它来自哪份台账。{NOT_A_COPY}")
    columns, rows = _rows(sheet, path.name)
    return ReturnedCopy(path, facts, _saved_at(book), columns, rows, handed)


def _marks(sheet: Sheet) -> tuple[dict[str, str], tuple[str, ...]]:
    """The facts above, and below the row headed 发出的行 the rows handed out."""
    facts: dict[str, str] = {}
    handed: list[str] = []
    listing = False
    for _, cells in sorted(sheet.values.items()):
        first = clean(cells.get(1))
        if first == HANDED_HEADER:
            listing = True
        elif listing and first:
            handed.append(first)
        elif first:
            facts.setdefault(first, clean(cells.get(2)))
    return facts, tuple(handed)


def _rows(sheet: Sheet, name: str) -> tuple[dict[str, int], tuple[ReturnedRow, ...]]:
    header_row, columns, identity_column = 0, {}, 0
    for row in sorted(r for r in sheet.values if r <= HEADER_SEARCH_ROWS):
        cells = sheet.values[row]
        found = {text: c for c, v in cells.items() if (text := clean(v).replace("\n", ""))}
        if IDENTITY_HEADER in found:
            header_row, identity_column = row, found[IDENTITY_HEADER]
            columns = {text: c for text, c in found.items() if text in KNOWN}
            break
    if not header_row:
        raise ReturnUnusable(
            f"{name} 的“{DATA_SHEET}”表中找不到隐藏的“{IDENTITY_HEADER}”列（可能被删除），无法把各行对应到台账。"
            "请对方在原发的填报表上填写后发回。"
        )
    faults: dict[tuple[int, int], str] = {(r, c): f"是错误值 {v}" for r, c, v in sheet.errors}
    faults |= {(r, c): "是没有计算结果的公式" for r, c, _ in sheet.uncached}
    rows = []
    for row in sorted(r for r in sheet.values if r > header_row):
        cells = sheet.values[row]
        values = {column: cells.get(c) for column, c in columns.items()}
        identity = cells.get(identity_column)
        if not any(clean(v) for v in values.values()) and not clean(identity):
            continue
        why = {column: faults[row, c] for column, c in columns.items() if (row, c) in faults}
        rows.append(ReturnedRow(row, parse_identity(identity), values, why))
    return columns, tuple(rows)


def _saved_at(book: Book) -> datetime | None:
    """dcterms:modified, which Excel, WPS and LibreOffice set on every save (an .ods: meta.xml's dc:date; an .xls,
    not a zip, has none here and counts as the oldest)."""
    try:
        with zipfile.ZipFile(io.BytesIO(book.data)) as archive:
            names = set(archive.namelist())
            core = archive.read("docProps/core.xml" if "docProps/core.xml" in names else "meta.xml")
    except (zipfile.BadZipFile, KeyError):
        return None
    match = MODIFIED.search(core)
    if match is None:
        return None
    text = FRACTION.sub(
        lambda m: m[0][:7].ljust(7, "0"), match[1].decode().strip().replace("Z", "+00:00")
    )  # 3.10: ≤ 6 digits
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
