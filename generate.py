"""巡察整改台账 → 整改进展情况通报（.docx）+ 汇总表（.xlsx）。

The command line: parses options, runs the pipeline, prints in Chinese, decides the exit code.
"""

from __future__ import annotations

import sys
import time
import traceback
import unicodedata
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import click

from rectification.console import DescribedArgument, safe_streams
from rectification.output import os_error_text

HERE = Path(__file__).resolve().parent
DEFAULT_LEDGER = HERE / "workbook_template.xlsx"
DEFAULT_OUT = HERE / "output"
MAX_PRINTED_FINDINGS = 50
SLOW_RUN_SECONDS = 1.0  # a single ledger shows a progress bar once it has taken this long

EXIT_OK, EXIT_LEDGER_ERRORS, EXIT_UNUSABLE = 0, 1, 2
EXIT_DELIVERY = 3  # the notice was written, but its PDF or e-mail failed
DEFAULT_MAIL_CONFIG = HERE / "mail.ini"
NO_LOG = "详细信息也未能保存（输出文件夹不可写），请换一个输出文件夹（--out）重试。"


class ChineseCommand(click.Command):
    """A click command whose usage errors and help headings speak Chinese."""

    def main(self, args=None, prog_name=None, **extra):  # type: ignore[override]
        with safe_streams():  # every message below passes one filter: no terminal escapes, no encoding errors
            try:
                code = super().main(args, prog_name, standalone_mode=False, **extra)
            except click.UsageError as error:
                click.echo(f"命令行参数有误：{_usage_error_text(error)}", err=True)
                click.echo("运行 python generate.py --help 查看用法。", err=True)
                sys.exit(EXIT_UNUSABLE)
            except click.Abort:
                click.echo("已取消。", err=True)
                sys.exit(EXIT_UNUSABLE)
            sys.exit(code or EXIT_OK)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "[台账.xlsx] [选项]", prefix="用法：")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        params = self.get_params(ctx)
        arguments = [r for p in params if isinstance(p, click.Argument) and (r := p.get_help_record(ctx))]
        rows = [r for p in params if not isinstance(p, click.Argument) and (r := p.get_help_record(ctx))]
        width = max(_display_width(name) for name, _ in arguments + rows) + 2
        for heading, lines in (("参数：", arguments), ("选项：", rows)):
            formatter.write_paragraph()
            formatter.write(f"{heading}\n")
            for name, text in lines:  # click pads by len(); CJK characters are two columns wide
                formatter.write(f"  {name}{' ' * (width - _display_width(name))}{text}\n")


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _usage_error_text(error: click.UsageError) -> str:
    if isinstance(error, click.NoSuchOption):
        return f"没有 {error.option_name} 这个选项"
    if isinstance(error, click.BadParameter):
        name = error.param.get_error_hint(error.ctx) if error.param and error.ctx else "参数"
        return f"{name} 的值无效（{error.message}）"
    if isinstance(error, click.MissingParameter):
        return "缺少必需的参数"
    if "Got unexpected extra argument" in error.message:
        return "多余的参数（一次只能指定一个台账文件）"
    return error.message


def _as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> date:
    if value is None:
        return date.today()
    from rectification.dates import DateError, as_date

    try:
        parsed = as_date(value)
    except DateError:
        parsed = None
    if parsed is None:
        raise click.BadParameter(f"“{value}”不是日期，请写作 2025-12-11")
    return parsed


def _warn_days(ctx: click.Context, param: click.Parameter, value: object) -> int:
    text = str(value).strip()
    if not text.isdigit() or int(text) > 365:
        raise click.BadParameter(f"“{value}”不是 0 到 365 之间的天数")
    return int(text)


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
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 生成 PDF 版通报。")
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
    "--batch",
    "batch_dir",
    type=click.Path(path_type=Path),
    metavar="文件夹",
    help="批量处理文件夹中的全部台账：每个单位输出到“输出文件夹/发文机关/”，另生成各单位汇总表。",
)
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def cli(
    ledger: Path,
    out_dir: Path,
    as_of: date,
    warn_days: int,
    strict: bool,
    check_only: bool,
    batch_dir: Path | None = None,
    **extras,
) -> int:
    """读取巡察整改台账（默认为 workbook_template.xlsx），检查责任人、整改时限和整改状态，生成 GB/T 9704 版式的整改进展情况通报（.docx）和汇总表（文件名含“汇总”的 .xlsx）。

    \b
    示例：
      python generate.py                          生成示例通报
      python generate.py 我的台账.xlsx --out 输出
      python generate.py 台账.xlsx --as-of 2025-12-11 --check-only
      python generate.py --batch 各单位台账 --out 本轮通报    批量处理一轮巡察

    \b
    退出码：0 已生成（可能有警告）；1 台账有错误，未生成通报（汇总表的“检查结果”列出错误）；
            2 文件无法使用（找不到、不是 Excel 工作簿、没有整改台账表、参数有误）；
            3 通报已生成，但 PDF 或邮件未完成。
    """
    from rectification.pipeline import Options, run
    from rectification.reader import WorkbookUnusable
    from rectification.template import TemplateStyleMissing

    options = Options(as_of=as_of, warn_days=warn_days, strict=strict, check_only=check_only)
    if batch_dir is not None:
        return _run_batch(batch_dir, out_dir, options, extras)
    try:
        with _stage_bar() as progress:
            result = run(ledger, out_dir, options, progress=progress)
    except WorkbookUnusable as error:
        click.echo(f"无法使用台账：{error}", err=True)
        return EXIT_UNUSABLE
    except TemplateStyleMissing as error:  # nothing was written: the notice is rendered before any file
        click.echo(f"无法生成通报：{error}", err=True)
        return EXIT_UNUSABLE
    except OSError as error:  # reading errors became WorkbookUnusable: this is the output side
        click.echo(
            f"无法写入输出文件夹 {out_dir}：{os_error_text(error)}。请关闭占用的文件，或换一个可写的文件夹（--out）。",
            err=True,
        )
        return EXIT_UNUSABLE
    except Exception:  # last resort: the user gets a sentence, the maintainer the log
        log = _write_crash_log(out_dir)
        click.echo("抱歉，程序遇到了意外问题，未能完成。", err=True)
        click.echo(f"详细信息已保存到：{log}，请把这个文件发给维护人员。" if log else NO_LOG, err=True)
        return EXIT_UNUSABLE
    _report(result, options)
    if result.blocked:
        return EXIT_LEDGER_ERRORS
    return _deliver(result, out_dir, **extras)


def _report(result, options) -> None:
    """Verdict, findings, then the files written."""
    from rectification.model import Level
    from rectification.summary import figures

    numbers = figures(result.ledger, options.as_of, options.warn_days)
    errors, warnings, hints = (result.count(level) for level in Level)
    tally = f"错误{errors}处、警告{warnings}条、提示{hints}条"
    if result.blocked:
        why = "有警告（严格模式）" if errors == 0 else "台账有错误"
        click.echo(f"{why}，未生成通报：{tally}。请按下列提示修改台账后重新运行。")
    else:
        done = "检查完成（仅检查，未生成通报）" if options.check_only else "已生成通报"
        click.echo(
            f"{done}：{numbers.problems}个问题、{numbers.measures}项措施，已完成{numbers.done}项"
            f"（完成率{numbers.completion_rate:.1%}），红灯{numbers.red}项、黄灯{numbers.yellow}项；{tally}。"
        )
    for finding in result.findings[:MAX_PRINTED_FINDINGS]:
        click.echo(str(finding))
    if len(result.findings) > MAX_PRINTED_FINDINGS:
        click.echo(f"……其余{len(result.findings) - MAX_PRINTED_FINDINGS}条见汇总表的“检查结果”工作表。")
    if result.notice_path:
        click.echo(f"通报：{result.notice_path}")
    if result.summary_path:
        click.echo(f"汇总表：{result.summary_path}")
    _echo_renamed(result.renamed)
    if result.stale_notice:
        click.echo(f"注意：{result.stale_notice.name} 是以前生成的通报，本次没有更新，请勿误用。")


def _echo_renamed(pairs: list[tuple[Path, Path]]) -> None:
    for intended, actual in pairs:
        click.echo(f"注意：{intended.name} 正被其他程序（Word、WPS 或 Excel）打开，已另存为 {actual.name}。")


def _deliver(result, out_dir: Path, pdf: bool, eml: bool, send: bool, mail_config: Path) -> int:
    """--pdf, --eml, --send for the written notice: files and failures reported, exit 3 on any failure."""
    from rectification.delivery import Extras, deliver

    extras = Extras(pdf=pdf, eml=eml, send=send, mail_config=mail_config)
    if not extras.wanted:
        return EXIT_OK
    if result.notice_path is None:
        click.echo("未生成通报，PDF 和邮件未处理。")
        return EXIT_OK
    try:
        done = deliver(result, extras, _ask_password)
    except Exception:  # the notice is written: say so, keep the details for the maintainer
        log = _write_crash_log(out_dir)
        click.echo("通报已生成，但生成 PDF 或邮件时程序遇到了意外问题。", err=True)
        click.echo(f"详细信息已保存到：{log}" if log else NO_LOG, err=True)
        return EXIT_DELIVERY
    if done.pdf_path:
        click.echo(f"PDF：{done.pdf_path}")
    if done.eml_path:
        click.echo(f"邮件草稿：{done.eml_path}（双击即在 Outlook 等邮件程序中打开，可修改后发送）")
    if done.sent_to:
        click.echo(f"邮件已发送：{'、'.join(done.sent_to)}")
    _echo_renamed(done.renamed)
    for failure in done.failures:
        click.echo(failure, err=True)
    if done.failures:
        click.echo("Word 通报已生成，但上述 PDF 或邮件步骤未完成。", err=True)
        return EXIT_DELIVERY
    return EXIT_OK


def _ask_password(config) -> str:
    """The SMTP password, typed without echo; never stored, printed or logged."""
    from rectification.mail import PASSWORD_ENV, MailError

    try:
        return click.prompt(f"请输入邮箱 {config.user} 的密码或授权码（输入时不显示）", hide_input=True, err=True)
    except click.Abort:
        raise MailError(f"未输入邮箱密码，邮件未发送。也可以先设置环境变量 {PASSWORD_ENV} 再运行") from None


def _run_batch(batch_dir: Path, out_dir: Path, options, extras: dict) -> int:
    """--batch: every ledger in the folder; 0 all produced, 1 some not, 2 none usable."""
    from rectification.batch import FolderUnusable, run_batch, scan

    ctx = click.get_current_context()
    if ctx.get_parameter_source("ledger") is not click.core.ParameterSource.DEFAULT:
        click.echo("命令行参数有误：--batch 与台账文件不能同时指定。", err=True)
        return EXIT_UNUSABLE
    if any(extras.get(name) for name in ("pdf", "eml", "send")):
        click.echo("注意：批量模式不生成 PDF 和邮件（--pdf、--eml、--send 已忽略）。", err=True)
    try:
        count = len(scan(batch_dir)[0])
        with _batch_bar(count) as progress:
            batch = run_batch(batch_dir, out_dir, options, progress=progress)
    except FolderUnusable as error:
        click.echo(f"无法使用文件夹：{error}", err=True)
        return EXIT_UNUSABLE
    except OSError as error:
        click.echo(f"无法写入输出文件夹 {out_dir}：{os_error_text(error)}。请换一个可写的文件夹（--out）。", err=True)
        return EXIT_UNUSABLE
    return _report_batch(batch, batch_dir, out_dir)


def _report_batch(batch, batch_dir: Path, out_dir: Path) -> int:
    """A line per skipped file and per ledger, in file-name order, then the tally; returns the exit code."""
    from rectification.batch import BLOCKED, UNREADABLE

    for skipped in batch.skipped:
        click.echo(f"已跳过 {skipped.path.name}：{skipped.reason}。")
    total = len(batch.outcomes)
    if not total:
        click.echo(f"文件夹 {batch_dir} 中没有 .xlsx 台账。", err=True)
        return EXIT_UNUSABLE
    for n, o in enumerate(batch.outcomes, 1):
        name = f"{o.unit}（{o.path.name}）" if o.unit else o.path.name
        if o.state == UNREADABLE:
            click.echo(f"[{n}/{total}] {name}：无法读取。{o.message}")
            continue
        f, (errors, warnings, hints) = o.figures, o.counts
        verdict = (
            (("台账有错误" if errors else "有警告（严格模式）") + "，未生成通报") if o.state == BLOCKED else o.state
        )
        click.echo(
            f"[{n}/{total}] {name}：{verdict}，{f.problems}个问题、{f.measures}项措施，完成率{f.completion_rate:.1%}，"
            f"红灯{f.red}项、黄灯{f.yellow}项；错误{errors}处、警告{warnings}条、提示{hints}条。输出：{o.files[-1].parent}"
        )
        _echo_renamed(o.renamed)
    tally = batch.tally()
    unreadable, blocked = tally[UNREADABLE], tally[BLOCKED]
    click.echo(f"共{total}个台账：已处理{total - unreadable - blocked}个，有错误{blocked}个，无法读取{unreadable}个。")
    if batch.rollup_path:
        click.echo(f"各单位汇总表：{batch.rollup_path}")
    _echo_renamed(batch.renamed)
    details = [f"{o.path}\n{o.detail}" for o in batch.outcomes if o.detail]
    if details:
        log = _write_crash_log(out_dir, "\n".join(details))
        where = f"详细信息已保存到：{log}，请把这个文件发给维护人员。" if log else NO_LOG
        click.echo(f"有台账处理时程序遇到了意外问题。{where}", err=True)
    if unreadable == total:
        return EXIT_UNUSABLE
    return EXIT_LEDGER_ERRORS if unreadable or blocked else EXIT_OK


@contextmanager
def _batch_bar(count: int):
    """Count and time left while a batch runs; drawn on a terminal only, to stderr, so output stays clean."""
    if not sys.stderr.isatty() or count == 0:
        yield None
        return
    with click.progressbar(length=count, label="正在处理台账", show_pos=True, show_eta=True, file=sys.stderr) as bar:
        yield lambda outcome: bar.update(1)


@contextmanager
def _stage_bar():
    """One ledger's progress, shown (on a terminal, to stderr) once the run has taken about a second."""
    start, state = time.monotonic(), {}

    def progress(share: float) -> None:
        elapsed = time.monotonic() - start
        if "bar" not in state:
            if elapsed < SLOW_RUN_SECONDS or share >= 1 or not sys.stderr.isatty():
                return
            state["bar"] = click.progressbar(
                length=100, label="正在生成", show_eta=False, item_show_func=lambda text: text, file=sys.stderr
            ).__enter__()
            state["done"] = 0
        step = round(share * 100) - state["done"]
        state["done"] += step
        left = elapsed * (1 - share) / share if share else 0
        state["bar"].update(step, f"剩余约{left:.0f}秒" if share < 1 else "完成")

    try:
        yield progress
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)


def _write_crash_log(out_dir: Path, text: str | None = None) -> Path | None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        log = out_dir / f"错误日志-{datetime.now():%Y%m%d-%H%M%S}.log"
        log.write_text(text or traceback.format_exc(), encoding="utf-8")
        return log
    except OSError:
        return None


if __name__ == "__main__":
    cli()
