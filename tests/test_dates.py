"""Deadlines and dates in every form clerks type them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from rectification.core.dates import DateError, parse_deadline, read_date

D = date(2025, 9, 30)

DEADLINES = [
    (datetime(2025, 9, 30), D, False, False),
    ("2025-09-30", D, False, False),
    ("2025/9/30", D, False, False),
    ("2025.9.30", D, False, False),
    ("2025年9月30日", D, False, False),
    ("2025年9月30日前", D, False, False),
    ("2025年9月底", D, False, False),
    ("2025年9月底前", D, False, False),
    ("２０２５年９月底前", D, False, False),
    ("2025年2月底前", date(2025, 2, 28), False, False),
    ("2024年2月底", date(2024, 2, 29), False, False),
    ("2025年底前", date(2025, 12, 31), False, False),
    ("立行立改", None, True, False),
    ("长期坚持", None, False, True),
    ("持续整改", None, False, True),
    ("2025年底前，并长期坚持", date(2025, 12, 31), False, True),
    ("2025年9月底前,并长期坚持", D, False, True),
    ("立行立改，长期坚持", None, True, True),
    ("\u30002025-09-30 ", D, False, False),
]


@pytest.mark.parametrize("written, due, immediate, ongoing", DEADLINES)
def test_deadline_forms(written, due, immediate, ongoing):
    deadline = parse_deadline(written)
    assert deadline is not None
    assert (deadline.due, deadline.immediate, deadline.ongoing) == (due, immediate, ongoing)


@pytest.mark.parametrize("written", ["尽快", "9月", "2025年", "2025-09-30以后再说", "下半年", "2025-9"])
def test_unreadable_deadlines(written):
    assert parse_deadline(written) is None


@pytest.mark.parametrize("written", ["2025-02-30", "2025年13月底", "2025/4/31"])
def test_impossible_dates_are_named(written):
    with pytest.raises(DateError, match="不是有效"):
        parse_deadline(written)


def test_blank_deadline_is_none():
    assert parse_deadline("  ") is None and parse_deadline(None) is None


@pytest.mark.parametrize(
    "value, expected",
    [
        (datetime(2025, 8, 6, 0, 0), date(2025, 8, 6)),
        ("2025年8月6日", date(2025, 8, 6)),
        ("2025.8.6", date(2025, 8, 6)),
        (45875, date(2025, 8, 6)),  # an Excel serial number in a General cell
        (None, None),
        ("", None),
    ],
)
def test_read_date(value, expected):
    assert read_date(value) == expected


def test_read_date_on_the_1904_system():
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    assert read_date(44413, CALENDAR_MAC_1904) == date(2025, 8, 6)


def test_read_date_names_text_it_cannot_read():
    with pytest.raises(DateError, match="无法识别日期“八月”"):
        read_date("八月")
