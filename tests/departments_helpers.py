"""Ledgers and filled-in copies for the --split / --merge tests, built in code."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from conftest import INFO, measure, write_ledger
from openpyxl import Workbook, load_workbook

from rectification.core.identity import DATA_SHEET, IDENTITY_HEADER


def department_rows() -> list[dict[str, object]]:
    """Three departments; open, overdue and done measures; 综合科 has a mailbox in 人员名单."""
    return [
        measure(
            序号=1, 问题="学习不深入", 整改措施="制定学习计划", 责任部门="综合科", 整改状态="正在推进", 完成时间=None
        ),
        measure(序号=1, 问题="学习不深入", 整改措施="开展专题研讨", 责任部门="综合科"),
        measure(
            序号=2,
            问题="制度执行不严",
            整改措施="修订制度",
            责任部门="财务科",
            责任人="赵强",
            整改状态="未启动",
            完成时间=None,
            整改进展=None,
        ),
        measure(
            序号=2,
            问题="制度执行不严",
            整改措施="开展制度培训",
            责任部门="财务科",
            责任人="赵强",
            整改状态="正在推进",
            完成时间=None,
            整改时限="长期坚持",
        ),
        measure(
            序号=3,
            问题="作风不实",
            整改措施="开展作风整顿",
            责任部门="机关党支部",
            责任人="孙丽",
            整改状态="正在推进",
            完成时间=None,
        ),
    ]


def write_department_ledger(path: Path, rows: list[dict[str, object]] | None = None) -> Path:
    write_ledger(path, department_rows() if rows is None else rows, INFO)
    book = load_workbook(path)
    roster = book.create_sheet("人员名单")
    for line in (
        ("姓名", "部门", "职务", "邮箱"),
        ("王明", "局领导", "副局长", "wangming@example.gov.cn"),
        ("李华", "综合科", "科长", ""),
        ("赵强", "财务科", "科长", ""),
        ("孙丽", "机关党支部", "书记", ""),
        (None, "综合科", None, "zonghe@example.gov.cn"),
    ):
        roster.append(line)
    book.save(path)
    return path


def write_messy_ledger(path: Path) -> Path:
    """A unit's own layout: a title row, the header on row 3 with other names and order, merged 责任部门 and 整改状态,
    dates as text, a formula column, widths, a second sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = "整改台账（2025）"
    sheet.append(["某某局巡察整改台账"])
    sheet.merge_cells("A1:L1")
    sheet.append(["填报单位：办公室", None, None, None, None, None, None, None, "填报时间：2025年11月"])
    header = [
        "编号",
        "存在问题",
        "整改举措",
        "牵头领导",
        "牵头部门",
        "具体责任人",
        "完成时限",
        "完成情况",
        "整改完成日期",
        "整改落实情况",
        "佐证资料",
        "字数",
    ]
    sheet.append(header)
    rows = [
        (1, "学习不深入", "制定学习计划", "王明", "综合科", "李华", "2025年9月底前", "正在推进", None, "已起草"),
        (None, None, "开展专题研讨", "王明", None, "李华", "2025/10/31", None, None, "筹备中"),
        (2, "制度执行不严", "修订制度", "陈刚", "财务科", "赵强", "2025.12.31", "未启动", None, None),
        (None, None, "开展制度培训", "陈刚", "财务科", "赵强", "长期坚持", "长期坚持", None, "每季度一次"),
    ]
    for n, values in enumerate(rows, 4):
        sheet.append([*values, None, f"=LEN(J{n})"])
    sheet.merge_cells("E4:E5")  # 综合科 owns both measures of problem 1
    sheet.merge_cells("H4:H5")  # …and one status covers both
    sheet.merge_cells("A4:A5")
    sheet.merge_cells("B4:B5")
    sheet.column_dimensions["C"].width = 40
    info = book.create_sheet("基本信息")
    for key, value in INFO.items():
        info.append([key, value])
    book.create_sheet("附表").append(["备查", "不参与生成"])
    book.save(path)
    return path


def fill(
    source: Path, target: Path, change: Callable[[object, dict[str, int]], None], saved: datetime | None = None
) -> Path:
    """A department's answer: the copy opened in openpyxl, changed, saved under another name."""
    book = load_workbook(source)
    sheet = book[DATA_SHEET]
    columns = {cell.value: cell.column for cell in sheet[1]}
    change(sheet, columns)
    book.save(target)
    if saved is not None:  # openpyxl stamps the save itself: set the time as another program's save would
        _set_modified(target, saved)
    return target


def _set_modified(path: Path, saved: datetime) -> None:
    import re

    files = parts(path)
    stamp = saved.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    files["docProps/core.xml"] = re.sub(
        rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\g<2>", files["docProps/core.xml"]
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def row_of(sheet, columns: dict[str, int], measure_text: str) -> int:
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, columns["整改措施"]).value == measure_text)


def set_cells(values: dict[tuple[str, str], object]) -> Callable[[object, dict[str, int]], None]:
    """{(整改措施, column): value} set in the copy."""

    def change(sheet, columns: dict[str, int]) -> None:
        for (measure_text, column), value in values.items():
            sheet.cell(row_of(sheet, columns, measure_text), columns[column]).value = value

    return change


def reverse_rows(sheet, columns: dict[str, int]) -> None:
    """What a sort by a column does to the rows (identity column included)."""
    last = sheet.max_row
    rows = [[sheet.cell(r, c).value for c in range(1, sheet.max_column + 1)] for r in range(2, last + 1)]
    for r, values in enumerate(reversed(rows), 2):
        for c, value in enumerate(values, 1):
            sheet.cell(r, c).value = value
    assert columns[IDENTITY_HEADER]


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def ledger_values(path: Path, sheet: str | None = None) -> list[list[object]]:
    book = load_workbook(path)
    ws = book[sheet] if sheet else book.worksheets[0]
    return [[c.value for c in row] for row in ws.iter_rows()]
