"""Dates and deadlines as clerks write them: date cells, 2025/9/30, 2025年9月底前, 立行立改, 长期坚持."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta

from rectification.core.errors import RectificationError
from rectification.core.model import Deadline
from rectification.core.text import clean

IMMEDIATE_WORDS = ("立行立改", "立即整改")
ONGOING_WORDS = ("长期坚持", "持续整改", "长期推进", "持续推进", "常态化推进")

# 2025-09-30, 2025/9/30, 2025.9.30, 2025年9月30日 (日/号 optional)
FULL_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
MONTH_END = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:底|末)")
MONTH_END_NO_YEAR = re.compile(r"(\d{1,2})\s*月\s*(?:底|末)")
DATE_NO_YEAR = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
YEAR_END = re.compile(r"(\d{4})\s*年\s*(?:底|末)")
# What may follow a date: 前, punctuation, and "并长期坚持".
WINDOWS_1900 = datetime(1899, 12, 30)  # serial 1 is 1900-01-01, past Excel's phantom 1900-02-29
SERIAL_RANGE = (20000, 80000)  # Excel serial numbers for the years 1954–2119
TAIL = re.compile(r"^(?:前|以前|之前)?[\s，,、；;。]*(?:并|且)?\s*(.*)$")


class DateError(RectificationError, ValueError):
    """A text that looks like a date but is not one (2025-02-30)."""


def as_date(value: object) -> date | None:
    """A cell's date, or None when it holds no date; raises DateError for impossible dates."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = unicodedata.normalize("NFKC", clean(value))
    if not text:
        return None
    match = FULL_DATE.fullmatch(text)
    if not match:
        return None
    return checked_date(*match.groups())


def read_date(value: object, epoch: datetime | None = None) -> date | None:
    """A date cell, text date or Excel serial number; None when blank, DateError when unreadable."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1]:
        return ((epoch or WINDOWS_1900) + timedelta(days=int(value))).date()
    parsed = as_date(value)
    if parsed is None and clean(value):
        raise DateError(f"无法识别日期“{clean(value)}”")
    return parsed


def checked_date(year: str, month: str, day: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise DateError(f"{year}年{int(month)}月{int(day)}日不是有效日期") from None


def month_end(year: int, month: int) -> date:
    if not 1 <= month <= 12:
        raise DateError(f"{year}年{month}月不是有效月份")
    return date(_year(year), month, calendar.monthrange(year, month)[1])


def year_end(year: int) -> date:
    return date(_year(year), 12, 31)


def _year(year: int) -> int:
    """A year a date can have (0000年底前 made date() raise ValueError, not DateError)."""
    if not MINYEAR <= year <= MAXYEAR:
        raise DateError(f"{year:04d}年不是有效年份")
    return year


def parse_deadline(value: object, after: date | None = None) -> Deadline | None:
    """Read a 整改时限; None when unreadable, DateError when it names an impossible date.

    A month without a year (9月底) means the first such month on or after `after` (the 反馈日期).
    """
    if isinstance(value, (date, datetime)):
        return Deadline(clean(value), as_date(value))
    written = clean(value)
    text = unicodedata.normalize("NFKC", written)
    if not text:
        return None
    immediate = any(w in text for w in IMMEDIATE_WORDS)
    ongoing = any(w in text for w in ONGOING_WORDS)
    if immediate or ongoing:
        rest = text
        for word in IMMEDIATE_WORDS + ONGOING_WORDS:
            rest = rest.replace(word, " ")
        rest = re.sub(r"[\s，,、；;。并且]+", "", rest)
        if not rest:
            return Deadline(written, None, immediate, ongoing)
    due, tail = _leading_date(text, after)
    if due is None:
        return None
    closing = TAIL.match(tail)
    remainder = closing.group(1).strip() if closing else tail
    if not remainder:
        return Deadline(written, due, immediate, False)
    if remainder in ONGOING_WORDS:
        return Deadline(written, due, immediate, True)
    return None


def _leading_date(text: str, after: date | None) -> tuple[date | None, str]:
    """The date a deadline text starts with, and what follows it."""

    def year_of(month: int) -> int:
        assert after is not None
        return after.year if month >= after.month else after.year + 1

    patterns = [
        (FULL_DATE, lambda m: checked_date(*m.groups())),
        (MONTH_END, lambda m: month_end(int(m.group(1)), int(m.group(2)))),
        (YEAR_END, lambda m: year_end(int(m.group(1)))),
    ]
    if after is not None:
        patterns += [
            (MONTH_END_NO_YEAR, lambda m: month_end(year_of(int(m.group(1))), int(m.group(1)))),
            (DATE_NO_YEAR, lambda m: _next_date(after, int(m.group(1)), int(m.group(2)))),
        ]
    for pattern, build in patterns:
        match = pattern.match(text)
        if match:
            return build(match), text[match.end() :]
    return None, text


def _next_date(after: date, month: int, day: int) -> date:
    """The first month/day on or after `after`."""
    first = checked_date(str(after.year), str(month), str(day))
    return first if first >= after else checked_date(str(after.year + 1), str(month), str(day))
