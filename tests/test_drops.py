"""Paths dropped on generate.bat / generate.sh (--drop): what they mean (a table over cli/drops.py), then the real
command on ledgers built in code — one ledger, a folder, two ledgers, too many, a name cmd cut."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import INFO, write_ledger

import generate
from rectification.cli import drop_run
from rectification.cli.drops import (
    ROUND_SUFFIX,
    WINDOW_HINT,
    Action,
    Dropped,
    Kind,
    decide,
    newer_first,
    round_folder,
)

A, B, C = Path("/d/11月台账.xlsx"), Path("/d/12月台账.xlsx"), Path("/d/其他.xlsx")
FOLDER, OTHER_FOLDER = Path("/d/各单位台账"), Path("/d/上一轮")
CUT = Path("/d/台账")  # what cmd leaves of 台账&终稿.xlsx
NOV, DEC = date(2025, 11, 30), date(2025, 12, 31)
EARLY, LATE = datetime(2025, 12, 1, 9, 0), datetime(2025, 12, 2, 17, 30)


def file(path: Path, issued: date | None = None, modified: datetime | None = None) -> Dropped:
    return Dropped(path, Kind.FILE, issued, modified)


def folder(path: Path) -> Dropped:
    return Dropped(path, Kind.FOLDER)


def missing(path: Path) -> Dropped:
    return Dropped(path, Kind.MISSING)


@pytest.mark.parametrize(
    "dropped, action, source, since, out_dir",
    [
        ([file(A)], Action.ONE, A, None, None),
        ([folder(FOLDER)], Action.ROUND, FOLDER, None, Path("/d/各单位台账_通报")),
        ([file(A, NOV, LATE), file(B, DEC, EARLY)], Action.COMPARE, B, A, None),  # 发文日期 beats the file's time
        ([file(B, DEC), file(A, NOV)], Action.COMPARE, B, A, None),  # the order dropped does not matter
        ([file(A, None, EARLY), file(B, DEC, LATE)], Action.COMPARE, B, A, None),  # one date missing: file times
        ([file(A, DEC, LATE), file(B, DEC, EARLY)], Action.COMPARE, A, B, None),  # the same 发文日期: file times
        ([file(A), file(B)], Action.COMPARE, B, A, None),  # nothing to go by: the later name is this time's
        ([missing(CUT)], Action.WINDOW, CUT, None, None),
        ([file(A), missing(CUT)], Action.WINDOW, CUT, None, None),  # one cut name: the others may be cut too
        ([file(A), file(A)], Action.ONE, A, None, None),  # the same ledger twice is one ledger
        ([file(A), file(B), file(C)], Action.REFUSE, None, None, None),
        ([folder(FOLDER), file(A)], Action.REFUSE, None, None, None),
        ([folder(FOLDER), folder(OTHER_FOLDER)], Action.REFUSE, None, None, None),
        ([], Action.REFUSE, None, None, None),
    ],
)
def test_what_drops_mean(dropped, action, source, since, out_dir):
    plan = decide(dropped)
    assert (plan.action, plan.source, plan.since, plan.out_dir) == (action, source, since, out_dir)


@pytest.mark.parametrize(
    "dropped, says",
    [
        (
            [file(A, NOV, LATE), file(B, DEC, EARLY)],
            "本次：12月台账.xlsx（发文日期 2025-12-31）；上次：11月台账.xlsx（发文日期 2025-11-30）。",
        ),
        (
            [file(A, None, EARLY), file(B, DEC, LATE)],
            "本次：12月台账.xlsx（修改时间 2025-12-02 17:30）；上次：11月台账.xlsx（修改时间 2025-12-01 09:00）。"
            "台账未都填写发文日期，按文件的修改时间区分。",
        ),
        (
            [file(A, DEC, LATE), file(B, DEC, EARLY)],
            "本次：11月台账.xlsx（修改时间 2025-12-02 17:30）；上次：12月台账.xlsx（修改时间 2025-12-01 09:00）。"
            "两份台账的发文日期相同，按文件的修改时间区分。",
        ),
        (
            [file(A), file(B)],
            "本次：12月台账.xlsx（未填写发文日期）；上次：11月台账.xlsx（未填写发文日期）。"
            "两份台账的发文日期和修改时间都相同，按文件名的先后区分。",
        ),
    ],
)
def test_comparing_says_which_is_which_and_why(dropped, says):
    plan = decide(dropped)
    assert plan.says == says + "次序不对时，请双击 generate.bat，在窗口中选择台账和“上次的台账”。"


def test_refusals_say_what_was_dropped_and_what_drops_do():
    assert decide([file(A), file(B), file(C)]).says.startswith(
        "拖入了3个台账，无法确定要做什么。拖入一个台账，生成通报；"
    )
    assert decide([folder(FOLDER), file(A)]).says.startswith("拖入了1个台账和1个文件夹，")
    assert "放进同一个文件夹" in decide([folder(FOLDER), folder(OTHER_FOLDER)]).says


def test_a_cut_name_says_how_to_rename():
    says = decide([missing(CUT)]).says
    assert says.startswith(f"找不到拖入的台账文件：{CUT}\n")
    assert "“台账&终稿.xlsx”改为“台账终稿.xlsx”" in says and "选择台账…" in says


@pytest.mark.parametrize(
    "dropped, out",
    [
        (Path("/d/各单位台账"), Path("/d/各单位台账_通报")),
        (Path("/d/第三轮 巡察/台账"), Path("/d/第三轮 巡察/台账_通报")),
        (Path("/"), Path("/本轮_通报")),  # a drive's root has no name: the round's folder goes inside it
    ],
)
def test_round_folder_is_beside_the_dropped_folder(dropped, out):
    assert round_folder(dropped) == out and out.name.endswith(ROUND_SUFFIX)


def test_newer_first_returns_the_pair_in_order():
    newer, older, _ = newer_first(file(A, DEC), file(B, NOV))
    assert (newer.path, older.path) == (A, B)


# --- the real command ----------------------------------------------------------------------------------


@pytest.fixture
def quiet(monkeypatch):
    """No folder opened and no launcher: what finish() would open is recorded instead."""
    monkeypatch.setenv(drop_run.NO_OPEN_ENV, "1")
    monkeypatch.delenv(drop_run.LAUNCHER_ENV, raising=False)


def drop(*paths: Path, extra: tuple[str, ...] = ("--as-of", "2025-12-11")):
    args = [a for p in paths for a in ("--drop", str(p))]
    return CliRunner().invoke(generate.cli, [*args, *extra], catch_exceptions=False)


def test_one_ledger_generates_and_names_the_window_last(tmp_path, quiet):
    ledger = write_ledger(tmp_path / "台账.xlsx")
    result = drop(ledger, extra=("--as-of", "2025-12-11", "--out", str(tmp_path / "out")))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("已生成通报：2个问题、3项措施")
    assert result.output.splitlines()[-1] == WINDOW_HINT
    assert len(list((tmp_path / "out").glob("*.docx"))) == 1


def test_a_folder_runs_the_round_beside_it(tmp_path, quiet):
    round_dir = tmp_path / "第三轮 各单位"
    round_dir.mkdir()
    write_ledger(round_dir / "甲.xlsx")
    write_ledger(round_dir / "乙.xlsx", info={**INFO, "发文机关": "中共某某区另一局党组"})
    result = drop(round_dir)
    assert result.exit_code == 0, result.output
    out = tmp_path / "第三轮 各单位_通报"
    assert result.output.splitlines()[0] == f"处理文件夹 {round_dir} 中的全部台账，输出到 {out}"
    assert "共2个台账：已处理2个" in result.output and result.output.splitlines()[-1] == WINDOW_HINT
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["中共某某区另一局党组", "中共某某区某某局党组"]
    assert sorted(p.name for p in round_dir.iterdir()) == ["乙.xlsx", "甲.xlsx"]  # nothing written into it


def test_two_ledgers_compare_the_newer_with_the_older(tmp_path, quiet):
    older = write_ledger(tmp_path / "b 上次.xlsx", info={**INFO, "发文日期": datetime(2025, 11, 1)})
    newer = write_ledger(tmp_path / "a 本次.xlsx")  # 发文日期 2025-12-01, though its name sorts first
    result = drop(older, newer, extra=("--as-of", "2025-12-11", "--out", str(tmp_path / "out")))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("本次：a 本次.xlsx（发文日期 2025-12-01）；上次：b 上次.xlsx（发文日期 2025-11-01）。")
    assert any(line.startswith("与上次的台账 b 上次.xlsx（2025-11-01）相比：") for line in lines)
    from openpyxl import load_workbook

    summary = next((tmp_path / "out").glob("*_汇总.xlsx"))
    assert "进展对比" in load_workbook(summary, read_only=True).sheetnames


def test_three_ledgers_are_refused_in_chinese(tmp_path, quiet):
    paths = [write_ledger(tmp_path / f"{n}.xlsx") for n in "甲乙丙"]
    result = drop(*paths)
    assert result.exit_code == 2
    assert result.output.startswith("拖入了3个台账，无法确定要做什么。")
    assert not (tmp_path / "output").exists()


def test_a_cut_name_opens_the_window_in_its_folder(tmp_path, quiet, monkeypatch):
    opened = {}

    def fake_window(here, source=None, out_dir=None, status=""):
        opened.update(source=source, status=status)
        return 0

    monkeypatch.setattr("rectification.window.open_window", fake_window)
    result = drop(tmp_path / "台账")
    assert result.exit_code == 0 and result.output == ""
    assert opened["source"] == tmp_path / "台账"  # its 选择台账 dialog starts in the folder the name is in
    assert opened["status"].startswith(f"找不到拖入的台账文件：{tmp_path / '台账'}\n") and "改名" in opened["status"]


def test_a_cut_name_without_a_window_explains_and_exits_2(tmp_path, quiet, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    result = drop(tmp_path / "台账")
    assert result.exit_code == 2
    assert result.output.startswith(f"找不到拖入的台账文件：{tmp_path / '台账'}\n")
    assert "“台账&终稿.xlsx”改为“台账终稿.xlsx”" in result.output and "选择台账" not in result.output


def test_a_window_that_breaks_is_a_sentence_and_a_log_not_a_traceback(tmp_path, quiet, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("tk fell over")

    monkeypatch.setattr("rectification.window.open_window", broken)
    result = drop(tmp_path / "台账", extra=("--out", str(tmp_path / "out")))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.startswith("抱歉，窗口遇到了意外问题，已关闭。")
    assert any("tk fell over" in log.read_text(encoding="utf-8") for log in (tmp_path / "out").glob("*"))


def test_drop_with_a_ledger_argument_is_a_usage_error(tmp_path, quiet):
    ledger = write_ledger(tmp_path / "台账.xlsx")
    result = CliRunner().invoke(generate.cli, [str(ledger), "--drop", str(ledger)], catch_exceptions=False)
    assert result.exit_code == 2 and "--drop 不能与台账文件" in result.output
    folder = CliRunner().invoke(generate.cli, ["--drop", str(ledger), "--split"], catch_exceptions=False)
    assert folder.exit_code == 2 and "--split" in folder.output


@pytest.mark.parametrize("code, opened", [(0, True), (1, True), (2, False), (3, True), (4, False)])
def test_the_output_folder_opens_after_0_1_and_3(tmp_path, monkeypatch, code, opened):
    calls: list[Path] = []
    monkeypatch.delenv(drop_run.NO_OPEN_ENV, raising=False)
    monkeypatch.setenv(drop_run.LAUNCHER_ENV, "1")  # the launcher's own last line names the window
    monkeypatch.setattr(drop_run, "_can_show", lambda: True)
    monkeypatch.setattr("rectification.window.opener.open_path", lambda path: calls.append(path) or "")
    echoed: list[str] = []
    monkeypatch.setattr(drop_run.click, "echo", lambda text, **kw: echoed.append(text))
    drop_run.finish(code, tmp_path)
    assert calls == ([tmp_path] if opened else [])
    assert echoed == ([f"已打开输出文件夹：{tmp_path}"] if opened else [])


def test_no_folder_opens_when_told_not_to(tmp_path, monkeypatch):
    monkeypatch.setenv(drop_run.NO_OPEN_ENV, "1")
    monkeypatch.delenv(drop_run.LAUNCHER_ENV, raising=False)
    monkeypatch.setattr(drop_run, "_can_show", lambda: True)
    monkeypatch.setattr("rectification.window.opener.open_path", lambda path: pytest.fail("opened"))
    echoed: list[str] = []
    monkeypatch.setattr(drop_run.click, "echo", lambda text, **kw: echoed.append(text))
    drop_run.finish(0, tmp_path)
    assert echoed == [WINDOW_HINT]


def test_survey_reads_dates_only_to_compare_two_ledgers(tmp_path):
    a = write_ledger(tmp_path / "a.xlsx")
    b = write_ledger(tmp_path / "b.xlsx", info={**INFO, "发文日期": "2025年11月1日"})
    (tmp_path / "bad.xlsx").write_bytes(b"not a workbook")
    two = drop_run.survey((a, b))
    assert [d.issued for d in two] == [date(2025, 12, 1), date(2025, 11, 1)] and all(d.modified for d in two)
    one = drop_run.survey((a,))
    assert one == [Dropped(a, Kind.FILE)]
    broken = drop_run.survey((a, tmp_path / "bad.xlsx"))
    assert broken[1].issued is None and broken[1].modified is not None
    assert [d.kind for d in drop_run.survey((tmp_path, tmp_path / "gone"))] == [Kind.FOLDER, Kind.MISSING]


# --- the real window, for a name cmd cut (under Xvfb; skipped with the reason where there is none) ---------------


@pytest.mark.usefixtures("display")
def test_a_cut_name_shows_the_real_window_with_its_folder_and_why(tmp_path, monkeypatch):
    import tkinter as tk

    from rectification.window import view

    seen: dict[str, str] = {}
    made: list[view.MainWindow] = []

    class Recorded(view.MainWindow):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    def look_and_close(root: tk.Tk, n: int = 0) -> None:
        root.update()
        seen.update(status=made[0].status.get(), start=made[0].rows[0]._start(), title=root.title())
        root.destroy()

    monkeypatch.setattr(view, "MainWindow", Recorded)
    monkeypatch.setattr(tk.Tk, "mainloop", look_and_close)
    folder = tmp_path / "下载 文件"
    folder.mkdir()
    plan = decide([missing(folder / "台账")])
    assert drop_run.open_window_for(tmp_path, plan) == 0
    assert seen["status"] == plan.says and seen["status"].startswith(f"找不到拖入的台账文件：{folder / '台账'}")
    assert seen["start"] == str(folder)  # the 选择台账 dialog opens in the folder the file was dropped from
    assert not (tmp_path / "window_settings.json").exists()  # nothing ran, nothing remembered


def test_a_blank_dropped_path_is_refused_not_taken_for_this_folder(run_cli, monkeypatch):
    monkeypatch.setenv("GENERATE_NO_OPEN", "1")
    run = run_cli("--drop", "")
    assert run.exit_code == 2 and "拖入的路径是空的" in run.output


def test_a_dropped_folder_with_out_says_where_it_really_goes(run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("GENERATE_NO_OPEN", "1")
    folder = tmp_path / "本轮"
    folder.mkdir()
    write_ledger(folder / "甲.xlsx")
    run = run_cli("--drop", str(folder), out=tmp_path / "别处")
    assert f"输出到 {tmp_path / '别处'}" in run.output and "本轮_通报" not in run.output
    assert not (tmp_path / "本轮_通报").exists()
