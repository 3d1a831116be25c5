"""A second outside sweep of issue 25, on angles the first did not take (the forked --since reading, budgets on
other documents, .xls/.ods, --merge's returned copies, --pdf): each case here failed before its fix."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import INFO, ROOT, measure, write_ledger

from rectification.app import since

forking = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the earlier copy is forked on Linux only")


def slow_earlier(path: Path) -> since.EarlierCopy:
    time.sleep(30)
    return since.EarlierCopy(path)


def ended(pid: int) -> bool:
    """Not running: gone, or a zombie its new parent has yet to reap."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except (FileNotFoundError, IndexError):
        return True


@forking
def test_ctrl_c_while_waiting_for_the_earlier_copy_stops_the_child(tmp_path, monkeypatch):
    """result() forgot the child before reading its pipe: Ctrl+C there left it reading on, an orphan."""
    monkeypatch.setattr(since, "read_earlier", slow_earlier)
    reading = since.EarlierReading(write_ledger(tmp_path / "上次.xlsx"))
    reading.start()
    assert reading._child is not None
    pid = reading._child[0]

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    try:
        with pytest.raises(KeyboardInterrupt):
            reading.result()
    finally:
        signal.signal(signal.SIGALRM, previous)
    reading.close()  # what run()'s finally does
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # stopped and reaped


CHILD_OF_KILLED = """
import os, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from rectification.app import since
def slow(path):
    time.sleep(30)
since.read_earlier = slow
reading = since.EarlierReading(Path({old!r}))
reading.start()
print(reading._child[0], flush=True)
time.sleep(30)
"""


@forking
def test_a_killed_run_leaves_no_reading_child(tmp_path):
    """SIGKILL (the task manager, an OOM kill) cannot run clean-up: the child now dies with its parent."""
    old = write_ledger(tmp_path / "上次.xlsx")
    script = CHILD_OF_KILLED.format(root=str(ROOT), old=str(old))
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) as parent:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        parent.kill()
    deadline = time.monotonic() + 5
    while not ended(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ended(child)


def test_two_dropped_ledgers_are_ordered_by_their_basic_information_alone(tmp_path):
    """Ordering two dropped copies read each one whole (a 100,000-measure earlier copy: 3 s more); now 基本信息 only,
    so a copy whose measures cannot be read still has its 发文日期 (generating then says what is wrong)."""
    from rectification.cli.drop_run import issue_date

    path = write_ledger(tmp_path / "上次.xlsx", rows=[], header=["说明"])  # no ledger sheet to find
    assert issue_date(path) == date(2025, 12, 1)


def red_rows(count: int) -> list[dict[str, object]]:
    return [
        measure(
            序号=i + 1,
            问题=f"问题{i}",
            责任部门=f"部门{i}",
            整改状态="正在推进",
            完成时间=None,
            整改时限=datetime(2025, 10, 1),
        )
        for i in range(count)
    ]


@pytest.mark.parametrize("opening", ["党组高度重视。", "党组高度重视{没有这一项}。"])
def test_letters_over_the_budget_are_not_written(run_cli, tmp_path, opening):
    """The budget named 督办正文, yet every letter was written whole (2,000 letters of a million characters: 44 s);
    and with a placeholder in error elsewhere, the letters' budget was not counted at all."""
    info = {**INFO, "发文机关": "某" * 10_000, "组织领导情况": opening}
    path = write_ledger(
        tmp_path / "台账.xlsx", rows=red_rows(20), info=info, notice_format={"督办正文": "{发文机关}" * 10}
    )
    run = run_cli(str(path), "--remind")
    assert run.exit_code == 1
    assert "督办正文：填入后的文字太多" in run.output and "督办提醒函填入后的文字太多，未生成" in run.output
    assert not list((run.out_dir / "督办").glob("*.docx"))


@pytest.mark.parametrize(
    ("key", "asked", "options"),
    [
        ("附件标题", {}, ["--report"]),
        ("方案开头", {"整改方案": "是"}, []),
        ("发文机关标志", {"红头文件": "党内通报"}, []),
        ("版记抄送", {"红头文件": "全部"}, ["--plan"]),
    ],
)
def test_the_documents_sent_upward_have_the_budget_too(run_cli, tmp_path, key, asked, options):
    """Their own keys were not counted: 附件标题 of 64 million characters ended in MemoryError (意外问题) after 43 s,
    发文机关标志 took 20 s."""
    info = {**INFO, "发文机关": "某" * 1_000}
    path = write_ledger(tmp_path / "台账.xlsx", info=info, notice_format={**asked, key: "{发文机关}" * 1_100})
    run = run_cli(str(path), *options)
    assert run.exit_code == 1
    assert f"{key}：填入后的文字太多：整改情况报告、整改方案或党内通报中" in run.output
    assert not run.files(".docx")


def test_an_upward_document_not_asked_for_is_not_counted(run_cli, tmp_path):
    path = write_ledger(
        tmp_path / "台账.xlsx",
        info={**INFO, "发文机关": "某" * 1_000},
        notice_format={"附件标题": "{发文机关}" * 1_100},
    )
    assert run_cli(str(path)).exit_code == 0


@pytest.mark.skipif(sys.platform == "win32", reason="fake soffice is a shell script")
def test_a_huge_pdf_from_the_converter_is_refused_unread(tmp_path):
    """A converter writing a 6 GB (sparse) notice.pdf: read whole, it ended in MemoryError (意外问题)."""
    from rectification.deliver.pdf import PdfError, docx_to_pdf
    from rectification.render.docx_writer import DEFAULT_TEMPLATE

    soffice = tmp_path / "soffice"
    soffice.write_text('#!/bin/sh\nfor a in "$@"; do o="$p"; p="$a"; done\ntruncate -s 6G "$o/notice.pdf"\n')
    soffice.chmod(0o755)
    with pytest.raises(PdfError, match="写出的 PDF 异常巨大（6144 MB），未使用"):
        docx_to_pdf(DEFAULT_TEMPLATE.read_bytes(), soffice=soffice)
