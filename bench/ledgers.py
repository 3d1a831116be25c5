"""The benchmark's ledgers, built in code: n problems of 5 measures (optionally reworded, or as openpyxl writes
them), a round of copies of the example ledger, and the departments' split and returned copies."""

from __future__ import annotations

import json
import re
import sys
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from rectification.read.columns import LEDGER_COLUMNS  # noqa: E402

HEADER = list(LEDGER_COLUMNS)  # the template's columns, in order
AS_OF = date(2025, 12, 11)

INFO = {
    "发文机关": "中共某某区某某局党组",
    "巡察轮次": "区委第三轮巡察",
    "巡察组": "区委第一巡察组",
    "巡察方式": "常规巡察",
    "巡察开始日期": datetime(2025, 4, 1),
    "巡察结束日期": datetime(2025, 5, 30),
    "反馈日期": datetime(2025, 7, 1),
    "发文日期": datetime(2025, 12, 1),
    "联系电话": "027-12345678",
    "邮政地址": "某某市某某区某某路1号",
    "邮编": "430000",
    "组织领导情况": "党组高度重视巡察整改工作。\n成立了整改工作领导小组。",
    "阶段性成效": "目前，整改工作取得了阶段性成效。",
    "下一步工作安排": "一是继续抓好整改。\n二是建立长效机制。",
}
STATES = ("已完成", "已完成", "正在推进", "长期坚持", "未启动")
DETAIL = "对照问题清单逐项研究，明确了责任分工和完成时限，形成了阶段性成果，下一步将持续跟踪问效、巩固提升。"


# -- ledgers ------------------------------------------------------------------------------------


def ledger_rows(
    problems: int, per_problem: int = 5, reworded: bool = False, detailed: bool = False, departments: int = 13
):
    """The rows of a ledger of problems × per_problem measures, as {column: value}.

    Every status appears; some measures are overdue (red), so the checks and the late-items sheets have work.
    Problem columns are filled on a problem's first row only, as many units leave them. reworded: every 整改措施
    written differently, as after a unit rewrote its ledger. detailed: longer texts (a 问题具体表现, fuller
    progress), as the 139 MB openpyxl-written ledger of issue 25 had.
    """
    for p in range(1, problems + 1):
        for k in range(per_problem):
            status, month = STATES[(p + k) % 5], 1 + (p + k) % 12
            text = f"措施{k + 1}：制定学习计划并开展专题研讨，建立健全长效机制"
            if reworded:
                text = f"第{p}项问题措施{k + 1}：进一步制定学习计划，开展专题研讨并健全长效机制"
            values = {
                "整改措施": text,
                "责任领导": f"领导{p % 7}",
                "责任部门": f"部门{p % departments}",
                "责任人": f"责任人{p % 29}",
                "整改时限": datetime(2026 if month < 9 else 2025, month, 28),
                "整改状态": status,
                "完成时间": datetime(2025, 1 + (p + k) % 11, 20) if status == "已完成" else None,
                "整改进展": ""
                if status == "未启动"
                else f"制定了年度学习计划，开展了{k + 2}次专题研讨，修订了议事规则。",
                "佐证材料": "会议记录",
            }
            if k == 0:
                values |= {
                    "序号": p,
                    "问题类别": f"（{'一二三四'[p % 4]}）方面问题",
                    "问题": f"第{p}个问题：学习贯彻不够深入",
                }
            if detailed:
                values["整改进展"] = f"{values['整改进展']}{DETAIL}" if values["整改进展"] else ""
                if k == 0:
                    values["问题具体表现"] = f"第{p}个问题的具体表现：{DETAIL}"
            yield values


def build_ledger(
    path: Path, problems: int, per_problem: int = 5, reworded: bool = False, departments: int = 13
) -> Path:
    """A ledger as Excel writes one (shared strings, date cells): problems × per_problem measures (ledger_rows)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("整改台账")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADER)
    for row, values in enumerate(ledger_rows(problems, per_problem, reworded, departments=departments), 1):
        for column, name in enumerate(HEADER):
            value = values.get(name)
            if isinstance(value, datetime):
                sheet.write_datetime(row, column, value, day)
            elif value not in (None, ""):
                sheet.write(row, column, value)
    info = book.add_worksheet("基本信息")
    info.write_row(0, 0, ["项目", "内容"])
    for r, (key, value) in enumerate(INFO.items(), 1):
        info.write(r, 0, key)
        if isinstance(value, datetime):
            info.write_datetime(r, 1, value, day)
        else:
            info.write(r, 1, value)
    book.close()
    return path


def build_ledger_openpyxl(path: Path, problems: int) -> Path:
    """The same ledger as openpyxl writes it: inline strings, every Chinese character a &#NNNNN; reference."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("整改台账")
    sheet.append(HEADER)
    for values in ledger_rows(problems, detailed=True):
        row = []
        for name in HEADER:
            value = values.get(name)
            if isinstance(value, datetime):
                cell = WriteOnlyCell(sheet, value)
                cell.number_format = "yyyy-mm-dd"
                row.append(cell)
            else:
                row.append(value if value != "" else None)
        sheet.append(row)
    info = book.create_sheet("基本信息")
    info.append(["项目", "内容"])
    for key, value in INFO.items():
        info.append([key, value])
    book.save(path)
    return path


EXAMPLE_ISSUER = "中共武汉市东西湖区红十字会党组".encode()  # the example's 发文机关, in its shared strings


def build_round(folder: Path, units: int) -> Path:
    """units copies of the example ledger (workbook_template.xlsx), each with its own 发文机关 (第0001单位…).

    Each is the template's own bytes with the 发文机关 text changed in its shared strings: the same workbook a
    unit sends back after filling in the template in Excel.
    """
    import zipfile

    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(ROOT / "workbook_template.xlsx") as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    mark = b"<t>" + EXAMPLE_ISSUER + b"</t>"
    assert sum(data.count(mark) for _, data in parts) == 1, "the issuer must be found once"
    for n in range(1, units + 1):
        issuer = f"<t>中共某某区第{n:04d}单位党组</t>".encode()
        with zipfile.ZipFile(folder / f"单位{n:04d}.xlsx", "w", zipfile.ZIP_DEFLATED) as out:
            for name, data in parts:
                out.writestr(name, data.replace(mark, issuer))
    return folder


def summary_cells(ledger: Path) -> int:
    """How many cells the summary of this ledger writes: the write floor writes as many."""
    import io
    import zipfile

    from rectification.analyse.report import Options
    from rectification.app.pipeline import run

    data = run(ledger, Options(as_of=AS_OF)).output("summary").data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        return sum(len(re.findall(rb"<c ", archive.read(n))) for n in sheets)


def build_all(work: Path) -> None:
    """Every ledger and round, in two processes (the 100,000-measure ledger alone takes most of the time)."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        large = pool.submit(build_ledger, work / "100000.xlsx", 20_000)
        build_ledger(work / "1000.xlsx", 200)
        build_ledger(work / "10000.xlsx", 2_000)
        build_ledger(work / "10000-reworded.xlsx", 2_000, reworded=True)
        openpyxl_built = pool.submit(build_ledger_openpyxl, work / "100000-openpyxl.xlsx", 20_000)
        build_round(work / "round100", 100)
        build_round(work / "round1000", 1_000)
        (work / "cells.json").write_text(json.dumps(summary_cells(work / "10000.xlsx")))
        from departments import build as build_departments

        (work / "departments").mkdir()
        build_departments(work / "departments")
        large.result()
        openpyxl_built.result()


# -- one measurement ----------------------------------------------------------------------------
