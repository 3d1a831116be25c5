"""Grouping ledger rows into problems: the riskiest rule in the reader, as a table of cases."""

from __future__ import annotations

import pytest

from rectification.records.grouping import NoteKind, RowKey, group_rows, number_text


def keys(*rows: tuple[object, str]) -> list[RowKey]:
    """(序号, 问题) per ledger row, from Excel row 2 down."""
    return [RowKey(n, number_text(number), title) for n, (number, title) in enumerate(rows, 2)]


def shape(rows: list[RowKey]) -> list[tuple[str, str, list[int]]]:
    """Each problem as (序号, 问题, its Excel rows)."""
    groups, _ = group_rows(rows)
    return [(g.number, g.title, [rows[i].row for i in g.rows]) for g in groups]


CASES = {
    "one problem per 序号": (
        [(1, "甲"), (1, "甲"), (2, "乙")],
        [("1", "甲", [2, 3]), ("2", "乙", [4])],
    ),
    "merged cells, spread over the rows": (
        [(1, "甲"), (1, "甲"), (1, "甲"), (2, "乙"), (2, "乙")],
        [("1", "甲", [2, 3, 4]), ("2", "乙", [5, 6])],
    ),
    "blank continuation rows": (
        [(1, "甲"), ("", ""), ("", ""), (2, "乙"), ("", "")],
        [("1", "甲", [2, 3, 4]), ("2", "乙", [5, 6])],
    ),
    "no 序号 at all: the title decides": (
        [("", "甲"), ("", "甲"), ("", "乙"), ("", "")],
        [("", "甲", [2, 3]), ("", "乙", [4, 5])],
    ),
    "序号 numbering measures: one title, several numbers": (
        [(1, "甲"), (2, "甲"), (3, "乙")],
        [("1", "甲", [2, 3]), ("3", "乙", [4])],
    ),
    "1.1-style numbering": (
        ["1.1", "1.2", "2.1"],
        [("1", "甲", [2, 3]), ("2", "乙", [4])],
    ),
    "a 序号 met again further down rejoins its problem": (
        [(1, "甲"), (2, "乙"), (1, "甲")],
        [("1", "甲", [2, 4]), ("2", "乙", [3])],
    ),
    "a 序号 reused for another title: a new problem": (
        [(1, "甲"), (2, "乙"), (1, "丙")],
        [("1", "甲", [2]), ("2", "乙", [3]), ("1", "丙", [4])],
    ),
    "an adjacent row reusing the number for another title": (
        [(1, "甲"), (1, "乙")],
        [("1", "甲", [2]), ("1", "乙", [3])],
    ),
    "numbers typed as text and full width": (
        [("１", "甲"), ("1.0", "甲"), (" 2 ", "乙")],
        [("1", "甲", [2, 3]), ("2", "乙", [4])],
    ),
}


@pytest.mark.parametrize(("rows", "expected"), CASES.values(), ids=CASES.keys())
def test_grouping(rows, expected):
    if rows and isinstance(rows[0], str):  # 1.1-style: the titles follow the problem number
        rows = [(n, {"1": "甲", "2": "乙"}[n.split(".")[0]]) for n in rows]
    assert shape(keys(*rows)) == expected


def test_merged_numbers_are_noted_once():
    _, notes = group_rows(keys((1, "甲"), (2, "甲"), (3, "甲"), (4, "乙"), (5, "乙")))
    assert [(n.kind, n.row, n.earlier_row) for n in notes] == [(NoteKind.MERGED_NUMBERS, 3, 2)]


def test_a_reused_number_names_the_earlier_problem():
    _, notes = group_rows(keys((1, "甲"), (2, "乙"), (1, "丙")))
    assert [(n.kind, n.row, n.earlier_row, n.number, n.earlier_title) for n in notes] == [
        (NoteKind.REUSED_NUMBER, 4, 2, "1", "甲")
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [(3, "3"), (3.0, "3"), ("3", "3"), ("３", "3"), ("3.", "3"), ("3、", "3"), ("1.1", "1"), ("2-3", "2")]
    + [(1.5, "1.5"), ("（一）", "(一)"), (None, "")],
)
def test_number_text(value, text):
    assert number_text(value) == text
