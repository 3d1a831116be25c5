"""What the command line prints of a job's result, and its progress bars (on a terminal, to stderr)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from rectification.core.errors import EXIT_UNUSABLE
from rectification.core.model import Level, Verdict

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

    from rectification.analyse.compare import Progress as Changes
    from rectification.app.batch import BatchResult
    from rectification.app.jobs import Generated, Note
    from rectification.app.jobs import OnProgress as Heard

MAX_PRINTED_FINDINGS = 50
SLOW_RUN_SECONDS = 1.0  # a single ledger shows a progress bar once it has taken this long
NO_LOG = "详细信息也未能保存（输出文件夹不可写），请换一个输出文件夹（--out）重试。"


def echo_log(log: Path | None, ask_to_send: bool) -> None:
    if log is None:
        click.echo(NO_LOG, err=True)
    else:
        click.echo(f"详细信息已保存到：{log}" + ("，请把这个文件发给维护人员。" if ask_to_send else ""), err=True)


def print_generated(result: Generated, out_dir: Path) -> int:
    """Verdict, findings, the files written, then what delivery said; returns the exit code."""
    from rectification.render.registry import RENDERERS

    report, saved = result.report, result.saved
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
        click.echo(progress_line(report.progress))
    for renderer in RENDERERS:
        paths = saved.paths(renderer.key)
        if len(paths) == 1 and renderer.suffix:
            click.echo(f"{renderer.label}：{paths[0]}")
        elif paths:
            click.echo(f"{renderer.label}：{len(paths)}份，在 {paths[0].parent}")
    echo_renamed(saved.renamed)
    for label, earlier in saved.stale:
        click.echo(f"注意：{earlier.name} 是以前生成的{label}，本次没有更新，请勿误用。")
    for note in result.notes:
        echo_note(note, out_dir)
    return result.exit_code


def echo_note(note: Note, out_dir: Path) -> None:
    click.echo(note.text, err=note.error)
    if note.crash:
        from rectification.files.logs import write_crash_log

        echo_log(write_crash_log(out_dir, note.crash), ask_to_send=False)


def progress_line(progress: Changes) -> str:
    from rectification.analyse.compare import Change

    counts = progress.counts()
    parts = "、".join(f"{change.value}{counts[change]}项" for change in Change if change is not Change.REWORDED)
    return f"与上次的台账 {progress.old_name}（{progress.old_date.isoformat()}）相比：{parts}；详见汇总表的“进展对比”。"


def echo_renamed(pairs: list[tuple[Path, Path]]) -> None:
    for intended, actual in pairs:
        click.echo(f"注意：{intended.name} 正被其他程序（Word、WPS 或 Excel）打开，已另存为 {actual.name}。")


def ask_password(config) -> str:
    """The SMTP password, typed without echo; never stored, printed or logged."""
    from rectification.deliver.mail import PASSWORD_ENV, MailError

    try:
        return click.prompt(f"请输入邮箱 {config.user} 的密码或授权码（输入时不显示）", hide_input=True, err=True)
    except click.Abort:
        raise MailError(f"未输入邮箱密码，邮件未发送。也可以先设置环境变量 {PASSWORD_ENV} 再运行") from None


def print_batch(batch: BatchResult, batch_dir: Path, out_dir: Path) -> int:
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
            f"红灯{f.red}项、黄灯{f.yellow}项；错误{errors}处、警告{warnings}条、提示{hints}条。输出：{o.folder}"
        )
        echo_renamed(o.renamed)
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
    echo_renamed(batch.renamed)
    details = [f"{o.path}\n{o.detail}" for o in batch.outcomes if o.detail]
    if details:
        from rectification.files.logs import write_crash_log

        log = write_crash_log(out_dir, "\n".join(details))
        where = f"详细信息已保存到：{log}，请把这个文件发给维护人员。" if log else NO_LOG
        click.echo(f"有台账处理时程序遇到了意外问题。{where}", err=True)
    return batch.exit_code


class _Bar:
    """A click progress bar out of 100, drawn to stderr once shown."""

    def __init__(self, label: str, eta_text: bool) -> None:
        self.label, self.eta_text = label, eta_text
        self.bar: ProgressBar | None = None
        self.done = 0

    def show(self) -> ProgressBar:
        if self.bar is None:
            self.bar = click.progressbar(
                length=100,
                label=self.label,
                show_eta=not self.eta_text,
                item_show_func=(lambda text: text) if self.eta_text else None,
                file=sys.stderr,
            ).__enter__()
        return self.bar

    def to(self, share: float, text: str | None = None) -> None:
        step = round(share * 100) - self.done
        self.done += step
        self.show().update(step, text)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@contextmanager
def batch_bar() -> Iterator[Heard | None]:
    """Share done and time left while a batch runs; drawn on a terminal only, to stderr, so output stays clean."""
    if not sys.stderr.isatty():
        yield None
        return
    bar = _Bar("正在处理台账", eta_text=False)
    try:
        yield lambda share, text: bar.to(share)
    finally:
        bar.close()


@contextmanager
def stage_bar() -> Iterator[Heard]:
    """One ledger's progress, shown (on a terminal, to stderr) once the run has taken about a second."""
    start = time.monotonic()
    bar = _Bar("正在生成", eta_text=True)

    def progress(share: float, text: str = "") -> None:
        if text == "正在生成 PDF":  # LibreOffice (or Word) can take a while: say so, bar or not
            click.echo("正在生成 PDF，请稍候……", err=True)
        elapsed = time.monotonic() - start
        if bar.bar is None and (elapsed < SLOW_RUN_SECONDS or share >= 1 or not sys.stderr.isatty()):
            return
        left = elapsed * (1 - share) / share if share else 0
        bar.to(share, f"剩余约{left:.0f}秒" if share < 1 else "完成")

    try:
        yield progress
    finally:
        bar.close()
