"""Progress since the last report: the ledger against an earlier copy of itself, measure by measure.

Measures are matched by 序号 + 整改措施 (whitespace and punctuation ignored), then a reworded measure by
similarity within its problem, then anywhere. Every change is a row; the counts feed the notice's placeholders.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date

from rectification.analyse.analysis import Analysis, Tracked
from rectification.core.model import Light, Measure, Status

SIMILAR = 0.6  # SequenceMatcher ratio from which a reworded measure is taken for the same one
IGNORED = re.compile(r"[\s\W_]+")  # whitespace and punctuation, full and half width


class Change(str, enum.Enum):
    """One kind of change, in the order the 进展对比 sheet lists them; values are what the user reads."""

    COMPLETED = "本期完成"
    NEWLY_RED = "新增红灯"
    NEWLY_YELLOW = "新增黄灯"
    STILL_RED = "仍为红灯"
    DEADLINE_MOVED = "调整时限"
    REGRESSED = "状态倒退"
    STALE = "进展未更新"
    OWNERS_CHANGED = "责任人变更"
    REWORDED = "措施改写"
    ADDED = "新增措施"
    REMOVED = "删除措施"


# The notice's placeholders for the counts (formats.SINCE).
PLACEHOLDERS = {
    "本期新完成措施数": Change.COMPLETED,
    "本期新增红灯数": Change.NEWLY_RED,
    "本期新增黄灯数": Change.NEWLY_YELLOW,
    "仍为红灯数": Change.STILL_RED,
    "期间调整时限数": Change.DEADLINE_MOVED,
    "状态倒退数": Change.REGRESSED,
    "进展未更新数": Change.STALE,
    "责任人变更数": Change.OWNERS_CHANGED,
    "新增措施数": Change.ADDED,
    "删除措施数": Change.REMOVED,
}


@dataclass(frozen=True)
class ChangeRow:
    change: Change
    new: Tracked | None  # None for a removed measure
    old: Tracked | None  # None for an added one
    before: str = ""  # the old value, as the user wrote it
    after: str = ""
    note: str = ""


@dataclass(frozen=True)
class Progress:
    """What changed since the earlier copy, and how its measures were matched."""

    old_name: str  # the earlier file's name
    old_date: date  # the date the earlier copy stood for: its 发文日期, else the file's date
    rows: tuple[ChangeRow, ...]
    matched_same: int  # by 序号 and the same 整改措施 text
    matched_similar: int  # reworded, matched by similarity

    def count(self, change: Change) -> int:
        return sum(1 for r in self.rows if r.change is change)

    def counts(self) -> Counter[Change]:
        return Counter(r.change for r in self.rows)


def normalized(text: str) -> str:
    return IGNORED.sub("", unicodedata.normalize("NFKC", text))


def compare(old: Analysis, new: Analysis, old_name: str, old_date: date) -> Progress:
    """The changes from old (lights as of old_date, its own as-of) to new, in new ledger order, removals last."""
    pairs, same, similar = _match(list(old.tracked), list(new.tracked))
    rows: list[ChangeRow] = []
    matched_old = {id(o) for o, _, _ in pairs}
    for o, n, reworded in pairs:
        rows += _changes(o, n, reworded)
    paired_new = {id(n) for _, n, _ in pairs}
    rows += [ChangeRow(Change.ADDED, n, None, "", n.measure.text) for n in new.tracked if id(n) not in paired_new]
    rows += [ChangeRow(Change.REMOVED, None, o, o.measure.text) for o in old.tracked if id(o) not in matched_old]
    order = {c: i for i, c in enumerate(Change)}
    position = {id(t): i for i, t in enumerate(new.tracked)}
    rows.sort(key=lambda r: (order[r.change], position.get(id(r.new), 0)))
    return Progress(old_name, old_date, tuple(rows), same, similar)


def _match(old: list[Tracked], new: list[Tracked]) -> tuple[list[tuple[Tracked, Tracked, bool]], int, int]:
    """(old, new, reworded) pairs in new ledger order; exact 序号 + text first, then the most similar text."""
    import difflib  # here: only --since compares texts

    exact: dict[tuple[str, str], list[Tracked]] = {}
    for o in old:
        exact.setdefault((o.problem.number, normalized(o.measure.text)), []).append(o)
    pairs: list[tuple[Tracked, Tracked, bool]] = []
    left_new: list[Tracked] = []
    for n in new:
        candidates = exact.get((n.problem.number, normalized(n.measure.text)))
        if candidates:
            pairs.append((candidates.pop(0), n, False))
        else:
            left_new.append(n)
    used = {id(o) for o, _, _ in pairs}
    left_old = [o for o in old if id(o) not in used]
    same = len(pairs)
    scored = []
    for n in left_new:
        for o in left_old:
            ratio = difflib.SequenceMatcher(None, normalized(o.measure.text), normalized(n.measure.text)).ratio()
            if ratio >= SIMILAR:
                scored.append((o.problem.number == n.problem.number, ratio, id(n), id(o), n, o))
    taken_new: set[int] = set()
    taken_old: set[int] = set()
    for _, _, _, _, n, o in sorted(scored, key=lambda s: (s[0], s[1]), reverse=True):
        if id(n) not in taken_new and id(o) not in taken_old:
            taken_new.add(id(n))
            taken_old.add(id(o))
            pairs.append((o, n, True))
    position = {id(t): i for i, t in enumerate(new)}
    pairs.sort(key=lambda p: position[id(p[1])])
    return pairs, same, len(pairs) - same


def _changes(o: Tracked, n: Tracked, reworded: bool) -> list[ChangeRow]:
    om, nm = o.measure, n.measure
    rows = []
    if reworded:
        rows.append(ChangeRow(Change.REWORDED, n, o, om.text, nm.text, "按文字相近匹配"))
    if om.status is not Status.DONE and nm.status is Status.DONE:
        rows.append(ChangeRow(Change.COMPLETED, n, o, _status(om), _status(nm)))
    if _regressed(om, nm):
        rows.append(ChangeRow(Change.REGRESSED, n, o, _status(om), _status(nm)))
    if n.light is Light.RED:
        kind = Change.STILL_RED if o.light is Light.RED else Change.NEWLY_RED
        rows.append(ChangeRow(kind, n, o, _light(o), _light(n), n.assessment.days_text))
    elif n.light is Light.YELLOW and o.light not in (Light.RED, Light.YELLOW):
        rows.append(ChangeRow(Change.NEWLY_YELLOW, n, o, _light(o), _light(n), n.assessment.days_text))
    old_due, new_due = (m.deadline.due if m.deadline else None for m in (om, nm))
    if old_due and new_due and new_due > old_due:
        later = f"推迟{(new_due - old_due).days}天"
        rows.append(ChangeRow(Change.DEADLINE_MOVED, n, o, _deadline(om), _deadline(nm), later))
    if nm.status is not Status.DONE and om.progress and normalized(om.progress) == normalized(nm.progress):
        rows.append(ChangeRow(Change.STALE, n, o, "", _status(nm), "整改进展与上次相同"))
    before, after = _owners(om), _owners(nm)
    if before != after:
        rows.append(ChangeRow(Change.OWNERS_CHANGED, n, o, before, after))
    return rows


RANK = {Status.NOT_STARTED: 0, Status.IN_PROGRESS: 1, Status.ONGOING: 2, Status.DONE: 3}


def _regressed(old: Measure, new: Measure) -> bool:
    """已完成 → anything else, or a started measure back to 未启动."""
    if old.status is None or new.status is None:
        return False
    return old.status is Status.DONE and new.status is not Status.DONE or (RANK[new.status] == 0 < RANK[old.status])


def _status(m: Measure) -> str:
    return m.status.value if m.status else ""


def _light(t: Tracked) -> str:
    return t.light.value if t.light else "无"


def _deadline(m: Measure) -> str:
    return m.deadline.text if m.deadline else ""


def _owners(m: Measure) -> str:
    return " / ".join((m.leader, m.department, m.person))
