"""Everything derived from a ledger, computed once: each measure's light, what the notice reports, the figures.

Every renderer (notice, summary, roll-up, console) reads an Analysis; none recomputes a light or a count.
What is made once a measure is slotted, as in model.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date

from rectification.core.model import Ledger, Light, Measure, Problem, Status

DEFAULT_WARN_DAYS = 10
OPEN_STATUSES = (Status.IN_PROGRESS, Status.NOT_STARTED, None)
STATES = (Status.DONE, Status.IN_PROGRESS, Status.ONGOING, Status.NOT_STARTED)


@dataclass(frozen=True, slots=True)
class Assessment:
    """Where an open measure stands against its deadline on the as-of day."""

    light: Light | None  # None: done, long-term, or no date to judge by
    days_overdue: int | None = None
    days_left: int | None = None

    @property
    def days_text(self) -> str:
        """逾期11天, 立行立改未完成 (no date to count from), 剩余5天; "" for no light."""
        if self.light is Light.RED:
            return f"逾期{self.days_overdue}天" if self.days_overdue is not None else "立行立改未完成"
        return f"剩余{self.days_left}天" if self.days_left is not None else ""


NO_LIGHT = Assessment(None)  # shared, as most measures have no light (Assessment is frozen)
IMMEDIATE_OPEN = Assessment(Light.RED)  # 立行立改 and not done: red, with no date to count from


def assess(measure: Measure, as_of: date, warn_days: int = DEFAULT_WARN_DAYS) -> Assessment:
    """The three-colour light of one measure: the only place a light is decided."""
    deadline = measure.deadline
    if measure.status not in OPEN_STATUSES or deadline is None:
        return NO_LIGHT
    if deadline.due is None:
        return IMMEDIATE_OPEN if deadline.immediate else NO_LIGHT
    remaining = (deadline.due - as_of).days
    if remaining < 0:
        return Assessment(Light.RED, days_overdue=-remaining)
    if remaining <= warn_days:
        return Assessment(Light.YELLOW, days_left=remaining)
    return Assessment(Light.GREEN, days_left=remaining)


def reported(measure: Measure) -> bool:
    """The notice reports every measure that has started: the only place this rule is written."""
    return measure.status is not Status.NOT_STARTED


@dataclass(frozen=True, slots=True)
class Tracked:
    """One measure with what the analysis found: its problem, its light, whether the notice reports it."""

    problem: Problem
    measure: Measure
    assessment: Assessment
    reported: bool

    @property
    def light(self) -> Light | None:
        return self.assessment.light


@dataclass(frozen=True)
class Tally:
    """Measures of one group (a department, a leader, the whole ledger) counted by state and light."""

    name: str  # "" for measures whose group cell is blank
    measures: int
    done: int
    in_progress: int
    ongoing: int
    not_started: int
    red: int
    yellow: int

    @property
    def completion_rate(self) -> float:
        """已完成 ÷ 措施数; 0.0 when there are no measures."""
        return self.done / self.measures if self.measures else 0.0

    def by_state(self) -> tuple[int, int, int, int]:
        """已完成, 正在推进, 长期坚持, 未启动: the order every table and chart uses."""
        return (self.done, self.in_progress, self.ongoing, self.not_started)


@dataclass(frozen=True)
class Figures(Tally):
    """The whole ledger's tally plus its problem counts: what the console, summary, roll-up and notice read."""

    problems: int = 0
    problems_done: int = 0  # a problem is done when all its measures are 已完成
    problems_reported: int = 0  # problems the notice lists
    problems_long_term: int = 0  # not done, but every measure 已完成 or 长期坚持
    categories: int = 0  # distinct 问题类别 filled in
    departments: int = 0  # distinct 责任部门 filled in

    @property
    def problems_open(self) -> int:
        """Problems not yet done (正在整改), the long-term ones included."""
        return self.problems - self.problems_done

    @property
    def problem_rate(self) -> float:
        """问题完成率: done problems ÷ problems; 0.0 when there are none."""
        return self.problems_done / self.problems if self.problems else 0.0


@dataclass(frozen=True, slots=True)
class ReportedAspect:
    """One 具体表现 of a listed problem, with the measures the notice reports under it."""

    detail: str
    measures: tuple[Measure, ...]


@dataclass(frozen=True, slots=True)
class ReportedProblem:
    """A problem as the notice lists it: its number in the notice and the measures it reports."""

    index: int  # 1, 2, … in notice order
    problem: Problem
    measures: tuple[Measure, ...]
    aspects: tuple[ReportedAspect, ...]  # the 具体表现 that have a reported measure


@dataclass(frozen=True)
class Category:
    """A 问题类别 as the grouped notice shows it: its problems' counts and the problems it lists."""

    name: str  # "" for problems with no category
    problems: int
    problems_done: int
    reported: tuple[ReportedProblem, ...]


@dataclass(frozen=True)
class Analysis:
    as_of: date
    warn_days: int
    tracked: tuple[Tracked, ...]  # every measure, in ledger order
    figures: Figures
    reported_problems: tuple[ReportedProblem, ...]
    by_department: tuple[Tally, ...]  # in order of first appearance
    by_leader: tuple[Tally, ...]
    categories: tuple[Category, ...]  # in order of first appearance

    @property
    def overdue(self) -> tuple[Tracked, ...]:
        """Red lights, then yellow ones, each in ledger order."""
        return self.with_light(Light.RED) + self.with_light(Light.YELLOW)

    def with_light(self, light: Light) -> tuple[Tracked, ...]:
        return tuple(t for t in self.tracked if t.light is light)


def analyse(ledger: Ledger, as_of: date, warn_days: int = DEFAULT_WARN_DAYS) -> Analysis:
    """The ledger's analysis on the as-of day."""
    tracked = tuple(
        Tracked(p, m, assess(m, as_of, warn_days), reported(m)) for p in ledger.problems for m in p.measures
    )
    listed = [p for p in ledger.problems if any(reported(m) for m in p.measures)]
    reported_problems = tuple(_reported(n, p) for n, p in enumerate(listed, 1))
    whole = tally("", tracked)
    figures = Figures(
        **asdict(whole),
        problems=len(ledger.problems),
        problems_done=sum(1 for p in ledger.problems if _done(p)),
        problems_reported=len(reported_problems),
        problems_long_term=sum(1 for p in ledger.problems if _long_term(p)),
        categories=len({p.category for p in ledger.problems if p.category}),
        departments=len({m.department for m in ledger.measures if m.department}),
    )
    return Analysis(
        as_of=as_of,
        warn_days=warn_days,
        tracked=tracked,
        figures=figures,
        reported_problems=reported_problems,
        by_department=grouped(tracked, lambda t: t.measure.department),
        by_leader=grouped(tracked, lambda t: t.measure.leader),
        categories=_categories(ledger.problems, reported_problems),
    )


def _done(problem: Problem) -> bool:
    return bool(problem.measures) and all(m.status is Status.DONE for m in problem.measures)


def _long_term(problem: Problem) -> bool:
    statuses = {m.status for m in problem.measures}
    return Status.ONGOING in statuses and statuses <= {Status.DONE, Status.ONGOING}


def _reported(index: int, problem: Problem) -> ReportedProblem:
    aspects = (ReportedAspect(a.detail, tuple(m for m in a.measures if reported(m))) for a in problem.aspects)
    return ReportedProblem(
        index,
        problem,
        tuple(m for m in problem.measures if reported(m)),
        tuple(a for a in aspects if a.measures),
    )


def _categories(problems: Sequence[Problem], listed: Sequence[ReportedProblem]) -> tuple[Category, ...]:
    names = list(dict.fromkeys(p.category for p in problems))
    return tuple(
        Category(
            name,
            sum(1 for p in problems if p.category == name),
            sum(1 for p in problems if p.category == name and _done(p)),
            tuple(r for r in listed if r.problem.category == name),
        )
        for name in names
    )


def tally(name: str, tracked: Iterable[Tracked]) -> Tally:
    return _tally(name, Counter((t.measure.status, t.assessment.light) for t in tracked))


def grouped(tracked: Iterable[Tracked], key: Callable[[Tracked], str]) -> tuple[Tally, ...]:
    """A tally for each value of key, in order of first appearance: one counting pass over the measures."""
    counts = Counter((key(t), t.measure.status, t.assessment.light) for t in tracked)
    groups: dict[str, Counter[tuple[Status | None, Light | None]]] = {}
    for (name, status, light), n in counts.items():
        groups.setdefault(name, Counter())[status, light] += n
    return tuple(_tally(name, pairs) for name, pairs in groups.items())


def _tally(name: str, pairs: Counter[tuple[Status | None, Light | None]]) -> Tally:
    """A Tally from the count of each (status, light) pair."""
    states: Counter[Status | None] = Counter()
    lights: Counter[Light | None] = Counter()
    for (status, light), n in pairs.items():
        states[status] += n
        lights[light] += n
    done, in_progress, ongoing, not_started = (states[s] for s in STATES)
    measures = sum(pairs.values())
    return Tally(
        name, measures, done, in_progress, ongoing, not_started, red=lights[Light.RED], yellow=lights[Light.YELLOW]
    )
