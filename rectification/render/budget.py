"""A budget on the text the patterns make: counted before anything is filled, so a pattern that repeats a long
text over every problem is refused in a moment, with its key and the text named, instead of filling memory.

What counts is what a pattern adds: its own words and the values it brings in (a problem's own 问题 and
具体表现, the first time a lead names them, are the ledger's text and do not count). Each filled pattern is
allowed ALLOWANCE characters; beyond those a document may hold BUDGET more (a long opening, a unit's own long
text used once). The largest real notices use a tenth of it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from rectification.analyse.analysis import Analysis
from rectification.core.model import Finding, Level, NoticeInfo
from rectification.render.notice import NARRATIVE, aspect_values, category_values, item_values
from rectification.render.wording import phrase, single_quoted
from rectification.settings import NoticeFormat, Pattern, PatternError
from rectification.settings.document_keys import asked_upward

BUDGET = 1_000_000
ALLOWANCE = 200
ONCE = ("标题", "开头", "统计句", "组织领导标题", "整改情况标题", "下一步标题", "结束语", "落款")
LETTER_KEYS = ("督办标题", "督办正文", "督办要求", "督办落款")
NONE: Mapping[str, str] = {}
OVER_BUDGET = "填入后的文字太多"


@dataclass
class Cost:
    """What one key's fills add up to, and the value that weighs most in them (for the message)."""

    chars: int = 0
    fills: int = 0
    heaviest: str = ""  # a placeholder's name; "" when the pattern's own words weigh most
    weight: int = 0  # what the heaviest brings into one fill

    def add(
        self,
        pattern: Pattern,
        values: Mapping[str, str],
        extra: Mapping[str, str] = NONE,
        own: str = "",
        times: int = 1,
    ) -> None:
        """A fill (times alike): its length, less the first use of the item's own text (own)."""
        weights: dict[str, int] = {"": 0}
        free = own
        for is_name, text in pattern.pieces:
            if not is_name:
                weights[""] += len(text)
                continue
            value = extra[text] if text in extra else values.get(text, "")
            if text == free:
                free = ""
                continue
            weights[text] = weights.get(text, 0) + len(value)
        self.chars += sum(weights.values()) * times
        self.fills += times
        name, weight = max(weights.items(), key=lambda item: item[1])
        if weight > self.weight:
            self.heaviest, self.weight = name, weight


def notice_costs(info: NoticeInfo, analysis: Analysis, fmt: NoticeFormat, values: Mapping[str, str]) -> dict[str, Cost]:
    """Each key's cost over the notice, walking it as render.notice composes it (lengths only); values are
    notice_values()."""
    costs: dict[str, Cost] = {}

    def add(key: str, extra: Mapping[str, str] = NONE, own: str = "", times: int = 1) -> None:
        pattern = fmt.pattern(key)
        if pattern is not None and times:
            costs.setdefault(key, Cost()).add(pattern, values, extra, own, times)

    for key in ONCE:
        if key != "标题" or not info.title:
            add(key)
    aspects = sum(len(item.aspects) for item in analysis.reported_problems)
    add("整改情况标签", times=len(analysis.reported_problems) + aspects)  # at most one a problem or 具体表现
    if fmt.grouped:
        for k, category in enumerate((c for c in analysis.categories if c.reported), 1):
            add("分类标题", category_values(category, k))
            add("分类统计句", category_values(category, k))
    split = fmt.choice("具体表现") == "分条"
    for item in analysis.reported_problems:
        add("条目标题", item_values(item.problem, item.index), own="问题")
        if split and len(item.aspects) > 1:
            for n, aspect in enumerate(item.aspects, 1):
                add("子条目标题", aspect_values(single_quoted(phrase(aspect.detail)), n), own="具体表现")
    costs.update(narrative_costs(info, values))
    return costs


def narrative_costs(info: NoticeInfo, values: Mapping[str, str]) -> dict[str, Cost]:
    """The values a 基本信息 narrative's placeholders bring in (its own words are the unit's text, written once)."""
    costs: dict[str, Cost] = {}
    for name, field in NARRATIVE.items():
        for text in getattr(info, field):
            if "{" not in text:
                continue
            try:
                pattern = Pattern.parse(text)
            except PatternError:
                continue
            words = Pattern(text, tuple(piece for piece in pattern.pieces if piece[0]))  # the placeholders alone
            costs.setdefault(name, Cost()).add(words, values)
    return costs


def letter_costs(analysis: Analysis, fmt: NoticeFormat, values: Mapping[str, str]) -> dict[str, Cost]:
    """The 督办 letters' costs: each letter fills its four keys once (--remind)."""
    from rectification.analyse.remind import reminders
    from rectification.render.reminder import reminder_values

    costs: dict[str, Cost] = {}
    for letter in reminders(analysis, fmt, None):
        if not letter.addressee:
            continue
        extra = reminder_values(letter, analysis, fmt)
        for key in LETTER_KEYS:
            pattern = fmt.pattern(key)
            if pattern is not None:
                costs.setdefault(key, Cost()).add(pattern, values, extra)
    return costs


def over_budget(
    costs: Mapping[str, Cost], fmt: NoticeFormat, sheet: str, info_rows: Mapping[str, int], document: str
) -> list[Finding]:
    """An error naming the heaviest key when the costs pass the budget; [] within it."""
    total = sum(c.chars for c in costs.values())
    fills = sum(c.fills for c in costs.values())
    if total <= BUDGET + ALLOWANCE * fills:
        return []
    key, cost = max(costs.items(), key=lambda item: item[1].chars)
    narrative = key in NARRATIVE
    where, row = ("基本信息", info_rows.get(key)) if narrative else (sheet, fmt.rows.get(key))
    times = f"（填了{cost.fills:,}次）" if cost.fills > 1 else ""
    message = f"{OVER_BUDGET}：{document}中由这一项生成的文字约{count_text(cost.chars)}字{times}，超过上限"
    if cost.heaviest:
        at = info_rows.get(cost.heaviest)
        source = f"（“基本信息”第{at}行）" if at else ""
        hint = (
            f"{{{cost.heaviest}}}{source}每次填入约{count_text(cost.weight)}字；"
            f"请缩短它的内容，或从“{key}”中去掉{{{cost.heaviest}}}"
        )
    else:
        hint = f"“{key}”本身的文字太长，又在{document}中重复{cost.fills:,}次：请缩短这一项"
    return [Finding(Level.ERROR, where, row or None, key, message, hint)]


def count_text(chars: int) -> str:
    """1,280,000,000 → 12.8亿; 12,345,678 → 1,235万; 12,345 → 12,345: counts as a clerk reads them."""
    if chars >= 100_000_000:
        return f"{chars / 100_000_000:.1f}亿"
    return f"{round(chars / 10_000):,}万" if chars >= 100_000 else f"{chars:,}"


def check_budget(
    info: NoticeInfo, analysis: Analysis, fmt: NoticeFormat, values: Mapping[str, str], sheet: str
) -> list[Finding]:
    """The notice's budget; values: notice_values()."""
    return over_budget(notice_costs(info, analysis, fmt, values), fmt, sheet, info.rows, "通报")


def letter_budget(
    info: NoticeInfo, analysis: Analysis, fmt: NoticeFormat, values: Mapping[str, str], sheet: str
) -> list[Finding]:
    """The 督办 letters' budget (--remind): an error here means no letter is written (Report.letters_over_budget),
    though letters are written otherwise whatever the ledger's errors."""
    return over_budget(letter_costs(analysis, fmt, values), fmt, sheet, info.rows, "督办提醒函")


def upward_budget(
    info: NoticeInfo, fmt: NoticeFormat, values: Mapping[str, str], sheet: str, documents: Collection[str]
) -> list[Finding]:
    """The budget of the documents sent upward, when asked for (documents: --report, --plan; or 通报格式 says 是):
    their own keys, each filled once (the items they repeat are the notice's, counted there)."""
    costs: dict[str, Cost] = {}
    for key in dict.fromkeys(key for document in asked_upward(fmt.choice, documents) for key in document.keys):
        pattern = fmt.patterns.get(key)
        if pattern is not None:
            costs.setdefault(key, Cost()).add(pattern, values)
    return over_budget(costs, fmt, sheet, info.rows, "整改情况报告、整改方案或党内通报")


def round_budget(fmt: NoticeFormat, values: Mapping[str, str], sheet: str, keys: Iterable[str]) -> list[Finding]:
    """The round notice's budget (--batch): its keys filled once each."""
    costs: dict[str, Cost] = {}
    for key in keys:
        pattern = fmt.pattern(key)
        if pattern is not None:
            costs.setdefault(key, Cost()).add(pattern, values)
    return over_budget(costs, fmt, sheet, {}, "汇总通报")
