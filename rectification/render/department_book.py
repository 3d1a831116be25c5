"""A department's copy of its measures (--split) as .xlsx bytes: what it may fill in, and how to read it back.

Sheets: 填报 (the measures; only 整改状态, 完成时间, 整改进展, 佐证材料 unlocked; a drop-down, a date check and an
input message on each; lights against TODAY(); a hidden identity per row, with a check of each value handed out),
填报说明, and the hidden 拆分标识 (the split's facts, and which rows were handed out). Protection has no password:
it guards against slips, not against a department that means to change a locked cell.
"""

from __future__ import annotations

from datetime import date

from xlsxwriter import Workbook
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from rectification.analyse.split import IMMEDIATE, Handout, SplitPlan
from rectification.core.identity import (
    CHECKED_COLUMNS,
    DATA_SHEET,
    DUE_HEADER,
    GUIDE_SHEET,
    HANDED_HEADER,
    IDENTITY_HEADER,
    MARK_SHEET,
    SEPARATOR,
)
from rectification.core.model import Status
from rectification.render.notice import date_text
from rectification.render.xlsx_tables import Column, Row, Styles, new_workbook, table_columns, write_table

RED = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}
YELLOW = {"bg_color": "#FFEB9C", "font_color": "#9C5700"}
DONE_WORDS = (Status.DONE.value, Status.ONGOING.value)  # no light for these, as analysis.assess judges
INPUT_MESSAGES = {
    "整改状态": ("整改状态", "从下拉列表中选择：已完成、正在推进、长期坚持、未启动。"),
    "完成时间": ("完成时间", "已完成的填写完成日期，如 2025-12-01；未完成的不填。"),
    "整改进展": ("整改进展", "写明已做的工作和取得的成效，将写入通报“整改情况”。可用 Alt+Enter 分段。"),
    "佐证材料": ("佐证材料", "列出佐证材料的名称（文件、会议纪要、制度等）。"),
}
FACT_COLUMNS = table_columns("项目 | 内容")
GUIDE_COLUMNS = table_columns("项目 | 说明")
PROTECTION = {  # what a department may still do on a protected sheet
    "autofilter": True,
    "format_columns": True,
    "format_rows": True,
    "select_locked_cells": True,
    "select_unlocked_cells": True,
}


def render_department_book(plan: SplitPlan, handout: Handout) -> bytes:
    """One copy as .xlsx bytes."""
    book, buffer, styles = new_workbook()
    book.set_properties({"title": f"{handout.group}整改填报", "author": plan.issuer, "created": plan.made})
    data = book.add_worksheet(DATA_SHEET)
    _data_sheet(book, data, styles, plan, handout)
    guide = book.add_worksheet(GUIDE_SHEET)
    write_table(guide, styles, GUIDE_COLUMNS, [Row(r) for r in guide_rows(plan, handout)])
    guide.protect("", PROTECTION)
    mark = book.add_worksheet(MARK_SHEET)
    _mark_sheet(mark, styles, plan, handout)
    data.activate()
    book.close()
    return buffer.getvalue()


def _data_sheet(book: Workbook, sheet: Worksheet, styles: Styles, plan: SplitPlan, handout: Handout) -> None:
    columns = [Column(c, tinted=False, locked=c not in plan.editable) for c in plan.columns]
    columns += [Column(DUE_HEADER, tinted=False), Column(IDENTITY_HEADER, tinted=False)]
    rows = [Row((*(r.values.get(c) for c in plan.columns), r.due, str(r.identity))) for r in handout.rows]
    write_table(sheet, styles, columns, rows, filtered=True)
    last = len(rows)  # the last data row, 0-based (the header is row 0)
    due_column, identity_column = len(plan.columns), len(plan.columns) + 1
    sheet.set_column(due_column, identity_column, 12, None, {"hidden": True})
    for name in plan.editable:
        c = plan.columns.index(name)
        title, message = INPUT_MESSAGES[name]
        rule: dict[str, object] = {"validate": "any"}
        if name == "整改状态":
            rule = {
                "validate": "list",
                "source": [s.value for s in Status],
                "error_title": "整改状态",
                "error_message": "只能选择：已完成、正在推进、长期坚持、未启动。",
            }
        elif name == "完成时间":
            rule = {
                "validate": "date",
                "criteria": "between",
                "minimum": date(2000, 1, 1),
                "maximum": date(2099, 12, 31),
                "error_title": "完成时间",
                "error_message": "请填写日期，如 2025-12-01。",
            }
        sheet.data_validation(1, c, max(last, 1), c, {**rule, "input_title": title, "input_message": message})
    if last and "整改状态" in plan.columns:
        _lights(book, sheet, plan, last, due_column)
    sheet.protect("", PROTECTION)


def _lights(book: Workbook, sheet: Worksheet, plan: SplitPlan, last: int, due_column: int) -> None:
    """Red when past its deadline (or 立行立改) and not done, yellow within 预警天数: judged against TODAY() whenever
    the copy is opened, as the summary judges them on the as-of day."""
    status = f"${xl_col_to_name(plan.columns.index('整改状态'))}2"
    due = f"${xl_col_to_name(due_column)}2"
    still_open = f'AND({status}<>"{DONE_WORDS[0]}",{status}<>"{DONE_WORDS[1]}")'
    red = f'=AND({still_open},OR({due}="{IMMEDIATE}",AND(ISNUMBER({due}),{due}<TODAY())))'
    yellow = f"=AND({still_open},ISNUMBER({due}),{due}>=TODAY(),{due}-TODAY()<={plan.warn_days})"
    for formula, look in ((red, RED), (yellow, YELLOW)):
        fmt = book.add_format(look)
        sheet.conditional_format(
            1, 0, last, len(plan.columns) - 1, {"type": "formula", "criteria": formula, "format": fmt}
        )


def guide_rows(plan: SplitPlan, handout: Handout) -> list[tuple[str, str]]:
    """填报说明: who fills in what, by when, how, and where it goes back."""
    sender = plan.issuer or "台账管理部门"
    editable = "、".join(plan.editable)
    return [
        ("填报对象", f"{handout.group}（{plan.grouping}）"),
        ("措施数", f"{len(handout.rows)}项"),
        ("反馈期限", f"请于{date_text(plan.reply_by)}前填好，保存后发回{sender}。"),
        ("来源台账", f"{plan.ledger_name}（{plan.sheet}），{plan.made:%Y-%m-%d %H:%M} 拆分"),
        ("可以填写", f"“{DATA_SHEET}”表中浅黄色的列：{editable}。其余各列供对照，已锁定。"),
        ("整改状态", "从下拉列表中选择：已完成、正在推进、长期坚持、未启动。"),
        ("完成时间", "已完成的填写完成日期，如 2025-12-01；未完成的不填。"),
        ("整改进展", "写明已做的工作和成效，将写入通报；可用 Alt+Enter 分段。"),
        ("灯号", f"打开时按当天日期自动标色：过了整改时限仍未完成的标红，{plan.warn_days}日内到期的标黄。"),
        (
            "请勿",
            "增加、删除行，修改锁定的列，或改动隐藏的列和工作表：合并时按隐藏的行标识对应到台账；"
            "增删的行和锁定列的改动不会并入台账，会列出来请台账管理人核对。可以筛选；行的顺序打乱了也不影响合并。",
        ),
        ("另存", "用 Excel、WPS 或 LibreOffice 编辑均可，请保存为 .xlsx 格式，文件名可以改。"),
    ]


def _mark_sheet(sheet: Worksheet, styles: Styles, plan: SplitPlan, handout: Handout) -> None:
    """Hidden: the split's facts, the columns the rows' checks stand for, then the rows handed out (to tell a
    deleted row), one a line under HANDED_HEADER."""
    facts = [
        ("台账指纹", plan.fingerprint),
        ("拆分编号", plan.split_id),
        ("拆分时间", plan.made.isoformat(sep=" ")),
        ("台账文件", plan.ledger_name),
        ("台账工作表", plan.sheet),
        ("发文机关", plan.issuer),
        ("拆分方式", plan.grouping),
        ("填报对象", handout.group),
        ("措施数", str(len(handout.rows))),
        (CHECKED_COLUMNS, SEPARATOR.join(plan.columns)),
    ]
    rows = [Row(f) for f in facts] + [Row(()), Row((HANDED_HEADER, ""), "heading")]
    rows += [Row((r.identity.handed, "")) for r in handout.rows]
    write_table(sheet, styles, FACT_COLUMNS, rows)
    sheet.protect("", PROTECTION)
    sheet.hide()
