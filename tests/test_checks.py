"""Every check on a ledger built in code: the exact finding a user sees (level, sheet, row, column)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from conftest import AS_OF, INFO, measure, sample_rows, write_ledger

from rectification.analyse.analysis import analyse
from rectification.analyse.checks import check
from rectification.core.model import Level
from rectification.read.reader import read_workbook
from rectification.records.records import build_ledger


def findings_for(tmp_path: Path, rows=None, info=None, **kwargs):
    path = write_ledger(tmp_path / "台账.xlsx", rows=rows, info=info, **kwargs)
    ledger, found = build_ledger(read_workbook(path))
    return found + check(ledger, analyse(ledger, AS_OF))


def one_row(**values):
    """A ledger whose single measure (Excel row 2) has the given values."""
    return [measure(**values)]


# (case, row values, level, column, words in the message)
ROW_CASES = [
    ("leader blank", {"责任领导": None}, Level.ERROR, "责任领导", "未填写"),
    ("department spaces only", {"责任部门": "\u3000 "}, Level.ERROR, "责任部门", "未填写"),
    ("person blank", {"责任人": ""}, Level.ERROR, "责任人", "未填写"),
    ("deadline blank", {"整改时限": None}, Level.ERROR, "整改时限", "未填写"),
    ("deadline unreadable", {"整改时限": "尽快"}, Level.ERROR, "整改时限", "无法识别“尽快”"),
    ("deadline impossible", {"整改时限": "2025-02-30"}, Level.ERROR, "整改时限", "2025年2月30日不是有效日期"),
    ("status unknown", {"整改状态": "差不多了"}, Level.ERROR, "整改状态", "无法识别“差不多了”"),
    ("status blank", {"整改状态": None}, Level.ERROR, "整改状态", "未填写"),
    ("done without date", {"完成时间": None}, Level.WARNING, "完成时间", "未填写完成时间"),
    ("completed in future", {"完成时间": datetime(2025, 12, 20)}, Level.ERROR, "完成时间", "晚于统计日期"),
    (
        "completion date on open measure",
        {"整改状态": "正在推进", "整改时限": "长期坚持", "完成时间": datetime(2025, 9, 1)},
        Level.WARNING,
        "完成时间",
        "整改状态为“正在推进”",
    ),
    (
        "completed late",
        {"整改时限": "2025-09-10", "完成时间": datetime(2025, 9, 20)},
        Level.HINT,
        "完成时间",
        "逾期完成：晚于整改时限10天",
    ),
    (
        "overdue",
        {"整改状态": "正在推进", "整改时限": "2025年11月底前", "完成时间": None},
        Level.WARNING,
        "整改时限",
        "红灯：已逾期11天",
    ),
    (
        "due soon",
        {"整改状态": "正在推进", "整改时限": "2025/12/20", "完成时间": None},
        Level.WARNING,
        "整改时限",
        "黄灯：距整改时限还有9天",
    ),
    (
        "immediate not done",
        {"整改状态": "未启动", "整改时限": "立行立改", "完成时间": None},
        Level.WARNING,
        "整改时限",
        "红灯：立行立改事项尚未完成",
    ),
    ("no progress", {"整改进展": None}, Level.ERROR, "整改进展", "未填写整改进展"),
    ("completion date unreadable", {"完成时间": "九月"}, Level.ERROR, "完成时间", "无法识别日期“九月”"),
]


@pytest.mark.parametrize("values, level, column, words", [c[1:] for c in ROW_CASES], ids=[c[0] for c in ROW_CASES])
def test_row_check(tmp_path, values, level, column, words):
    found = findings_for(tmp_path, one_row(**values))
    matching = [f for f in found if f.column == column and words in f.message]
    assert matching, found
    assert (matching[0].level, matching[0].sheet, matching[0].row) == (level, "整改台账", 2)


@pytest.mark.parametrize(
    "values",
    [
        {"整改状态": "长期坚持", "整改时限": "2025年9月底前", "完成时间": None},  # long-term: never late
        {"整改状态": "正在推进", "整改时限": "2026年底前", "完成时间": None},  # green
        {"整改状态": "正在推进", "整改时限": "长期坚持", "完成时间": None},  # no end date
        {"整改状态": "已整改到位"},  # a synonym of 已完成
        {"整改时限": "2025年9月底前，并长期坚持"},
    ],
)
def test_clean_rows_give_no_findings(tmp_path, values):
    assert findings_for(tmp_path, one_row(**values)) == []


def test_not_started_problem_left_out_with_hint(tmp_path):
    rows = [
        *sample_rows(),
        measure(序号=3, 问题="宣传不够", 整改状态="未启动", 整改时限="2026年6月底前", 完成时间=None),
    ]
    found = findings_for(tmp_path, rows)
    assert [(f.level, f.row, f.column) for f in found] == [(Level.HINT, 5, "整改状态")]
    assert "不写入通报" in found[0].message


def test_one_number_two_problems_is_an_error(tmp_path):
    rows = [measure(序号=1, 问题="甲问题"), measure(序号=2, 问题="乙问题"), measure(序号=1, 问题="丙问题")]
    found = findings_for(tmp_path, rows)
    errors = [f for f in found if f.level is Level.ERROR]
    assert [(f.row, f.column) for f in errors] == [(4, "序号")]
    assert "序号1已用于第2行的问题“甲问题”" in errors[0].message


def test_numbering_gap_is_a_hint(tmp_path):
    rows = [measure(序号=1, 问题="甲问题"), measure(序号=3, 问题="乙问题")]
    found = findings_for(tmp_path, rows)
    assert [(f.level, f.row, f.column) for f in found] == [(Level.HINT, 3, "序号")]


def test_merged_owner_holds_for_each_measure(tmp_path):
    rows = sample_rows()
    rows[1]["责任领导"] = None
    rows[1]["序号"] = rows[1]["问题"] = None
    assert findings_for(tmp_path, rows, merges=["F2:F3", "A2:A3", "C2:C3"]) == []


def test_blank_problem_columns_on_later_rows_continue_the_problem(tmp_path):
    rows = sample_rows()
    rows[1]["序号"] = rows[1]["问题"] = rows[1]["问题类别"] = None
    path = write_ledger(tmp_path / "台账.xlsx", rows=rows)
    ledger, found = build_ledger(read_workbook(path))
    assert found == []
    assert [len(p.measures) for p in ledger.problems] == [2, 1]


@pytest.mark.parametrize("key", ["发文机关", "巡察轮次", "反馈日期", "下一步工作安排"])
def test_missing_info_value_is_an_error(tmp_path, key):
    info = {**INFO, key: None}
    found = findings_for(tmp_path, info=info)
    row = list(INFO).index(key) + 2
    assert [(f.level, f.sheet, f.row, f.column, f.message) for f in found] == [
        (Level.ERROR, "基本信息", row, key, "未填写")
    ]


def test_missing_info_key_is_an_error(tmp_path):
    info = {k: v for k, v in INFO.items() if k != "邮编"}
    found = findings_for(tmp_path, info=info)
    assert [(f.level, f.sheet, f.row, f.column, f.message) for f in found] == [
        (Level.ERROR, "基本信息", None, "邮编", "缺少此项")
    ]


def test_finding_reads_as_the_issue_shows(tmp_path):
    rows = [*sample_rows(), *sample_rows()[:1]]
    rows[3]["责任人"] = None
    found = findings_for(tmp_path, rows)
    assert str(found[0]) == "[错误] 整改台账 第5行 责任人：未填写 —— 请填写该项措施的具体责任人"


def test_findings_name_the_users_own_header(tmp_path):
    header = [
        "序号",
        "问题",
        "整改举措",
        "牵头领导",
        "责任单位",
        "具体责任人",
        "完成时限",
        "完成情况",
        "完成时间",
        "整改落实情况",
    ]
    rows = one_row(**{"责任领导": None})
    renamed = [
        {
            "序号": r["序号"], "问题": r["问题"], "整改举措": r["整改措施"], "牵头领导": r["责任领导"],
            "责任单位": r["责任部门"], "具体责任人": r["责任人"], "完成时限": r["整改时限"],
            "完成情况": r["整改状态"], "完成时间": r["完成时间"], "整改落实情况": r["整改进展"],
        }
        for r in rows
    ]  # fmt: skip
    found = findings_for(tmp_path, renamed, header=header)
    assert [(f.row, f.column, f.message) for f in found] == [(2, "牵头领导", "未填写")]


def test_adjacent_rows_one_number_two_problems_is_an_error(tmp_path):
    rows = [measure(序号=1, 问题="甲问题"), measure(序号=1, 问题="乙问题")]
    errors = [f for f in findings_for(tmp_path, rows) if f.level is Level.ERROR]
    assert [(f.row, f.column) for f in errors] == [(3, "序号")]


def test_a_done_measure_without_evidence_is_a_hint(tmp_path):
    found = findings_for(tmp_path, rows=one_row(佐证材料=None))
    assert [(f.level, f.row, f.column, f.message) for f in found] == [
        (Level.HINT, 2, "佐证材料", "状态为已完成，但未填写佐证材料")
    ]


def test_no_evidence_hint_when_the_ledger_has_no_such_column(tmp_path):
    from conftest import HEADER

    header = [h for h in HEADER if h != "佐证材料"]
    assert findings_for(tmp_path, rows=one_row(佐证材料=None), header=header) == []
