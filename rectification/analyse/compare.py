"""Progress since the last report: the ledger against an earlier copy of itself, measure by measure.

Measures are matched by 序号 + 整改措施 (whitespace and punctuation ignored), then a reworded measure by
similarity (rapidfuzz) within its problem, then anywhere. Every change is a row; the counts feed the notice's placeholders.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache

from rectification.analyse.analysis import Analysis, Tracked
from rectification.core.model import Light, Measure, Status

SIMILAR = 60  # similarity() from which a reworded measure is taken for the same one
ALL_PAIRS = 2_500  # up to this many old × new pairs, every pair is scored (a problem's measures)
CANDIDATES = 8  # otherwise: the old texts scored for each new one, found by _Index
RARE_GRAMS = 8  # the rarest character pairs of a text that find its candidates
MAX_POSTING = 256  # texts a character pair may bring in: a pair in more of them is too common to tell them apart
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
        return self.counts()[change]

    def counts(self) -> Counter[Change]:
        return self._counts.copy()

    @cached_property
    def _counts(self) -> Counter[Change]:  # asked for once a placeholder, a console line, a roll-up cell
        return Counter(r.change for r in self.rows)


@lru_cache(maxsize=1 << 16)  # each text is compared several times (exact, similar, progress): normalised once
def normalized(text: str) -> str:
    """Without whitespace and punctuation, after NFKC (full-width letters, digits and signs folded: ㎡ is m2)."""
    return IGNORED.sub("", unicodedata.normalize("NFKC", text))


def compare(old: Analysis, new: Analysis, old_name: str, old_date: date) -> Progress:
    """The changes from old (lights as of old_date, its own as-of) to new, in new ledger order, removals last."""
    pairs, same, similar = _match(list(old.tracked), list(new.tracked))
    by_change: dict[Change, list[ChangeRow]] = {change: [] for change in Change}  # each in new ledger order
    matched_old = {id(o) for o, _, _ in pairs}
    paired_new = {id(n) for _, n, _ in pairs}
    changes = iter(pairs)
    following = next(changes, None)
    for n in new.tracked:  # pairs come in new ledger order too: rows of a kind stay in ledger order
        if following is not None and following[1] is n:
            for row in _changes(*following):
                by_change[row.change].append(row)
            following = next(changes, None)
        elif id(n) not in paired_new:
            by_change[Change.ADDED].append(ChangeRow(Change.ADDED, n, None, "", n.measure.text))
    by_change[Change.REMOVED] += [
        ChangeRow(Change.REMOVED, None, o, o.measure.text) for o in old.tracked if id(o) not in matched_old
    ]
    rows = tuple(row for change in Change for row in by_change[change])
    return Progress(old_name, old_date, rows, same, similar)


def _match(old: list[Tracked], new: list[Tracked]) -> tuple[list[tuple[Tracked, Tracked, bool]], int, int]:
    """(old, new, reworded) pairs in new ledger order; exact 序号 + text first, then the most similar text.

    Reworded measures are paired greedily, most similar first, within their problem before across problems: the
    same order as scoring every pair, at the cost of a few scores a measure (see _similar).
    """
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
    if left_old and left_new:
        taken: set[int] = set()
        pairs += _within_problems(left_old, left_new, taken)
        pairs += _similar(  # then across problems, among what is left
            [o for o in left_old if id(o) not in taken], [n for n in left_new if id(n) not in taken], taken
        )
    position = {id(t): i for i, t in enumerate(new)}
    pairs.sort(key=lambda p: position[id(p[1])])
    return pairs, same, len(pairs) - same


def similarity(a: str, b: str) -> float:
    """0–100: twice the longest common subsequence over both lengths (rapidfuzz's Indel ratio)."""
    from rapidfuzz.fuzz import ratio  # here: only --since compares texts

    return ratio(a, b, score_cutoff=SIMILAR)


def scores(text: str, choices: list[str]) -> list[tuple[int, float]]:
    """(index, similarity) of each choice at least SIMILAR to text: one call into rapidfuzz for them all."""
    from rapidfuzz import process
    from rapidfuzz.fuzz import ratio

    return [
        (i, score) for _, score, i in process.extract(text, choices, scorer=ratio, score_cutoff=SIMILAR, limit=None)
    ]


def _within_problems(old: list[Tracked], new: list[Tracked], taken: set[int]) -> list[tuple[Tracked, Tracked, bool]]:
    """Reworded pairs within each problem: its handful of old and new measures scored against each other."""
    from rapidfuzz.fuzz import ratio  # here: only --since compares texts

    old_groups: dict[str, list[int]] = {}
    new_groups: dict[str, list[int]] = {}
    for i, o in enumerate(old):
        old_groups.setdefault(o.problem.number, []).append(i)
    for j, n in enumerate(new):
        new_groups.setdefault(n.problem.number, []).append(j)
    old_texts = [normalized(o.measure.text) for o in old]
    pairs = []
    for number, group in new_groups.items():
        olds = old_groups.get(number)
        if not olds:
            continue
        if len(olds) * len(group) > ALL_PAIRS:  # a problem of hundreds of measures: through the index
            pairs += _similar([old[i] for i in olds], [new[j] for j in group], taken)
            continue
        scored = []
        for j in group:
            text = normalized(new[j].measure.text)
            for i in olds:
                if score := ratio(text, old_texts[i], score_cutoff=SIMILAR):
                    scored.append((score, -j, -i))
        if scored:
            pairs += _greedy(scored, old, new, taken)
    return pairs


def _greedy(
    scored: list[tuple[float, int, int]], old: list[Tracked], new: list[Tracked], taken: set[int]
) -> list[tuple[Tracked, Tracked, bool]]:
    """(score, -new index, -old index) taken most similar first; ties: the earlier new measure, then the earlier old."""
    pairs = []
    for _, j, i in sorted(scored, reverse=True):
        o, n = old[-i], new[-j]
        if id(o) not in taken and id(n) not in taken:
            taken.update((id(o), id(n)))
            pairs.append((o, n, True))
    return pairs


def _similar(old: list[Tracked], new: list[Tracked], taken: set[int]) -> list[tuple[Tracked, Tracked, bool]]:
    """Reworded pairs among these measures, most similar first; marks the paired ones in taken.

    Every pair is scored when there are few (a problem's handful of measures); otherwise each new text is
    scored against the few old texts sharing most of its rarest character pairs (_Index), so the work grows
    with the number of measures, not with its square.
    """
    if not old or not new:
        return []
    old_texts = [normalized(o.measure.text) for o in old]
    new_texts = [normalized(n.measure.text) for n in new]
    everything = len(old) * len(new) <= ALL_PAIRS
    index = None if everything else _Index(old_texts)
    scored = []
    for j, text in enumerate(new_texts):
        if index is None:
            scored += [(score, -j, -i) for i, score in scores(text, old_texts)]
        else:
            candidates = index.closest(text)
            scored += [(score, -j, -candidates[i]) for i, score in scores(text, [old_texts[i] for i in candidates])]
    return _greedy(scored, old, new, taken)


class _Index:
    """The old texts by their character pairs (Chinese words are mostly two characters): a cheap pre-filter."""

    def __init__(self, texts: list[str]) -> None:
        self.postings: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            for gram in _grams(text):
                self.postings.setdefault(gram, []).append(i)

    def closest(self, text: str) -> list[int]:
        """The old texts sharing most of this text's rarest pairs; a pair most texts hold says little and is skipped."""
        found = [posting for gram in _grams(text) if (posting := self.postings.get(gram))]
        found.sort(key=len)
        hits: Counter[int] = Counter()
        for posting in found[:RARE_GRAMS]:
            if len(posting) > MAX_POSTING and hits:
                break
            hits.update(posting[:MAX_POSTING])
        return [i for i, _ in hits.most_common(CANDIDATES)]


def _grams(text: str) -> set[str]:
    return {text[k : k + 2] for k in range(len(text) - 1)} or {text}


def _changes(o: Tracked, n: Tracked, reworded: bool) -> list[ChangeRow]:
    om, nm = o.measure, n.measure
    old_light, new_light = o.assessment.light, n.assessment.light
    rows = []
    if reworded:
        rows.append(ChangeRow(Change.REWORDED, n, o, om.text, nm.text, "按文字相近匹配"))
    done = nm.status is Status.DONE
    if done and om.status is not Status.DONE:
        rows.append(ChangeRow(Change.COMPLETED, n, o, _status(om), _status(nm)))
    if _regressed(om, nm):
        rows.append(ChangeRow(Change.REGRESSED, n, o, _status(om), _status(nm)))
    if new_light is Light.RED:
        kind = Change.STILL_RED if old_light is Light.RED else Change.NEWLY_RED
        rows.append(ChangeRow(kind, n, o, _light(o), _light(n), n.assessment.days_text))
    elif new_light is Light.YELLOW and old_light is not Light.RED and old_light is not Light.YELLOW:
        rows.append(ChangeRow(Change.NEWLY_YELLOW, n, o, _light(o), _light(n), n.assessment.days_text))
    old_due = om.deadline.due if om.deadline else None
    new_due = nm.deadline.due if nm.deadline else None
    if old_due and new_due and new_due > old_due:
        later = f"推迟{(new_due - old_due).days}天"
        rows.append(ChangeRow(Change.DEADLINE_MOVED, n, o, _deadline(om), _deadline(nm), later))
    if not done and om.progress and normalized(om.progress) == normalized(nm.progress):
        rows.append(ChangeRow(Change.STALE, n, o, "", _status(nm), "整改进展与上次相同"))
    if om.leader != nm.leader or om.department != nm.department or om.person != nm.person:
        rows.append(ChangeRow(Change.OWNERS_CHANGED, n, o, _owners(om), _owners(nm)))
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
