"""Typed records from raw rows: values parsed, problems grouped; what cannot be read becomes a finding."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from datetime import date

from rectification.core.dates import DateError, parse_deadline, read_date
from rectification.core.model import Aspect, Deadline, Finding, Ledger, Level, Measure, Problem, Status
from rectification.core.text import clean, paragraphs
from rectification.read.columns import REQUIRED_COLUMNS
from rectification.read.reader import RawWorkbook, Table
from rectification.records.grouping import GroupNote, NoteKind, RowKey, group_rows, number_text
from rectification.records.info import DATE_HINT, EVERY_KEY, read_info

STATUS_WORDS: dict[Status, tuple[str, ...]] = {
    Status.DONE: (
        "已完成",
        "已整改",
        "已整改到位",
        "完成整改",
        "整改完成",
        "已完成整改",
        "已销号",
        "已办结",
        "完成",
    ),
    Status.IN_PROGRESS: (
        "正在推进",
        "推进中",
        "正在整改",
        "整改中",
        "基本完成",
        "部分完成",
        "进行中",
    ),
    Status.ONGOING: ("长期坚持", "持续整改", "需长期坚持", "长期整改", "持续推进"),
    Status.NOT_STARTED: ("未启动", "未开始", "未整改"),
}
STATUS_BY_WORD = {word: status for status, words in STATUS_WORDS.items() for word in words}
ALLOWED_STATUSES = "、".join(s.value for s in Status)
DEADLINE_FORMS = (
    "2025-09-30、2025/9/30、2025年9月30日、2025年9月底前、2025年底前、立行立改、长期坚持、2025年底前，并长期坚持"
)
MONTH_WITHOUT_YEAR = re.compile(r"^\s*\d{1,2}\s*月")


def parse_status(text: str) -> Status | None:
    """A cleaned 整改状态 text's status, or None when it is not a known word."""
    return STATUS_BY_WORD.get(text) or STATUS_BY_WORD.get(unicodedata.normalize("NFKC", text).replace(" ", ""))


class _Builder:
    """Turns one workbook's raw rows into records, noting what it cannot read."""

    def __init__(self, raw: RawWorkbook, feedback_date: date | None) -> None:
        self.raw = raw
        self.table: Table = raw.ledger
        self.findings: list[Finding] = list(raw.findings)
        self.feedback_date = feedback_date  # for deadlines “9月底” written without a year
        self.dated: dict[date, Deadline | None] = {}  # a deadline typed as a date, read once per date

    def note(self, level: Level, row: int | None, column: str, message: str, hint: str = "") -> None:
        header = self.table.headers.get(column, column)
        self.findings.append(Finding(level, self.table.sheet, row, header, message, hint))

    # -- values --------------------------------------------------------------------------

    def date_cell(self, row: int, column: str, value: object) -> date | None:
        """A date column's value; a finding when it is not a date."""
        if value is None:
            return None
        try:
            return read_date(value, self.raw.epoch)
        except DateError as error:
            self.note(Level.ERROR, row, column, str(error), DATE_HINT)
            return None

    def deadline(self, row: int, value: object):
        if value is None or isinstance(value, str) and not clean(value):  # a date or number is never blank
            self.note(
                Level.ERROR,
                row,
                "整改时限",
                "未填写",
                f"请填写整改时限，可写作：{DEADLINE_FORMS}",
            )
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = self.date_cell(row, "整改时限", value)
            if value is None:
                return None
        if isinstance(value, date):  # date cells repeat down a ledger, and their reading can never fail
            if value not in self.dated:
                self.dated[value] = parse_deadline(value, self.feedback_date)
            return self.dated[value]
        try:
            deadline = parse_deadline(value, self.feedback_date)
        except DateError as error:
            self.note(Level.ERROR, row, "整改时限", str(error), DATE_HINT)
            return None
        if deadline is None and self.feedback_date is None and MONTH_WITHOUT_YEAR.match(clean(value)):
            self.note(
                Level.ERROR,
                row,
                "整改时限",
                f"“{clean(value)}”没有写年份，而“基本信息”中的反馈日期未能读取",
                "请填写“基本信息”中的反馈日期，或写明年份，如 2025年9月底前",
            )
        elif deadline is None:
            self.note(
                Level.ERROR,
                row,
                "整改时限",
                f"无法识别“{clean(value)}”",
                f"请改用以下写法之一：{DEADLINE_FORMS}",
            )
        return deadline

    def status(self, row: int, value: object) -> Status | None:
        text = clean(value)
        if not text:
            self.note(
                Level.ERROR,
                row,
                "整改状态",
                "未填写",
                f"请从下拉列表中选择：{ALLOWED_STATUSES}",
            )
            return None
        status = parse_status(text)
        if status is None:
            self.note(
                Level.ERROR,
                row,
                "整改状态",
                f"无法识别“{clean(value)}”",
                f"整改状态只能填写：{ALLOWED_STATUSES}",
            )
        return status

    # -- rows ----------------------------------------------------------------------------

    def measure(self, row: int, values: dict[str, object]) -> Measure:
        return Measure(
            row=row,
            text=clean(values.get("整改措施")),
            leader=clean(values.get("责任领导")),
            department=clean(values.get("责任部门")),
            person=clean(values.get("责任人")),
            deadline=self.deadline(row, values.get("整改时限")),
            status=self.status(row, values.get("整改状态")),
            completed_on=self.date_cell(row, "完成时间", values.get("完成时间")),
            completion_written=clean(values.get("完成时间")),
            progress="\n".join(paragraphs(values.get("整改进展"))),  # the notice closes each line as a sentence
            evidence=clean(values.get("佐证材料")),
        )

    def problems(self) -> list[Problem]:
        rows = self.table.rows
        keys = [RowKey(row, number_text(v.get("序号")), "".join(paragraphs(v.get("问题")))) for row, v in rows]
        groups, notes = group_rows(keys)
        for note in notes:
            self.note(*_grouping_finding(note))
        problems = []
        for group in groups:
            first = rows[group.first][1]
            problem = Problem(
                row=keys[group.first].row,
                number=group.number,
                category=clean(first.get("问题类别")),
                title=group.title,
                detail=_detail(first),
            )
            for i in group.rows:
                row, values = rows[i]
                measure = self.measure(row, values)
                detail = _detail(values)
                if not problem.aspects or (detail and detail != problem.aspects[-1].detail):
                    problem.aspects.append(Aspect(row, detail))  # a blank 具体表现 continues the one above
                problem.aspects[-1].measures.append(measure)
                problem.measures.append(measure)
            problems.append(problem)
        return problems

    def missing_columns(self) -> bool:
        missing = [c for c in REQUIRED_COLUMNS if c not in self.table.headers]
        if missing:
            found = "、".join(self.table.headers.values())
            self.note(
                Level.ERROR,
                self.table.header_row,
                "",
                f"缺少必需的列：{'、'.join(missing)}",
                f"表头需包含：{'、'.join(REQUIRED_COLUMNS)}；当前识别到：{found}",
            )
        return bool(missing)


def _detail(values: dict[str, object]) -> str:
    return "\n".join(paragraphs(values.get("问题具体表现")))


def _grouping_finding(note: GroupNote) -> tuple[Level, int, str, str, str]:
    """What the clerk reads about a grouping note: level, row, column, message, hint."""
    if note.kind is NoteKind.MERGED_NUMBERS:
        return (
            Level.HINT,
            note.row,
            "序号",
            f"第{note.earlier_row}行起相邻几行的问题相同、序号不同，已按同一问题合并",
            "同一问题的各项措施可用同一序号，或合并问题单元格",
        )
    return (
        Level.ERROR,
        note.row,
        "序号",
        f"序号{note.number}已用于第{note.earlier_row}行的问题“{note.earlier_title}”",
        "同一问题的各项措施用同一序号，不同问题请用不同序号",
    )


def build_ledger(raw: RawWorkbook, info_needed: Collection[str] = EVERY_KEY) -> tuple[Ledger, list[Finding]]:
    """The ledger as records, and the findings met while reading it; info_needed: the 基本信息 keys the notice prints."""
    info, feedback_date, info_findings = read_info(raw, info_needed)
    builder = _Builder(raw, feedback_date)
    builder.findings += info_findings
    missing_columns = builder.missing_columns()
    problems = [] if missing_columns else builder.problems()
    if not problems and not missing_columns:
        table = raw.ledger
        builder.note(
            Level.ERROR,
            table.header_row + 1,
            "",
            "台账中没有整改措施",
            "请在表头下方逐行填写问题和整改措施",
        )
    ledger = Ledger(
        info=info,
        problems=problems,
        ledger_sheet=raw.ledger.sheet,
        info_sheet=raw.info_sheet or "基本信息",
        headers=dict(raw.ledger.headers),
        roster=raw.roster,
    )
    return ledger, builder.findings
