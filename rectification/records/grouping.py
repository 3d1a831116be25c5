"""Which ledger rows belong to which problem: a pure function over (row, 序号, 问题), tested as a table."""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from rectification.core.text import clean

SUB_NUMBER = re.compile(r"(\d+)[.\-](\d+)")  # 1.1, 1-2: the measures of problem 1


@dataclass(frozen=True)
class RowKey:
    """What grouping looks at in one ledger row."""

    row: int  # the Excel row number
    number: str  # 序号, as number_text() reads it ("" when blank)
    title: str  # 问题 ("" when blank)


@dataclass
class Group:
    """One problem: the row that starts it and every row that belongs to it, in ledger order."""

    number: str
    title: str
    rows: list[int] = field(default_factory=list)  # positions in the input sequence

    @property
    def first(self) -> int:
        return self.rows[0]


class NoteKind(enum.Enum):
    MERGED_NUMBERS = "merged_numbers"  # adjacent rows with one title but different 序号: one problem
    REUSED_NUMBER = "reused_number"  # a 序号 already used by another problem further up


@dataclass(frozen=True)
class GroupNote:
    kind: NoteKind
    row: int  # the row the note is about
    earlier_row: int  # the first row of the problem it collides or merges with
    number: str
    earlier_title: str


def number_text(value: object) -> str:
    """序号 as text: 3, 3.0, '3', '３' all read as '3'; '1.1' and '1-2' as '1' (unless typed as a number)."""
    if value is None:  # most rows: a problem's 序号 is written on its first row only
        return ""
    text = unicodedata.normalize("NFKC", clean(value)).rstrip(".、")
    sub_numbered = SUB_NUMBER.fullmatch(text)
    if sub_numbered and not isinstance(value, float):
        return sub_numbered.group(1)
    if text.isascii() and text.isdigit():  # exactly, however long (a float keeps 15 digits)
        return text.lstrip("0") or "0"
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else text


def group_rows(keys: Sequence[RowKey]) -> tuple[list[Group], list[GroupNote]]:
    """Problems in ledger order, and what the clerk should hear about the numbering.

    A row starts a new problem when its 序号 differs from the current one, or, with no 序号, when its
    title differs. A blank row continues the current problem (merged cells are already spread). Adjacent
    rows with one title and different 序号 number measures: they stay one problem (noted once). A 序号 met
    again further down with the same title rejoins its problem; with another title it is a collision.
    """
    groups: list[Group] = []
    notes: list[GroupNote] = []
    by_number: dict[str, Group] = {}
    for position, key in enumerate(keys):
        current = groups[-1] if groups else None
        number, title = key.number, key.title
        starts = (
            current is None
            or bool(number and number != current.number)
            or bool(not number and title and title != current.title)
        )
        if not starts and number and title and current is not None and title != current.title:
            starts = True  # an adjacent row reusing the number for another problem
        elif starts and title and current is not None and title == current.title:
            starts = False  # 序号 numbers measures here: the same problem continues
            if not any(n.kind is NoteKind.MERGED_NUMBERS for n in notes):
                first_row = keys[current.first].row
                notes.append(GroupNote(NoteKind.MERGED_NUMBERS, key.row, first_row, number, current.title))
        known = by_number.get(number) if starts and number else None
        if known is not None and known.title == title:
            current = known  # the same problem met again further down the ledger
        elif starts:
            if known is not None:
                notes.append(GroupNote(NoteKind.REUSED_NUMBER, key.row, keys[known.first].row, number, known.title))
            current = Group(number, title)
            groups.append(current)
            if number:
                by_number.setdefault(number, current)
        assert current is not None
        current.rows.append(position)
    return groups, notes
