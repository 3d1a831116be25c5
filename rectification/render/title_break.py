"""Where a long title breaks: between words, on lines of about equal length (GB/T 9704 7.3.2: 梯形或菱形).

Word breaks a CJK line at any character ("区委第/九轮巡察"); a title that will not fit on one line is broken here at
one of a few safe points — after 关于, before the round's name, before 反馈意见 or 整改 — and the break the clerk
typed (Alt+Enter in 基本信息·标题) is kept as it is.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from itertools import accumulate

TITLE_CHARS_PER_LINE = 20  # 2号 (22 pt) characters on the 156 mm type area
SAFE_BREAKS = re.compile(
    r"(?<=关于)"  # 关于/……
    r"|(?<![省市州县区旗镇乡委共])(?=(?:中共)?[省市州县区旗镇乡]?委?(?:第[一二三四五六七八九十\d]+轮|[一二三四五六七八九十\d]+届))"  # /区委第九轮巡察
    r"|(?=(?:巡察|巡视|专项巡察|专项巡视)(?:反馈|整改|组))"
    r"|(?=反馈意见)|(?=整改(?:进展|落实|情况|工作|方案|报告))|(?=情况的(?:通报|报告))"
    r"|(?=进展情况)|(?=的(?:通报|报告|提醒函|方案)$)"
)


def width(text: str) -> float:
    return sum(0.5 if unicodedata.east_asian_width(c) in ("Na", "H") else 1.0 for c in text)


def break_title(title: str, per_line: float = TITLE_CHARS_PER_LINE) -> str:
    """The title with line breaks ("\\n") between words; a title the clerk broke, or one that fits, unchanged."""
    if "\n" in title or width(title) <= per_line:
        return title
    return "\n".join(_lines(title, per_line))


def _lines(text: str, per_line: float) -> list[str]:
    """The lines, found from the left: widths summed once and only the points within a line's reach tried, so a
    title pasted from a whole page (thousands of safe points) breaks in linear time, without recursion."""
    points = sorted({m.start() for m in SAFE_BREAKS.finditer(text) if 0 < m.start() < len(text)})
    ends = list(accumulate((width(c) for c in text), initial=0.0))  # ends[i]: the width of text[:i]
    lines: list[str] = []
    start = 0
    while ends[-1] - ends[start] > per_line:
        at = _best_break(points[bisect_right(points, start) :], ends, start, per_line)
        if at is None:
            break  # no safe point: Word's own wrapping is better than a break in the wrong place
        lines.append(text[start:at])
        start = at
    return [*lines, text[start:]]


def _best_break(points: list[int], ends: list[float], start: int, per_line: float) -> int | None:
    """Where the line from start ends: two lines balanced, more with the first one filled."""
    lines_needed = -(-(ends[-1] - ends[start]) // per_line)
    best: tuple[float, float, int] | None = None
    for at in points:
        head, tail = ends[at] - ends[start], ends[-1] - ends[at]
        if head > per_line:
            break  # points are in order: every later one makes the line longer still
        balance = abs(head - tail) if lines_needed <= 2 and tail <= per_line else per_line - head
        score = (0 if tail <= per_line or lines_needed > 2 else 1, balance, at)
        if best is None or score < best:
            best = score
    return None if best is None else best[2]
