"""The clean-up removes only what a run of this tool staged and left: a table of names, ages and owners."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from rectification.files.write import _host, remove_leftovers


def dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


@pytest.mark.parametrize(
    ("name", "hours_old", "removed"),
    [
        ("~tmp-rectification.{host}.{dead}.0123abcd.docx", 0, True),  # killed just now: its process is gone
        ("~tmp-rectification.{host}.{me}.0123abcd.docx", 0, False),  # a run in progress (this one)
        ("~tmp-rectification.{host}.{me}.0123abcd.xlsx", 48, True),  # no run stages a file for two days
        ("~tmp-rectification.ffffff.{dead}.0123abcd.docx", 0, False),  # another computer's, maybe in progress
        ("~tmp-rectification.ffffff.{dead}.0123abcd.docx", 1, True),  # another computer's, an hour old
        ("~tmp-会议记录.docx", 48, False),  # the clerk's own
        ("~tmp-0123abcd.docx", 48, False),  # the old naming: not provably ours
        ("~tmp-rectification.{host}.{dead}.0123abcd.docx.bak", 48, False),
    ],
)
def test_only_a_dead_runs_staged_files_go(tmp_path, name, hours_old, removed):
    path = tmp_path / name.format(host=_host(), dead=dead_pid(), me=os.getpid())
    path.write_bytes(b"x")
    then = time.time() - hours_old * 3600
    os.utime(path, (then, then))
    assert remove_leftovers(tmp_path) == ([path] if removed else [])
    assert path.exists() is not removed


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")
def test_a_link_named_like_a_staged_file_is_left_alone(tmp_path):
    target = tmp_path / "台账.xlsx"
    target.write_bytes(b"the ledger")
    link = tmp_path / f"~tmp-rectification.{_host()}.{dead_pid()}.0123abcd.xlsx"
    link.symlink_to(target)
    assert remove_leftovers(tmp_path) == []
    assert link.is_symlink() and target.read_bytes() == b"the ledger"
