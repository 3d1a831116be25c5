"""After the files are written: the notice's PDF and mail, the 督办 letters' mail. What happened comes back as notes."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from rectification.analyse.report import Report
from rectification.core.errors import EXIT_DELIVERY, EXIT_OK
from rectification.files.write import Saved

if TYPE_CHECKING:
    from rectification.analyse.remind import Reminder
    from rectification.app.request import AskPassword, Request
    from rectification.deliver.smtp import SendClock


@dataclass(frozen=True)
class Note:
    """A sentence for the user about delivery, in the order it happened; crash holds a traceback for the log."""

    text: str
    error: bool = False
    crash: str = ""


def crash_note(text: str) -> Note:
    """A step that failed unexpectedly after the files were written: a sentence, and the traceback for the log."""
    return Note(text, error=True, crash=traceback.format_exc())


def renamed_notes(pairs: list[tuple[Path, Path]]) -> list[Note]:
    return [
        Note(f"注意：{intended.name} 正被其他程序（Word、WPS 或 Excel）打开，已另存为 {actual.name}。")
        for intended, actual in pairs
    ]


def _password(ask: AskPassword | None) -> Callable:
    """The client's way to ask for the password; without one, the environment variable is the only way."""
    from rectification.deliver.mail import PASSWORD_ENV, MailError

    def refuse(config) -> str:
        raise MailError(f"未输入邮箱密码，邮件未发送。也可以先设置环境变量 {PASSWORD_ENV} 再运行")

    return ask or refuse


def deliver_notice_of(
    report: Report,
    saved: Saved,
    request: Request,
    ask_password: AskPassword | None,
    checkpoint,
    clock: SendClock | None = None,
) -> tuple[list[Note], int]:
    """--pdf, --eml, --send for the written notice: what was done and what failed; exit 3 on any failure."""
    eml, send = request.eml, request.send
    if not (request.pdf or eml or send):
        return [], EXIT_OK  # before the imports: mail and PDF support are not loaded for nothing
    from rectification.deliver.delivery import Extras, Letter, deliver
    from rectification.deliver.pdf import PdfCancelled
    from rectification.render.registry import NOTICE

    notes: list[Note] = []
    info = report.ledger.info
    if request.remind and (eml or send) and info is not None and not info.recipients:
        notes.append(Note("注意：“基本信息”未填写收件人，通报未生成邮件（督办提醒函的邮件照常处理）。"))
        eml = send = False
    extras = Extras(pdf=request.pdf, eml=eml, send=send, mail_config=request.mail_config)
    extras = replace(extras, clock=clock) if clock is not None else extras  # the letters' clock, when they went first
    if not extras.wanted:
        return notes, EXIT_OK
    notice = report.output(NOTICE)
    if notice is None or info is None:
        return [*notes, Note("未生成通报，PDF 和邮件未处理。")], EXIT_OK
    if request.pdf:
        checkpoint(1.0, "正在生成 PDF")
    letter = Letter(saved.paths(NOTICE)[0], notice.data, report.title, info)
    try:
        done = deliver(letter, extras, _password(ask_password), checkpoint.cancel)
    except PdfCancelled:
        return [*notes, Note("已取消：通报和汇总表已生成，PDF 未生成，邮件未处理。")], EXIT_DELIVERY
    except Exception:  # the notice is written: say so, keep the details for the maintainer
        return [*notes, crash_note("通报已生成，但生成 PDF 或邮件时程序遇到了意外问题。")], EXIT_DELIVERY
    if done.pdf_path:
        notes.append(Note(f"PDF（用 {done.pdf_maker} 生成）：{done.pdf_path}"))
    if done.eml_path:
        notes.append(Note(f"邮件草稿：{done.eml_path}（双击即在 Outlook 等邮件程序中打开，可修改后发送）"))
    if done.sent_to:
        notes.append(Note(f"邮件已发送：{'、'.join(done.sent_to)}"))
    notes += renamed_notes(done.renamed)
    notes += [Note(failure, error=True) for failure in done.failures]
    if done.failures:
        notes.append(Note("Word 通报已生成，但上述 PDF 或邮件步骤未完成。", error=True))
        return notes, EXIT_DELIVERY
    return notes, EXIT_OK


def deliver_reminders_of(
    report: Report, saved: Saved, request: Request, ask_password: AskPassword | None, clock: SendClock | None = None
) -> tuple[Report, list[Note], int]:
    """--remind: says why no letter was written; with --eml/--send a draft or a sent mail per letter.

    Returns the report with each letter's 邮件 status as delivery left it, for the summary's 督办清单.
    """
    if report.ledger.info is None:
        return report, [Note("注意：“基本信息”有误，督办提醒函未生成（落款需要发文机关）。")], EXIT_OK
    if not report.reminders:
        if report.letters_over_budget:
            return report, [Note("注意：督办提醒函填入后的文字太多，未生成（见上面的错误）。")], EXIT_OK
        return report, [Note("没有红灯、黄灯措施，未生成督办提醒函。")], EXIT_OK
    mailed = request.eml or request.send
    notes: list[Note] = []
    no_address = [r.addressee for r in report.reminders if r.file_name and not r.to]
    if no_address and mailed:
        notes.append(Note(f"注意：以下督办对象在“人员名单”中没有邮箱，未生成邮件：{'、'.join(no_address)}。"))
    if not mailed:
        return report, notes, EXIT_OK
    from rectification.deliver.delivery import Extras, ReminderLetter, deliver_reminders
    from rectification.render.notice import date_text
    from rectification.render.registry import REMINDERS

    by_name = {o.name: o.data for o in report.outputs if o.key == REMINDERS}
    paths = dict(zip(by_name, saved.paths(REMINDERS), strict=True))
    from rectification.render.reminder import letter_title, reminder_values

    def letter(r: Reminder) -> ReminderLetter:
        values = {**report.values, **reminder_values(r, report.analysis, report.notice_format)}
        title = letter_title(report.notice_format, values)
        return ReminderLetter(r, paths[r.file_name], by_name[r.file_name], title, values["督办称谓"])

    letters = [letter(r) for r in report.reminders if r.file_name]
    extras = Extras(eml=request.eml, send=request.send, mail_config=request.mail_config)
    extras = replace(extras, clock=clock) if clock is not None else extras
    try:
        done = deliver_reminders(
            letters,
            report.ledger.info.issuer,
            date_text(report.options.as_of),
            extras,
            _password(ask_password),
            report.notice_format.choice("称谓"),
        )
    except Exception:
        return report, [*notes, crash_note("督办提醒函已生成，但生成或发送邮件时程序遇到了意外问题。")], EXIT_DELIVERY
    if done.eml_paths:
        notes.append(Note(f"督办邮件草稿：{len(done.eml_paths)}份，在 {done.eml_paths[0].parent}"))
    if done.sent:
        notes.append(Note(f"督办提醒函已发送：{'、'.join(done.sent)}"))
    notes += [Note(failure, error=True) for failure in done.failures]
    notes += renamed_notes(done.renamed)
    updated = tuple(replace(r, mail=done.status.get(r.addressee, r.mail)) for r in report.reminders)
    return replace(report, reminders=updated), notes, EXIT_DELIVERY if done.failures else EXIT_OK
