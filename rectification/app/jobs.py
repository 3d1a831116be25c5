"""The front door: one job for any client (command line, window, tests). Nothing here prints.

`generate()` runs one ledger — read, check, render, write, deliver — and returns what happened as data;
`generate_batch()` does a folder of ledgers. A client shows the result and exits with `exit_code`. Errors the user
can act on are `RectificationError`s; anything else is a bug the client logs.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from rectification.analyse.report import Options, Report, Since
from rectification.app.follow_up import Note
from rectification.app.request import AskPassword, Checkpoint, MergeRequest, OnProgress, Request
from rectification.core.errors import (
    EXIT_DELIVERY,
    EXIT_LEDGER_ERRORS,
    EXIT_OK,
    OutputUnwritable,
    RectificationError,
)
from rectification.core.model import Verdict
from rectification.core.names import os_error_text
from rectification.files.write import Saved

if TYPE_CHECKING:
    from rectification.app.batch import BatchResult
    from rectification.deliver.smtp import SendClock
    from rectification.settings import FormatSource


class FormatUnusable(RectificationError):
    lead = "无法使用通报格式文件："


class EarlierUnusable(RectificationError):
    lead = "无法使用上次的台账："


@dataclass
class Generated:
    """One ledger's job: the report, where its files went, what delivery said, and the exit code it implies."""

    report: Report
    saved: Saved
    notes: list[Note] = field(default_factory=list)
    exit_code: int = EXIT_OK


def options_for(request: Request, batch: bool = False) -> Options:
    """The pipeline's options: --format and --since read and checked once, for every ledger of the job."""
    notice_format = read_format(request.format_path) if request.format_path else None
    since = since_for(request.since_path, batch) if request.since_path else None
    mail = "send" if request.send else "eml" if request.eml else ""
    return Options(
        request.as_of,
        request.warn_days,
        request.strict,
        request.check_only,
        notice_format,
        since,
        request.remind,
        mail if request.remind else "",
        documents=frozenset(key for key, asked in (("report", request.report), ("plan", request.plan)) if asked),
        merge=request.merge if isinstance(request, MergeRequest) else None,
    )


def read_format(path: Path) -> FormatSource:
    from rectification.read.reader import WorkbookUnusable, read_format_pairs
    from rectification.settings import FormatSource

    try:
        sheet, pairs = read_format_pairs(path)
    except WorkbookUnusable as error:
        raise FormatUnusable(error.message) from None
    return FormatSource.read(f"{path.name}：{sheet}", pairs)


def since_for(path: Path, batch: bool) -> Since:
    """--since: a file for one ledger; a folder of earlier copies, each read once, for a batch."""
    if batch:
        if not path.is_dir():
            raise EarlierUnusable(f"批量模式下 --since 应为上次各单位台账所在的文件夹，{path} 不是文件夹")
        from rectification.app.batch import load_earlier
        from rectification.app.since import install_earlier, since_index

        copies = load_earlier(path)
        install_earlier(copies)  # this process's, handed to each worker at its start
        return since_index(copies)
    if path.is_dir():
        raise EarlierUnusable(f"{path} 是文件夹；处理单个台账时 --since 应为上次报送的那份台账文件")
    if not path.exists():
        raise EarlierUnusable(f"找不到 {path}，请检查 --since 后的文件名")
    return Since(single=path)


def generate(
    request: Request,
    progress: OnProgress | None = None,
    ask_password: AskPassword | None = None,
    cancel: threading.Event | None = None,
) -> Generated:
    """One ledger: checked, its outputs written whole (or none), then its PDF and mail as asked.

    The summary is written with the other outputs, after the 督办 letters' mail went out when it lists them.
    Raises RectificationError when a file cannot be used or written; Cancelled when cancel was set in time.
    """
    from rectification.app.pipeline import run

    checkpoint = Checkpoint(progress, cancel)
    options = options_for(request)
    mailed_reminders = request.remind and (request.eml or request.send)
    report = run(request.source, options, progress=checkpoint, defer=_deferred(mailed_reminders))
    checkpoint(1.0, "正在写入")
    saved = _save(report, request.out_dir, keep_back=mailed_reminders)
    result = Generated(report, saved)
    reminded = EXIT_OK
    clock = _send_clock(request)  # the letters and the notice: one deadline for all a run sends
    if request.remind:
        report, reminded = _deliver_reminders(result, request, ask_password, clock)
    if mailed_reminders:  # the summary's 督办清单 says what was mailed: rendered and written only now
        _save_more(result, report, request.out_dir)
    if report.verdict is Verdict.BLOCKED:
        result.exit_code = EXIT_LEDGER_ERRORS
        return result
    delivered = _deliver_notice(result, request, ask_password, checkpoint, clock)
    result.exit_code = delivered or reminded
    return result


def _deferred(mailed_reminders: bool) -> frozenset[str]:
    from rectification.render.registry import SUMMARY

    return frozenset({SUMMARY}) if mailed_reminders else frozenset()


def _save(report: Report, out_dir: Path, keep_back: bool) -> Saved:
    from rectification.files.write import save_report

    try:
        return save_report(report, out_dir, pending=_deferred(keep_back))
    except OSError as error:
        raise OutputUnwritable(
            f"无法写入输出文件夹 {out_dir}：{os_error_text(error)}。请关闭占用的文件，或换一个可写的输出文件夹。"
        ) from None


def _save_more(result: Generated, report: Report, out_dir: Path) -> None:
    """The deferred outputs, rendered from the report as delivery left it, written and added to result.saved."""
    from rectification.files.write import save_outputs
    from rectification.render.registry import SUMMARY, render_one

    outputs = render_one(report, SUMMARY)
    result.report = replace(report, outputs=report.outputs + outputs)
    try:
        save_outputs(outputs, out_dir, result.saved)
    except OSError as error:
        result.notes.append(Note(f"汇总表未能写入：{os_error_text(error)}。", error=True))
        result.exit_code = EXIT_DELIVERY


def _send_clock(request: Request) -> SendClock | None:
    if not request.send:
        return None  # the mail modules are not loaded for nothing
    from rectification.deliver.smtp import SendClock

    return SendClock()


def _deliver_reminders(
    result: Generated, request: Request, ask_password: AskPassword | None, clock: SendClock | None
) -> tuple[Report, int]:
    """--remind with --eml/--send: a draft or a sent mail per letter; returns the report with each letter's 邮件."""
    from rectification.app.follow_up import deliver_reminders_of

    report, notes, code = deliver_reminders_of(result.report, result.saved, request, ask_password, clock)
    result.notes += notes
    return report, code


def _deliver_notice(
    result: Generated,
    request: Request,
    ask_password: AskPassword | None,
    checkpoint: Checkpoint,
    clock: SendClock | None,
) -> int:
    from rectification.app.follow_up import deliver_notice_of

    notes, code = deliver_notice_of(result.report, result.saved, request, ask_password, checkpoint, clock)
    result.notes += notes
    return code


def generate_batch(
    request: Request,
    progress: OnProgress | None = None,
    cancel: threading.Event | None = None,
) -> BatchResult:
    """A folder of ledgers: each unit's files in OUT/<发文机关>/, the roll-up and the round notice beside them.

    Raises RectificationError when the folder, --format or --since cannot be used or the output not written.
    """
    from rectification.app.batch import run_batch, scan
    from rectification.app.since import install_earlier

    checkpoint = Checkpoint(progress, cancel)
    found = scan(request.source)
    try:
        options = options_for(request, batch=True)
        return run_batch(found, request.out_dir, options, progress=checkpoint)
    except OSError as error:
        raise OutputUnwritable(
            f"无法写入输出文件夹 {request.out_dir}：{os_error_text(error)}。请换一个可写的输出文件夹。"
        ) from None
    finally:
        install_earlier(())  # the earlier copies were this round's alone
