"""The hidden identity a department's copy carries for every row, and the cell values split and merge compare.

A row's identity is one text: ``ZG1|<ledger fingerprint>|<split id>|<ledger row>|<measure key>|<checks>``, the
checks a CRC-32 of each column's value as handed out (in the order the hidden 拆分标识 sheet names). It sits in a
hidden column of the copy, so it moves with its row when the department sorts or filters; WPS and LibreOffice keep
hidden columns and sheets when they save. The merge tells a changed cell by its check alone: the copy carries no
second set of values to read. Split and merge compute every compared value with `cell_text()`, so that a value
read back compares equal to the one written whatever the program that saved it. The checks guard against slips,
not against someone who means to forge a row.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from rectification.core.text import clean, key

VERSION = "ZG1"
SEPARATOR = "|"
# The editable columns, in the copy's order, and the context a department sees but may not change.
EDITABLE = ("整改状态", "完成时间", "整改进展", "佐证材料")
CONTEXT = ("序号", "问题类别", "问题", "问题具体表现", "整改措施", "责任领导", "责任部门", "责任人", "整改时限")
IDENTITY_HEADER = "行标识（请勿修改）"
DUE_HEADER = "时限日期（灯号用）"
DATA_SHEET = "填报"
GUIDE_SHEET = "填报说明"
MARK_SHEET = "拆分标识"  # hidden: the split's facts and the rows handed out
CHECKED_COLUMNS = "对照列"  # the fact naming the columns, in the order of each identity's checks
HANDED_HEADER = "发出的行"  # above the rows handed out, in RowIdentity.handed form


@dataclass(frozen=True, slots=True)
class RowIdentity:
    """Which ledger, which split, which row and which measure a copy's row stands for."""

    ledger: str  # the ledger's fingerprint at the split
    split: str  # the split's id
    row: int  # the row in the ledger's sheet
    measure: str  # the measure's key (序号 and 整改措施)
    checks: tuple[str, ...] = ()  # check() of each column's value as handed out

    def __str__(self) -> str:
        return SEPARATOR.join((VERSION, self.ledger, self.split, str(self.row), self.measure, ".".join(self.checks)))

    @property
    def handed(self) -> str:
        """The row as the hidden sheet lists those handed out: ledger row and measure key."""
        return f"{self.row}{SEPARATOR}{self.measure}"


def parse_identity(value: object) -> RowIdentity | None:
    """A row identity read back, or None when the cell holds anything else (a row the department added)."""
    parts = clean(value).split(SEPARATOR)
    if len(parts) != 6 or parts[0] != VERSION or not all(parts[1:5]):
        return None
    if not (parts[3].isascii() and parts[3].isdigit() and len(parts[3]) <= 7):  # ² and 5,000 digits: no int()
        return None
    return RowIdentity(parts[1], parts[2], int(parts[3]), parts[4], tuple(parts[5].split(".")))


def check(value: object) -> str:
    """A cell's value in 8 hex digits: equal for equal cell_text(), whatever program saved the cell."""
    if isinstance(value, str):
        return _text_check(value)  # names, statuses and headings repeat row after row
    return f"{zlib.crc32(cell_text(value).encode('utf-8')):08x}"


@lru_cache(maxsize=65_536)
def _text_check(value: str) -> str:
    return f"{zlib.crc32(cell_text(value).encode('utf-8')):08x}"


def digest(*texts: str, length: int = 12) -> str:
    return hashlib.sha256("\x1f".join(texts).encode("utf-8")).hexdigest()[:length]


def measure_key(number: object, measure: object) -> str:
    """A measure's key: its 序号 and 整改措施, spacing and full-width forms aside."""
    return digest(key(number), key(measure), length=10)


def ledger_fingerprint(issuer: str, sheet: str, keys: list[str]) -> str:
    """The ledger as the split saw it: its 发文机关, its sheet and its measures in order."""
    return digest(issuer, sheet, *keys)


def cell_text(value: object) -> str:
    """A cell's value as split and merge compare it: trimmed text; a date (or a date-time at midnight) as
    2025-09-30; a whole number without its .0."""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(value)
