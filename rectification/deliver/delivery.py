"""After the notice is written: the PDF, the .eml draft and sending it. Failures are data, not exceptions.

Each step that fails leaves a Chinese sentence in Delivered.failures and the later steps still run
(an e-mail then carries the .docx alone); the .docx itself is never touched.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rectification.analyse.remind import Reminder
from rectification.core.model import NoticeInfo
from rectification.deliver.mail import (
    PASSWORD_ENV,
    Attachment,
    MailConfig,
    MailError,
    build_message,
    default_body,
    load_config,
    parse_addresses,
    send,
)
from rectification.deliver.office_pdf import make_pdf
from rectification.deliver.pdf import PdfCancelled, PdfError, docx_to_pdf
from rectification.deliver.smtp import SendClock
from rectification.files.write import write_noting_renames
from rectification.render.notice import date_text


@dataclass(frozen=True)
class Extras:
    """What to do with a written notice: --pdf, --eml, --send."""

    pdf: bool = False
    eml: bool = False
    send: bool = False
    mail_config: Path | None = None
    clock: SendClock = field(default_factory=SendClock, compare=False)  # shared by the notice and the letters

    @property
    def wanted(self) -> bool:
        return self.pdf or self.eml or self.send


@dataclass
class Delivered:
    pdf_path: Path | None = None
    pdf_maker: str = ""  # Word, WPS or LibreOffice
    eml_path: Path | None = None
    sent_to: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # one Chinese sentence per failed step
    renamed: list[tuple[Path, Path]] = field(default_factory=list)


def password_from_env() -> str | None:
    return os.environ.get(PASSWORD_ENV) or None


@dataclass(frozen=True)
class Letter:
    """A written notice and what its delivery needs to know."""

    path: Path  # where the .docx was written; the PDF and .eml go beside it
    docx: bytes
    title: str
    info: NoticeInfo


def deliver(
    letter: Letter,
    extras: Extras,
    ask_password: Callable[[MailConfig], str],
    cancel: threading.Event | None = None,
) -> Delivered:
    """Make the PDF, write the .eml and send, as asked; ask_password is called only when a login needs one.

    A set cancel stops the PDF under way (PdfCancelled) before anything more is written or sent.
    """
    done = Delivered()
    if not extras.wanted:
        return done
    notice, docx_bytes, info = letter.path, letter.docx, letter.info
    attachments = [Attachment(notice.name, docx_bytes)]
    if extras.pdf:
        try:  # Word, else WPS (Windows), else LibreOffice: deliver/office_pdf.py
            made = make_pdf(docx_bytes, fallback=docx_to_pdf, cancel=cancel)
        except PdfCancelled:
            raise
        except PdfError as error:
            done.failures.append(f"PDF：{error}")
        else:
            done.pdf_path = write_noting_renames(notice.with_suffix(".pdf"), made.data, done.renamed)
            done.pdf_maker = made.maker
            attachments.append(Attachment(done.pdf_path.name, made.data))
    if not (extras.eml or extras.send):
        return done
    try:
        to = parse_addresses(info.recipients, "收件人")
        cc = parse_addresses(info.cc, "抄送")
    except MailError as error:
        done.failures.append(f"邮件：{error}")
        return done
    body = default_body(letter.title, info.issuer, date_text(info.issue_date), done.pdf_path is not None)
    if extras.eml:
        try:
            draft = build_message(letter.title, body, attachments, to, cc, draft=True)
        except MailError as error:
            done.failures.append(f"邮件：{error}")
        else:
            done.eml_path = write_noting_renames(notice.with_suffix(".eml"), draft, done.renamed)
    if extras.send:
        try:
            config = load_config(extras.mail_config) if extras.mail_config else None
            if config is None:
                raise MailError("未指定邮件设置文件")
            password = (password_from_env() or ask_password(config)) if config.user else ""
            message = build_message(letter.title, body, attachments, to, cc, sender=config.from_address, draft=False)
            send(message, to + cc, config, password, extras.clock.start(config))
        except MailError as error:
            done.failures.append(f"邮件：{error}")
        else:
            done.sent_to = to + cc
    return done


@dataclass(frozen=True)
class ReminderLetter:
    """A written 督办 reminder: the letter, its file and bytes."""

    reminder: Reminder
    path: Path
    docx: bytes
    title: str = ""  # the letter's own title (督办标题): the mail names the letter by it
    addressed_as: str = "你部门"  # 督办称谓: 你部门, or 您 for a leader


@dataclass
class RemindersDelivered:
    status: dict[str, str] = field(default_factory=dict)  # addressee -> 督办清单's 邮件 column
    eml_paths: list[Path] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)  # addressees whose letter went out
    failures: list[str] = field(default_factory=list)
    renamed: list[tuple[Path, Path]] = field(default_factory=list)


def deliver_reminders(
    letters: list[ReminderLetter],
    issuer: str,
    as_of_text: str,
    extras: Extras,
    ask_password: Callable[[MailConfig], str],
    word: str = "巡察",  # 称谓: 巡察 or 巡视
) -> RemindersDelivered:
    """An .eml draft beside each letter (--eml) and/or the letter sent (--send) to its addressee's e-mails.

    A letter without an address is left as it is and says 无邮箱; one failed send does not stop the others.
    """
    done = RemindersDelivered()
    config, password = None, ""
    until = 0.0  # every letter's send ends by the run's one deadline (README: at most 90 s for the whole send)
    for letter in letters:
        r = letter.reminder
        if not r.to:
            done.status[r.addressee] = "无邮箱"
            continue
        title = letter.title or letter.path.stem
        subject = f"{r.addressee}：督办提醒（{as_of_text}）"
        counts = "、".join(
            c for c in (f"{r.red}项已逾期" if r.red else "", f"{r.yellow}项即将到期" if r.yellow else "") if c
        )
        body = (
            f"{r.addressee}：\n\n截至{as_of_text}，{letter.addressed_as}负责的{word}整改措施中{counts}，"
            f"详见附件《{title}》，请抓紧办理并按要求反馈。\n\n{issuer}\n{as_of_text}\n"
        )
        attachments = [Attachment(letter.path.name, letter.docx)]
        if extras.eml:
            try:
                draft = build_message(subject, body, attachments, list(r.to), list(r.cc), draft=True)
            except MailError as error:
                done.failures.append(f"{r.addressee}的督办提醒函：{error}")
                done.status[r.addressee] = "发送失败"
                continue
            done.eml_paths.append(write_noting_renames(letter.path.with_suffix(".eml"), draft, done.renamed))
            done.status[r.addressee] = "草稿"
        if extras.send:
            if config is None:
                try:
                    config = load_config(extras.mail_config) if extras.mail_config else None
                    if config is None:
                        raise MailError("未指定邮件设置文件")
                    password = (password_from_env() or ask_password(config)) if config.user else ""
                    until = extras.clock.start(config)  # once the password is typed: the user's pause is no server's
                except MailError as error:  # no settings or no password: no letter can go, so try none
                    done.failures.append(f"督办提醒函未发送：{error}")
                    done.status.update({other.reminder.addressee: "发送失败" for other in letters if other.reminder.to})
                    return done
            try:
                message = build_message(
                    subject, body, attachments, list(r.to), list(r.cc), sender=config.from_address, draft=False
                )
                send(message, [*r.to, *r.cc], config, password, until)
            except MailError as error:
                done.failures.append(f"{r.addressee}的督办提醒函：{error}")
                done.status[r.addressee] = "发送失败"
            else:
                done.sent.append(r.addressee)
                done.status[r.addressee] = "已发送"
    return done
