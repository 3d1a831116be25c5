"""The SUMMARY workbook: the 汇总 figures and four tables of one ledger's analysis; returns bytes, never prints."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from xlsxwriter import Workbook
from xlsxwriter.worksheet import Worksheet

from rectification.analyse.analysis import STATES, Analysis, Assessment, Figures, Tally, Tracked
from rectification.analyse.compare import Change, Progress
from rectification.core.model import Finding, Level, Light
from rectification.render.chart_axis import count_axis
from rectification.render.xlsx_tables import Cell, Column, Row, Tint, new_workbook, table_columns, write_table

if TYPE_CHECKING:  # only --remind loads the letters' module, only --merge the merge's
    from rectification.analyse.merge import MergePlan
    from rectification.analyse.remind import Reminder

SUMMARY_SHEET = "汇总"
DAYS = "逾期天数 / 剩余天数"
NOT_FILLED = "（未填写）"
UNREADABLE_STATUS = "（未识别）"
EXCEL_DIGITS = 15  # significant digits of an Excel number: a longer 序号 would lose its last digits
IN_NOTICE, NOT_IN_NOTICE, NO_NOTICE = "是", "否", "否（未生成通报）"  # 措施明细's 写入通报
LIGHT_TINT: dict[Light, Tint] = {Light.RED: "red", Light.YELLOW: "yellow"}
LEVEL_TINT: dict[Level, Tint] = {Level.ERROR: "red", Level.WARNING: "yellow"}
STATE_COLOURS = ("#70AD47", "#5B9BD5", "#A5A5A5", "#ED7D31")

DEPARTMENT_COLUMNS = table_columns("责任部门 | 措施数 | 已完成 | 正在推进 | 长期坚持 | 未启动 | 逾期 | 完成率")
OVERDUE_COLUMNS = table_columns(
    f"灯号 | 行号 | 序号 | 问题 | 整改措施 | 责任领导 | 责任部门 | 责任人 | 整改时限 | 整改状态 | {DAYS}"
)
DETAIL_COLUMNS = table_columns(
    "行号 | 序号 | 问题类别 | 问题 | 整改措施 | 责任领导 | 责任部门 | 责任人 | 整改时限 | 整改状态 | 完成时间 | 灯号 | "
    f"{DAYS} | 写入通报"
)
FINDING_COLUMNS = (
    Column("级别"),
    *(Column(c.header, tinted=False) for c in table_columns("工作表 | 行号 | 列 | 说明")),
)
SUMMARY_COLUMNS = table_columns("指标 | 数值")
REMINDER_SHEET = "督办清单"
REMINDER_HEADERS = "措施数 | 红灯 | 黄灯 | 最长逾期天数 | 提醒函 | 邮件"
PROGRESS_SHEET = "进展对比"
PROGRESS_COLUMNS = table_columns("变化 | 行号 | 序号 | 问题 | 整改措施 | 原值 | 现值 | 说明")
CHANGE_TINT: dict[Change, Tint] = {
    Change.NEWLY_RED: "red",
    Change.STILL_RED: "red",
    Change.DEADLINE_MOVED: "red",
    Change.REGRESSED: "red",
    Change.NEWLY_YELLOW: "yellow",
    Change.STALE: "yellow",
}


def build_summary(
    analysis: Analysis,
    findings: Sequence[Finding],
    *,
    notice_written: bool = True,
    progress: Progress | None = None,
    reminders: Sequence[Reminder] | None = None,
    reminder_group: str = "责任部门",
    merge: MergePlan | None = None,
) -> bytes:
    """The SUMMARY workbook as .xlsx bytes: 汇总, 按责任部门, 逾期事项, 措施明细, 检查结果; 进展对比, 督办清单 and 合并情况
    when asked.

    notice_written=False (errors blocked the notice, or --check-only) marks every measure 否（未生成通报）.
    """
    book, buffer, styles = new_workbook()
    sheets = [  # 汇总 is a list of figures: no filter buttons on it
        (SUMMARY_SHEET, SUMMARY_COLUMNS, _summary_rows(analysis), False),
        ("按责任部门", DEPARTMENT_COLUMNS, _department_rows(analysis), True),
        ("逾期事项", OVERDUE_COLUMNS, _overdue_rows(analysis), True),
        ("措施明细", DETAIL_COLUMNS, _detail_rows(analysis, notice_written), True),
        ("检查结果", FINDING_COLUMNS, _finding_rows(findings), True),
    ]
    if progress is not None:
        sheets.append((PROGRESS_SHEET, PROGRESS_COLUMNS, _progress_rows(progress), True))
    if reminders is not None:
        columns = table_columns(f"{reminder_group} | {REMINDER_HEADERS}")
        sheets.append((REMINDER_SHEET, columns, _reminder_rows(reminders), True))
    if merge is not None:
        from rectification.render.merge_sheet import MERGE_COLUMNS, MERGE_SHEET, merge_rows

        sheets.append((MERGE_SHEET, MERGE_COLUMNS, merge_rows(merge), True))
    for name, columns, rows, filtered in sheets:
        write_table(book.add_worksheet(name), styles, columns, rows, filtered)
    f = analysis.figures
    _insert_chart(book, book.get_worksheet_by_name(SUMMARY_SHEET), max(f.done, f.in_progress, f.ongoing, f.not_started))
    book.close()
    return buffer.getvalue()


def overdue_cells(t: Tracked) -> tuple[Cell, ...]:
    """A line of 逾期事项 after its 灯号; the roll-up's 红灯事项 after its 单位."""
    return (t.measure.row, _number(t.problem.number), t.problem.title, *_measure_cells(t), _days(t.assessment))


# -- rows of each sheet ---------------------------------------------------------------------


def _summary_rows(analysis: Analysis) -> list[Row]:
    figs: Figures = analysis.figures
    metrics: list[tuple[str, Cell]] = [
        ("问题总数", figs.problems),
        ("整改措施总数", figs.measures),
        *((state.value, count) for state, count in zip(STATES, figs.by_state(), strict=True)),
        ("红灯（逾期未完成）", figs.red),
        (f"黄灯（{analysis.warn_days}日内到期）", figs.yellow),
        ("措施完成率", figs.completion_rate),
    ]
    return [
        *(Row(m) for m in metrics),
        Row(()),
        Row(("按问题统计", ""), "heading"),
        Row(("问题已全部完成", figs.problems_done)),
        Row(("问题尚未全部完成", figs.problems_open)),
        Row(()),
        Row(("统计日期", analysis.as_of)),
        Row(()),  # added later, below the date, so that the rows above keep their places
        Row(("长期坚持的问题", figs.problems_long_term)),
        Row(("问题完成率", figs.problem_rate)),
    ]


def _department_rows(analysis: Analysis) -> list[Row]:
    rows = [Row((t.name or NOT_FILLED, *_tally_cells(t))) for t in analysis.by_department]
    return [*rows, Row(("合计", *_tally_cells(analysis.figures)), "total")]


def _tally_cells(t: Tally) -> tuple[Cell, ...]:
    return (t.measures, *t.by_state(), t.red, t.completion_rate)


def _overdue_rows(analysis: Analysis) -> list[Row]:
    return [Row((light.value, *overdue_cells(t)), LIGHT_TINT[light]) for t in analysis.overdue if (light := t.light)]


def _detail_rows(analysis: Analysis, notice_written: bool) -> list[Row]:
    rows = []
    for t in analysis.tracked:
        p, m, light = t.problem, t.measure, t.light
        in_notice = (IN_NOTICE if t.reported else NOT_IN_NOTICE) if notice_written else NO_NOTICE
        cells = (m.row, _number(p.number), p.category, p.title, *_measure_cells(t), m.completed_on)
        cells += (light.value if light else "", _days(t.assessment), in_notice)
        rows.append(Row(cells, LIGHT_TINT.get(light) if light else None))
    return rows


def _finding_rows(findings: Iterable[Finding]) -> list[Row]:
    rows = [
        Row(
            (f.level.value, f.sheet, f.row, f.column, f"{f.message} —— {f.hint}" if f.hint else f.message),
            LEVEL_TINT.get(f.level),
        )
        for f in findings
    ]
    return rows or [Row(("", "", None, "", "未发现问题"))]


def _reminder_rows(reminders: Sequence[Reminder]) -> list[Row]:
    rows = []
    for r in reminders:
        letter = r.file_name or "未写：督办对象未填写"
        cells = (r.addressee or NOT_FILLED, len(r.tracked), r.red, r.yellow, r.oldest_overdue, letter, r.mail)
        rows.append(Row(cells, "red" if r.red else "yellow"))
    return rows or [Row(("无红灯、黄灯事项", None, None, None, None, "", ""))]


def _progress_rows(progress: Progress) -> list[Row]:
    """A row per change, with the old and new values; removed measures name their row in the earlier copy."""
    rows = []
    for r in progress.rows:
        t = r.new or r.old
        assert t is not None
        note = r.note if r.new is not None else f"上次台账第{t.measure.row}行"
        row_number: Cell = r.new.measure.row if r.new is not None else None
        cells = (r.change.value, row_number, _number(t.problem.number), t.problem.title, t.measure.text)
        rows.append(Row((*cells, r.before, r.after, note), CHANGE_TINT.get(r.change)))
    return rows or [Row(("无变化", None, None, "", "", "", "", f"与上次的台账 {progress.old_name} 相比没有变化"))]


def _number(text: str) -> Cell:
    """序号 as a number when it is one, so that it sorts 1, 2, … 10."""
    # ASCII digits only (² is a digit to isdigit()), and no more than Excel keeps: 5,000 digits stay text (int() refuses)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= EXCEL_DIGITS else text


def _measure_cells(t: Tracked) -> tuple[Cell, ...]:
    """整改措施 through 整改状态, as both measure tables show them."""
    m = t.measure
    status = m.status.value if m.status else UNREADABLE_STATUS
    return (m.text, m.leader, m.department, m.person, m.deadline.text if m.deadline else "", status)


def _days(a: Assessment) -> Cell:
    """Days overdue for a red light, days left otherwise; 立行立改 has no date to count from."""
    if a.light is Light.RED:
        return a.days_overdue if a.days_overdue is not None else "立行立改未完成"
    return a.days_left


def _insert_chart(book: Workbook, sheet: Worksheet, largest: int) -> None:
    """A column chart of the four measure states, beside the figures."""
    first = 3  # 已完成 is the third figure, below the header
    chart = book.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": "措施数",
            "categories": [SUMMARY_SHEET, first, 0, first + len(STATES) - 1, 0],
            "values": [SUMMARY_SHEET, first, 1, first + len(STATES) - 1, 1],
            "points": [{"fill": {"color": colour}} for colour in STATE_COLOURS],
            "data_labels": {"value": True},
            "gap": 80,
        }
    )
    chart.set_title({"name": "整改措施状态", "name_font": {"size": 12, "bold": True}})
    chart.set_legend({"none": True})
    chart.set_y_axis(count_axis(largest))  # whole counts: never 0.5 or 1.5
    sheet.insert_chart(1, 3, chart, {"x_offset": 10})
