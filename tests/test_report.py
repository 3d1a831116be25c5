"""The report model: run() computes and renders, save_report() writes; batch workers die with their parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import AS_OF, ROOT, sample_rows, write_ledger

from rectification.analyse.report import Options
from rectification.app.batch import scan
from rectification.app.pipeline import run
from rectification.core.model import Verdict
from rectification.files import write as output
from rectification.files.write import save_report, write_together
from rectification.render.registry import NOTICE, RENDERERS, SUMMARY


def test_run_writes_nothing_and_returns_named_bytes(tmp_path, ledger_path):
    before = set(tmp_path.rglob("*"))
    report = run(ledger_path, Options(as_of=AS_OF))
    assert set(tmp_path.rglob("*")) == before
    assert report.verdict is Verdict.PRODUCED
    assert [o.key for o in report.outputs] == [NOTICE, SUMMARY]
    assert [o.name for o in report.outputs] == [
        "中共某某区某某局党组关于区委第三轮巡察反馈意见整改进展情况的通报.docx",
        "中共某某区某某局党组关于区委第三轮巡察反馈意见整改进展情况的通报_汇总.xlsx",
    ]
    assert report.output(NOTICE).data[:2] == b"PK"
    assert report.analysis.figures.measures == 3


def test_save_report_writes_each_output_once_and_notes_a_stale_notice(tmp_path, ledger_path):
    out = tmp_path / "out"
    saved = save_report(run(ledger_path, Options(as_of=AS_OF)), out)
    assert {k: p.name for k, p in saved.files} == {
        NOTICE: "中共某某区某某局党组关于区委第三轮巡察反馈意见整改进展情况的通报.docx",
        SUMMARY: "中共某某区某某局党组关于区委第三轮巡察反馈意见整改进展情况的通报_汇总.xlsx",
    }
    checked = run(ledger_path, Options(as_of=AS_OF, check_only=True))
    assert checked.verdict is Verdict.CHECKED and [o.key for o in checked.outputs] == [SUMMARY]
    again = save_report(checked, out)
    assert again.stale == [("通报", saved.paths(NOTICE)[0])]


def test_a_pair_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    """The disk fills up while the second file is staged: neither old file is replaced, no temporary is left."""
    first, second = tmp_path / "a.docx", tmp_path / "a_汇总.xlsx"
    first.write_bytes(b"old notice")
    second.write_bytes(b"old summary")
    real_stage, calls = output.stage, []

    def stage(target, data):
        calls.append(target)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_stage(target, data)

    monkeypatch.setattr(output, "stage", stage)
    with pytest.raises(OSError):
        write_together([(first, b"new notice"), (second, b"new summary")], [])
    assert first.read_bytes() == b"old notice" and second.read_bytes() == b"old summary"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "a_汇总.xlsx"]


def test_every_renderer_has_a_distinct_key_and_name():
    assert len({r.key for r in RENDERERS}) == len({r.file_name("x") for r in RENDERERS}) == len(RENDERERS)
    assert sum(r.share for r in RENDERERS) < 1


def test_batch_skips_its_own_rollup(tmp_path):
    folder = tmp_path / "round"
    folder.mkdir()
    write_ledger(folder / "甲.xlsx", rows=sample_rows())
    (folder / "各单位整改进展汇总_2025-12-11.xlsx").write_bytes(b"PK")
    (folder / "各单位整改进展汇总_2025-12-11(2).xlsx").write_bytes(b"PK")
    found = scan(folder)
    assert [p.name for p in found.ledgers] == ["甲.xlsx"]
    assert [s.reason for s in found.skipped] == ["本程序以前生成的各单位汇总表"] * 2


WORKER_SCRIPT = """
import sys, time, os
sys.path.insert(0, {root!r})
from concurrent.futures import ProcessPoolExecutor
from rectification.app.batch import _die_with_parent

def job():
    print(os.getpid(), flush=True)
    time.sleep(60)

if __name__ == "__main__":
    with ProcessPoolExecutor(1, initializer=_die_with_parent) as pool:
        pool.submit(job)
        time.sleep(60)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_workers_die_when_the_parent_is_killed(tmp_path):
    script = tmp_path / "pool.py"
    script.write_text(WORKER_SCRIPT.format(root=str(ROOT)), encoding="utf-8")
    with subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True) as parent:
        worker = int(parent.stdout.readline())
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(worker):
        time.sleep(0.1)
    if _alive(worker):
        os.kill(worker, signal.SIGKILL)
        pytest.fail("the worker outlived its parent")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split()[2] == "Z")  # a zombie has exited


KILLED_WHILE_STAGING = """
import os, signal, sys
sys.path.insert(0, {root!r})
from pathlib import Path
from rectification.files.write import stage
print(stage(Path({target!r}), b"half a notice"), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def staged_by_a_killed_run(target: Path) -> Path:
    """What a run killed outright while writing leaves: its staged file, in target's folder."""
    code = KILLED_WHILE_STAGING.format(root=str(ROOT), target=str(target))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    return Path(done.stdout.strip())


def a_users_own_files(folder: Path) -> list[Path]:
    """Files a clerk may keep in the output folder, an hour old: none is the tool's to remove."""
    folder.mkdir(parents=True, exist_ok=True)
    files = [folder / "~tmp-会议记录.docx", folder / "~tmp-abc.docx", folder / "~tmp-rectification.txt"]
    hour_ago = time.time() - 3600
    for path in files:
        path.write_bytes(b"the clerk's")
        os.utime(path, (hour_ago, hour_ago))
    return files


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_batch_removes_what_a_killed_run_left_and_nothing_of_the_users(run_cli, tmp_path):
    folder = tmp_path / "round"
    folder.mkdir()
    write_ledger(folder / "甲.xlsx")
    unit = tmp_path / "output" / "中共某某区某某局党组"
    leftovers = [staged_by_a_killed_run(unit / "x.docx"), staged_by_a_killed_run(unit / "督办" / "综合科.docx")]
    own = a_users_own_files(unit) + a_users_own_files(tmp_path / "output")
    staged = staged_by_a_killed_run(unit / "y.xlsx")
    parts = staged.name.split(".")  # ~tmp-rectification, host, process, random, suffix
    parts[2] = str(os.getpid())
    in_progress = staged.with_name(".".join(parts))
    staged.rename(in_progress)  # as if this (running) process had staged it: a run in progress
    assert all(p.exists() for p in leftovers) and leftovers[0].name.startswith("~tmp-rectification.")
    run = run_cli("--batch", str(folder))
    assert run.exit_code == 0, run.output
    assert not any(p.exists() for p in leftovers)
    assert all(p.read_bytes() == b"the clerk's" for p in own) and in_progress.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_single_run_removes_its_leftovers_and_keeps_the_users_files(run_cli, ledger_path, tmp_path):
    out = tmp_path / "output"
    leftover = staged_by_a_killed_run(out / "通报.docx")  # just now: its age does not matter, its process is gone
    own = a_users_own_files(out)
    run = run_cli(str(ledger_path))
    assert run.exit_code == 0, run.output
    assert not leftover.exists()
    assert all(p.read_bytes() == b"the clerk's" for p in own)
