"""--split and --merge through the library: what a department gets, and what comes back into the ledger."""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import AS_OF
from departments_helpers import (
    department_rows,
    fill,
    ledger_values,
    parts,
    reverse_rows,
    set_cells,
    write_department_ledger,
    write_messy_ledger,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from rectification.analyse.merge import Trouble, plan_merge
from rectification.app.departments import merge_returns, merged_path, split_ledger
from rectification.app.request import Request
from rectification.core.identity import DATA_SHEET, DUE_HEADER, GUIDE_SHEET, IDENTITY_HEADER, MARK_SHEET, parse_identity
from rectification.read.reader import WorkbookUnusable
from rectification.render.merge_sheet import MERGE_SHEET
from rectification.render.registry import SUMMARY

MADE = datetime(2025, 12, 11, 9, 0)


@pytest.fixture
def split(tmp_path: Path):
    ledger = write_department_ledger(tmp_path / "台账.xlsx")
    result = split_ledger(Request(ledger, tmp_path / "out", AS_OF), made=MADE)
    assert result.exit_code == 0, result.lines
    return ledger, tmp_path / "out" / "填报"


def merge(ledger: Path, *sources: Path):
    return merge_returns(Request(ledger, ledger.parent / "output", AS_OF), sources)


def troubles(result) -> list[Trouble]:
    return [p.trouble for p in result.plan.problems]


# -- split -----------------------------------------------------------------------------------------


def test_split_gives_each_department_its_own_rows_protected_with_identity(split):
    ledger, folder = split
    assert sorted(p.name for p in folder.glob("*.xlsx")) == ["机关党支部.xlsx", "综合科.xlsx", "财务科.xlsx"]
    book = load_workbook(folder / "财务科.xlsx")
    assert book.sheetnames == [DATA_SHEET, GUIDE_SHEET, MARK_SHEET]
    assert book[MARK_SHEET].sheet_state == "hidden"
    sheet = book[DATA_SHEET]
    header = [c.value for c in sheet[1]]
    assert header[-2:] == [DUE_HEADER, IDENTITY_HEADER]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [r[header.index("整改措施")] for r in rows] == ["修订制度", "开展制度培训"]
    assert sheet.protection.sheet and not sheet.protection.password
    hidden = {n for d in sheet.column_dimensions.values() if d.hidden for n in range(d.min, d.max + 1)}
    assert {header[n - 1] for n in hidden} == {DUE_HEADER, IDENTITY_HEADER}
    locked = {name: sheet.cell(2, i + 1).protection.locked for i, name in enumerate(header)}
    assert [n for n, is_locked in locked.items() if not is_locked] == ["整改状态", "完成时间", "整改进展", "佐证材料"]
    identity = parse_identity(rows[0][-1])
    assert identity is not None and identity.row == 4
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    status = next(v for ref, v in validations.items() if ref.startswith(_letter(header, "整改状态")))
    assert status.type == "list" and "已完成" in status.formula1 and status.prompt
    assert next(v for ref, v in validations.items() if ref.startswith(_letter(header, "完成时间"))).type == "date"
    rules = [rule.formula[0] for cf in sheet.conditional_formatting for rule in cf.rules]
    assert any("TODAY()" in f and "<TODAY()" in f for f in rules)  # red
    assert any("<=10" in f for f in rules)  # yellow within 预警天数
    guide = {r[0]: r[1] for r in ledger_values(folder / "财务科.xlsx", GUIDE_SHEET)}
    assert guide["填报对象"] == "财务科（责任部门）"
    assert "2025年12月18日" in guide["反馈期限"] and "中共某某区某某局党组" in guide["反馈期限"]


def _letter(header: list[object], name: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(header.index(name) + 1)


def test_split_writes_a_mail_draft_where_the_roster_has_an_address_and_names_the_others(tmp_path):
    ledger = write_department_ledger(tmp_path / "台账.xlsx")
    before = ledger.read_bytes()
    result = split_ledger(Request(ledger, tmp_path / "out", AS_OF), made=MADE)
    drafts = sorted(p.name for p in (tmp_path / "out" / "填报").glob("*.eml"))
    assert drafts == ["综合科.eml"]
    text = (tmp_path / "out" / "填报" / "综合科.eml").read_bytes()
    assert b"To: zonghe@example.gov.cn" in text and b"Cc: wangming@example.gov.cn" in text and b"X-Unsent: 1" in text
    assert any("财务科、机关党支部" in line for line in result.lines)
    assert ledger.read_bytes() == before


def test_split_by_leader(tmp_path):
    ledger = write_department_ledger(tmp_path / "台账.xlsx")
    result = split_ledger(Request(ledger, tmp_path / "out", AS_OF), grouping="责任领导", made=MADE)
    assert result.exit_code == 0
    assert [p.name for p in (tmp_path / "out" / "填报").glob("*.xlsx")] == ["王明.xlsx"]


# -- merge -----------------------------------------------------------------------------------------


def test_merge_takes_the_filled_in_cells_and_leaves_every_other_part_alone(split, tmp_path):
    ledger, folder = split
    back = tmp_path / "back"
    back.mkdir()
    fill(
        folder / "综合科.xlsx",
        back / "综合科.xlsx",
        set_cells(
            {
                ("制定学习计划", "整改状态"): "已完成",
                ("制定学习计划", "完成时间"): datetime(2025, 12, 5),
                ("制定学习计划", "整改进展"): "印发了年度学习计划",
            }
        ),
    )
    fill(
        folder / "财务科.xlsx",
        back / "财务科.xlsx",
        set_cells({("修订制度", "整改状态"): "正在推进", ("修订制度", "整改进展"): "已起草修订稿"}),
    )
    ledger_before, returned_before = ledger.read_bytes(), {p: p.read_bytes() for p in back.iterdir()}
    result = merge(ledger, back)
    assert result.exit_code == 0, result.lines
    assert (
        result.merged_ledger == merged_path(ledger, AS_OF) and result.merged_ledger.name == "台账_合并_2025-12-11.xlsx"
    )
    assert ledger.read_bytes() == ledger_before
    assert {p: p.read_bytes() for p in back.iterdir()} == returned_before
    old, new = parts(ledger), parts(result.merged_ledger)
    assert list(old) == list(new)
    assert [name for name in old if old[name] != new[name]] == ["xl/worksheets/sheet1.xml"]
    before, after = ledger_values(ledger), ledger_values(result.merged_ledger)
    header = before[0]
    changed = {(r, header[c]) for r in range(len(before)) for c in range(len(header)) if before[r][c] != after[r][c]}
    assert changed == {(1, "整改状态"), (1, "完成时间"), (1, "整改进展"), (3, "整改状态"), (3, "整改进展")}
    assert after[1][header.index("整改状态")] == "已完成"
    assert after[1][header.index("完成时间")] == datetime(2025, 12, 5)  # a date cell where the ledger shows dates
    assert after[1][header.index("整改进展")] == "印发了年度学习计划"
    assert after[3][header.index("整改进展")] == "已起草修订稿"
    assert [(g.group, g.updated, g.unchanged) for g in result.plan.groups] == [("综合科", 1, 1), ("财务科", 1, 1)]
    assert result.plan.missing == [("机关党支部", 1)]
    assert result.lines[0] == "尚未交回填报表：机关党支部（1项）（这些措施在新台账中保持原样）"
    summary = result.generated.report.output(SUMMARY)
    assert summary is not None
    book = load_workbook(__import__("io").BytesIO(summary.data))
    assert MERGE_SHEET in book.sheetnames
    assert book[MERGE_SHEET]["C2"].value == "已合并"


def test_sorted_and_filtered_copies_still_match_their_rows(split, tmp_path):
    ledger, folder = split

    def change(sheet, columns):
        reverse_rows(sheet, columns)
        set_cells({("制定学习计划", "整改进展"): "排序后填写"})(sheet, columns)
        sheet.auto_filter.ref = sheet.dimensions
        sheet.row_dimensions[2].hidden = True

    copy = fill(folder / "综合科.xlsx", tmp_path / "综合科_排序.xlsx", change)
    result = merge(ledger, copy)
    assert result.exit_code == 0, result.lines
    after = ledger_values(result.merged_ledger)
    assert after[1][after[0].index("整改进展")] == "排序后填写"
    assert after[2][after[0].index("整改进展")] == ledger_values(ledger)[2][after[0].index("整改进展")]


def test_every_problem_is_listed_and_none_applied(split, tmp_path):
    ledger, folder = split
    back = tmp_path / "back"
    back.mkdir()

    def zonghe(sheet, columns):
        set_cells(
            {
                ("制定学习计划", "整改措施"): "改过的措施",  # locked column changed (protection removed)
                ("开展专题研讨", "整改状态"): "差不多了",  # a status word that does not parse
            }
        )(sheet, columns)
        sheet.cell(2, columns["完成时间"]).value = "下周"  # a date that does not parse
        sheet.cell(sheet.max_row + 1, columns["整改措施"]).value = "部门自己加的措施"  # an added row

    fill(folder / "综合科.xlsx", back / "综合科.xlsx", zonghe)
    fill(
        folder / "财务科.xlsx",
        back / "财务科_旧.xlsx",
        set_cells({("修订制度", "整改进展"): "旧的"}),
        saved=datetime(2025, 12, 1),
    )
    fill(
        folder / "财务科.xlsx",
        back / "财务科_新.xlsx",
        set_cells({("修订制度", "整改进展"): "新的"}),
        saved=datetime(2025, 12, 3),
    )

    def delete_row(sheet, columns):
        sheet.delete_rows(2)

    fill(folder / "机关党支部.xlsx", back / "机关党支部.xlsx", delete_row)
    other = write_department_ledger(
        tmp_path / "别的台账.xlsx",
        [
            {**row, "整改措施": f"另一单位的{row['整改措施']}"}
            for row in __import__("departments_helpers").department_rows()
        ],
    )
    split_ledger(Request(other, tmp_path / "other", AS_OF), made=MADE)
    shutil.copy(tmp_path / "other" / "填报" / "综合科.xlsx", back / "别的台账_综合科.xlsx")
    (back / "坏文件.xlsx").write_bytes(b"not a workbook")
    load_workbook(ledger).save(back / "不是填报表.xlsx")
    result = merge(ledger, back)
    assert result.exit_code == 1
    found = troubles(result)
    for expected in (
        Trouble.LOCKED_CHANGED,
        Trouble.BAD_STATUS,
        Trouble.BAD_DATE,
        Trouble.ROW_ADDED,
        Trouble.SUPERSEDED,
        Trouble.ROW_DELETED,
        Trouble.OTHER_LEDGER,
        Trouble.UNUSABLE,
    ):
        assert expected in found, (expected, result.lines)
    assert found.count(Trouble.UNUSABLE) == 2
    superseded = next(p for p in result.plan.problems if p.trouble is Trouble.SUPERSEDED)
    assert superseded.file == "财务科_旧.xlsx"
    after = ledger_values(result.merged_ledger)
    header = after[0]
    assert after[3][header.index("整改进展")] == "新的"  # the newer copy won
    assert after[1][header.index("整改措施")] == "制定学习计划"  # the locked change not taken
    assert after[2][header.index("整改状态")] == "已完成"  # the unparsable status not taken
    assert all("部门自己加的措施" not in row for row in after)
    locked = next(p for p in result.plan.problems if p.trouble is Trouble.LOCKED_CHANGED)
    assert (locked.where, locked.ledger_value, locked.returned_value) == (
        f"{_letter(header, '整改措施')}2",
        "制定学习计划",
        "改过的措施",
    )
    assert any(line.startswith("[改动了锁定列] 综合科.xlsx E2") for line in result.lines)


def test_a_value_changed_in_the_ledger_since_the_split_is_a_conflict_and_the_ledger_wins(split, tmp_path):
    ledger, folder = split
    book = load_workbook(ledger)
    book["整改台账"]["L2"] = "台账管理人改的进展"  # 整改进展 of 制定学习计划
    book.save(ledger)
    copy = fill(
        folder / "综合科.xlsx", tmp_path / "综合科.xlsx", set_cells({("制定学习计划", "整改进展"): "部门填的进展"})
    )
    result = merge(ledger, copy)
    assert result.exit_code == 1
    conflict = next(p for p in result.plan.problems if p.trouble is Trouble.CONFLICT)
    assert (conflict.ledger_value, conflict.returned_value, conflict.row) == ("台账管理人改的进展", "部门填的进展", 2)
    assert ledger_values(result.merged_ledger)[1][11] == "台账管理人改的进展"


def test_a_copy_from_an_earlier_split_is_refused(split, tmp_path):
    ledger, folder = split
    old = fill(folder / "综合科.xlsx", tmp_path / "旧拆分.xlsx", set_cells({("制定学习计划", "整改进展"): "旧"}))
    split_ledger(Request(ledger, tmp_path / "again", AS_OF), made=datetime(2025, 12, 12, 9, 0))
    new = fill(
        tmp_path / "again" / "填报" / "财务科.xlsx",
        tmp_path / "新拆分.xlsx",
        set_cells({("修订制度", "整改进展"): "新"}),
    )
    result = merge(ledger, old, new)
    assert result.exit_code == 1
    refused = next(p for p in result.plan.problems if p.trouble is Trouble.OTHER_SPLIT)
    assert refused.file == "旧拆分.xlsx"
    assert ledger_values(result.merged_ledger)[1][11] != "旧"


def test_nothing_usable_is_exit_2_and_writes_no_ledger(split, tmp_path):
    ledger, _ = split
    (tmp_path / "back").mkdir()
    (tmp_path / "back" / "坏.xlsx").write_bytes(b"PK\x03\x04 broken")
    result = merge(ledger, tmp_path / "back")
    assert result.exit_code == 2 and result.merged_ledger is None
    assert not merged_path(ledger, AS_OF).exists()
    assert merge(ledger, tmp_path / "empty").exit_code == 2
    with pytest.raises(WorkbookUnusable):
        merge(tmp_path / "没有这个台账.xlsx", tmp_path / "back")


def test_messy_ledger_split_and_merge_keeps_its_layout(tmp_path):
    ledger = write_messy_ledger(tmp_path / "台账.xlsx")
    result = split_ledger(Request(ledger, tmp_path / "out", AS_OF), made=MADE)
    assert result.exit_code == 0, result.lines
    folder = tmp_path / "out" / "填报"
    assert sorted(p.name for p in folder.glob("*.xlsx")) == ["综合科.xlsx", "财务科.xlsx"]
    back = tmp_path / "back"
    back.mkdir()
    # 综合科: both measures under one merged 完成情况 cell: done together, so the merge's first cell takes it
    fill(
        folder / "综合科.xlsx",
        back / "综合科.xlsx",
        set_cells(
            {
                ("制定学习计划", "整改状态"): "已完成",
                ("开展专题研讨", "整改状态"): "已完成",
                ("开展专题研讨", "完成时间"): "2025年12月2日",
                ("开展专题研讨", "整改进展"): "开展了研讨",
            }
        ),
    )
    fill(
        folder / "财务科.xlsx",
        back / "财务科.xlsx",
        set_cells({("修订制度", "整改状态"): "正在推进", ("修订制度", "整改进展"): "已起草"}),
    )
    before = ledger.read_bytes()
    merged = merge(ledger, back)
    assert ledger.read_bytes() == before
    assert merged.exit_code == 0, [str(f) for f in merged.generated.report.findings]
    rows = ledger_values(merged.merged_ledger, "整改台账（2025）")
    assert rows[3][7] == "已完成" and rows[4][7] is None  # written into the merge's first cell
    assert rows[4][8] == "2025-12-02" and rows[4][9] == "开展了研讨"
    assert rows[5][7] == "正在推进" and rows[5][9] == "已起草"
    assert rows[3][11] == "=LEN(J4)"  # formulas untouched
    old, new = parts(ledger), parts(merged.merged_ledger)
    assert [n for n in old if old[n] != new[n]] == ["xl/worksheets/sheet1.xml"]
    book = load_workbook(merged.merged_ledger)
    assert book["整改台账（2025）"].column_dimensions["C"].width == 40
    assert "E4:E5" in {str(r) for r in book["整改台账（2025）"].merged_cells.ranges}


def test_a_merged_cell_the_rows_disagree_on_is_listed_not_written(tmp_path):
    ledger = write_messy_ledger(tmp_path / "台账.xlsx")
    split_ledger(Request(ledger, tmp_path / "out", AS_OF), made=MADE)
    copy = fill(
        tmp_path / "out" / "填报" / "综合科.xlsx",
        tmp_path / "综合科.xlsx",
        set_cells({("制定学习计划", "整改状态"): "已完成"}),
    )
    result = merge(ledger, copy)
    assert result.exit_code == 1
    problem = next(p for p in result.plan.problems if p.trouble is Trouble.NOT_WRITTEN)
    assert "H4:H5" in problem.message and problem.row == 4
    assert ledger_values(result.merged_ledger, "整改台账（2025）")[3][7] == "正在推进"


def test_merged_ledger_is_checked_and_its_notice_made(split, tmp_path):
    ledger, folder = split
    copy = fill(
        folder / "财务科.xlsx",
        tmp_path / "财务科.xlsx",
        set_cells(
            {
                ("修订制度", "整改状态"): "已完成",
                ("修订制度", "完成时间"): date(2025, 12, 1),
                ("修订制度", "整改进展"): "修订完成",
            }
        ),
    )
    result = merge(ledger, copy)
    assert result.exit_code == 0 and result.generated is not None
    report = result.generated.report
    assert report.source == result.merged_ledger and report.analysis.figures.done == 2
    assert {o.key for o in report.outputs} == {"notice", "summary"}
    written = sorted(p.name for p in (ledger.parent / "output").iterdir())
    assert written == [
        "中共某某区某某局党组关于区委第三轮巡察反馈意见整改进展情况的通报.docx",
        "中共某某区某某局党组关于区委第三轮巡察反馈意见整改进展情况的通报_汇总.xlsx",
    ]
    summary = load_workbook(ledger.parent / "output" / written[1])
    assert summary.sheetnames[-1] == MERGE_SHEET
    assert [c.value for c in summary[MERGE_SHEET][2]][:3] == ["财务科", "财务科.xlsx", "已合并"]
    assert result.generated.saved.paths("summary") == [ledger.parent / "output" / written[1]]


# -- the command line ---------------------------------------------------------------------------------


def test_cli_split_then_merge(tmp_path, run_cli):
    ledger = write_department_ledger(tmp_path / "台账.xlsx")
    split = run_cli(str(ledger), "--split")
    assert split.exit_code == 0, split.output
    assert "已按责任部门拆分为3份填报表" in split.output
    folder = split.out_dir / "填报"
    back = tmp_path / "交回"
    back.mkdir()
    fill(folder / "财务科.xlsx", back / "财务科.xlsx", set_cells({("修订制度", "整改状态"): "状态不明"}))
    merged = run_cli(str(ledger), "--merge", str(back))
    assert merged.exit_code == 1, merged.output
    lines = merged.output.splitlines()
    assert lines[0] == "合并情况："
    assert "  财务科（财务科.xlsx）：2行，更新0行，未变2行，问题1处" in lines
    assert any(
        line.startswith("  [整改状态无法识别] 财务科.xlsx J2，台账第4行：整改状态“状态不明”无法识别") for line in lines
    )
    assert any(line.startswith("已生成通报：") for line in lines)
    assert (tmp_path / "台账_合并_2025-12-11.xlsx").exists()


def test_cli_split_by_leader_and_usage_errors(tmp_path, run_cli):
    ledger = write_department_ledger(tmp_path / "台账.xlsx")
    assert run_cli(str(ledger), "--split", "领导").exit_code == 0
    assert run_cli(str(ledger), "--split", "--merge", str(tmp_path)).exit_code == 2
    bad = run_cli(str(ledger), "--split", "科室")
    assert bad.exit_code == 2 and "--split" in bad.output
    unnamed = run_cli("--merge", str(tmp_path))
    assert unnamed.exit_code == 2 and "请指定要合并进的台账" in unnamed.output
    missing = run_cli(str(tmp_path / "没有.xlsx"), "--split")
    assert missing.exit_code == 2 and "无法使用台账：找不到台账文件" in missing.output


def test_rows_inserted_in_the_ledger_after_the_split_still_match_by_measure(split, tmp_path):
    ledger, folder = split
    book = load_workbook(ledger)
    book["整改台账"].insert_rows(2)  # the clerk adds a measure at the top after the split
    book["整改台账"]["E2"] = "新加的措施"
    book.save(ledger)
    copy = fill(
        folder / "财务科.xlsx", tmp_path / "财务科.xlsx", set_cells({("修订制度", "整改进展"): "行号变了也能对上"})
    )
    result = merge(ledger, copy)
    assert [p.trouble for p in result.plan.problems] == []
    rows = ledger_values(result.merged_ledger)
    assert rows[4][rows[0].index("整改措施")] == "修订制度"
    assert rows[4][rows[0].index("整改进展")] == "行号变了也能对上"


def test_hostile_and_oversized_text_is_cleaned_or_listed(split, tmp_path):
    ledger, folder = split
    hostile = "@SUM(1)+cmd|' /C calc'!A0 <b>&amp;</b>\u202e\u200b进展_x0007_"
    copy = fill(
        folder / "综合科.xlsx",
        tmp_path / "综合科.xlsx",
        set_cells(
            {
                ("制定学习计划", "整改进展"): hostile,
                ("制定学习计划", "佐证材料"): "=1+1",  # a formula saved without its result
                ("开展专题研讨", "整改进展"): "LONGMARK",
            }
        ),
    )
    files = parts(copy)  # a text longer than Excel allows, as another program might save it
    files["xl/worksheets/sheet1.xml"] = files["xl/worksheets/sheet1.xml"].replace(b"LONGMARK", ("长" * 32768).encode())
    with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    result = merge(ledger, copy)
    messages = [p.message for p in result.plan.problems]
    assert [p.trouble for p in result.plan.problems] == [Trouble.BAD_VALUE, Trouble.BAD_VALUE], messages
    assert messages[0] == "“佐证材料”是没有计算结果的公式，未并入"
    assert messages[1].startswith("“整改进展”有32768个字，超过 Excel 单元格的上限")
    rows = ledger_values(result.merged_ledger)
    assert rows[1][rows[0].index("整改进展")] == "@SUM(1)+cmd|' /C calc'!A0 <b>&amp;</b>进展"  # text, not a formula
    assert rows[1][rows[0].index("佐证材料")] == "学习计划"
    assert rows[2] == ledger_values(ledger)[2]  # the oversized text not taken


def test_department_names_make_safe_file_names(tmp_path):
    rows = department_rows()
    rows[2]["责任部门"] = rows[3]["责任部门"] = "财务/审计科"
    rows[4]["责任部门"] = "CON"
    ledger = write_department_ledger(tmp_path / "台账.xlsx", rows)
    result = split_ledger(Request(ledger, tmp_path / "out", AS_OF), made=MADE)
    assert result.exit_code == 0
    names = sorted(p.name for p in (tmp_path / "out" / "填报").glob("*.xlsx"))
    assert names == ["CON_.xlsx", "综合科.xlsx", "财务_审计科.xlsx"]
    guide = {r[0]: r[1] for r in ledger_values(tmp_path / "out" / "填报" / "财务_审计科.xlsx", GUIDE_SHEET)}
    assert guide["填报对象"] == "财务/审计科（责任部门）"


def test_a_hostile_copy_gets_the_ledgers_refusals(split, tmp_path):
    ledger, folder = split
    files = parts(folder / "综合科.xlsx")
    files["xl/worksheets/sheet1.xml"] = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + files["xl/worksheets/sheet1.xml"]
    hostile = tmp_path / "综合科.xlsx"
    with zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    result = merge(ledger, hostile)
    assert result.exit_code == 2 and result.merged_ledger is None
    problem = result.plan.problems[0]
    assert problem.trouble is Trouble.UNUSABLE and "DOCTYPE/ENTITY" in problem.message


def test_a_deleted_column_is_listed(split, tmp_path):
    ledger, folder = split

    def drop_evidence(sheet, columns):
        sheet.delete_cols(columns["佐证材料"])

    copy = fill(folder / "财务科.xlsx", tmp_path / "财务科.xlsx", drop_evidence)
    result = merge(ledger, copy)
    assert [(p.trouble, p.column) for p in result.plan.problems] == [(Trouble.COLUMN_MISSING, "佐证材料")]
    assert result.exit_code == 1


def test_copies_merged_ledger_and_summary_validate_against_the_open_xml_schemas(tmp_path):
    """No repair prompt in Excel: the copy as split, the ledger patched and the summary with 合并情况 pass the SDK's
    schemas and rules (the example ledger, which itself passes them, as Excel saves one: shared strings)."""
    audit = pytest.importorskip("openxml_audit", reason="openxml-audit is in requirements-dev.txt")
    ledger = tmp_path / "台账.xlsx"
    shutil.copy(Path(__file__).resolve().parents[1] / "workbook_template.xlsx", ledger)
    split_ledger(Request(ledger, tmp_path / "out", AS_OF), made=MADE)
    folder = tmp_path / "out" / "填报"
    copy = fill(folder / "机关党支部.xlsx", tmp_path / "机关党支部.xlsx", _fill_every_open_row)
    result = merge(ledger, copy)
    assert result.plan.edits, result.lines
    summary = result.generated.saved.paths("summary")[0]
    for path in (folder / "机关党支部.xlsx", result.merged_ledger, summary):
        checked = audit.OpenXmlValidator(file_format=audit.FileFormat.OFFICE_2019, max_errors=20).validate(str(path))
        assert checked.is_valid, (path.name, [e.description for e in checked.errors])


def _fill_every_open_row(sheet, columns):
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, columns["整改状态"]).value != "已完成":
            sheet.cell(row, columns["整改状态"]).value = "已完成"
            sheet.cell(row, columns["完成时间"]).value = datetime(2025, 12, 5)
            sheet.cell(row, columns["整改进展"]).value = "第一段\n第二段 <&> 已办结"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(5)))
def test_any_order_of_the_returned_rows_merges_the_same(order, sorted_case):
    """Sorting is a permutation of the rows, identities included: the edits never depend on it."""
    now, copy, expected = sorted_case
    rows = [copy.rows[i] for i in order if i < len(copy.rows)]
    plan = plan_merge(now, [replace(copy, rows=tuple(rows))], [])
    assert sorted((e.row, e.column, str(e.value)) for e in plan.edits) == expected and not plan.problems


@pytest.fixture(scope="module")
def sorted_case(tmp_path_factory):
    from rectification.app.departments import _ledger_now
    from rectification.read.reader import read_workbook
    from rectification.read.returned import read_returned
    from rectification.records.records import build_ledger

    tmp_path = tmp_path_factory.mktemp("sorted")
    rows = [{**row, "责任部门": "综合科"} for row in department_rows()]
    ledger = write_department_ledger(tmp_path / "台账.xlsx", rows)
    split_ledger(Request(ledger, tmp_path / "out", AS_OF), made=MADE)
    copy = fill(
        tmp_path / "out" / "填报" / "综合科.xlsx",
        tmp_path / "综合科.xlsx",
        set_cells(
            {
                ("制定学习计划", "整改状态"): "已完成",
                ("修订制度", "整改进展"): "已起草",
                ("开展作风整顿", "佐证材料"): "通知",
            }
        ),
    )
    raw = read_workbook(ledger)
    now = _ledger_now(raw, build_ledger(raw)[0])
    returned = read_returned(copy)
    expected = sorted((e.row, e.column, str(e.value)) for e in plan_merge(now, [returned], []).edits)
    assert len(expected) == 3
    return now, returned, expected


def test_a_second_merge_of_the_day_keeps_the_first_merged_ledger(split, tmp_path):
    """The clerk may have edited the first merged ledger since: a second merge is written beside it, never over it."""
    ledger, folder = split
    back = tmp_path / "back"
    back.mkdir()
    fill(folder / "综合科.xlsx", back / "综合科.xlsx", set_cells({("制定学习计划", "整改进展"): "印发了年度学习计划"}))
    first = merge(ledger, back)
    assert first.merged_ledger == merged_path(ledger, AS_OF)
    first.merged_ledger.write_bytes(first.merged_ledger.read_bytes())  # as the clerk saved it
    edited = first.merged_ledger.read_bytes()
    second = merge(ledger, back)
    assert second.merged_ledger is not None and second.merged_ledger != first.merged_ledger
    assert second.merged_ledger.name.endswith("(2).xlsx")
    assert first.merged_ledger.read_bytes() == edited
    assert any("已存在（以前合并的），未覆盖" in line for line in second.lines)


def test_a_split_says_which_options_it_does_not_use(run_cli, tmp_path):
    ledger = write_department_ledger(tmp_path / "台账.xlsx")
    run = run_cli(str(ledger), "--split", "--report", "--pdf")
    assert run.exit_code == 0
    assert "注意：拆分时只生成各部门的填报表，--report、--pdf 已忽略。" in run.output
    assert not list(run.out_dir.glob("*.docx")) and not list(run.out_dir.glob("*.pdf"))
