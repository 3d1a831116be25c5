"""--drop's side of the disk and the screen: look at the dropped paths, open the window, open the output folder.

What the paths mean is decided in cli/drops.py (pure, tested as a table); this module only gathers the facts it
needs and carries out the parts of a plan that are not a Request to the front door.
"""

from __future__ import annotations

import os
import sys
from datetime import date, datetime
from pathlib import Path

import click

from rectification.cli.drops import WINDOW_HINT, Dropped, Kind, Plan, cut_name_text
from rectification.core.errors import EXIT_DELIVERY, EXIT_LEDGER_ERRORS, EXIT_OK, EXIT_UNUSABLE

NO_OPEN_ENV = "GENERATE_NO_OPEN"  # set: the output folder is not opened (tests, scripts)
LAUNCHER_ENV = "GENERATE_LAUNCHER"  # set by generate.bat/generate.sh, whose own last line names the window
OPENED_ON = (EXIT_OK, EXIT_LEDGER_ERRORS, EXIT_DELIVERY)  # exit 1 too: the summary listing the errors is there


def survey(paths: tuple[Path, ...]) -> list[Dropped]:
    """Each path's kind; for exactly two files, their 发文日期 and modification times (to tell which is newer)."""
    kinds = [_kind(path) for path in paths]
    compared = kinds.count(Kind.FILE) == 2 and len(kinds) == 2
    return [
        Dropped(path, kind, issue_date(path), _modified(path)) if compared else Dropped(path, kind)
        for path, kind in zip(paths, kinds, strict=True)
    ]


def issue_date(path: Path) -> date | None:
    """The 发文日期 in a ledger's 基本信息, or None when the file or the date cannot be read (generating says why)."""
    from rectification.core.dates import read_date
    from rectification.read.reader import read_workbook

    try:
        raw = read_workbook(path)
        return read_date(raw.info.get("发文日期", (0, None))[1], raw.epoch)
    except Exception:  # any reason at all: the date only orders the two, and generating says what is wrong
        return None


def open_window_for(here: Path, plan: Plan) -> int:
    """A dropped path that is not there: the window, its 选择台账 dialog starting in that folder, saying why.

    Where no window can open (no display, no tkinter), the explanation is printed instead: exit 2.
    """
    from rectification.window import WindowUnavailable, open_window

    assert plan.source is not None, "a window plan names the missing path"
    try:
        return open_window(here, plan.source, None, status=plan.says)
    except WindowUnavailable:
        click.echo(cut_name_text(plan.source, window=False), err=True)
        return EXIT_UNUSABLE


def finish(code: int, folder: Path) -> None:
    """After a drop's job: open its output folder (exit 0, 1, 3) and end with the line that names the window."""
    if code in OPENED_ON and not os.environ.get(NO_OPEN_ENV) and folder.is_dir() and _can_show():
        from rectification.window.opener import open_path

        failed = open_path(folder)
        click.echo(failed or f"已打开输出文件夹：{folder}")
    if not os.environ.get(LAUNCHER_ENV):
        click.echo(WINDOW_HINT)


def _kind(path: Path) -> Kind:
    try:
        if path.is_dir():
            return Kind.FOLDER
        return Kind.FILE if path.exists() else Kind.MISSING
    except OSError:  # a name Windows refuses outright (a cut name ending in a space or a colon): not there
        return Kind.MISSING


def _modified(path: Path) -> datetime | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime)
    except (OSError, ValueError):
        return None


def _can_show() -> bool:
    """Windows and macOS always have a desktop; Linux only with a display."""
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
