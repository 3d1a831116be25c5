"""--split and --merge on the command line: the jobs of app/departments.py, their lines printed, their exit codes.

Errors are left to command.guarded(), the one place that turns them into messages and exit codes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from rectification.app.request import Request

GROUPINGS = ("部门", "领导")
MERGE_HEADING = "合并情况："


def split_and_print(request: Request, choice: str) -> int:
    """One workbook per 责任部门 (or 责任领导) of the ledger; the lines said; 0, or 1 when rows went in no copy."""
    from rectification.app.departments import split_ledger

    result = split_ledger(request, "责任领导" if choice == "领导" else "责任部门")
    for line in result.lines:
        click.echo(line)
    return result.exit_code


def merge_and_print(request: Request, returned: tuple[Path, ...]) -> int:
    """The returned copies merged into a new ledger, which is then checked (and its notice made) like any ledger."""
    from rectification.app.departments import merge_returns
    from rectification.cli.printing import ask_password, print_generated, stage_bar

    with stage_bar() as progress:
        result = merge_returns(request, returned, progress=progress, ask_password=ask_password)
    click.echo(MERGE_HEADING)
    for line in result.lines:
        click.echo(f"  {line}")
    if result.generated is not None:
        print_generated(result.generated, request.out_dir)
    if result.plan is not None and result.plan.problems:
        where = "上面的说明和汇总表的“合并情况”工作表" if result.generated is not None else "上面的说明"
        click.echo(f"有{len(result.plan.problems)}处需要核对，详见{where}。")
    return result.exit_code
