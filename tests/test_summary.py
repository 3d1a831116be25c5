"""The SUMMARY workbook, read back with openpyxl the way a user's script would read it."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from rectification.analyse.analysis import Figures, analyse
from rectification.core.model import Deadline, Finding, Ledger, Level, Light, Measure, Problem, Status
from rectification.core.text import xml_safe
from rectification.render.summary import build_summary, overdue_cells
from rectification.render.xlsx_tables import Column, table_columns

AS_OF = date(2025, 12, 11)
RED, YELLOW = "FFFFC7CE", "FFFFEB9C"
SHEETS = ["汇总", "按责任部门", "逾期事项", "措施明细", "检查结果"]
HEADERS = {
    "汇总": ["指标", "数值"],
    "按责任部门": ["责任部门", "措施数", "已完成", "正在推进", "长期坚持", "未启动", "逾期", "完成率"],
    "逾期事项": ["灯号", "行号", "序号", "问题", "整改措施", "责任领导", "责任部门", "责任人", "整改时限", "整改状态"]
    + ["逾期天数 / 剩余天数"],
    "措施明细": [
        "行号",
        "序号",
        "问题类别",
        "问题",
        "整改措施",
        "责任领导",
        "责任部门",
        "责任人",
        "整改时限",
        "整改状态",
        "完成时间",
        "灯号",
    ]
    + ["逾期天数 / 剩余天数", "写入通报"],
    "检查结果": ["级别", "工作表", "行号", "列", "说明"],
}


def measure(
    row: int,
    status: Status | None,
    due: date | str | None = None,
    department: str = "综合科",
    text: str = "",
    done_on: date | None = None,
) -> Measure:
    """A measure on ledger row `row`; due is a date, 立行立改, 长期坚持 or None (no deadline)."""
    if isinstance(due, date):
        deadline: Deadline | None = Deadline(due.isoformat(), due)
    elif due is None:
        deadline = None
    else:
        deadline = Deadline(due, None, immediate=due == "立行立改", ongoing=due == "长期坚持")
    return Measure(
        row=row,
        text=text or f"第{row}行的整改措施",
        leader="王明",
        department=department,
        person="李华",
        deadline=deadline,
        status=status,
        completed_on=done_on,
        progress="已落实",
    )


def problem(number: str, title: str, *measures: Measure, category: str = "（一）政治建设方面") -> Problem:
    return Problem(measures[0].row if measures else 0, number, category, title, "", list(measures))


def sample_ledger() -> Ledger:
    """Every status and light, three departments (one left blank), and hostile text."""
    return Ledger(
        None,
        [
            problem(
                "1",
                "学习不深入",
                measure(3, Status.DONE, date(2025, 9, 30), done_on=date(2025, 9, 20)),
                measure(4, Status.DONE, date(2025, 10, 31), done_on=date(2025, 10, 30)),
            ),
            problem(
                "2",
                "=SUM(1)",
                measure(5, Status.IN_PROGRESS, date(2025, 12, 15), "财务科", text="+1"),  # yellow, 4 days left
                measure(6, Status.IN_PROGRESS, date(2025, 11, 30), text="@见附件 http://example.com"),  # red, 11
                measure(7, Status.NOT_STARTED, "立行立改", "财务科", text="-立即停用 {{ 7*7 }} 🚩"),  # red
            ),
            problem(
                "3",
                "制度\x07不健全_x0007_",
                measure(8, Status.ONGOING, "长期坚持", ""),
                measure(9, Status.IN_PROGRESS, date(2026, 6, 30), "财务科"),  # green, 201 days left
                measure(10, None, date(2025, 12, 21)),  # unreadable status, yellow on the 10th day
                measure(11, Status.NOT_STARTED, date(2025, 12, 1), "财务科"),  # red, 10 days
                category="（二）制度建设方面",
            ),
        ],
    )


FINDINGS = [
    Finding(Level.ERROR, "整改台账", 8, "责任部门", "未填写", "请填写该项措施的责任部门"),
    Finding(Level.WARNING, "整改台账", 6, "整改时限", "红灯：已逾期11天（时限：2025-11-30）"),
    Finding(Level.HINT, "基本信息", None, "", "标题\x0b未填写，将自动生成"),
]


def open_summary(ledger: Ledger, findings: list[Finding] | None = None, **kwargs: object):
    warn_days = kwargs.pop("warn_days", 10)
    data = build_summary(analyse(ledger, AS_OF, warn_days), FINDINGS if findings is None else findings, **kwargs)
    return load_workbook(BytesIO(data))


def values(sheet: Worksheet, min_row: int = 2) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(min_row=min_row, values_only=True)]


def fill(cell) -> str | None:
    return cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None


@pytest.fixture(scope="module")
def book():
    return open_summary(sample_ledger())


def test_figures_count_states_lights_and_done_problems() -> None:
    got = analyse(sample_ledger(), AS_OF).figures
    assert got == Figures(
        name="",
        problems=3,
        measures=9,
        done=2,
        in_progress=3,
        ongoing=1,
        not_started=2,
        red=3,
        yellow=2,
        problems_done=1,
        problems_reported=3,
        categories=2,
        departments=2,  # the blank 责任部门 is not a department
    )
    assert got.completion_rate == pytest.approx(2 / 9)


def test_figures_of_an_empty_ledger() -> None:
    got = analyse(Ledger(None, [problem("1", "无措施")]), AS_OF).figures
    assert (got.problems, got.measures, got.problems_done, got.completion_rate) == (1, 0, 0, 0.0)


def test_warn_days_moves_the_yellow_line() -> None:
    assert analyse(sample_ledger(), AS_OF, warn_days=3).figures.yellow == 0
    assert analyse(sample_ledger(), AS_OF, warn_days=300).figures.yellow == 3


def test_sheets_and_headers(book) -> None:
    assert book.sheetnames == SHEETS
    for name, header in HEADERS.items():
        assert [c.value for c in book[name][1]] == header, name


def test_every_table_sheet_is_frozen_filtered_and_printable(book) -> None:
    for name in SHEETS:
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        assert all(c.font.b and fill(c) for c in sheet[1]), name
        assert sheet.page_setup.orientation == "landscape", name
        assert sheet.page_setup.paperSize == 9, name
        assert sheet.print_title_rows == "$1:$1", name
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, name
        assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0, (
            name
        )  # None: the default, 1
    assert book["汇总"].auto_filter.ref is None
    assert book["按责任部门"].auto_filter.ref == "A1:H4"  # the 合计 row stays out of sorting
    assert book["逾期事项"].auto_filter.ref == "A1:K6"
    assert book["措施明细"].auto_filter.ref == "A1:N10"
    assert book["检查结果"].auto_filter.ref == "A1:E4"


def test_totals_sheet(book) -> None:
    sheet = book["汇总"]
    assert values(sheet)[:9] == [
        ["问题总数", 3],
        ["整改措施总数", 9],
        ["已完成", 2],
        ["正在推进", 3],
        ["长期坚持", 1],
        ["未启动", 2],
        ["红灯（逾期未完成）", 3],
        ["黄灯（10日内到期）", 2],
        ["措施完成率", pytest.approx(2 / 9)],
    ]
    assert sheet["B10"].number_format == "0.0%"
    assert values(sheet)[9:] == [
        [None, None],
        ["按问题统计", None],
        ["问题已全部完成", 1],
        ["问题尚未全部完成", 2],
        [None, None],
        ["统计日期", datetime(2025, 12, 11)],
        [None, None],
        ["长期坚持的问题", 0],
        ["问题完成率", pytest.approx(1 / 3)],
    ]
    assert sheet["B16"].number_format == "yyyy-mm-dd"
    assert sheet["B19"].number_format == "0.0%"


def test_totals_sheet_has_a_chart_of_the_states() -> None:
    data = build_summary(analyse(sample_ledger(), AS_OF), [])
    with zipfile.ZipFile(BytesIO(data)) as package:
        chart = package.read("xl/charts/chart1.xml").decode()
    assert re.findall(r"<c:f>(.*?)</c:f>", chart) == ["汇总!$A$4:$A$7", "汇总!$B$4:$B$7"]  # 已完成 … 未启动


@pytest.mark.parametrize(("done", "total", "rate"), [(19, 25, 0.76), (0, 3, 0.0), (5, 5, 1.0)])
def test_completion_rate_is_done_over_measures(done: int, total: int, rate: float) -> None:
    measures = [measure(3 + i, Status.DONE if i < done else Status.IN_PROGRESS) for i in range(total)]
    sheet = open_summary(Ledger(None, [problem("1", "问题", *measures)]), [])["汇总"]
    assert sheet["A10"].value == "措施完成率"
    assert sheet["B10"].value == pytest.approx(rate)
    assert sheet["B10"].data_type == "n"


def test_yellow_label_uses_warn_days() -> None:
    sheet = open_summary(sample_ledger(), warn_days=20)["汇总"]
    assert sheet["A9"].value == "黄灯（20日内到期）"
    assert sheet["B9"].value == 2


def test_departments_in_order_of_appearance_with_total(book) -> None:
    sheet = book["按责任部门"]
    rows = values(sheet)
    assert [r[:7] for r in rows] == [
        ["综合科", 4, 2, 1, 0, 0, 1],
        ["财务科", 4, 0, 2, 0, 2, 2],
        ["（未填写）", 1, 0, 0, 1, 0, 0],
        ["合计", 9, 2, 3, 1, 2, 3],
    ]
    assert [r[7] for r in rows] == pytest.approx([0.5, 0.0, 0.0, 2 / 9])
    assert all(sheet.cell(r, 8).number_format == "0.0%" for r in range(2, 6))
    assert all(c.font.b for c in sheet[5])
    assert not any(c.font.b for c in sheet[4])


def test_overdue_lists_reds_then_yellows_in_ledger_order(book) -> None:
    sheet = book["逾期事项"]
    rows = values(sheet)
    assert [(r[0], r[1], r[2], r[10]) for r in rows] == [
        ("红灯", 6, 2, 11),
        ("红灯", 7, 2, "立行立改未完成"),
        ("红灯", 11, 3, 10),
        ("黄灯", 5, 2, 4),
        ("黄灯", 10, 3, 10),
    ]
    assert rows[0][3:10] == [
        "=SUM(1)",
        "@见附件 http://example.com",
        "王明",
        "综合科",
        "李华",
        "2025-11-30",
        "正在推进",
    ]
    assert rows[4][9] == "（未识别）"
    for r, colour in zip(range(2, 7), [RED, RED, RED, YELLOW, YELLOW], strict=True):
        assert {fill(c) for c in sheet[r]} == {colour}


def test_detail_lists_every_measure(book) -> None:
    sheet = book["措施明细"]
    rows = values(sheet)
    assert [r[0] for r in rows] == list(range(3, 12))
    assert rows[0] == [
        3,
        1,
        "（一）政治建设方面",
        "学习不深入",
        "第3行的整改措施",
        "王明",
        "综合科",
        "李华",
        "2025-09-30",
        "已完成",
        datetime(2025, 9, 20),
        None,
        None,
        "是",
    ]
    assert sheet["K2"].number_format == "yyyy-mm-dd"
    assert [(r[11], r[12], r[13]) for r in rows[2:]] == [
        ("黄灯", 4, "是"),
        ("红灯", 11, "是"),
        ("红灯", "立行立改未完成", "否"),
        (None, None, "是"),
        ("绿灯", 201, "是"),
        ("黄灯", 10, "是"),
        ("红灯", 10, "否"),
    ]
    fills = [fill(sheet.cell(r, 5)) for r in range(2, 11)]
    assert fills == [None, None, YELLOW, RED, RED, None, None, YELLOW, RED]


def test_text_stays_text_and_is_cleaned(book) -> None:
    detail, overdue = book["措施明细"], book["逾期事项"]
    formula_like = [detail["D4"], detail["E4"], detail["E5"], detail["E6"], overdue["D2"]]
    assert [c.value for c in formula_like] == [
        "=SUM(1)",
        "+1",
        "@见附件 http://example.com",
        "-立即停用 {{ 7*7 }} 🚩",
        "=SUM(1)",
    ]
    assert all(c.data_type == "s" for c in formula_like)
    assert detail["E5"].hyperlink is None
    assert detail["D7"].value == "制度不健全"
    assert book["检查结果"]["E4"].value == "标题未填写，将自动生成"


def test_findings_sheet(book) -> None:
    sheet = book["检查结果"]
    assert values(sheet) == [
        ["错误", "整改台账", 8, "责任部门", "未填写 —— 请填写该项措施的责任部门"],
        ["警告", "整改台账", 6, "整改时限", "红灯：已逾期11天（时限：2025-11-30）"],
        ["提示", "基本信息", None, None, "标题未填写，将自动生成"],
    ]
    assert [fill(sheet.cell(r, 1)) for r in (2, 3, 4)] == [RED, YELLOW, None]
    assert {fill(sheet.cell(2, c)) for c in range(2, 6)} == {None}


def test_no_findings_says_so() -> None:
    sheet = open_summary(sample_ledger(), [])["检查结果"]
    assert values(sheet) == [[None, None, None, None, "未发现问题"]]


def test_an_empty_ledger_still_makes_every_sheet() -> None:
    book = open_summary(Ledger(None, []), [])
    assert book.sheetnames == SHEETS
    assert values(book["按责任部门"]) == [["合计", 0, 0, 0, 0, 0, 0, 0]]
    assert values(book["逾期事项"]) == []


def test_columns_fit_their_content_and_long_text_wraps() -> None:
    long_title = "学习贯彻习近平新时代中国特色社会主义思想不够深入系统" * 3
    ledger = Ledger(None, [problem("1", long_title, measure(3, Status.IN_PROGRESS, AS_OF + timedelta(days=2)))])
    sheet = open_summary(ledger, [])["措施明细"]
    widths = {col: sheet.column_dimensions[col].width for col in "ADEG"}
    assert widths["A"] < 10  # 行号: narrow
    assert 30 <= widths["D"] <= 32  # 问题: capped, wraps
    assert widths["E"] > 2 * len("第3行的整改措施") - 2  # CJK counts double
    assert sheet["D2"].alignment.wrap_text
    assert sheet.row_dimensions[2].height >= 45  # three or more lines tall


@pytest.mark.parametrize(("written", "expected"), [(True, ["是"] * 7 + ["否"] * 2), (False, ["否（未生成通报）"] * 9)])
def test_detail_says_whether_the_notice_was_written(written: bool, expected: list[str]) -> None:
    """A ledger blocked by errors, or --check-only, writes no notice: no measure is 写入通报 then."""
    rows = values(open_summary(sample_ledger(), notice_written=written)["措施明细"])
    assert sorted(r[13] for r in rows) == sorted(expected)


def test_red_rows_are_the_red_lines_of_the_overdue_sheet(book) -> None:
    """The roll-up's 红灯事项 reads overdue_cells(); it must match 逾期事项 cell for cell, less the 灯号."""
    rows = [overdue_cells(t) for t in analyse(sample_ledger(), AS_OF).with_light(Light.RED)]
    shown = [r[1:] for r in values(book["逾期事项"]) if r[0] == "红灯"]
    assert [[xml_safe(v) if isinstance(v, str) else v for v in r] for r in rows] == shown  # as write_table cleans
    assert rows[0] == (
        6,
        2,
        "=SUM(1)",
        "@见附件 http://example.com",
        "王明",
        "综合科",
        "李华",
        "2025-11-30",
        "正在推进",
        11,
    )


def test_table_columns_splits_a_header_line() -> None:
    assert table_columns("单位 | 文件") == (Column("单位"), Column("文件"))
