"""The SUMMARY workbook: the 汇总 figures and four tables, written with xlsxwriter; returns bytes, never prints."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from io import BytesIO
from math import ceil
from typing import NamedTuple

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from .checks import DEFAULT_WARN_DAYS, Assessment, assess
from .model import Finding, Ledger, Level, Light, Measure, Problem, Status
from .text import xml_safe

# Text is written with write_string only; these options keep xlsxwriter from second-guessing it anywhere else.
WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
SUMMARY_SHEET = "汇总"
DAYS = "逾期天数 / 剩余天数"
NOT_FILLED = "（未填写）"
UNREADABLE_STATUS = "（未识别）"
IN_NOTICE, NOT_IN_NOTICE, NO_NOTICE = "是", "否", "否（未生成通报）"  # 措施明细's 写入通报
MAX_WIDTH = 60  # column width cap, in Excel's character units
WIDTH_CAPS = {"问题类别": 20, "问题": 30, "整改措施": 40}  # so 措施明细 prints at a readable scale
LINE_HEIGHT = 15  # points a line of 11 pt text
HEADER_WIDTH_CAP = 14  # longer headers wrap rather than widen a column of short values
CELL = {"border": 1, "border_color": "#BFBFBF", "valign": "top"}
HEADER = {"bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "align": "center", "valign": "vcenter"}
# A row's look: red/yellow as Excel's Bad/Neutral cell styles, a bold total, a sub-heading like the header.
TINTS: dict[str, dict[str, object]] = {
    "red": {"bg_color": "#FFC7CE", "font_color": "#9C0006"},
    "yellow": {"bg_color": "#FFEB9C", "font_color": "#9C5700"},
    "total": {"bold": True, "bg_color": "#F2F2F2"},
    "heading": HEADER,
}
LIGHT_TINT = {Light.RED: "red", Light.YELLOW: "yellow"}
LEVEL_TINT = {Level.ERROR: "red", Level.WARNING: "yellow"}
# Formats follow the value's type: floats in this workbook are always rates; numbers and dates are centred.
NUMBER_FORMATS: dict[type, dict[str, object]] = {
    str: {"text_wrap": True},
    date: {"num_format": "yyyy-mm-dd", "align": "center"},
    float: {"num_format": "0.0%", "align": "center"},
    int: {"align": "center"},
}
STATES = (Status.DONE, Status.IN_PROGRESS, Status.ONGOING, Status.NOT_STARTED)
STATE_COLOURS = ("#70AD47", "#5B9BD5", "#A5A5A5", "#ED7D31")

Cell = str | int | float | date | None
Item = tuple[Problem, Measure, Assessment]


@dataclass(frozen=True)
class Figures:
    """The 汇总 numbers: what the CLI's verdict line, the summary and the tests all read."""

    problems: int
    measures: int
    done: int
    in_progress: int
    ongoing: int
    not_started: int
    red: int
    yellow: int
    problems_done: int  # a problem is done when all its measures are 已完成

    @property
    def completion_rate(self) -> float:
        """已完成 ÷ 整改措施总数; 0.0 when there are no measures."""
        return self.done / self.measures if self.measures else 0.0


class Column(NamedTuple):
    header: str
    tinted: bool = True  # takes the row's red/yellow fill


class Row(NamedTuple):
    cells: tuple[Cell, ...]
    tint: str | None = None  # a key of TINTS


def table_columns(headers: str) -> tuple[Column, ...]:
    """“单位 | 文件” → (Column("单位"), Column("文件")): a table's headers written as one line."""
    return tuple(Column(h.strip()) for h in headers.split("|"))


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


def figures(ledger: Ledger, as_of: date, warn_days: int = DEFAULT_WARN_DAYS) -> Figures:
    """Counts of problems, measures by state and by light, as the 汇总 sheet shows them."""
    measures = ledger.measures
    states = Counter(m.status for m in measures)
    lights = Counter(assess(m, as_of, warn_days).light for m in measures)
    return Figures(
        problems=len(ledger.problems),
        measures=len(measures),
        done=states[Status.DONE],
        in_progress=states[Status.IN_PROGRESS],
        ongoing=states[Status.ONGOING],
        not_started=states[Status.NOT_STARTED],
        red=lights[Light.RED],
        yellow=lights[Light.YELLOW],
        problems_done=sum(1 for p in ledger.problems if _problem_done(p)),
    )


def red_rows(ledger: Ledger, as_of: date, warn_days: int = DEFAULT_WARN_DAYS) -> list[tuple[Cell, ...]]:
    """The red-light measures as 逾期事项 lists them, less the 灯号: 行号, 序号, 问题, 整改措施 … 整改状态, 逾期天数."""
    return [_overdue_cells(p, m, a) for p, m, a in _items(ledger, as_of, warn_days) if a.light is Light.RED]


def build_summary(
    ledger: Ledger,
    findings: list[Finding],
    as_of: date,
    warn_days: int = DEFAULT_WARN_DAYS,
    *,
    notice_written: bool = True,
) -> bytes:
    """The SUMMARY workbook as .xlsx bytes: 汇总, 按责任部门, 逾期事项, 措施明细, 检查结果.

    notice_written=False (errors blocked the notice, or --check-only) marks every measure 否（未生成通报）.
    """
    buffer = BytesIO()
    book = Workbook(buffer, WORKBOOK_OPTIONS)
    styles = Styles(book)
    items = _items(ledger, as_of, warn_days)
    for name, columns, rows, filtered in (  # 汇总 is a list of figures: no filter buttons on it
        (SUMMARY_SHEET, SUMMARY_COLUMNS, _summary_rows(figures(ledger, as_of, warn_days), as_of, warn_days), False),
        ("按责任部门", DEPARTMENT_COLUMNS, _department_rows(items), True),
        ("逾期事项", OVERDUE_COLUMNS, _overdue_rows(items), True),
        ("措施明细", DETAIL_COLUMNS, _detail_rows(items, notice_written), True),
        ("检查结果", FINDING_COLUMNS, _finding_rows(findings), True),
    ):
        write_table(book.add_worksheet(name), styles, columns, rows, filtered)
    _insert_chart(book, book.get_worksheet_by_name(SUMMARY_SHEET))
    book.close()
    return buffer.getvalue()


# -- rows of each sheet ---------------------------------------------------------------------


def _items(ledger: Ledger, as_of: date, warn_days: int) -> list[Item]:
    return [(p, m, assess(m, as_of, warn_days)) for p in ledger.problems for m in p.measures]


def _summary_rows(figs: Figures, as_of: date, warn_days: int) -> list[Row]:
    metrics: list[tuple[str, Cell]] = [
        ("问题总数", figs.problems),
        ("整改措施总数", figs.measures),
        (Status.DONE.value, figs.done),
        (Status.IN_PROGRESS.value, figs.in_progress),
        (Status.ONGOING.value, figs.ongoing),
        (Status.NOT_STARTED.value, figs.not_started),
        ("红灯（逾期未完成）", figs.red),
        (f"黄灯（{warn_days}日内到期）", figs.yellow),
        ("措施完成率", figs.completion_rate),
    ]
    return [
        *(Row(m) for m in metrics),
        Row(()),
        Row(("按问题统计", ""), "heading"),
        Row(("问题已全部完成", figs.problems_done)),
        Row(("问题尚未全部完成", figs.problems - figs.problems_done)),
        Row(()),
        Row(("统计日期", as_of)),
    ]


def _department_rows(items: Sequence[Item]) -> list[Row]:
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(item[1].department or NOT_FILLED, []).append(item)
    rows = [Row((name, *_tally(group))) for name, group in groups.items()]
    return [*rows, Row(("合计", *_tally(items)), "total")]


def _tally(items: Sequence[Item]) -> tuple[Cell, ...]:
    states = Counter(m.status for _, m, _ in items)
    red = sum(1 for *_, a in items if a.light is Light.RED)
    rate = states[Status.DONE] / len(items) if items else 0.0
    return (len(items), *(states[s] for s in STATES), red, rate)


def _overdue_rows(items: Sequence[Item]) -> list[Row]:
    return [
        Row((light.value, *_overdue_cells(p, m, a)), LIGHT_TINT[light])
        for light in (Light.RED, Light.YELLOW)
        for p, m, a in items
        if a.light is light
    ]


def _overdue_cells(p: Problem, m: Measure, a: Assessment) -> tuple[Cell, ...]:
    """A line of 逾期事项 after its 灯号; the roll-up's 红灯事项 after its 单位."""
    return (m.row, _number(p.number), p.title, *_measure_cells(m), _days(a))


def _detail_rows(items: Sequence[Item], notice_written: bool) -> list[Row]:
    return [
        Row(
            (m.row, _number(p.number), p.category, p.title, *_measure_cells(m), m.completed_on)
            + (a.light.value if a.light else "", _days(a), _in_notice(m, notice_written)),
            LIGHT_TINT.get(a.light) if a.light else None,
        )
        for p, m, a in items
    ]


def _in_notice(m: Measure, notice_written: bool) -> str:
    """写入通报: the notice leaves out measures not yet started."""
    if not notice_written:
        return NO_NOTICE
    return NOT_IN_NOTICE if m.status is Status.NOT_STARTED else IN_NOTICE


def _finding_rows(findings: Iterable[Finding]) -> list[Row]:
    rows = [
        Row(
            (f.level.value, f.sheet, f.row, f.column, f"{f.message} —— {f.hint}" if f.hint else f.message),
            LEVEL_TINT.get(f.level),
        )
        for f in findings
    ]
    return rows or [Row(("", "", None, "", "未发现问题"))]


def _problem_done(problem: Problem) -> bool:
    return bool(problem.measures) and all(m.status is Status.DONE for m in problem.measures)


def _number(text: str) -> Cell:
    """序号 as a number when it is one, so that it sorts 1, 2, … 10."""
    return int(text) if text.isascii() and text.isdigit() else text


def _measure_cells(m: Measure) -> tuple[Cell, ...]:
    """整改措施 through 整改状态, as both measure tables show them."""
    status = m.status.value if m.status else UNREADABLE_STATUS
    return (m.text, m.leader, m.department, m.person, m.deadline.text if m.deadline else "", status)


def _days(a: Assessment) -> Cell:
    """Days overdue for a red light, days left otherwise; 立行立改 has no date to count from."""
    if a.light is Light.RED:
        return a.days_overdue if a.days_overdue is not None else "立行立改未完成"
    return a.days_left


# -- layout ---------------------------------------------------------------------------------


class Styles:
    """One xlsxwriter format per combination of value type and tint, made on first use."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.cache: dict[tuple[type | None, str | None], Format] = {}
        self.by_type: dict[tuple[type, str | None], Format] = {}
        self.header = book.add_format({**CELL, **HEADER})

    def get(self, value: Cell, tint: str | None) -> Format:
        fmt = self.by_type.get((type(value), tint))  # one dict look-up per cell: 10,000-row sheets call this a lot
        if fmt is None:
            kind = next((t for t in NUMBER_FORMATS if isinstance(value, t)), None)
            if (kind, tint) not in self.cache:
                props = {**CELL, **NUMBER_FORMATS.get(kind, {}), **TINTS.get(tint or "", {})}
                self.cache[kind, tint] = self.book.add_format(props)
            fmt = self.by_type[type(value), tint] = self.cache[kind, tint]
        return fmt


def write_table(
    sheet: Worksheet, styles: Styles, columns: Sequence[Column], rows: Sequence[Row], filtered: bool = False
) -> None:
    """Every sheet's layout: header, rows, fitted widths, frozen header, filter and print setup."""
    rows = [Row(tuple(xml_safe(v) if isinstance(v, str) else v for v in row.cells), row.tint) for row in rows]
    measured = [[_line_widths(v) for v in row.cells] for row in rows]  # each cell's lines, measured once
    widths = [_width(col.header, [cells[c] for cells in measured if c < len(cells)]) for c, col in enumerate(columns)]
    for c, column in enumerate(columns):
        sheet.set_column(c, c, widths[c])
        sheet.write_string(0, c, column.header, styles.header)
    for r, (row, cells) in enumerate(zip(rows, measured, strict=True), 1):
        if height := _height(cells, widths):
            sheet.set_row(r, height)
        for c, (column, value) in enumerate(zip(columns, row.cells, strict=False)):
            _write(sheet, r, c, value, styles.get(value, row.tint if column.tinted else None))
    sheet.freeze_panes(1, 0)
    if filtered:
        sheet.autofilter(0, 0, sum(1 for row in rows if row.tint != "total"), len(columns) - 1)
    _print_setup(sheet)


def _print_setup(sheet: Worksheet) -> None:
    """Landscape A4, one page wide, the header row on every page."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.repeat_rows(0)
    sheet.fit_to_pages(1, 0)
    sheet.set_footer("&C第 &P 页，共 &N 页")


def _write(sheet: Worksheet, row: int, col: int, value: Cell, fmt: Format) -> None:
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        sheet.write_string(row, col, value, fmt)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, fmt)
    else:
        sheet.write_number(row, col, value, fmt)


def _width(header: str, cells: Iterable[tuple[int, ...]]) -> float:
    """Fitted to the widest line; long headers wrap; long text wraps at the column's cap."""
    widest = max((max(lines) + 2 for lines in cells), default=0)
    return min(max(widest, min(_line_width(header) + 3, HEADER_WIDTH_CAP)), WIDTH_CAPS.get(header, MAX_WIDTH))


def _height(cells: Sequence[tuple[int, ...]], widths: Sequence[float]) -> float | None:
    """A row's height for its wrapped text (neither Excel nor LibreOffice refits on opening); None for one line."""
    lines = max(
        (
            sum(ceil(w / (width - 1)) or 1 for w in c)
            for c, width in zip(cells, widths, strict=False)
            if len(c) > 1 or c[0] > width - 1  # a single line that fits needs no sum
        ),
        default=1,
    )
    return min(LINE_HEIGHT * lines, 409) if lines > 1 else None  # 409 pt: Excel's limit for a row


def _line_widths(value: Cell) -> tuple[int, ...]:
    if isinstance(value, str):
        return tuple(map(_line_width, value.split("\n"))) if "\n" in value else (_line_width(value),)
    return ({type(None): 0, date: 10, float: 6}.get(type(value), len(str(value))),)


@lru_cache(maxsize=4096)  # titles, owners and deadlines repeat down a ledger
def _line_width(line: str) -> int:
    """Display width: CJK and other wide characters count 2."""
    return len(line) if line.isascii() else sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _insert_chart(book: Workbook, sheet: Worksheet) -> None:
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
    chart.set_y_axis({"min": 0, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    sheet.insert_chart(1, 3, chart, {"x_offset": 10})
