"""巡察整改台账 → 整改进展情况通报（.docx）+ 汇总表（.xlsx）。

The command line: parses options, runs the pipeline, prints in Chinese, decides the exit code.
"""

from __future__ import annotations

import gc
import sys
import time
import unicodedata
from contextlib import contextmanager, suppress
from datetime import date, datetime
from pathlib import Path

if __name__ == "__main__":  # a half-installed .venv exits 4, not 1 ("the ledger has errors"); see generate.bat
    # Loading the modules builds a hundred thousand objects and no garbage: the collector waits until they are
    # loaded (cli() starts it again; about 10 ms of a 0.2 s run). A process importing this module keeps its own.
    gc.disable()
    from importlib.util import find_spec

    if missing := [m for m in ("click", "docx", "openpyxl", "python_calamine", "xlsxwriter") if not find_spec(m)]:
        print(
            f"程序组件不完整（缺少 {'、'.join(missing)}）。请删除 .venv 文件夹后重新双击运行 generate.bat。",
            file=sys.stderr,
        )
        sys.exit(4)

import click

from rectification.cli.console import DescribedArgument, safe_streams
from rectification.core.model import Level, Verdict
from rectification.core.names import os_error_text

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
        _stop_on_terminate()
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


def _stop_on_terminate() -> None:
    """SIGTERM (a closed terminal, kill) stops like Ctrl+C: half-written temporary files are removed on the way out."""
    import signal

    def stop(signum, frame) -> None:
        raise KeyboardInterrupt

    if hasattr(signal, "SIGTERM"):
        with suppress(ValueError):  # not the main thread (an embedding caller): leave its handlers alone
            signal.signal(signal.SIGTERM, stop)


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
    from rectification.core.dates import DateError, as_date

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
@click.option(
    "--remind",
    is_flag=True,
    help="为有红灯、黄灯措施的每个责任部门（或责任领导）生成督办提醒函（输出文件夹/督办/），汇总表增加“督办清单”；"
    "与 --eml、--send 同用时按“人员名单”的邮箱生成邮件草稿或发送。",
)
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
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def cli(
    ledger: Path,
    out_dir: Path,
    as_of: date,
    warn_days: int,
    strict: bool,
    check_only: bool,
    format_path: Path | None = None,
    since_path: Path | None = None,
    remind: bool = False,
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
      python generate.py 台账.xlsx --format 本轮格式.xlsx      按另一工作簿的“通报格式”写通报
      python generate.py 12月台账.xlsx --since 11月台账.xlsx   与上次报送的台账比较
      python generate.py 台账.xlsx --remind --eml              督办提醒函及邮件草稿

    \b
    退出码：0 已生成（可能有警告）；1 台账有错误，未生成通报（汇总表的“检查结果”列出错误）；
            2 文件无法使用（找不到、不是 Excel 工作簿、没有整改台账表、参数有误）；
            3 通报已生成，但 PDF 或邮件未完成；4 程序组件不完整（删除 .venv 后重新运行）。
    """
    from rectification.analyse.report import Options
    from rectification.app.pipeline import SinceUnusable, run
    from rectification.files.write import save_report
    from rectification.read.reader import WorkbookUnusable
    from rectification.render.template import TemplateUnusable

    if __name__ == "__main__":
        gc.enable()  # paused while the modules loaded; on before any work and before --batch's workers inherit it
    try:
        notice_format = _read_format(format_path) if format_path else None
    except WorkbookUnusable as error:
        click.echo(f"无法使用通报格式文件：{error}", err=True)
        return EXIT_UNUSABLE
    try:
        since = _since(since_path, batch=batch_dir is not None) if since_path else None
    except WorkbookUnusable as error:
        click.echo(f"无法使用上次的台账：{error}", err=True)
        return EXIT_UNUSABLE
    mail = "send" if extras.get("send") else "eml" if extras.get("eml") else ""
    options = Options(as_of, warn_days, strict, check_only, notice_format, since, remind, mail if remind else "")
    if batch_dir is not None:
        return _run_batch(batch_dir, out_dir, options, extras)
    try:
        with _stage_bar() as progress:
            report = run(ledger, options, progress=progress)
        # One ledger, then the process ends: what the run made need never be walked by the garbage collector
        # (the first collections after it would visit every object: 0.8 s at 100,000 measures).
        gc.freeze()
        saved = save_report(report, out_dir)
    except SinceUnusable as error:  # its message names the earlier copy and says what is wrong
        click.echo(str(error).rstrip("。") + "。", err=True)
        return EXIT_UNUSABLE
    except WorkbookUnusable as error:
        click.echo(f"无法使用台账：{error}", err=True)
        return EXIT_UNUSABLE
    except TemplateUnusable as error:  # nothing was written: the notice is rendered before any file
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
    _report(report, saved)
    reminded = _deliver_reminders(report, saved, out_dir, **extras) if remind else EXIT_OK
    if report.verdict is Verdict.BLOCKED:
        return EXIT_LEDGER_ERRORS
    delivered = _deliver(report, saved, out_dir, **extras)
    return delivered or reminded


def _since(path: Path, batch: bool):
    """--since: a file for one ledger; a folder of earlier copies for --batch."""
    from rectification.analyse.report import Since
    from rectification.app.batch import since_index
    from rectification.read.reader import WorkbookUnusable

    if batch:
        if not path.is_dir():
            raise WorkbookUnusable(f"批量模式下 --since 应为上次各单位台账所在的文件夹，{path} 不是文件夹")
        return since_index(path)
    if path.is_dir():
        raise WorkbookUnusable(f"{path} 是文件夹；处理单个台账时 --since 应为上次报送的那份台账文件")
    if not path.exists():
        raise WorkbookUnusable(f"找不到 {path}，请检查 --since 后的文件名")
    return Since(single=path)


def _read_format(path: Path):
    from rectification.read.reader import read_format_pairs
    from rectification.settings import FormatSource

    sheet, pairs = read_format_pairs(path)
    return FormatSource.read(f"{path.name}：{sheet}", pairs)


def _report(report, saved) -> None:
    """Verdict, findings, then the files written."""
    from rectification.render.registry import RENDERERS

    numbers = report.analysis.figures
    errors, warnings, hints = report.counts
    tally = f"错误{errors}处、警告{warnings}条、提示{hints}条"
    if report.verdict is Verdict.BLOCKED:
        why, fix = ("有警告（严格模式）" if errors == 0 else "台账有错误"), "台账"
        given = report.options.notice_format  # --format: errors all in that file are no fault of the ledger
        if errors and given and all(f.sheet == given.sheet for f in report.findings if f.level is Level.ERROR):
            why, fix = "通报格式文件有误", "格式文件"
        click.echo(f"{why}，未生成通报：{tally}。请按下列提示修改{fix}后重新运行。")
    else:
        done = "检查完成（仅检查，未生成通报）" if report.verdict is Verdict.CHECKED else "已生成通报"
        click.echo(
            f"{done}：{numbers.problems}个问题、{numbers.measures}项措施，已完成{numbers.done}项"
            f"（完成率{numbers.completion_rate:.1%}），红灯{numbers.red}项、黄灯{numbers.yellow}项；{tally}。"
        )
    for finding in report.findings[:MAX_PRINTED_FINDINGS]:
        click.echo(str(finding))
    if len(report.findings) > MAX_PRINTED_FINDINGS:
        click.echo(f"……其余{len(report.findings) - MAX_PRINTED_FINDINGS}条见汇总表的“检查结果”工作表。")
    if report.progress is not None:
        click.echo(_progress_line(report.progress))
    for renderer in RENDERERS:
        paths = saved.paths(renderer.key)
        if len(paths) == 1 and renderer.suffix:
            click.echo(f"{renderer.label}：{paths[0]}")
        elif paths:
            click.echo(f"{renderer.label}：{len(paths)}份，在 {paths[0].parent}")
    _echo_renamed(saved.renamed)
    for label, earlier in saved.stale:
        click.echo(f"注意：{earlier.name} 是以前生成的{label}，本次没有更新，请勿误用。")


def _progress_line(progress) -> str:
    from rectification.analyse.compare import Change

    counts = progress.counts()
    parts = "、".join(f"{change.value}{counts[change]}项" for change in Change if change is not Change.REWORDED)
    return f"与上次的台账 {progress.old_name}（{progress.old_date.isoformat()}）相比：{parts}；详见汇总表的“进展对比”。"


def _echo_renamed(pairs: list[tuple[Path, Path]]) -> None:
    for intended, actual in pairs:
        click.echo(f"注意：{intended.name} 正被其他程序（Word、WPS 或 Excel）打开，已另存为 {actual.name}。")


def _deliver(report, saved, out_dir: Path, pdf: bool, eml: bool, send: bool, mail_config: Path) -> int:
    """--pdf, --eml, --send for the written notice: files and failures reported, exit 3 on any failure."""
    if not (pdf or eml or send):
        return EXIT_OK  # before the imports: mail and PDF support are not loaded for nothing
    from rectification.deliver.delivery import Extras, Letter, deliver
    from rectification.render.registry import NOTICE

    info = report.ledger.info
    if report.options.remind and (eml or send) and info is not None and not info.recipients:
        click.echo("注意：“基本信息”未填写收件人，通报未生成邮件（督办提醒函的邮件照常处理）。")
        eml = send = False
    extras = Extras(pdf=pdf, eml=eml, send=send, mail_config=mail_config)
    if not extras.wanted:
        return EXIT_OK
    notice = report.output(NOTICE)
    if notice is None or report.ledger.info is None:
        click.echo("未生成通报，PDF 和邮件未处理。")
        return EXIT_OK
    letter = Letter(saved.paths(NOTICE)[0], notice.data, report.title, report.ledger.info)
    try:
        done = deliver(letter, extras, _ask_password)
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


def _deliver_reminders(report, saved, out_dir: Path, pdf: bool, eml: bool, send: bool, mail_config: Path) -> int:
    """--remind with --eml/--send: a draft or a sent mail per letter; 督办清单 updated; exit 3 on a failed send."""
    from dataclasses import replace

    from rectification.app.pipeline import rerender
    from rectification.deliver.delivery import Extras, ReminderLetter, deliver_reminders
    from rectification.files.write import write_noting_renames
    from rectification.render.notice import date_text
    from rectification.render.registry import REMINDERS, SUMMARY

    if report.ledger.info is None:
        click.echo("注意：“基本信息”有误，督办提醒函未生成（落款需要发文机关）。")
        return EXIT_OK
    if not report.reminders:
        click.echo("没有红灯、黄灯措施，未生成督办提醒函。")
        return EXIT_OK
    no_address = [r.addressee for r in report.reminders if r.file_name and not r.to]
    if no_address and (eml or send):
        click.echo(f"注意：以下督办对象在“人员名单”中没有邮箱，未生成邮件：{'、'.join(no_address)}。")
    if not (eml or send) or report.ledger.info is None:
        return EXIT_OK
    by_name = {o.name: o.data for o in report.outputs if o.key == REMINDERS}
    paths = dict(zip((n for n in by_name), saved.paths(REMINDERS), strict=True))
    letters = [ReminderLetter(r, paths[r.file_name], by_name[r.file_name]) for r in report.reminders if r.file_name]
    extras = Extras(eml=eml, send=send, mail_config=mail_config)
    try:
        done = deliver_reminders(
            letters,
            report.ledger.info.issuer,
            date_text(report.options.as_of),
            extras,
            _ask_password,
            report.notice_format.choice("称谓"),
        )
    except Exception:
        log = _write_crash_log(out_dir)
        click.echo("督办提醒函已生成，但生成或发送邮件时程序遇到了意外问题。", err=True)
        click.echo(f"详细信息已保存到：{log}" if log else NO_LOG, err=True)
        return EXIT_DELIVERY
    if done.eml_paths:
        click.echo(f"督办邮件草稿：{len(done.eml_paths)}份，在 {done.eml_paths[0].parent}")
    if done.sent:
        click.echo(f"督办提醒函已发送：{'、'.join(done.sent)}")
    for failure in done.failures:
        click.echo(failure, err=True)
    _echo_renamed(done.renamed)
    updated = tuple(replace(r, mail=done.status.get(r.addressee, r.mail)) for r in report.reminders)
    summary = rerender(replace(report, reminders=updated), SUMMARY).output(SUMMARY)
    renamed: list = []
    try:
        if summary is not None:  # 督办清单 now says what was sent
            write_noting_renames(saved.paths(SUMMARY)[0], summary.data, renamed)
    except OSError as error:
        click.echo(f"汇总表的“督办清单”未能更新：{os_error_text(error)}。", err=True)
        return EXIT_DELIVERY
    _echo_renamed(renamed)
    return EXIT_DELIVERY if done.failures else EXIT_OK


def _ask_password(config) -> str:
    """The SMTP password, typed without echo; never stored, printed or logged."""
    from rectification.deliver.mail import PASSWORD_ENV, MailError

    try:
        return click.prompt(f"请输入邮箱 {config.user} 的密码或授权码（输入时不显示）", hide_input=True, err=True)
    except click.Abort:
        raise MailError(f"未输入邮箱密码，邮件未发送。也可以先设置环境变量 {PASSWORD_ENV} 再运行") from None


def _run_batch(batch_dir: Path, out_dir: Path, options, extras: dict) -> int:
    """--batch: every ledger in the folder; 0 all produced, 1 some not, 2 none usable."""
    from rectification.app.batch import FolderUnusable, run_batch, scan

    ctx = click.get_current_context()
    if ctx.get_parameter_source("ledger") is not click.core.ParameterSource.DEFAULT:
        click.echo("命令行参数有误：--batch 与台账文件不能同时指定。", err=True)
        return EXIT_UNUSABLE
    if any(extras.get(name) for name in ("pdf", "eml", "send")):
        click.echo("注意：批量模式不生成 PDF 和邮件（--pdf、--eml、--send 已忽略）。", err=True)
    try:
        found = scan(batch_dir)
        with _batch_bar(len(found.ledgers)) as progress:
            batch = run_batch(found, out_dir, options, progress=progress)
    except FolderUnusable as error:
        click.echo(f"无法使用文件夹：{error}", err=True)
        return EXIT_UNUSABLE
    except OSError as error:
        click.echo(f"无法写入输出文件夹 {out_dir}：{os_error_text(error)}。请换一个可写的文件夹（--out）。", err=True)
        return EXIT_UNUSABLE
    except Exception:  # last resort, as for one ledger: a sentence for the user, the log for the maintainer
        log = _write_crash_log(out_dir)
        click.echo("抱歉，批量处理时程序遇到了意外问题，未能完成。", err=True)
        click.echo(f"详细信息已保存到：{log}，请把这个文件发给维护人员。" if log else NO_LOG, err=True)
        return EXIT_UNUSABLE
    return _report_batch(batch, batch_dir, out_dir)


def _report_batch(batch, batch_dir: Path, out_dir: Path) -> int:
    """A line per skipped file and per ledger, in file-name order, then the tally; returns the exit code."""
    for skipped in batch.skipped:
        click.echo(f"已跳过 {skipped.path.name}：{skipped.reason}。")
    total = len(batch.outcomes)
    if not total:
        click.echo(f"文件夹 {batch_dir} 中没有 .xlsx 台账。", err=True)
        return EXIT_UNUSABLE
    for n, o in enumerate(batch.outcomes, 1):
        name = f"{o.unit}（{o.path.name}）" if o.unit else o.path.name
        if o.verdict is None or o.figures is None:
            click.echo(f"[{n}/{total}] {name}：无法读取。{o.message}")
            continue
        f, (errors, warnings, hints) = o.figures, o.counts
        verdict = (
            (("台账有错误" if errors else "有警告（严格模式）") + "，未生成通报")
            if o.verdict is Verdict.BLOCKED
            else o.verdict.value
        )
        click.echo(
            f"[{n}/{total}] {name}：{verdict}，{f.problems}个问题、{f.measures}项措施，完成率{f.completion_rate:.1%}，"
            f"红灯{f.red}项、黄灯{f.yellow}项；错误{errors}处、警告{warnings}条、提示{hints}条。输出：{o.files[-1].parent}"
        )
        _echo_renamed(o.renamed)
    tally = batch.tally()
    unreadable, blocked = tally[None], tally[Verdict.BLOCKED]
    click.echo(f"共{total}个台账：已处理{total - unreadable - blocked}个，有错误{blocked}个，无法读取{unreadable}个。")
    if batch.rollup_path:
        click.echo(f"各单位汇总表：{batch.rollup_path}")
    if batch.round_path:
        click.echo(f"本轮汇总通报：{batch.round_path}")
    for finding in batch.round_findings:
        click.echo(str(finding))
    if batch.round_findings:
        click.echo("通报格式有误，未生成本轮汇总通报。", err=True)
    _echo_renamed(batch.renamed)
    details = [f"{o.path}\n{o.detail}" for o in batch.outcomes if o.detail]
    if details:
        log = _write_crash_log(out_dir, "\n".join(details))
        where = f"详细信息已保存到：{log}，请把这个文件发给维护人员。" if log else NO_LOG
        click.echo(f"有台账处理时程序遇到了意外问题。{where}", err=True)
    if unreadable == total:
        return EXIT_UNUSABLE
    return EXIT_LEDGER_ERRORS if unreadable or blocked or batch.round_findings else EXIT_OK


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
        if text is None:
            import traceback

            text = traceback.format_exc()
        log.write_text(text, encoding="utf-8")
        return log
    except OSError:
        return None


if __name__ == "__main__":
    cli()
