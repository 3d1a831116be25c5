"""The ledger as an attached table (附件): the columns the unit chose, one date style, lights as words."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rectification.analyse.analysis import Analysis, Tracked
from rectification.core.model import Deadline, Light
from rectification.render.official import Attachment
from rectification.render.wording import date_text

LIGHT_WORDS = {Light.RED: "已逾期", Light.YELLOW: "临近到期", Light.GREEN: "按期推进"}
PER_PROBLEM = ("序号", "问题", "问题具体表现")  # written once for a problem's rows (merged cells)
Cell = Callable[[Tracked], str]


def deadline_words(deadline: Deadline | None) -> str:
    """One style for every deadline: 2025年9月30日, 立行立改, 长期坚持, 2025年12月31日前并长期坚持."""
    if deadline is None:
        return ""
    if deadline.due is None:
        return "立行立改" if deadline.immediate else ("长期坚持" if deadline.ongoing else deadline.text)
    day = date_text(deadline.due)
    if deadline.immediate:
        return f"立行立改（{day}前）"
    return f"{day}前并长期坚持" if deadline.ongoing else day


def light_words(t: Tracked) -> str:
    light = t.assessment.light
    if light is None:
        return ""
    return f"{LIGHT_WORDS[light]}（{t.assessment.days_text}）" if t.assessment.days_text else LIGHT_WORDS[light]


CELLS: dict[str, Cell] = {
    "序号": lambda t: t.problem.number,
    "问题类别": lambda t: t.problem.category,
    "问题": lambda t: t.problem.title,
    "问题具体表现": lambda t: t.problem.detail,
    "整改措施": lambda t: t.measure.text,
    "责任领导": lambda t: t.measure.leader,
    "责任部门": lambda t: t.measure.department,
    "责任人": lambda t: t.measure.person,
    "整改时限": lambda t: deadline_words(t.measure.deadline),
    "整改状态": lambda t: t.measure.status.value if t.measure.status else "",
    "完成时间": lambda t: date_text(t.measure.completed_on) if t.measure.completed_on else "",
    "整改进展": lambda t: t.measure.progress,
    "佐证材料": lambda t: t.measure.evidence,
    "预警": light_words,
}


def chosen_columns(written: str) -> list[str]:
    """The 附件列 setting as column names, in the order written; names the table does not know are left out."""
    names = [n.strip() for n in re.split(r"[、，,;；\s]+", written) if n.strip()]
    return [n for n in dict.fromkeys(names) if n in CELLS] or ["序号", "问题", "整改措施", "整改状态"]


def ledger_attachment(title: str, analysis: Analysis, columns: Sequence[str]) -> Attachment:
    """Every measure a row, in ledger order; a problem's own cells written once across its measures."""
    rows = tuple(tuple(CELLS[c](t) for c in columns) for t in analysis.tracked)
    groups = tuple(f"{t.problem.row}" for t in analysis.tracked)
    merged = tuple(n for n, c in enumerate(columns) if c in PER_PROBLEM)
    return Attachment(title, (tuple(columns), *rows), groups, merged)
