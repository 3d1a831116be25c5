"""A third outside sweep of issue 25, on what the first two did not reach (the window's typed fields, --merge's
returned .xls/.ods/.xlsm and file names, the console's carriage returns): each case here failed before its fix."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from departments_helpers import fill, ledger_values, set_cells, write_department_ledger
from test_other_formats import converted

from rectification.app.departments import merge_returns, split_ledger
from rectification.app.request import Request
from rectification.window.form import Form, Job, to_job

AS_OF = date(2025, 12, 11)


def problems_of(form: Form) -> dict[str, str]:
    checked = to_job(form, today=AS_OF)
    assert not isinstance(checked, Job)
    return {p.field: p.message for p in checked}


@pytest.mark.parametrize("field", ["source", "since", "format_path", "returned", "mail_config", "out_dir"])
def test_a_100000_character_path_in_any_field_is_a_problem_not_an_os_error(ledger_path, tmp_path, field):
    """Path.exists() raised OSError (File name too long) out of to_job: the window's 意外问题."""
    form = Form(source=str(ledger_path), out_dir=str(tmp_path / "out"), action="merge", send=True)
    found = problems_of(Form(**{**form.__dict__, field: "/" + "长" * 100_000}))
    assert "路径过长" in found[field] and len(found[field]) < 200


@pytest.mark.parametrize("typed", ["out\x00put", "out\x1b[2Jput", "out\r\nBcc", "out\u202eput", "a\u200bb"])
def test_control_and_invisible_characters_in_a_path_are_refused(ledger_path, tmp_path, typed):
    """A NUL in 输出文件夹 ended in ValueError (意外问题); ESC[2J or U+202E became a folder's name."""
    found = problems_of(Form(source=str(ledger_path), out_dir=str(tmp_path / typed)))
    assert "控制字符" in found["out_dir"]
    found = problems_of(Form(source=str(tmp_path / typed), out_dir=str(tmp_path / "out")))
    assert "控制字符" in found["source"] and typed not in found["source"]
    assert not (tmp_path / typed).exists()


@pytest.mark.parametrize("name", ["zhang_xm", "out_x0007_", "巡察\u3000资料", "a\xa0b"])
def test_ordinary_paths_with_underscores_and_wide_spaces_are_taken(tmp_path, name):
    """A path is not cell text: zhang_xm/ or a full-width space in 巡察　资料 was refused as a control character."""
    folder = tmp_path / name
    folder.mkdir()
    ledger = folder / "台账.xlsx"
    shutil.copy(Path(__file__).resolve().parents[1] / "workbook_template.xlsx", ledger)
    job = to_job(Form(source=str(ledger), out_dir=str(folder / "输出")), today=AS_OF)
    assert isinstance(job, Job), job


def test_a_path_with_a_part_too_long_for_the_system_is_not_found(ledger_path, tmp_path):
    found = problems_of(Form(source=str(ledger_path), out_dir=str(tmp_path), since="/" + "b" * 300))
    assert found["since"].startswith("找不到上次的台账") and "…" in found["since"]


def test_a_99999_digit_date_and_warn_days_are_quoted_short(ledger_path, tmp_path):
    found = problems_of(
        Form(source=str(ledger_path), out_dir=str(tmp_path), as_of="9" * 99_999, warn_days="9" * 99_999)
    )
    assert "99,999个字符" in found["as_of"] and len(found["as_of"]) < 120
    assert "99,999个字符" in found["warn_days"] and len(found["warn_days"]) < 120
    assert "²" in problems_of(Form(source=str(ledger_path), out_dir=str(tmp_path), warn_days="²"))["warn_days"]


# -- --merge: returned copies as other programs save them ---------------------------------------------------------

MADE = datetime(2025, 12, 11, 9, 0)
DONE = {("制定学习计划", "整改状态"): "已完成", ("制定学习计划", "完成时间"): "2025-12-01"}


def split_and_fill(tmp_path: Path) -> tuple[Path, Path]:
    """The ledger, and 综合科's copy filled in (制定学习计划 done) in a folder of its own."""
    ledger = write_department_ledger(tmp_path / "台账.xlsx")
    assert split_ledger(Request(ledger, tmp_path / "out", AS_OF), made=MADE).exit_code == 0
    back = tmp_path / "back"
    back.mkdir()
    fill(tmp_path / "out" / "填报" / "综合科.xlsx", back / "综合科.xlsx", set_cells(DONE))
    return ledger, back


def test_an_xlsm_copy_in_the_folder_is_merged_and_an_et_is_named(tmp_path):
    """Only *.xlsx was taken from the folder: a copy saved as .xlsm was skipped without a word."""
    ledger, back = split_and_fill(tmp_path)
    (back / "综合科.xlsx").rename(back / "综合科.xlsm")
    (back / "财务科.et").write_bytes(b"WPS")
    result = merge_returns(Request(ledger, tmp_path / "output", AS_OF), [back])
    text = "\n".join(result.lines)
    assert "综合科（综合科.xlsm）：2行，更新1行" in text
    assert "跳过 财务科.et：不是 .xlsx、.xlsm、.xls 或 .ods 工作簿，请对方另存为 .xlsx 后发回。" in text
    assert ledger_values(result.merged_ledger)[1][9] == "已完成"


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_a_copy_saved_as_xls_or_ods_is_merged(tmp_path, suffix):
    """A returned .xls ended in 意外问题 (its save time was looked for in a zip); in a folder it was not even read."""
    ledger, back = split_and_fill(tmp_path)
    saved = converted(back / "综合科.xlsx", suffix, tmp_path / "lo")
    (back / "综合科.xlsx").unlink()
    shutil.move(saved, back / saved.name)
    result = merge_returns(Request(ledger, tmp_path / "output", AS_OF), [back])
    assert f"综合科（综合科{suffix}）：2行，更新1行" in "\n".join(result.lines)
    assert ledger_values(result.merged_ledger)[1][9] == "已完成"


# -- the console ---------------------------------------------------------------------------------------------------


def test_a_carriage_return_inside_a_message_does_not_reach_the_console():
    """A returned copy named 综合科⏎.xlsx: the CR went out and the rest of the line overwrote its start."""
    from rectification.cli.console import safe_text

    assert safe_text("  综合科（综合科\r伪造.xlsx）：2行\n") == "  综合科（综合科伪造.xlsx）：2行\n"
    assert safe_text("第5行\r\n") == "第5行\r\n"
    assert safe_text("\r  \r正在读取 50%") == "\r  \r正在读取 50%"


def test_merge_console_names_a_returned_file_with_a_cr_on_one_line(tmp_path, run_cli):
    ledger, back = split_and_fill(tmp_path)
    (back / "综合科.xlsx").rename(back / "综合科\r\u202e.xlsx")
    run = run_cli(str(ledger), "--merge", str(back), "--check-only")
    assert "\r" not in run.output and "\u202e" not in run.output
    assert "综合科（综合科.xlsx）：2行，更新1行" in run.output


def test_a_folder_named_like_a_spreadsheet_among_returned_copies_is_not_called_a_skipped_workbook(tmp_path):
    from rectification.app.departments import _returned_files

    returned = tmp_path / "交回"
    returned.mkdir()
    (returned / "旧表.csv").mkdir()
    (returned / "财务科.csv").write_text("a,b")
    files, skipped = _returned_files([returned], tmp_path / "台账.xlsx")
    assert files == [] and len(skipped) == 1 and "财务科.csv" in skipped[0]
