"""Typed records from raw rows: values parsed, problems grouped; what cannot be read becomes a finding."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from .columns import INFO_KEYS, OPTIONAL_INFO_KEYS, REQUIRED_COLUMNS
from .dates import DateError, parse_deadline, read_date
from .model import Finding, Ledger, Level, Measure, NoticeInfo, Problem, Status
from .reader import RawWorkbook, Table
from .text import clean, paragraphs

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
DATE_HINT = "请填写实际存在的日期，如 2025-09-30 或 2025年9月30日"


def parse_status(value: object) -> Status | None:
    text = unicodedata.normalize("NFKC", clean(value)).replace(" ", "")
    return STATUS_BY_WORD.get(text)


class _Builder:
    """Turns one workbook's raw rows into records, noting what it cannot read."""

    def __init__(self, raw: RawWorkbook) -> None:
        self.raw = raw
        self.table: Table = raw.ledger
        self.findings: list[Finding] = list(raw.findings)
        self.feedback_date: date | None = None  # dates “9月底” without a year

    def note(self, level: Level, row: int | None, column: str, message: str, hint: str = "") -> None:
        header = self.table.headers.get(column, column)
        self.findings.append(Finding(level, self.table.sheet, row, header, message, hint))

    # -- values --------------------------------------------------------------------------

    def date_cell(self, row: int, column: str, value: object) -> date | None:
        """A date column's value; a finding when it is not a date."""
        try:
            return read_date(value, self.raw.epoch)
        except DateError as error:
            self.note(Level.ERROR, row, column, str(error), DATE_HINT)
            return None

    def deadline(self, row: int, value: object):
        if not clean(value):
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
        if not clean(value):
            self.note(
                Level.ERROR,
                row,
                "整改状态",
                "未填写",
                f"请从下拉列表中选择：{ALLOWED_STATUSES}",
            )
            return None
        status = parse_status(value)
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
        text = {name: clean(values.get(name)) for name in self.table.headers}
        return Measure(
            row=row,
            text=text.get("整改措施", ""),
            leader=text.get("责任领导", ""),
            department=text.get("责任部门", ""),
            person=text.get("责任人", ""),
            deadline=self.deadline(row, values.get("整改时限")),
            status=self.status(row, values.get("整改状态")),
            completed_on=self.date_cell(row, "完成时间", values.get("完成时间")),
            completion_written=clean(values.get("完成时间")),
            progress="\n".join(paragraphs(values.get("整改进展"))),  # the notice closes each line as a sentence
            evidence=text.get("佐证材料", ""),
            remark=text.get("备注", ""),
        )

    def problems(self) -> list[Problem]:
        problems: list[Problem] = []
        by_number: dict[str, Problem] = {}
        merged_note = False
        for row, values in self.table.rows:
            number = _number_text(values.get("序号"))
            title = "".join(paragraphs(values.get("问题")))
            current = problems[-1] if problems else None
            starts = (
                current is None
                or (number and number != current.number)
                or (not number and title and title != current.title)
            )
            if not starts and number and title and current is not None and title != current.title:
                starts = True  # an adjacent row reusing the number for another problem
            elif starts and title and current is not None and title == current.title:
                starts = False  # 序号 numbers measures here: the same problem continues
                if not merged_note:
                    merged_note = True
                    self.note(
                        Level.HINT,
                        row,
                        "序号",
                        f"第{current.row}行起相邻几行的问题相同、序号不同，已按同一问题合并",
                        "同一问题的各项措施可用同一序号，或合并问题单元格",
                    )
            known = by_number.get(number) if starts and number else None
            if known is not None and known.title == title:
                current = known  # the same problem met again further down the ledger
            elif starts:
                if known is not None:
                    self.note(
                        Level.ERROR,
                        row,
                        "序号",
                        f"序号{number}已用于第{known.row}行的问题“{known.title}”",
                        "同一问题的各项措施用同一序号，不同问题请用不同序号",
                    )
                current = Problem(
                    row=row,
                    number=number,
                    category=clean(values.get("问题类别")),
                    title=title,
                    detail="\n".join(paragraphs(values.get("问题具体表现"))),
                )
                problems.append(current)
                if number:
                    by_number.setdefault(number, current)
            assert current is not None
            current.measures.append(self.measure(row, values))
        self.check_numbering(problems)
        return problems

    def check_numbering(self, problems: list[Problem]) -> None:
        numbers = [p.number for p in problems]
        if numbers != [str(i) for i in range(1, len(problems) + 1)]:
            first = next(
                (p for i, p in enumerate(problems, 1) if p.number != str(i)),
                problems[0] if problems else None,
            )
            if first is not None:
                self.note(
                    Level.HINT,
                    first.row,
                    "序号",
                    "序号不是从1开始连续编排",
                    "通报按台账顺序自动编号为1、2、3……，无需修改",
                )

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

    # -- 基本信息 -------------------------------------------------------------------------

    def info(self) -> NoticeInfo | None:
        sheet = self.raw.info_sheet
        if sheet is None:
            self.findings.append(
                Finding(
                    Level.ERROR,
                    "基本信息",
                    None,
                    "",
                    "找不到“基本信息”工作表",
                    "请从 workbook_template.xlsx 复制“基本信息”工作表并填写发文机关、巡察轮次等内容",
                )
            )
            return None
        before = len(self.findings)
        values: dict[str, object] = {}
        for name in INFO_KEYS:
            row, value = self.raw.info.get(name, (None, None))
            if not clean(value):
                if name not in OPTIONAL_INFO_KEYS:
                    where = "未填写" if row else "缺少此项"
                    self.findings.append(
                        Finding(
                            Level.ERROR,
                            sheet,
                            row,
                            name,
                            where,
                            f"请在“{sheet}”工作表填写“{name}”",
                        )
                    )
                values[name] = None
            elif name.endswith("日期"):
                values[name] = self.info_date(sheet, row, name, value)
            else:
                values[name] = value
        self.feedback_date = values["反馈日期"]  # type: ignore[assignment]  # needed even when other keys fail
        if len(self.findings) > before:
            return None
        return NoticeInfo(
            issuer=clean(values["发文机关"]),
            inspection_round=clean(values["巡察轮次"]),
            inspection_group=clean(values["巡察组"]),
            inspection_mode=clean(values["巡察方式"]),
            inspection_start=values["巡察开始日期"],  # type: ignore[arg-type]
            inspection_end=values["巡察结束日期"],  # type: ignore[arg-type]
            feedback_date=values["反馈日期"],  # type: ignore[arg-type]
            issue_date=values["发文日期"] or date.today(),  # type: ignore[arg-type]
            phone=clean(values["联系电话"]),
            address=clean(values["邮政地址"]),
            postcode=clean(values["邮编"]),
            leadership=paragraphs(values["组织领导情况"]),
            results=paragraphs(values["阶段性成效"]),
            next_steps=paragraphs(values["下一步工作安排"]),
            title=clean(values["标题"]).replace("\n", ""),
            recipients=clean(values["收件人"]),
            cc=clean(values["抄送"]),
        )

    def info_date(self, sheet: str, row: int | None, name: str, value: object) -> date | None:
        try:
            return read_date(value, self.raw.epoch)
        except DateError as error:
            self.findings.append(Finding(Level.ERROR, sheet, row, name, str(error), DATE_HINT))
            return None


def _number_text(value: object) -> str:
    """序号 as text: 3, 3.0, '3', '３' all read as '3'."""
    text = unicodedata.normalize("NFKC", clean(value)).rstrip(".、")
    sub_numbered = re.fullmatch(r"(\d+)[.\-](\d+)", text)  # 1.1, 1-2: the measures of problem 1
    if sub_numbered and not isinstance(value, float):
        return sub_numbered.group(1)
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else text


def build_ledger(raw: RawWorkbook) -> tuple[Ledger, list[Finding]]:
    """The ledger as records, and the findings met while reading it."""
    builder = _Builder(raw)
    info = builder.info()
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
