"""--since with one file: the earlier copy read alongside the ledger (a forked child on Linux), or here."""

from __future__ import annotations

import os
import sys
import threading
from datetime import datetime
from pathlib import Path

import pytest
from conftest import AS_OF, INFO, write_ledger
from test_since import earlier, now

from rectification.analyse.report import Options, Since
from rectification.app import since
from rectification.app.pipeline import run

forking = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the earlier copy is forked on Linux only")


def ledgers(tmp_path: Path) -> tuple[Path, Path]:
    old = write_ledger(tmp_path / "上次.xlsx", rows=earlier(), info={**INFO, "发文日期": datetime(2025, 11, 1)})
    return old, write_ledger(tmp_path / "本次.xlsx", rows=now(), info=INFO)


def changes(new: Path, old: Path) -> list[tuple[str, str, str, str]]:
    report = run(new, Options(as_of=AS_OF, since=Since(single=old)))
    assert report.progress is not None
    return [(r.change.value, r.before, r.after, r.note) for r in report.progress.rows]


def gone(pid: int) -> bool:
    """The child has exited and been reaped: it is no longer our child."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@forking
def test_the_forked_reading_finds_what_reading_here_finds(tmp_path, monkeypatch):
    old, new = ledgers(tmp_path)
    forked = changes(new, old)
    monkeypatch.setattr(since, "_may_fork", lambda: False)
    assert forked == changes(new, old)
    assert {"本期完成", "调整时限", "措施改写", "新增措施", "删除措施"} <= {kind for kind, *_ in forked}


@forking
def test_a_child_that_fails_is_read_again_here(tmp_path, monkeypatch):
    old, new = ledgers(tmp_path)
    expected = changes(new, old)
    parent = os.getpid()
    real = since.read_earlier

    def dies_in_the_child(path: Path) -> since.EarlierCopy:
        if os.getpid() != parent:
            os._exit(9)  # as if killed mid-read: nothing written
        return real(path)

    monkeypatch.setattr(since, "read_earlier", dies_in_the_child)
    assert changes(new, old) == expected


def forked(tmp_path: Path) -> tuple[since.EarlierReading, int]:
    """The earlier copy's reading, started, and its child's pid."""
    reading = since.EarlierReading(ledgers(tmp_path)[0])
    reading.start()
    assert reading._child is not None
    return reading, reading._child[0]


@forking
def test_a_run_that_ends_early_stops_and_reaps_the_child(tmp_path):
    reading, pid = forked(tmp_path)
    reading.close()
    assert gone(pid)
    assert reading.result().ledger is not None  # asked after all: read here


@forking
def test_the_child_is_reaped_once_read(tmp_path):
    reading, pid = forked(tmp_path)
    copy = reading.result()
    assert gone(pid)
    assert copy.ledger is not None and copy.day == datetime(2025, 11, 1).date()


def test_no_fork_while_another_thread_runs(tmp_path):
    """The window runs jobs in a thread: a forked child of a threaded process can deadlock, so it reads here."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        old, _ = ledgers(tmp_path)
        reading = since.EarlierReading(old)
        reading.start()
        assert reading._child is None
        assert reading.result().ledger is not None
    finally:
        stop.set()
        other.join()


@forking
def test_stopping_signals_wait_only_while_the_child_is_forked(tmp_path, monkeypatch):
    """Ctrl+C and SIGTERM are held back across fork(): the parent records its child first, the child takes them
    once inside its own handling; afterwards both take them as before."""
    import signal

    seen = tmp_path / "mask.txt"
    real = since.read_earlier

    def noting_the_mask(path: Path) -> since.EarlierCopy:
        seen.write_text(" ".join(str(int(s)) for s in signal.pthread_sigmask(signal.SIG_BLOCK, [])))
        return real(path)

    monkeypatch.setattr(since, "read_earlier", noting_the_mask)
    reading, _ = forked(tmp_path)
    assert reading.result().ledger is not None
    held_in_child = {int(s) for s in seen.read_text().split()}
    assert not held_in_child & {signal.SIGINT, signal.SIGTERM}
    assert not signal.pthread_sigmask(signal.SIG_BLOCK, []) & {signal.SIGINT, signal.SIGTERM}
