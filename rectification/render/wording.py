"""The notice's wording rules: ordinals, percentages, dates as GB/T 9704 writes them, sentences and names as the
ledger's cells become the notice's text. Pure functions over text."""

from __future__ import annotations

import re
from datetime import date

CHINESE_DIGITS = "零一二三四五六七八九"
SENTENCE_END = re.compile(r"(?:[。！？；…]|[。！？][”’）)])$")  # a closing bracket alone ends no sentence
LEADING_ORDINAL = re.compile(r"^\s*(?:[一二三四五六七八九十]+是|\d+(?:[、．]|\.(?!\d))|[（(]\d+[)）])\s*")
# A heading or category the clerk numbered: （一） 一、 1. 1、 （1）
TYPED_NUMBER = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十百\d]+[)）]|[一二三四五六七八九十百]+[、．.]|\d+[、．.](?!\d))\s*"
)
SECOND_LEVEL = re.compile(r"^[（(][一二三四五六七八九十百]+[)）]")  # GB/T 9704: （一） is 楷体
FIRST_LEVEL = re.compile(r"^[一二三四五六七八九十百]+、")  # 一、 is 黑体


def chinese_ordinal(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 21 → 二十一, 101 → 一百零一, 110 → 一百一十 (for 一是, （一）, 一、)."""
    if n < 10:
        return CHINESE_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        head = "" if tens == 1 else CHINESE_DIGITS[tens]
        return head + "十" + (CHINESE_DIGITS[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        if not rest:
            tail = ""
        elif rest < 10:
            tail = "零" + CHINESE_DIGITS[rest]
        else:
            tail = ("一" if rest < 20 else "") + chinese_ordinal(rest)
        return CHINESE_DIGITS[hundreds] + "百" + tail
    return str(n)


def percent(rate: float, places: int) -> str:
    """0.8333 → 83.3% with one place; 0.76 → 76% with none."""
    return f"{rate * 100:.{places}f}%"


def date_text(d: date) -> str:
    """2025年12月11日: Arabic digits, no leading zeros, as GB/T 9704 writes dates."""
    return f"{d.year}年{d.month}月{d.day}日"


def date_range_text(start: date, end: date) -> str:
    """2025年4月16日至6月15日: the second date drops a repeated year."""
    tail = f"{end.month}月{end.day}日" if end.year == start.year else date_text(end)
    return f"{date_text(start)}至{tail}"


def written_date(value: date | str) -> str:
    """A date as the notice prints it; an approximate one (2024年4月上旬) as written."""
    return date_text(value) if isinstance(value, date) else value


def period_text(start: date | str, end: date | str) -> str:
    """The inspection's period: 2025年4月16日至6月15日, 2024年4月上旬至7月上旬; a repeated year is dropped."""
    if isinstance(start, date) and isinstance(end, date):
        return date_range_text(start, end)
    first, last = written_date(start), written_date(end)
    if not first or not last:
        return first or last
    year = re.match(r"\d{4}年", first)
    if year and last.startswith(year.group()) and len(last) > len(year.group()):
        last = last[len(year.group()) :]
    return f"{first}至{last}"


TERM = re.compile(r"^(?:[一二三四五六七八九十百]+|\d+)届")  # 九届区委, 十四届省委: notices write 区委, 省委


def inspecting_body(inspection_round: str) -> str:
    """区委第九轮巡察 → 区委, 九届区委第九轮巡察 → 区委: the body that ran the round, as a notice names it."""
    head = inspection_round.split("第", 1)[0]
    return TERM.sub("", head) or head or inspection_round


def with_full_stop(text: str) -> str:
    text = text.strip()
    if not text or SENTENCE_END.search(text):
        return text
    return text.rstrip("，,、;") + "。"


def sentences(text: str) -> str:
    """A cell's lines as one run of sentences: each line closed with a full stop."""
    return "".join(with_full_stop(line) for line in text.split("\n") if line.strip())


def phrase(text: str) -> str:
    """A cell's lines as one run, to stand inside a sentence (“关于‘……’”): no closing full stop of its own."""
    return sentences(text).rstrip("。.；;，,、")


def problem_name(title: str) -> str:
    """The words inside 关于“……”的问题: a title typed as 关于……的问题。 is not wrapped twice."""
    name = title.strip().rstrip("。.；;，,")
    if name.startswith("关于"):
        name = name[2:]
        name = name[: -len("的问题")] if name.endswith("的问题") else name.removesuffix("问题")
    elif name.endswith("的问题"):
        name = name[: -len("的问题")]
    if name.startswith(("“", '"')) and name.endswith(("”", '"')) and len(name) > 2:
        name = name[1:-1]
    return single_quoted(name.strip())


def single_quoted(text: str) -> str:
    """Double quotes inside a quoted title become single: “一岗双责” → ‘一岗双责’."""
    return text.replace("“", "‘").replace("”", "’").replace('"', "'")


def strip_leading_ordinal(text: str) -> str:
    """Drop an 一是/1./（1） the clerk typed, since the notice numbers measures itself."""
    return LEADING_ORDINAL.sub("", text)


def category_name(text: str) -> str:
    """A 问题类别 as the heading names it: without the （一） or 一、 the clerk may have typed."""
    return TYPED_NUMBER.sub("", text).strip().rstrip("。；;，,")
