"""The command line: options in, a Request to the front door, the result printed, an exit code out.

Every error the package raises is a RectificationError carrying its exit code and Chinese message: mapped here, in
one place. Anything else is a bug: a sentence for the user, the traceback in a log for the maintainer.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import date
from pathlib import Path

import click

from rectification.cli.chinese import ChineseCommand
from rectification.cli.console import DescribedArgument
from rectification.core.errors import EXIT_UNUSABLE, RectificationError

HERE = Path(__file__).resolve().parents[2]
DEFAULT_LEDGER = HERE / "workbook_template.xlsx"
DEFAULT_OUT = HERE / "output"
DEFAULT_MAIL_CONFIG = HERE / "mail.ini"


def _as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> date:
    if value is None:
        return date.today()
    from rectification.app.request import AS_OF_HINT, parse_as_of

    parsed = parse_as_of(value)
    if parsed is None:
        raise click.BadParameter(f"“{value}”{AS_OF_HINT}")
    return parsed


def _not_blank(paths: tuple[Path, ...]) -> tuple[Path, ...]:
    """A blank --drop "" is no path (Path("") would be the current folder, processed as a round)."""
    if any(not str(path).strip() or str(path) == "." for path in paths):
        raise click.BadParameter("拖入的路径是空的")
    return paths


def _warn_days(ctx: click.Context, param: click.Parameter, value: object) -> int:
    from rectification.app.request import MAX_WARN_DAYS, parse_warn_days

    days = parse_warn_days(value)
    if days is None:
        raise click.BadParameter(f"“{value}”不是 0 到 {MAX_WARN_DAYS} 之间的天数")
    return days


@click.command(
    cls=ChineseCommand,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.argument(
    "ledger",
    cls=DescribedArgument,
    metavar="台账.xlsx",
    description="要读取的整改台账（Excel .xlsx 文件；默认：本程序旁的 workbook_template.xlsx）。",
    required=False,
    type=click.Path(path_type=Path),
    default=DEFAULT_LEDGER,
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT,
    metavar="文件夹",
    help="输出文件夹（默认：本程序旁的 output 文件夹）。",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    callback=_as_of,
    help="统计日期：按这一天判断是否逾期（默认：今天）。",
)
@click.option(
    "--warn-days", default="10", type=str, callback=_warn_days, metavar="天数", help="到期前多少天亮黄灯（默认：10）。"
)
@click.option("--strict", is_flag=True, help="严格模式：有警告也不生成通报。")
@click.option("--check-only", is_flag=True, help="只检查台账、生成汇总表，不生成通报。")
@click.option(
    "--remind",
    is_flag=True,
    help="为有红灯、黄灯措施的每个责任部门（或责任领导）生成督办提醒函（输出文件夹/督办/），汇总表增加“督办清单”；"
    "与 --eml、--send 同用时按“人员名单”的邮箱生成邮件草稿或发送。",
)
@click.option("--report", is_flag=True, help="同时生成向巡察工作领导小组办公室报送的整改情况报告（附整改台账）。")
@click.option("--plan", is_flag=True, help="同时生成整改方案（附问题清单、任务清单、责任清单）。")
@click.option("--pdf", is_flag=True, help="同时生成 PDF 版通报（Windows 上用 Word 或 WPS，否则用 LibreOffice）。")
@click.option("--eml", is_flag=True, help="同时生成邮件草稿（.eml，附通报；收件人、抄送取自“基本信息”）。")
@click.option("--send", is_flag=True, help="按邮件设置文件发送通报（密码取自环境变量或运行时输入）。")
@click.option(
    "--mail-config",
    type=click.Path(path_type=Path),
    default=DEFAULT_MAIL_CONFIG,
    metavar="文件",
    help="邮件设置文件（默认：本程序旁的 mail.ini）。",
)
@click.option(
    "--format",
    "format_path",
    type=click.Path(path_type=Path),
    metavar="工作簿",
    help="通报格式取自该工作簿的“通报格式”工作表（台账自带“通报格式”的以台账为准）。",
)
@click.option(
    "--since",
    "since_path",
    type=click.Path(path_type=Path),
    metavar="台账",
    help="与上次报送的台账比较（批量模式为上次各单位台账的文件夹）：汇总表增加“进展对比”，推迟整改时限的给出警告。",
)
@click.option(
    "--batch",
    "batch_dir",
    type=click.Path(path_type=Path),
    metavar="文件夹",
    help="批量处理文件夹中的全部台账：每个单位输出到“输出文件夹/发文机关/”，另生成各单位汇总表和本轮汇总通报。",
)
@click.option(
    "--split",
    "split_by",
    type=click.Choice(["部门", "领导"]),
    is_flag=False,
    flag_value="部门",
    default=None,
    metavar="[部门|领导]",
    help="把台账拆成每个责任部门（或“--split 领导”：每个责任领导）一份填报表（输出文件夹/填报/），"
    "“人员名单”有邮箱的另生成邮件草稿；各部门只能填写整改状态、完成时间、整改进展、佐证材料。",
)
@click.option(
    "--merge",
    "merge_from",
    type=click.Path(path_type=Path),
    multiple=True,
    metavar="文件夹或文件",
    help="把各部门交回的填报表合并进台账：在原台账旁生成“台账名_合并_统计日期.xlsx”（原台账不改），"
    "再按它生成通报和汇总表（“合并情况”工作表列出每处未并入的内容）。可写多次 --merge 指定多个文件。",
)
@click.option(
    "--window",
    is_flag=True,
    help="打开窗口：用鼠标选择台账和各项选项（双击 generate.bat 即打开）；给出的台账或文件夹预先选好。",
)
@click.option(
    "--drop",
    "drops",
    multiple=True,
    type=click.Path(path_type=Path),
    callback=lambda ctx, param, value: _not_blank(value),
    metavar="路径",
    help="拖到 generate.bat 上的文件或文件夹（可重复）：一个台账生成通报，一个文件夹处理整轮，两个台账比较；"
    "之后打开输出文件夹。",
)
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def cli(
    ledger: Path,
    out_dir: Path,
    as_of: date,
    warn_days: int,
    strict: bool,
    check_only: bool,
    remind: bool,
    report: bool,
    plan: bool,
    pdf: bool,
    eml: bool,
    send: bool,
    mail_config: Path,
    format_path: Path | None = None,
    since_path: Path | None = None,
    batch_dir: Path | None = None,
    split_by: str | None = None,
    merge_from: tuple[Path, ...] = (),
    window: bool = False,
    drops: tuple[Path, ...] = (),
) -> int:
    """读取巡察整改台账（默认为 workbook_template.xlsx），检查责任人、整改时限和整改状态，生成 GB/T 9704 版式的整改进展情况通报（.docx）和汇总表（文件名含“汇总”的 .xlsx）。

    \b
    示例：
      python generate.py                          生成示例通报
      python generate.py 我的台账.xlsx --out 输出
      python generate.py 台账.xlsx --as-of 2025-12-11 --check-only
      python generate.py --batch 各单位台账 --out 本轮通报    批量处理一轮巡察
      python generate.py 台账.xlsx --format 本轮格式.xlsx      按另一工作簿的“通报格式”写通报
      python generate.py 12月台账.xlsx --since 11月台账.xlsx   与上次报送的台账比较
      python generate.py 台账.xlsx --remind --eml              督办提醒函及邮件草稿
      python generate.py 台账.xlsx --report --plan             整改情况报告和整改方案
      python generate.py 台账.xlsx --split                     每个责任部门一份填报表
      python generate.py 台账.xlsx --merge 交回的填报表         合并各部门交回的填报表，再生成通报
      python generate.py --window                           打开窗口（双击 generate.bat 也是）

    \b
    退出码：0 已生成（可能有警告）；1 台账有错误，未生成通报（汇总表的“检查结果”列出错误）；
            2 文件无法使用（找不到、不是 Excel 工作簿、没有整改台账表、参数有误）；
            3 通报已生成，但 PDF 或邮件未完成；4 程序组件不完整（删除 .venv 后重新运行）。
    """
    if window:
        return run_window(click.get_current_context(), batch_dir or ledger, out_dir)
    from rectification.app.jobs import Request

    request = Request(
        batch_dir or ledger,
        out_dir,
        as_of,
        warn_days,
        strict,
        check_only,
        format_path,
        since_path,
        remind,
        pdf,
        eml,
        send,
        mail_config,
        report,
        plan,
    )
    if drops:
        from rectification.cli.drop_run import run_drops

        return run_drops(click.get_current_context(), drops, request, HERE, (run_one, run_batch, guarded))
    if split_by or merge_from:
        return _departments(request, batch_dir, split_by, merge_from)
    if batch_dir is None:
        return run_one(request)
    gc.enable()  # generate.py pauses it while the modules load; the batch's workers inherit it
    ctx = click.get_current_context()
    if ctx.get_parameter_source("ledger") is not click.core.ParameterSource.DEFAULT:
        click.echo("命令行参数有误：--batch 与台账文件不能同时指定。", err=True)
        return EXIT_UNUSABLE
    return run_batch(request)


SPLIT_IGNORES = ("check_only", "strict", "report", "plan", "remind", "pdf", "eml", "send")


def _departments(request, batch_dir: Path | None, split_by: str | None, merge_from: tuple[Path, ...]) -> int:
    """--split or --merge: the job's lines printed, errors mapped by guarded() as for any job."""
    from rectification.cli.departments import merge_and_print, split_and_print

    if batch_dir is not None or (split_by and merge_from):
        click.echo("命令行参数有误：--split、--merge、--batch 一次只能用一个。", err=True)
        return EXIT_UNUSABLE
    ledger_named = click.get_current_context().get_parameter_source("ledger") is not click.core.ParameterSource.DEFAULT
    if merge_from and not ledger_named:  # the new ledger goes beside the one named: never beside the example
        click.echo(
            "命令行参数有误：请指定要合并进的台账，如 python generate.py 台账.xlsx --merge 收回的填报表", err=True
        )
        return EXIT_UNUSABLE
    if split_by:
        unused = [f"--{name.replace('_', '-')}" for name in SPLIT_IGNORES if getattr(request, name)]
        if unused:  # a split makes the departments' copies only
            click.echo(f"注意：拆分时只生成各部门的填报表，{'、'.join(unused)} 已忽略。", err=True)
        return guarded(
            lambda: split_and_print(request, split_by),
            request.out_dir,
            "抱歉，拆分台账时程序遇到了意外问题，未能完成。",
        )
    return guarded(
        lambda: merge_and_print(request, merge_from),
        request.out_dir,
        "抱歉，合并填报表时程序遇到了意外问题，未能完成。",
    )


def run_window(ctx: click.Context, source: Path, out_dir: Path) -> int:
    """--window: the window, with a ledger or folder named on the command line preselected."""
    from rectification.window import open_window

    named = ctx.get_parameter_source("ledger") is not click.core.ParameterSource.DEFAULT or source != DEFAULT_LEDGER
    out_named = ctx.get_parameter_source("out_dir") is not click.core.ParameterSource.DEFAULT
    gc.enable()
    return guarded(
        lambda: open_window(HERE, source if named else None, out_dir if out_named else None),
        out_dir,
        "抱歉，窗口遇到了意外问题，已关闭。",
    )


def run_one(request) -> int:
    """One ledger through the front door; the result printed; the exit code it implies."""
    from rectification.app.jobs import generate
    from rectification.cli.printing import ask_password, print_generated, stage_bar

    def job() -> int:
        with stage_bar() as progress:
            result = generate(request, progress=progress, ask_password=ask_password)
        # One ledger, then the process ends: what the run made need never be walked by the garbage collector
        # (a collection would visit every object: 0.8 s at 100,000 measures). generate.py paused it until now.
        gc.freeze()
        gc.enable()
        return print_generated(result, request.out_dir)

    return guarded(job, request.out_dir, "抱歉，程序遇到了意外问题，未能完成。")


def run_batch(request) -> int:
    """A folder of ledgers through the front door; a line a ledger, the tally; the exit code it implies."""
    from rectification.app.jobs import generate_batch
    from rectification.cli.printing import batch_bar, print_batch

    if request.pdf or request.eml or request.send:
        click.echo("注意：批量模式不生成 PDF 和邮件（--pdf、--eml、--send 已忽略）。", err=True)

    def job() -> int:
        with batch_bar() as progress:
            batch = generate_batch(request, progress=progress)
        return print_batch(batch, request.source, request.out_dir)

    return guarded(job, request.out_dir, "抱歉，批量处理时程序遇到了意外问题，未能完成。")


def guarded(job: Callable[[], int], out_dir: Path, crash_sentence: str) -> int:
    """The one place where errors become what the user reads and the exit code: a RectificationError says its own
    message and code; anything else is a bug — a sentence for the user, the traceback in a log for the maintainer."""
    try:
        return job()
    except RectificationError as error:
        click.echo(error.user_text(), err=True)
        return error.exit_code
    except Exception:
        return crashed(out_dir, crash_sentence)


def crashed(out_dir: Path, sentence: str) -> int:
    from rectification.cli.printing import echo_log
    from rectification.files.logs import write_crash_log

    click.echo(sentence, err=True)
    echo_log(write_crash_log(out_dir), ask_to_send=True)
    return EXIT_UNUSABLE
