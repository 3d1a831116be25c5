"""--split: which measures each department (or leader) gets, with every row's identity and values as handed out.

Pure data: the department workbooks are rendered from a SplitPlan by render/department_book.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from rectification.analyse.analysis import Analysis, Tracked
from rectification.analyse.remind import addresses
from rectification.core.dates import DateError, read_date
from rectification.core.identity import (
    CONTEXT,
    EDITABLE,
    RowIdentity,
    check,
    ledger_fingerprint,
    measure_key,
)
from rectification.core.model import Ledger, Measure, Problem
from rectification.core.names import unique_name
from rectification.core.text import clean
from rectification.records.records import parse_status

Grouping = Literal["责任部门", "责任领导"]
FOLDER = "填报"
IMMEDIATE = "立行立改"  # the light's hidden date column: no date, red until done (as analysis.assess judges)
RawRow = dict[str, object]  # canonical column -> value as read (merges spread)
Value = str | date  # a value as a copy shows it


@dataclass(frozen=True, slots=True)
class HandedRow:
    """One measure as a copy shows it: its identity, every column's value, and what its light is judged by."""

    identity: RowIdentity
    values: dict[str, Value]  # canonical column -> cell value (text, or a date for 完成时间)
    due: date | str | None  # the deadline's last day, IMMEDIATE, or None (no light)


@dataclass(frozen=True)
class Handout:
    """One department's (or leader's) copy: its rows in ledger order, its file, whom to mail it to."""

    group: str
    file_name: str  # "填报/<group>.xlsx"
    rows: tuple[HandedRow, ...]
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()


@dataclass(frozen=True)
class SplitPlan:
    ledger_name: str  # the ledger's file name
    issuer: str  # 发文机关 ("" when 基本信息 could not be read)
    sheet: str
    fingerprint: str
    split_id: str
    made: datetime
    grouping: Grouping
    reply_by: date  # 反馈期限
    warn_days: int
    columns: tuple[str, ...]  # context columns, then the editable ones the ledger has, in the copy's order
    editable: tuple[str, ...]
    handouts: tuple[Handout, ...]
    ungrouped: tuple[int, ...]  # ledger rows whose department (or leader) is blank: in no copy


def plan_split(
    ledger: Ledger,
    rows: dict[int, RawRow],
    analysis: Analysis,
    grouping: Grouping,
    reply_days: int,
    ledger_name: str,
    made: datetime | None = None,
) -> SplitPlan:
    """A copy per department (or leader), in order of first appearance; rows: the raw values by ledger row."""
    made = made or datetime.now().replace(microsecond=0)
    issuer = ledger.info.issuer if ledger.info else ""
    keys = {t.measure.row: measure_key(t.problem.number, t.measure.text) for t in analysis.tracked}
    fingerprint = ledger_fingerprint(issuer, ledger.ledger_sheet, list(keys.values()))
    split_id = f"{made:%Y%m%d%H%M%S}-{os.urandom(3).hex()}"
    editable = tuple(c for c in EDITABLE if c in ledger.headers)
    columns = tuple(c for c in CONTEXT if c in ledger.headers or c in ("序号", "问题", "整改措施")) + editable
    details = details_by_row(ledger.problems)
    groups: dict[str, list[Tracked]] = {}
    ungrouped = []
    for t in analysis.tracked:
        name = t.measure.leader if grouping == "责任领导" else t.measure.department
        if name:
            groups.setdefault(name, []).append(t)
        else:
            ungrouped.append(t.measure.row)
    used: set[str] = set()
    handouts = []
    for name, group in groups.items():
        handed = []
        for t in group:
            values = {
                **context_values(t.problem, t.measure, details),
                **handed_values(rows.get(t.measure.row, {}), editable),
            }
            checks = tuple(check(values.get(c)) for c in columns)
            identity = RowIdentity(fingerprint, split_id, t.measure.row, keys[t.measure.row], checks)
            handed.append(HandedRow(identity, values, _due(t)))
        to, cc = addresses(name, group, grouping == "责任领导", ledger.roster)
        handouts.append(Handout(name, unique_name(name, used, FOLDER, ".xlsx"), tuple(handed), to, cc))
    return SplitPlan(
        ledger_name,
        issuer,
        ledger.ledger_sheet,
        fingerprint,
        split_id,
        made,
        grouping,
        analysis.as_of + timedelta(days=reply_days),
        analysis.warn_days,
        columns,
        editable,
        tuple(handouts),
        tuple(ungrouped),
    )


def handed_values(raw: RawRow, editable: tuple[str, ...], epoch: datetime | None = None) -> dict[str, Value]:
    """The editable columns as a copy shows them: a known status word in its standard form, a readable 完成时间
    as a date, any other value as trimmed text. The merge hands the ledger's current values through this too."""
    values: dict[str, Value] = {}
    for column in editable:
        value = raw.get(column)
        if column == "整改状态":
            status = parse_status(clean(value))
            values[column] = status.value if status else clean(value)
        elif column == "完成时间":
            try:
                values[column] = read_date(value, epoch) or clean(value)
            except DateError:
                values[column] = clean(value)
        else:
            values[column] = clean(value)
    return values


def context_values(p: Problem, m: Measure, details: dict[int, str]) -> dict[str, Value]:
    """The locked columns as a copy shows them (the merge hands the ledger's current ones through this too)."""
    return {
        "序号": p.number,
        "问题类别": p.category,
        "问题": p.title,
        "问题具体表现": details.get(m.row, ""),
        "整改措施": m.text,
        "责任领导": m.leader,
        "责任部门": m.department,
        "责任人": m.person,
        "整改时限": m.deadline.text if m.deadline else "",
    }


def details_by_row(problems: list[Problem]) -> dict[int, str]:
    return {m.row: a.detail for p in problems for a in p.aspects for m in a.measures}


def _due(t: Tracked) -> date | str | None:
    deadline = t.measure.deadline
    if deadline is None:
        return None
    if deadline.due is None:
        return IMMEDIATE if deadline.immediate else None
    return deadline.due
