"""The ROLL-UP workbook of a batch: a row per ledger, a chart by unit, every red-light measure; returns bytes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from io import BytesIO

from xlsxwriter import Workbook
from xlsxwriter.worksheet import Worksheet

from .batch import BLOCKED, PRODUCED, UNREADABLE, Outcome, Skipped
from .summary import STATE_COLOURS, STATES, WORKBOOK_OPTIONS, Cell, Row, Styles, table_columns, write_table

UNITS_SHEET = "各单位汇总"
RED_SHEET = "红灯事项"
FILES_SHEET = "未处理文件"
UNIT_COLUMNS = table_columns(
    "单位 | 文件 | 问题数 | 措施数 | 已完成 | 正在推进 | 长期坚持 | 未启动 | 红灯 | 黄灯 | 完成率 | 错误数 | 结果"
)
RED_COLUMNS = table_columns(
    "单位 | 行号 | 序号 | 问题 | 整改措施 | 责任领导 | 责任部门 | 责任人 | 整改时限 | 整改状态 | 逾期天数"
)
FILE_COLUMNS = table_columns("文件 | 原因")
FIRST_STATE_COLUMN = 4  # 已完成, then the other states, in UNIT_COLUMNS


def rollup_name(as_of: date) -> str:
    """The roll-up's file name: it contains 汇总 and the 统计日期, so rounds do not overwrite each other."""
    return f"各单位整改进展汇总_{as_of.isoformat()}.xlsx"


def build_rollup(outcomes: Sequence[Outcome], skipped: Sequence[Skipped], as_of: date) -> bytes:
    """The roll-up as .xlsx bytes: 各单位汇总 (with its chart), 红灯事项, 未处理文件."""
    buffer = BytesIO()
    book = Workbook(buffer, WORKBOOK_OPTIONS)
    styles = Styles(book)
    units = book.add_worksheet(UNITS_SHEET)
    write_table(units, styles, UNIT_COLUMNS, unit_rows(outcomes), filtered=True)
    write_table(book.add_worksheet(RED_SHEET), styles, RED_COLUMNS, red_rows(outcomes), filtered=True)
    write_table(book.add_worksheet(FILES_SHEET), styles, FILE_COLUMNS, file_rows(outcomes, skipped))
    units.set_footer(f"&L统计日期：{as_of.isoformat()}&C第 &P 页，共 &N 页")
    if outcomes:
        _insert_chart(book, units, len(outcomes))
    book.close()
    return buffer.getvalue()


def unit_name(outcome: Outcome) -> str:
    return outcome.unit or "（未读出发文机关）"


def unit_rows(outcomes: Sequence[Outcome]) -> list[Row]:
    """A row per ledger, red when it has red lights or was not produced, yellow when it has yellow lights."""
    rows = []
    for o in outcomes:
        f = o.figures
        numbers: tuple[Cell, ...] = (
            (f.problems, f.measures, f.done, f.in_progress, f.ongoing, f.not_started, f.red, f.yellow)
            + (f.completion_rate, o.errors)
            if f is not None
            else (None,) * 10
        )
        red = o.state in (BLOCKED, UNREADABLE) or (f is not None and f.red > 0)
        tint = "red" if red else "yellow" if f is not None and f.yellow > 0 else None
        rows.append(Row((unit_name(o), o.path.name, *numbers, o.state), tint))
    read = [o.figures for o in outcomes if o.figures is not None]
    sums = [sum(getattr(f, name) for f in read) for name in _FIGURE_NAMES]
    measures, done = sums[1], sums[2]
    produced = sum(1 for o in outcomes if o.state == PRODUCED)
    total = Row(
        ("合计", f"{len(outcomes)}个台账", *sums, done / measures if measures else 0.0)
        + (sum(o.errors for o in outcomes), f"已生成{produced}个"),
        "total",
    )
    return [*rows, total]


_FIGURE_NAMES = ("problems", "measures", "done", "in_progress", "ongoing", "not_started", "red", "yellow")


def red_rows(outcomes: Sequence[Outcome]) -> list[Row]:
    """Every red-light measure of every unit, with its owners: summary.red_rows() behind each unit's name."""
    rows = [Row((unit_name(o), *cells), "red") for o in outcomes for cells in o.red_rows]
    return rows or [Row(("无红灯事项",))]


def file_rows(outcomes: Sequence[Outcome], skipped: Sequence[Skipped]) -> list[Row]:
    """Ledgers that could not be read, then files that were passed over."""
    rows = [Row((o.path.name, o.message), "red") for o in outcomes if o.state == UNREADABLE]
    rows += [Row((s.path.name, f"已跳过：{s.reason}")) for s in skipped]
    return rows or [Row(("", "全部文件均已处理"))]


def _insert_chart(book: Workbook, sheet: Worksheet, count: int) -> None:
    """A stacked column per unit: its measures by state."""
    chart = book.add_chart({"type": "column", "subtype": "stacked"})
    for k, (state, colour) in enumerate(zip(STATES, STATE_COLOURS, strict=True)):
        column = FIRST_STATE_COLUMN + k
        chart.add_series(
            {
                "name": state.value,
                "categories": [UNITS_SHEET, 1, 0, count, 0],
                "values": [UNITS_SHEET, 1, column, count, column],
                "fill": {"color": colour},
                "gap": 60,
            }
        )
    chart.set_title({"name": "各单位整改措施状态", "name_font": {"size": 12, "bold": True}})
    chart.set_legend({"position": "bottom"})
    chart.set_y_axis({"min": 0, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_size({"width": max(480, 60 * count + 160), "height": 320})
    sheet.insert_chart(count + 3, 0, chart)
