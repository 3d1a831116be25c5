"""The ROLL-UP workbook of a batch: a row per ledger, a chart by unit, every red-light measure; returns bytes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from xlsxwriter import Workbook
from xlsxwriter.worksheet import Worksheet

from rectification.analyse.analysis import STATES, Figures
from rectification.analyse.compare import Change
from rectification.analyse.round import Round, UnitLine
from rectification.core.model import Verdict
from rectification.render.summary import STATE_COLOURS
from rectification.render.xlsx_tables import Cell, Row, Tint, new_workbook, table_columns, write_table

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
PROGRESS_SHEET = "进展对比"
PROGRESS_COLUMNS = table_columns("单位 | 文件 | 上次的台账 | " + " | ".join(c.value for c in Change))
FIRST_STATE_COLUMN = 4  # 已完成, then the other states, in UNIT_COLUMNS


def rollup_name(as_of: date) -> str:
    """The roll-up's file name: it contains 汇总 and the 统计日期, so rounds do not overwrite each other."""
    return f"各单位整改进展汇总_{as_of.isoformat()}.xlsx"


def build_rollup(round_: Round) -> bytes:
    """The roll-up as .xlsx bytes: 各单位汇总 (with its chart), 红灯事项, 未处理文件, and 进展对比 with --since."""
    lines, skipped, as_of = round_.lines, round_.skipped, round_.options.as_of
    book, buffer, styles = new_workbook()
    units = book.add_worksheet(UNITS_SHEET)
    write_table(units, styles, UNIT_COLUMNS, unit_rows(lines, round_.figures), filtered=True)
    write_table(book.add_worksheet(RED_SHEET), styles, RED_COLUMNS, red_rows(lines), filtered=True)
    write_table(book.add_worksheet(FILES_SHEET), styles, FILE_COLUMNS, file_rows(lines, skipped))
    if any(line.since for line in lines):
        write_table(book.add_worksheet(PROGRESS_SHEET), styles, PROGRESS_COLUMNS, progress_rows(lines), filtered=True)
    units.set_footer(f"&L统计日期：{as_of.isoformat()}&C第 &P 页，共 &N 页")
    if lines:
        _insert_chart(book, units, len(lines))
    book.close()
    return buffer.getvalue()


def _figure_cells(f: Figures) -> tuple[Cell, ...]:
    """问题数 through 黄灯, as UNIT_COLUMNS lists them."""
    return (f.problems, f.measures, *f.by_state(), f.red, f.yellow)


def unit_rows(lines: Sequence[UnitLine], whole: Figures) -> list[Row]:
    """A row per ledger, red when it has red lights or was not produced, yellow when it has yellow lights."""
    rows = []
    for line in lines:
        f = line.figures
        numbers = (*_figure_cells(f), f.completion_rate, line.errors) if f is not None else (None,) * 10
        red = line.verdict in (Verdict.BLOCKED, None) or (f is not None and f.red > 0)
        tint: Tint | None = "red" if red else "yellow" if f is not None and f.yellow > 0 else None
        rows.append(Row((line.name, line.file, *numbers, line.state), tint))
    produced = sum(1 for line in lines if line.verdict is Verdict.PRODUCED)
    total = Row(
        ("合计", f"{len(lines)}个台账", *_figure_cells(whole), whole.completion_rate)
        + (sum(line.errors for line in lines), f"已生成{produced}个"),
        "total",
    )
    return [*rows, total]


def red_rows(lines: Sequence[UnitLine]) -> list[Row]:
    """Every red-light measure of every unit, with its owners, behind the unit's name."""
    rows = [Row((line.name, *cells), "red") for line in lines for cells in line.red]
    return rows or [Row(("无红灯事项",))]


def progress_rows(lines: Sequence[UnitLine]) -> list[Row]:
    """A row per unit compared with its earlier copy: the count of each kind of change."""
    return [Row((line.name, line.file, line.since, *line.changes)) for line in lines if line.since]


def file_rows(lines: Sequence[UnitLine], skipped: Sequence[tuple[str, str]]) -> list[Row]:
    """Ledgers that could not be read, then files that were passed over."""
    rows = [Row((line.file, line.message), "red") for line in lines if line.verdict is None]
    rows += [Row((name, f"已跳过：{reason}")) for name, reason in skipped]
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
