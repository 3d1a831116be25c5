"""--merge: match every returned row to its measure, and decide for each value whether it goes into the ledger or
is listed with its reason. Pure data: the ledger is patched by render/ledger_patch.py from the CellEdits.

Nothing is lost silently: every returned value either becomes a CellEdit or a MergeProblem.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from rectification.analyse.split import Value, handed_values
from rectification.core.dates import DateError, read_date
from rectification.core.identity import CONTEXT, cell_text, check
from rectification.core.text import clean
from rectification.read.returned import ReturnedCopy, ReturnedRow
from rectification.records.records import parse_status

EPOCH = datetime.min.replace(tzinfo=timezone.utc)
MAX_CELL_CHARS = 32767  # UTF-16 units Excel keeps in a cell: a longer text would make it repair the file


class Trouble(str, enum.Enum):
    """Why a returned file, row or value did not go into the ledger as it stands."""

    UNUSABLE = "无法读取"
    OTHER_LEDGER = "来自其他台账"
    OTHER_SPLIT = "来自另一次拆分"
    SUPERSEDED = "同一对象的较早副本"
    LOCKED_CHANGED = "改动了锁定列"
    COLUMN_MISSING = "缺少的列"
    ROW_ADDED = "新增的行"
    ROW_DELETED = "删除的行"
    BAD_STATUS = "整改状态无法识别"
    BAD_DATE = "完成时间无法识别"
    BAD_VALUE = "单元格无法读取"
    CONFLICT = "与台账冲突"
    MEASURE_GONE = "台账中已无此措施"
    NOT_WRITTEN = "台账单元格无法写入"


REFUSALS = (Trouble.UNUSABLE, Trouble.OTHER_LEDGER, Trouble.OTHER_SPLIT, Trouble.SUPERSEDED)  # a whole file


@dataclass(frozen=True, slots=True)
class CellEdit:
    """A value that goes into the ledger: its row there, its column, the value, and where it came from."""

    row: int  # the ledger row
    column: str  # canonical column
    value: str | date
    group: str
    source: str  # "<file> C5"
    before: str  # the ledger's value, as compared


@dataclass(frozen=True, slots=True)
class MergeProblem:
    trouble: Trouble
    group: str  # the department or leader ("" when the file could not say)
    file: str
    message: str
    where: str = ""  # the cell or row in the returned copy ("" for a whole file)
    row: int | None = None  # the ledger row it concerns
    column: str = ""
    ledger_value: str = ""
    returned_value: str = ""


@dataclass
class GroupResult:
    """One department's (or leader's) copy as merged."""

    group: str
    file: str
    rows: int = 0
    updated: int = 0  # rows with at least one value taken
    unchanged: int = 0
    problems: int = 0


@dataclass
class MergePlan:
    edits: list[CellEdit] = field(default_factory=list)
    problems: list[MergeProblem] = field(default_factory=list)
    groups: list[GroupResult] = field(default_factory=list)
    split_id: str = ""
    missing: list[tuple[str, int]] = field(default_factory=list)  # (department or leader, measures) with no copy back

    def note(self, trouble: Trouble, group: GroupResult | None, file: str, message: str, **more: Any) -> None:
        self.problems.append(MergeProblem(trouble, group.group if group else "", file, message, **more))
        if group is not None:
            group.problems += 1


@dataclass(frozen=True)
class LedgerNow:
    """The ledger as it stands at the merge: what each copy's rows are matched and compared with."""

    fingerprint: str
    issuer: str
    keys: dict[int, str]  # ledger row -> measure key
    owners: dict[int, tuple[str, str]]  # ledger row -> (责任部门, 责任领导)
    rows: dict[int, dict[str, object]]  # ledger row -> raw values
    context: dict[int, dict[str, Value]]  # ledger row -> the locked columns as a copy would show them now
    editable: tuple[str, ...]  # the editable columns the ledger has
    epoch: datetime | None = None


def plan_merge(now: LedgerNow, copies: list[ReturnedCopy], unusable: list[tuple[str, str]]) -> MergePlan:
    """Refuse what is not this ledger's current split, keep the newest copy per department, then merge row by row."""
    plan = MergePlan()
    for file, message in unusable:
        plan.note(Trouble.UNUSABLE, None, file, message)
    ours = [c for c in copies if _same_ledger(plan, now, c)]
    splits = {c.fact("拆分编号"): c.fact("拆分时间") for c in ours}
    current = max(splits, key=lambda s: (splits[s], s), default="")
    plan.split_id = current
    by_group: dict[str, list[ReturnedCopy]] = {}
    for copy in ours:
        if copy.fact("拆分编号") != current:
            message = (
                f"{copy.name} 来自 {copy.fact('拆分时间')} 的拆分，本次合并的是 {splits[current]} 拆分出的副本，未合并"
            )
            plan.note(Trouble.OTHER_SPLIT, None, copy.name, message)
        else:
            by_group.setdefault(copy.fact("填报对象"), []).append(copy)
    by_key = _rows_by_key(now)
    for group_name, group_copies in by_group.items():
        newest = max(group_copies, key=_newest_first)
        result = GroupResult(group_name, newest.name)
        plan.groups.append(result)
        for other in group_copies:
            if other is not newest:
                saved = other.saved_at.strftime("%Y-%m-%d %H:%M") if other.saved_at else "未知"
                plan.note(
                    Trouble.SUPERSEDED,
                    result,
                    other.name,
                    f"{group_name}交回了两份：{other.name}（保存于 {saved}）较早，采用较新的 {newest.name}",
                )
        _merge_copy(plan, now, newest, result, by_key)
    by_leader = any(c.fact("拆分方式") == "责任领导" for c in ours)
    owed = Counter(leader if by_leader else department for department, leader in now.owners.values())
    plan.missing = [(name, count) for name, count in owed.items() if name and name not in by_group]
    return plan


def _newest_first(copy: ReturnedCopy) -> tuple[datetime, float, str]:
    """By its own save time; a copy that does not say, or a tie, by the file's time."""
    try:
        mtime = copy.path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return (copy.saved_at or EPOCH, mtime, copy.name)


def _same_ledger(plan: MergePlan, now: LedgerNow, copy: ReturnedCopy) -> bool:
    if copy.fact("台账指纹") == now.fingerprint:
        return True
    issuer = copy.fact("发文机关")
    keys = set(now.keys.values())
    known = sum(1 for r in copy.rows if r.identity and r.identity.measure in keys)
    if (issuer and now.issuer and issuer != now.issuer) or not known:
        source = f"{issuer or '未知单位'}的台账 {copy.fact('台账文件')}"
        plan.note(Trouble.OTHER_LEDGER, None, copy.name, f"{copy.name} 拆分自{source}，与本台账的措施对不上，未合并")
        return False
    return True  # measures moved or added in the ledger since the split: rows are matched by their measure's key


def _rows_by_key(now: LedgerNow) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for row, measure in now.keys.items():
        found.setdefault(measure, []).append(row)
    return found


def _merge_copy(
    plan: MergePlan, now: LedgerNow, copy: ReturnedCopy, result: GroupResult, by_key: dict[str, list[int]]
) -> None:
    seen: set[str] = set()
    handed = set(copy.handed)
    checked = copy.checked
    for column in checked:
        if column not in copy.columns:  # protection removed, the column deleted or its header changed
            message = f"“{column}”列被删除或改了表头，这一列的内容未并入台账"
            plan.note(Trouble.COLUMN_MISSING, result, copy.name, message, column=column)
    for returned in copy.rows:
        identity = returned.identity
        ours = identity is not None and identity.split == copy.fact("拆分编号") and identity.handed in handed
        if identity is None or not ours or identity.handed in seen or len(identity.checks) != len(checked):
            what = clean(returned.values.get("整改措施")) or "（无措施内容）"
            why = "与上一行的行标识相同（复制的行）" if identity and identity.handed in seen else "没有本表的行标识"
            message = f"新增的行“{what[:40]}”{why}，未并入台账"
            plan.note(Trouble.ROW_ADDED, result, copy.name, message, where=f"第{returned.row}行")
            continue
        seen.add(identity.handed)
        result.rows += 1
        rows = by_key.get(identity.measure, [])
        row = identity.row if identity.row in rows else rows[0] if len(rows) == 1 else None
        if row is None:
            what = clean(returned.values.get("整改措施"))[:40]
            message = f"措施“{what}”在台账中已找不到（拆分后被改写或删除），本行未并入"
            plan.note(Trouble.MEASURE_GONE, result, copy.name, message, where=f"第{returned.row}行", row=identity.row)
            continue
        checks = dict(zip(checked, identity.checks, strict=True))
        _locked(plan, now, copy, returned, checks, result, row)
        if _editable(plan, now, copy, returned, checks, result, row):
            result.updated += 1
        else:
            result.unchanged += 1
    for text in copy.handed:
        if text not in seen:
            row_text, _, key = text.partition("|")
            rows = by_key.get(key, [])
            what = clean(now.context.get(rows[0], {}).get("整改措施")) if rows else f"台账第{row_text}行的措施"
            message = f"措施“{what[:40]}”的行在交回的副本中被删除，台账中该措施保持原样"
            plan.note(Trouble.ROW_DELETED, result, copy.name, message, row=rows[0] if rows else None)


def _locked(
    plan: MergePlan,
    now: LedgerNow,
    copy: ReturnedCopy,
    returned: ReturnedRow,
    checks: dict[str, str],
    result: GroupResult,
    row: int,
) -> None:
    """A locked column whose value no longer matches its check: listed, not taken."""
    for column in CONTEXT:
        if column not in copy.columns or column not in checks:
            continue
        value = returned.values.get(column)
        if check(value) == checks[column]:
            continue
        ledger = now.context.get(row, {}).get(column)
        plan.note(
            Trouble.LOCKED_CHANGED,
            result,
            copy.name,
            f"锁定的“{column}”被改动（保护被撤销），改动未并入台账",
            where=copy.cell(returned.row, column),
            row=row,
            column=column,
            ledger_value=cell_text(ledger),
            returned_value=cell_text(value),
        )


def _editable(
    plan: MergePlan,
    now: LedgerNow,
    copy: ReturnedCopy,
    returned: ReturnedRow,
    checks: dict[str, str],
    result: GroupResult,
    row: int,
) -> bool:
    """The editable values of one row: each taken, unchanged, or listed. True when any was taken.

    A value whose check matches was not touched by the department; a ledger value whose check no longer matches
    was changed in the ledger since the split: when both changed, the ledger's stays (a conflict, listed)."""
    current: dict[str, Value] | None = None  # the ledger's values now, read only for a row the department changed
    taken = False
    for column in now.editable:
        if column not in copy.columns or column not in checks:
            continue
        raw = returned.values.get(column)
        if column not in returned.faults and check(raw) == checks[column]:
            continue  # not touched by the department
        where = copy.cell(returned.row, column)
        place: dict[str, Any] = {"where": where, "row": row, "column": column}
        if column in returned.faults:
            plan.note(Trouble.BAD_VALUE, result, copy.name, f"“{column}”{returned.faults[column]}，未并入", **place)
            continue
        value = _parsed(plan, copy, column, raw, result, place)
        if value is None:
            continue
        if current is None:
            current = handed_values(now.rows.get(row, {}), now.editable, now.epoch)
        after, ledger_now = cell_text(value), cell_text(current.get(column))
        if after == ledger_now:
            continue  # the same as the ledger already says
        if check(ledger_now) != checks[column]:
            plan.note(
                Trouble.CONFLICT,
                result,
                copy.name,
                f"拆分后台账中的“{column}”已改为其他值，部门也填了新值：保留台账的值，请核对",
                ledger_value=ledger_now,
                returned_value=after,
                **place,
            )
            continue
        plan.edits.append(CellEdit(row, column, value, result.group, f"{copy.name} {where}", ledger_now))
        taken = True
    return taken


def _parsed(
    plan: MergePlan, copy: ReturnedCopy, column: str, raw: object, result: GroupResult, place: dict[str, Any]
) -> str | date | None:
    """The value to write, or None (listed) when a status or date does not parse."""
    text = clean(raw)
    if column == "整改状态":
        status = parse_status(text)
        if status is None:
            shown = f"“{text}”" if text else "被清空"
            message = f"整改状态{shown}无法识别（只能是已完成、正在推进、长期坚持、未启动），未并入"
            plan.note(Trouble.BAD_STATUS, result, copy.name, message, returned_value=text, **place)
            return None
        return status.value
    if column == "完成时间":
        try:
            parsed = read_date(raw)
        except DateError:
            parsed = None
        if parsed is None and text:
            message = f"完成时间“{text}”无法识别（请写作 2025-12-01），未并入"
            plan.note(Trouble.BAD_DATE, result, copy.name, message, returned_value=text, **place)
            return None
        return parsed or ""
    if len(text.encode("utf-16-le")) // 2 > MAX_CELL_CHARS:
        message = f"“{column}”有{len(text)}个字，超过 Excel 单元格的上限（{MAX_CELL_CHARS}），未并入；请精简后填写"
        plan.note(Trouble.BAD_VALUE, result, copy.name, message, **place)
        return None
    return text
