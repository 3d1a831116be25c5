"""--drop carried out: look at the dropped paths, run the plan, open the window or the output folder.

What the paths mean is decided in cli/drops.py (pure, tested as a table); this module gathers the facts it needs
and does the plan: a Request through the command line's own runners (handed in: command.py imports this module),
the window for a name cmd cut, the output folder afterwards.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from rectification.cli.drops import WINDOW_HINT, Action, Dropped, Kind, Plan, cut_name_text, decide, round_says
from rectification.core.errors import EXIT_DELIVERY, EXIT_LEDGER_ERRORS, EXIT_OK, EXIT_UNUSABLE

if TYPE_CHECKING:
    from rectification.app.request import Request

Runner = Callable[["Request"], int]
Guard = Callable[[Callable[[], int], Path, str], int]  # command.guarded: errors → message and exit code, bugs → log

NO_OPEN_ENV = "GENERATE_NO_OPEN"  # set: the output folder is not opened (tests, scripts)
LAUNCHER_ENV = "GENERATE_LAUNCHER"  # set by generate.bat/generate.sh, whose own last line names the window
OPENED_ON = (EXIT_OK, EXIT_LEDGER_ERRORS, EXIT_DELIVERY)  # exit 1 too: the summary listing the errors is there


def run_drops(
    ctx: click.Context,
    drops: tuple[Path, ...],
    request: Request,
    here: Path,
    runners: tuple[Runner, Runner, Guard],
) -> int:
    """--drop: what the dropped paths mean, done by the command line's runners (one ledger, a batch, its guard),
    then the output folder opened; other options (--as-of, --pdf, an explicit --out) apply as without --drop."""
    run_one, run_batch, guarded = runners
    alone = ("window", "batch_dir", "split_by", "merge_from")
    command_line = click.core.ParameterSource.COMMANDLINE
    if any(ctx.params.get(name) for name in alone) or ctx.get_parameter_source("ledger") is command_line:
        click.echo("命令行参数有误：--drop 不能与台账文件、--batch、--split、--merge 或 --window 同时指定。", err=True)
        return EXIT_UNUSABLE
    plan = decide(survey(drops))
    if plan.action is Action.WINDOW:  # the window shows plan.says; without one, it is printed
        gc.enable()
        return guarded(lambda: open_window_for(here, plan), request.out_dir, "抱歉，窗口遇到了意外问题，已关闭。")
    out_given = ctx.get_parameter_source("out_dir") is command_line
    if plan.action is Action.ROUND and out_given and plan.source is not None:  # --out wins: say where it goes
        plan = replace(plan, out_dir=request.out_dir, says=round_says(plan.source, request.out_dir))
    if plan.says:
        click.echo(plan.says, err=plan.action is Action.REFUSE)
    if plan.action is Action.REFUSE or plan.source is None:
        return EXIT_UNUSABLE
    if plan.action is Action.ROUND:
        out_dir = plan.out_dir or request.out_dir
        request = replace(request, source=plan.source, out_dir=out_dir)
        gc.enable()  # as for --batch: the workers inherit it
        code = run_batch(request)
    else:
        request = replace(request, source=plan.source, since_path=plan.since or request.since_path)
        code = run_one(request)
    finish(code, request.out_dir)
    return code


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
    from rectification.read.reader import read_info

    try:
        info, epoch = read_info(path)  # 基本信息 alone: the measures are read once, when generating
        return read_date(info.get("发文日期", (0, None))[1], epoch)
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
