"""The notice as an e-mail: a 7-bit MIME message with CRLF lines, ready to save as .eml or send.

The MIME text is written here rather than by email.message: the standard library folds a long Chinese
file name into RFC 2231 continuations (filename*0*=) with no name= fallback, which Outlook and several
Chinese webmail services show as ATT00001.bin. We write one filename*=utf-8''… and an encoded-word name=.
"""

from __future__ import annotations

import base64
import unicodedata
import uuid
from dataclasses import dataclass
from email.header import Header
from email.utils import formataddr, formatdate
from pathlib import Path
from urllib.parse import quote

from rectification.core.errors import EXIT_DELIVERY, RectificationError
from rectification.read import addresses

CRLF = "\r\n"
MAX_LINE = 998  # RFC 5322 line limit, CRLF excluded
SUBJECT_ROOM = 78 - len("Subject: ")  # an ASCII subject longer than this is folded as encoded words
MIME_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}


class MailError(RectificationError):
    """The e-mail could not be built or sent; the message is for the user (Chinese) and never holds a password."""

    exit_code = EXIT_DELIVERY


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes

    @property
    def mime_type(self) -> str:
        return MIME_TYPES.get(Path(self.name).suffix.lower(), "application/octet-stream")


# --- addresses ----------------------------------------------------------------------------------------


def parse_addresses(text: str, label: str = "收件人") -> list[str]:
    """'张三 <a@x.cn>；b@x.cn' → ['张三 <a@x.cn>', 'b@x.cn']; raises MailError for the first unusable one."""
    return addresses_in(text, f"基本信息“{label}”中的")


def addresses_in(text: str, place: str) -> list[str]:
    """The addresses in text (read/addresses.py); place starts the error message ("基本信息“收件人”中的")."""
    found = addresses.parse(text)
    if found.problems:
        raise MailError(f"{place}{found.problems[0]}")
    return [str(mailbox) for mailbox in found.mailboxes]


def bare_address(address: str) -> str:
    return _one(address).address


def _one(address: str) -> addresses.Mailbox:
    """The single mailbox an address string names; anything else (two, none, a CR LF) is refused here too."""
    found = addresses.parse(address)
    if found.problems or len(found.mailboxes) != 1:
        problem = found.problems[0] if found.problems else f"“{address[:60]}”不是一个邮箱地址"
        raise MailError(f"邮件地址无法使用：{problem}")
    return found.mailboxes[0]


# --- the message --------------------------------------------------------------------------------------


def build_message(
    subject: str,
    body: str,
    attachments: list[Attachment],
    to: list[str],
    cc: list[str] | None = None,
    sender: str = "",
    draft: bool = True,
) -> bytes:
    """The message as 7-bit bytes with CRLF lines; draft=True adds X-Unsent: 1 for Outlook."""
    boundary = f"=_notice_{uuid.uuid4().hex}"
    domain = bare_address(sender).rpartition("@")[2] if sender else "rectification.local"
    headers = []
    if sender:
        headers.append(("From", _address_list([sender])))
    if to:
        headers.append(("To", _address_list(to)))
    if cc:
        headers.append(("Cc", _address_list(cc)))
    headers += [
        ("Subject", _encoded_words(subject)),
        ("Date", formatdate(localtime=True)),
        ("Message-ID", f"<{uuid.uuid4().hex}@{domain}>"),  # make_msgid() may wait seconds on a DNS lookup
        ("MIME-Version", "1.0"),
    ]
    if draft:
        headers.append(("X-Unsent", "1"))
    headers.append(("Content-Type", f'multipart/mixed;{CRLF} boundary="{boundary}"'))
    lines = [f"{name}: {value}" for name, value in headers]
    lines += ["", "This is a multi-part message in MIME format.", ""]
    lines += [f"--{boundary}", 'Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: base64", ""]
    lines += [_base64_lines(body.replace("\r\n", "\n").replace("\n", CRLF).encode("utf-8")), ""]
    for attachment in attachments:
        lines += [f"--{boundary}", *_attachment_headers(attachment), "", _base64_lines(attachment.data), ""]
    lines += [f"--{boundary}--", ""]
    message = CRLF.join(lines).encode("ascii")
    if any(len(line) > MAX_LINE for line in message.split(CRLF.encode())):
        raise MailError(
            f"邮件中有一行超过 {MAX_LINE} 个字符（多为过长的收件人、抄送或发件人地址），无法生成邮件。"
            "请检查“基本信息”的收件人、抄送和 mail.ini 中的 user、from"
        )
    return message


def _attachment_headers(attachment: Attachment) -> list[str]:
    """Content-Type with an encoded-word name=, Content-Disposition with a single RFC 2231 filename*."""
    name = attachment.name
    ascii_name = name.isascii() and '"' not in name and "\\" not in name
    encoded = f'"{name}"' if ascii_name else f'"=?utf-8?b?{base64.b64encode(name.encode()).decode()}?="'
    disposition = f'filename="{name}"' if ascii_name else f"filename*=utf-8''{quote(name, safe='')}"
    if len(disposition) + 1 > MAX_LINE:  # a very long name: RFC 2231 continuations, still one per line
        disposition = _continued_filename(name)
    return [
        f"Content-Type: {attachment.mime_type};{CRLF} name={encoded}",
        "Content-Transfer-Encoding: base64",
        f"Content-Disposition: attachment;{CRLF} {disposition}",
    ]


def _continued_filename(name: str) -> str:
    quoted = quote(name, safe="")
    chunks, step = [], 600
    while quoted:
        cut = step if len(quoted) > step else len(quoted)
        while "%" in quoted[max(cut - 2, 0) : cut] and cut < len(quoted):  # never split a %XX escape
            cut -= 1
        chunks.append(quoted[:cut])
        quoted = quoted[cut:]
    first = f"filename*0*=utf-8''{chunks[0]}"
    return f";{CRLF} ".join([first, *(f"filename*{i}*={c}" for i, c in enumerate(chunks[1:], 1))])


def _encoded_words(text: str) -> str:
    """A header's text, 7-bit and folded: encoded words (which may break anywhere) unless it is short ASCII."""
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)  # no CR LF into a header
    if text.isascii() and len(text) <= SUBJECT_ROOM:
        return text
    return Header(text, "utf-8", header_name="Subject").encode(linesep=CRLF)


def _address_list(addresses: list[str]) -> str:
    parts = []
    for address in addresses:
        mailbox = _one(address)
        parts.append(formataddr((mailbox.name, mailbox.address), charset="utf-8") if mailbox.name else mailbox.address)
    return f",{CRLF} ".join(parts)


def _base64_lines(data: bytes) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return CRLF.join(encoded[i : i + 76] for i in range(0, len(encoded), 76))


def default_body(title: str, issuer: str, date_text: str, has_pdf: bool) -> str:
    """A short covering note in Chinese."""
    files = "Word 版和 PDF 版" if has_pdf else "Word 版"
    return f"您好：\n\n现将《{title}》（{files}）发送给您，详见附件，请查收。\n\n{issuer}\n{date_text}\n"
