"""The template workbook's sheets laid out with openpyxl: fonts, widths, fitted row heights, print setup, the ledger's
merged problem cells and its dropdowns. Used by tools/build_workbook_template.py; plain functions over worksheets."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date

from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from rectification.core.model import Status
from rectification.read.columns import LEDGER_COLUMNS, REQUIRED_COLUMNS

LEDGER_HEADERS = list(LEDGER_COLUMNS)
LEDGER_WIDTHS = {
    "序号": 6, "问题类别": 10, "问题": 18, "问题具体表现": 16, "整改措施": 24, "责任领导": 8, "责任部门": 11,
    "责任人": 7, "整改时限": 13, "整改状态": 9, "完成时间": 11, "整改进展": 50, "佐证材料": 16, "备注": 14,
}  # fmt: skip
PROBLEM_COLUMNS = ("序号", "问题类别", "问题", "问题具体表现")  # a problem's, merged over its measures' rows
MEASURE_REQUIRED = tuple(c for c in REQUIRED_COLUMNS if c not in PROBLEM_COLUMNS)
CENTRED_COLUMNS = ("序号", "责任领导", "责任部门", "责任人", "整改时限", "整改状态", "完成时间")
STATUSES = tuple(s.value for s in Status)
VALIDATED_ROWS = 500  # validations reach this row, so new measures get the dropdowns too

INFO_HEADERS = ["项目", "内容", "说明"]
INFO_WIDTHS = [16, 72, 46]
INFO_DATE_FORMAT = 'yyyy"年"m"月"d"日"'
TEXT_KEYS = ("联系电话", "邮编")  # kept as text: a number would lose its form

GUIDE_WIDTHS = [16, 96]
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def cell_value(value: object) -> object:
    """A JSON value as a cell's: ISO dates become dates, a list of paragraphs one text, "" and null blank."""
    if isinstance(value, list):
        return "\n".join(value)
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return date.fromisoformat(value)
    return value if value != "" else None


FONT = "宋体"
BODY_FONT = Font(name=FONT, size=10)
BOLD_FONT = Font(name=FONT, size=10, bold=True)
TITLE_FONT = Font(name="黑体", size=14, bold=True)
SECTION_FONT = Font(name="黑体", size=11, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="808080")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TOP_WRAP = Alignment(vertical="top", wrap_text=True)
TOP_CENTRE = Alignment(horizontal="center", vertical="top", wrap_text=True)
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
LINE_HEIGHT = 13.5  # points per line of 10 pt text
GUIDE_LINE_HEIGHT = 15  # points per line of 11 pt text
LEDGER_DATE_FORMAT = "yyyy-mm-dd"
DEADLINE_PROMPT = (
    "可填日期（2025-09-30、2025年9月30日），也可填“2025年9月底前”“2025年底前”"
    "“立行立改”“长期坚持”“2025年底前，并长期坚持”。"
)


def set_widths(ws: Worksheet, widths: list[int]) -> None:
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width


def write_header(ws: Worksheet, headers: list[str]) -> None:
    for index, name in enumerate(headers, 1):
        cell = ws.cell(row=1, column=index, value=name)
        cell.font = BOLD_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGN
        cell.border = GRID
    ws.freeze_panes = "A2"


def style_body_cell(ws: Worksheet, row: int, column: int, centred: bool = False) -> None:
    cell = ws.cell(row=row, column=column)
    cell.font = BODY_FONT
    cell.border = GRID
    cell.alignment = TOP_CENTRE if centred else TOP_WRAP
    if isinstance(cell.value, date):
        cell.number_format = LEDGER_DATE_FORMAT


def text_lines(text: str, width: float, cjk_units: float = 1.9) -> int:
    """Lines a wrapped text takes in a column of Excel width units (one unit: a digit of the default font).

    A CJK character of 10 pt 宋体 is about 1.9 units in Excel (11 pt: 2.1); other characters count one.
    """
    usable = max(width - 1, 1)
    lines = 0
    for paragraph in text.split("\n"):
        units = sum(cjk_units if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in paragraph)
        lines += max(1, math.ceil(units / usable))
    return lines


def fit_row_heights(ws: Worksheet, first_row: int, points_per_line: float, cjk_units: float = 1.9) -> None:
    """Explicit heights for wrapped rows: LibreOffice and WPS keep the default height otherwise.

    Cells merged over several rows are left out; their text fits in the rows' combined height.
    """
    tall = {(r.min_row, r.min_col) for r in ws.merged_cells.ranges if r.max_row > r.min_row}
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            if isinstance(cell, MergedCell) or cell.value is None or (cell.row, cell.column) in tall:
                continue
            if not (cell.alignment and cell.alignment.wrap_text):
                continue
            width = ws.column_dimensions[cell.column_letter].width
            lines = max(lines, text_lines(str(cell.value), width, cjk_units))
        ws.row_dimensions[row[0].row].height = round(lines * points_per_line + 4, 1)


def set_print(ws: Worksheet, landscape: bool, title_rows: str | None = "1:1") -> None:
    """A4, fitted to the page width, header row repeated on every page, page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    if title_rows:
        ws.print_title_rows = title_rows


def ledger_rows(problem: dict, number: int) -> list[list[object]]:
    """The problem's ledger rows, one a measure, in LEDGER_COLUMNS order; problem columns on the first row only."""
    first = {column: problem.get(column) for column in PROBLEM_COLUMNS} | {"序号": number}
    rows = []
    for index, measure in enumerate(problem["measures"]):
        cells = measure | first if index == 0 else measure
        rows.append([cell_value(cells.get(column)) for column in LEDGER_HEADERS])
    return rows


def merge_problem(ws: Worksheet, problem: dict, first: int) -> None:
    """Merge the problem columns, and 责任领导 when one leader owns every measure."""
    measures = problem["measures"]
    last = first + len(measures) - 1
    if last == first:
        return
    columns = list(PROBLEM_COLUMNS)
    if len({m["责任领导"] for m in measures}) == 1:
        columns.append("责任领导")
    for name in columns:
        column = LEDGER_HEADERS.index(name) + 1
        ws.merge_cells(start_row=first, start_column=column, end_row=last, end_column=column)


def write_ledger(ws: Worksheet, problems: list[dict]) -> None:
    write_header(ws, LEDGER_HEADERS)
    set_widths(ws, [LEDGER_WIDTHS[name] for name in LEDGER_HEADERS])
    centred = {LEDGER_HEADERS.index(name) + 1 for name in CENTRED_COLUMNS}
    row = 2
    for number, problem in enumerate(problems, 1):
        first = row
        for values in ledger_rows(problem, number):
            for column, value in enumerate(values, 1):
                ws.cell(row=row, column=column, value=value)
                style_body_cell(ws, row, column, column in centred)
            row += 1
        merge_problem(ws, problem, first)
    fit_row_heights(ws, 2, LINE_HEIGHT)
    last_column = get_column_letter(len(LEDGER_HEADERS))
    ws.auto_filter.ref = f"A1:{last_column}{row - 1}"
    add_ledger_validations(ws)
    set_print(ws, landscape=True)


def column_range(name: str) -> str:
    letter = get_column_letter(LEDGER_HEADERS.index(name) + 1)
    return f"{letter}2:{letter}{VALIDATED_ROWS}"


def add_ledger_validations(ws: Worksheet) -> None:
    """Dropdown for 整改状态, date hints for 整改时限/完成时间; all let other text through."""
    status = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUSES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="整改状态",
        error="建议从下拉列表中选择。“已整改”“推进中”等同义词也可以使用，点“是”保留。",
        showInputMessage=True,
        promptTitle="整改状态",
        prompt=f"从下拉列表选择：{'、'.join(STATUSES)}。",
    )
    deadline = date_validation(
        "整改时限",
        DEADLINE_PROMPT,
        "information",
        "整改时限也可以填文字，如“立行立改”“2025年底前”，点“确定”保留。",
    )
    completed = date_validation(
        "完成时间",
        "已完成的措施填实际完成的日期，如2025-09-30；其他状态留空。",
        "warning",
        "完成时间应为日期，如2025-09-30或2025年9月30日。",
    )
    for validation, column in ((status, "整改状态"), (deadline, "整改时限"), (completed, "完成时间")):
        validation.add(column_range(column))
        ws.add_data_validation(validation)


def date_validation(title: str, prompt: str, style: str, error: str) -> DataValidation:
    return DataValidation(
        type="date",
        operator="greaterThan",
        formula1="36526",  # 2000-01-01 as an Excel serial number
        allow_blank=True,
        showErrorMessage=True,
        errorStyle=style,
        errorTitle=title,
        error=error,
        showInputMessage=True,
        promptTitle=title,
        prompt=prompt,
    )


def write_info(ws: Worksheet, rows: list[tuple[str, object, str]]) -> None:
    write_header(ws, INFO_HEADERS)
    set_widths(ws, INFO_WIDTHS)
    for row, (key, value, note) in enumerate(rows, 2):
        cells = (
            ws.cell(row=row, column=1, value=key),
            ws.cell(row=row, column=2, value=value),
            ws.cell(row=row, column=3, value=note),
        )
        for cell in cells:
            cell.font = BODY_FONT
            cell.border = GRID
            cell.alignment = TOP_WRAP
        cells[0].font = BOLD_FONT
        if isinstance(value, date):
            cells[1].number_format = INFO_DATE_FORMAT
            cells[1].alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        elif key in TEXT_KEYS:
            cells[1].number_format = "@"
    fit_row_heights(ws, 2, LINE_HEIGHT)
    set_print(ws, landscape=False)


def write_guide(ws: Worksheet, rows: list[tuple[str, str, str]]) -> None:
    set_widths(ws, GUIDE_WIDTHS)
    for row, (kind, label, text) in enumerate(rows, 1):
        left = ws.cell(row=row, column=1, value=label or None)
        right = ws.cell(row=row, column=2, value=text or None)
        if kind == "title":
            left.font = TITLE_FONT
        elif kind == "section":
            left.font = SECTION_FONT
        else:
            left.font = Font(name=FONT, size=11, bold=True)
            left.alignment = TOP_WRAP
            right.font = Font(name=FONT, size=11)
            right.alignment = TOP_WRAP
    fit_row_heights(ws, 2, GUIDE_LINE_HEIGHT, cjk_units=2.1)
    set_print(ws, landscape=False, title_rows=None)
