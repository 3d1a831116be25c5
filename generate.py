"""巡察整改台账 → 整改进展情况通报（.docx）+ 汇总表（.xlsx）。

The command line: parses options, runs the pipeline, prints in Chinese, decides the exit code.
"""

from __future__ import annotations

import sys
import traceback
import unicodedata
from datetime import date, datetime
from pathlib import Path

import click

HERE = Path(__file__).resolve().parent
DEFAULT_LEDGER = HERE / "workbook_template.xlsx"
DEFAULT_OUT = HERE / "output"
MAX_PRINTED_FINDINGS = 50

EXIT_OK, EXIT_LEDGER_ERRORS, EXIT_UNUSABLE = 0, 1, 2


class ChineseCommand(click.Command):
    """A click command whose usage errors and help headings speak Chinese."""

    def main(self, args=None, prog_name=None, **extra):  # type: ignore[override]
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
        rows = [r for p in self.get_params(ctx) if (r := p.get_help_record(ctx))]
        width = max(_display_width(name) for name, _ in rows) + 2
        formatter.write_paragraph()
        formatter.write("选项：\n")
        for name, text in rows:  # click pads by len(); CJK characters are two columns wide
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
@click.argument("ledger", required=False, type=click.Path(path_type=Path, dir_okay=True), default=DEFAULT_LEDGER)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
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
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def cli(ledger: Path, out_dir: Path, as_of: date, warn_days: int, strict: bool, check_only: bool) -> int:
    """读取巡察整改台账（默认为 workbook_template.xlsx），检查责任人、整改时限和整改状态，生成 GB/T 9704 版式的整改进展情况通报（.docx）和汇总表（文件名含“汇总”的 .xlsx）。

    \b
    示例：
      python generate.py                          生成示例通报
      python generate.py 我的台账.xlsx --out 输出
      python generate.py 台账.xlsx --as-of 2025-12-11 --check-only

    \b
    退出码：0 已生成（可能有警告）；1 台账有错误，未生成通报（汇总表的“检查结果”列出错误）；
            2 文件无法使用（找不到、不是 Excel 工作簿、没有整改台账表、参数有误）。
    """
    from rectification.pipeline import Options, run
    from rectification.reader import WorkbookUnusable

    options = Options(as_of=as_of, warn_days=warn_days, strict=strict, check_only=check_only)
    try:
        result = run(ledger, out_dir, options)
    except WorkbookUnusable as error:
        click.echo(f"无法使用台账：{error}", err=True)
        return EXIT_UNUSABLE
    except PermissionError as error:
        click.echo(
            f"无法写入输出文件夹 {out_dir}：{error.strerror or error}。请换一个可写的文件夹（--out）。", err=True
        )
        return EXIT_UNUSABLE
    except Exception:  # last resort: the user gets a sentence, the maintainer the log
        log = _write_crash_log(out_dir)
        click.echo("抱歉，程序遇到了意外问题，未能完成。", err=True)
        click.echo(
            f"详细信息已保存到：{log}，请把这个文件发给维护人员。" if log else traceback.format_exc(limit=0), err=True
        )
        return EXIT_UNUSABLE
    _report(result, options)
    return EXIT_LEDGER_ERRORS if result.blocked else EXIT_OK


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
    for intended, actual in result.renamed:
        click.echo(f"注意：{intended.name} 正被其他程序（Word、WPS 或 Excel）打开，已另存为 {actual.name}。")


def _write_crash_log(out_dir: Path) -> Path | None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        log = out_dir / f"错误日志-{datetime.now():%Y%m%d-%H%M%S}.log"
        log.write_text(traceback.format_exc(), encoding="utf-8")
        return log
    except OSError:
        return None


if __name__ == "__main__":
    cli()
