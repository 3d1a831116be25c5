"""The command line's click machinery in Chinese: usage errors, help headings and CJK-aware help columns."""

from __future__ import annotations

import sys
import unicodedata
from contextlib import suppress

import click

from rectification.cli.console import safe_streams
from rectification.core.errors import EXIT_OK, EXIT_UNUSABLE


class ChineseCommand(click.Command):
    """A click command whose usage errors and help headings speak Chinese."""

    def main(self, args=None, prog_name=None, **extra):
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
        records = [(isinstance(p, click.Argument), p.get_help_record(ctx)) for p in params]
        arguments = [r for is_argument, r in records if is_argument and r]
        rows = [r for is_argument, r in records if not is_argument and r]
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
    """click's usage errors in Chinese: the few it raises for our options, each named."""
    if isinstance(error, click.NoSuchOption):
        return f"没有 {error.option_name} 这个选项"
    if isinstance(error, click.BadOptionUsage):
        if "requires an argument" in error.message:
            return f"{error.option_name} 后面缺少要写的内容"
        if "does not take a value" in error.message:
            return f"{error.option_name} 后面不写内容（它只是一个开关）"
        return f"{error.option_name} 的用法不对"
    if isinstance(error, click.BadParameter):
        name = error.param.get_error_hint(error.ctx) if error.param and error.ctx else "参数"
        if error.param is not None and isinstance(error.param.type, click.Choice):
            return f"{name} 的值无效（只能写 {'、'.join(map(str, error.param.type.choices))}）"
        return f"{name} 的值无效（{error.message}）"
    if isinstance(error, click.MissingParameter):
        return "缺少必需的参数"
    if "Got unexpected extra argument" in error.message:
        return "多余的参数（一次只能指定一个台账文件）"
    return error.message
