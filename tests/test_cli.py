"""The command line contract: arguments, exit codes, output names, console text."""

from __future__ import annotations

import subprocess
import sys
from io import BytesIO

import docx
import openpyxl
import pytest
from conftest import ROOT, measure, sample_rows, write_ledger


def test_clean_ledger_writes_notice_and_summary(run_cli, ledger_path):
    before = ledger_path.read_bytes()
    run = run_cli(str(ledger_path))
    assert run.exit_code == 0, run.output
    notices, summaries = run.files(".docx"), run.files(".xlsx")
    assert [p.name for p in notices] == ["中共某某区某某局党组关于区委第三轮巡察反馈意见整改进展情况的通报.docx"]
    assert len(summaries) == 1 and "汇总" in summaries[0].name
    first_line = run.output.splitlines()[0]
    assert first_line.startswith("已生成通报：2个问题、3项措施，已完成3项（完成率100.0%）")
    assert f"通报：{notices[0]}" in run.output and f"汇总表：{summaries[0]}" in run.output
    assert ledger_path.read_bytes() == before  # the user's workbook is never touched
    assert not list(run.out_dir.glob("~tmp-*"))


def test_errors_block_the_notice_but_not_the_summary(run_cli, tmp_path):
    rows = sample_rows()
    rows[2]["责任人"] = None
    path = write_ledger(tmp_path / "台账.xlsx", rows=rows)
    run = run_cli(str(path))
    assert run.exit_code == 1
    assert run.files(".docx") == []
    assert run.output.splitlines()[0].startswith("台账有错误，未生成通报：错误1处")
    assert "[错误] 整改台账 第4行 责任人：未填写 —— 请填写该项措施的具体责任人" in run.output
    book = openpyxl.load_workbook(run.files(".xlsx")[0])
    results = [[c.value for c in row] for row in book["检查结果"].iter_rows(min_row=2)]
    assert results[0][:4] == ["错误", "整改台账", 4, "责任人"]


def test_warnings_pass_unless_strict(run_cli, tmp_path):
    rows = [
        *sample_rows(),
        measure(序号=3, 问题="宣传不够", 整改状态="正在推进", 整改时限="2025年11月底前", 完成时间=None),
    ]
    path = write_ledger(tmp_path / "台账.xlsx", rows=rows)
    relaxed = run_cli(str(path), out=tmp_path / "a")
    assert relaxed.exit_code == 0 and len(relaxed.files(".docx")) == 1
    assert "[警告] 整改台账 第5行 整改时限：红灯：已逾期11天" in relaxed.output
    strict = run_cli(str(path), "--strict", out=tmp_path / "b")
    assert strict.exit_code == 1 and strict.files(".docx") == []
    assert strict.output.startswith("有警告（严格模式），未生成通报")


def test_check_only_writes_only_the_summary(run_cli, ledger_path):
    run = run_cli(str(ledger_path), "--check-only")
    assert run.exit_code == 0
    assert run.files(".docx") == [] and len(run.files(".xlsx")) == 1
    assert run.output.startswith("检查完成（仅检查，未生成通报）")


def test_as_of_decides_lateness(run_cli, tmp_path):
    rows = [measure(整改状态="正在推进", 整改时限="2025-12-31", 完成时间=None)]
    path = write_ledger(tmp_path / "台账.xlsx", rows=rows)
    assert "黄灯" in run_cli(str(path), as_of="2025-12-25", out=tmp_path / "a").output
    assert "红灯：已逾期1天" in run_cli(str(path), as_of="2026-01-01", out=tmp_path / "b").output
    assert "[警告]" not in run_cli(str(path), as_of="2025-11-01", out=tmp_path / "c").output


def test_missing_file_is_exit_2(run_cli, tmp_path):
    run = run_cli(str(tmp_path / "没有这个文件.xlsx"))
    assert run.exit_code == 2
    assert "找不到台账文件" in run.output and "没有这个文件.xlsx" in run.output
    assert not run.out_dir.exists() or not any(run.out_dir.iterdir())


def test_not_a_workbook_is_exit_2(run_cli, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_text("序号,问题\n1,学习不深入\n", encoding="utf-8")
    run = run_cli(str(path))
    assert run.exit_code == 2
    assert "不是 Excel 工作簿" in run.output and "另存为" in run.output


def test_no_ledger_sheet_is_exit_2(run_cli, tmp_path):
    path = tmp_path / "台账.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["姓名", "电话"])
    book.save(path)
    run = run_cli(str(path))
    assert run.exit_code == 2
    assert "找不到整改台账" in run.output and "Sheet" in run.output


def test_bad_option_is_exit_2_in_chinese(run_cli, ledger_path):
    run = run_cli(str(ledger_path), "--colour")
    assert run.exit_code == 2
    assert "命令行参数有误：没有 --colour 这个选项" in run.output


def test_bad_as_of_is_exit_2_in_chinese(run_cli, ledger_path):
    run = run_cli(str(ledger_path), as_of="明天")
    assert run.exit_code == 2
    assert "“明天”不是日期" in run.output


def test_help_is_chinese_and_names_every_option():
    result = subprocess.run(
        [sys.executable, str(ROOT / "generate.py"), "--help"], capture_output=True, text=True, encoding="utf-8"
    )
    assert result.returncode == 0
    for words in ("用法：", "选项", "--out", "--as-of", "--strict", "--check-only", "--warn-days", "退出码"):
        assert words in result.stdout
    assert "Usage" not in result.stdout and "Show this message" not in result.stdout


def test_notice_and_summary_open_as_a_user_would(run_cli, ledger_path):
    run = run_cli(str(ledger_path))
    document = docx.Document(BytesIO(run.files(".docx")[0].read_bytes()))
    texts = [p.text for p in document.paragraphs]
    assert "整改情况：一是制定了年度学习计划。二是开展了专题研讨。" in texts
    book = openpyxl.load_workbook(run.files(".xlsx")[0])
    assert book.sheetnames == ["汇总", "按责任部门", "逾期事项", "措施明细", "检查结果"]


def test_rerun_overwrites_in_place(run_cli, ledger_path):
    first = run_cli(str(ledger_path))
    names = sorted(p.name for p in first.out_dir.iterdir())
    second = run_cli(str(ledger_path))
    assert second.exit_code == 0
    assert sorted(p.name for p in second.out_dir.iterdir()) == names  # replaced, not saved beside as (2)
    assert len(second.files(".docx")) == 1


def test_summary_of_a_ledger_with_late_items(run_cli, tmp_path):
    rows = [
        *sample_rows(),
        measure(
            序号=3, 问题="宣传不够", 整改状态="正在推进", 整改时限="2025年11月底前", 完成时间=None, 责任部门="宣传科"
        ),
        measure(序号=3, 问题="宣传不够", 整改状态="推进中", 整改时限="2025-12-15", 完成时间=None, 责任部门="宣传科"),
        measure(序号=4, 问题="台账不全", 整改状态="长期坚持", 整改时限="2025年9月底前", 完成时间=None),
    ]
    path = write_ledger(tmp_path / "台账.xlsx", rows=rows)
    run = run_cli(str(path))
    assert run.exit_code == 0
    book = openpyxl.load_workbook(run.files(".xlsx")[0])
    totals = {r[0]: r[1] for r in book["汇总"].iter_rows(min_row=2, max_col=2, values_only=True) if r[0]}
    assert (totals["问题总数"], totals["整改措施总数"], totals["已完成"], totals["正在推进"], totals["长期坚持"]) == (
        4,
        6,
        3,
        2,
        1,
    )
    assert (totals["红灯（逾期未完成）"], totals["黄灯（10日内到期）"]) == (1, 1)
    assert totals["措施完成率"] == 0.5
    late = [r for r in book["逾期事项"].iter_rows(min_row=2, values_only=True)]
    assert [(r[0], r[1], r[2], r[6], r[10]) for r in late] == [
        ("红灯", 5, 3, "宣传科", 11),
        ("黄灯", 6, 3, "宣传科", 4),
    ]
    departments = {r[0]: r for r in book["按责任部门"].iter_rows(min_row=2, values_only=True)}
    assert departments["宣传科"][1:7] == (2, 0, 2, 0, 0, 1)


def test_blocked_run_warns_about_an_old_notice(run_cli, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx")
    first = run_cli(str(path))
    [old] = first.files(".docx")
    rows = sample_rows()
    rows[0]["责任人"] = None
    write_ledger(path, rows=rows)
    second = run_cli(str(path))
    assert second.exit_code == 1
    assert f"注意：{old.name} 是以前生成的通报，本次没有更新" in second.output


def test_blocked_run_marks_measures_as_not_in_a_notice(run_cli, tmp_path):
    rows = sample_rows()
    rows[0]["责任人"] = None
    run = run_cli(str(write_ledger(tmp_path / "台账.xlsx", rows=rows)))
    sheet = openpyxl.load_workbook(run.files(".xlsx")[0])["措施明细"]
    assert {row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)} == {"否（未生成通报）"}


def test_long_chinese_titles_fit_file_systems(run_cli, tmp_path):
    from conftest import INFO

    info = {**INFO, "标题": "关于" + "巡察整改" * 60 + "的通报"}
    run = run_cli(str(write_ledger(tmp_path / "台账.xlsx", info=info)))
    assert run.exit_code == 0
    names = [p.name for p in run.out_dir.iterdir()]
    assert len(names) == 2 and all(len(name.encode()) <= 255 for name in names)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--split", "科室"], "'--split' 的值无效（只能写 部门、领导）"),
        (["--out"], "--out 后面缺少要写的内容"),
        (["--merge"], "--merge 后面缺少要写的内容"),
        (["--check-only=1"], "--check-only 后面不写内容（它只是一个开关）"),
    ],
)
def test_click_usage_errors_are_said_in_chinese(args, says):
    from click.testing import CliRunner

    import generate

    run = CliRunner().invoke(generate.cli, args)
    assert run.exit_code == 2
    assert run.output.startswith(f"命令行参数有误：{says}")
    assert not any(word in run.output for word in ("requires", "is not one of", "does not take"))
