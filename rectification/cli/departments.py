"""--split and --merge on the command line: the jobs of app/departments.py, their lines printed, their exit codes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from rectification.core.errors import RectificationError

if TYPE_CHECKING:
    from rectification.app.request import Request

GROUPINGS = ("部门", "领导")
MERGE_HEADING = "合并情况："


def run_split(request: Request, choice: str) -> int:
    """One workbook per 责任部门 (or 责任领导) of the ledger; the lines said; 0, 1 (rows in no copy) or 2."""
    from rectification.app.departments import split_ledger

    try:
        result = split_ledger(request, "责任领导" if choice == "领导" else "责任部门")
    except RectificationError as error:
        click.echo(error.user_text(), err=True)
        return error.exit_code
    except Exception:
        return crashed(request.out_dir, "抱歉，拆分台账时程序遇到了意外问题，未能完成。")
    for line in result.lines:
        click.echo(line)
    return result.exit_code


def run_merge(request: Request, returned: tuple[Path, ...]) -> int:
    """The returned copies merged into a new ledger, which is then checked (and its notice made) like any ledger."""
    from rectification.app.departments import merge_returns
    from rectification.cli.printing import ask_password, print_generated, stage_bar

    try:
        with stage_bar() as progress:
            result = merge_returns(request, returned, progress=progress, ask_password=ask_password)
    except RectificationError as error:
        click.echo(error.user_text(), err=True)
        return error.exit_code
    except Exception:
        return crashed(request.out_dir, "抱歉，合并填报表时程序遇到了意外问题，未能完成。")
    click.echo(MERGE_HEADING)
    for line in result.lines:
        click.echo(f"  {line}")
    if result.generated is not None:
        print_generated(result.generated, request.out_dir)
    if result.plan is not None and result.plan.problems:
        click.echo(f"有{len(result.plan.problems)}处需要核对，详见上面的说明和汇总表的“合并情况”工作表。")
    return result.exit_code


def crashed(out_dir: Path, sentence: str) -> int:
    """A bug: a sentence for the user, the traceback in a log for the maintainer (as for any job)."""
    from rectification.cli.printing import echo_log
    from rectification.core.errors import EXIT_UNUSABLE
    from rectification.files.logs import write_crash_log

    click.echo(sentence, err=True)
    echo_log(write_crash_log(out_dir), ask_to_send=True)
    return EXIT_UNUSABLE
