"""The notice as an e-mail: a 7-bit .eml draft, and sending it by SMTP over SSL or STARTTLS.

The MIME text is written here rather than by email.message: the standard library folds a long Chinese
file name into RFC 2231 continuations (filename*0*=) with no name= fallback, which Outlook and several
Chinese webmail services show as ATT00001.bin. We write one filename*=utf-8''… and an encoded-word name=.
"""

from __future__ import annotations

import base64
import configparser
import re
import smtplib
import ssl
import uuid
from dataclasses import dataclass
from email.header import Header
from email.utils import formataddr, formatdate, getaddresses
from pathlib import Path
from urllib.parse import quote

PASSWORD_ENV = "RECTIFICATION_SMTP_PASSWORD"
CONFIG_NAME = "mail.ini"
EXAMPLE_NAME = "mail.example.ini"
SECURITY = ("ssl", "starttls")
DEFAULT_PORTS = {"ssl": 465, "starttls": 587}
TIMEOUT_SECONDS = 30
CRLF = "\r\n"
MAX_LINE = 998  # RFC 5322 line limit, CRLF excluded
ADDRESS_SEPARATORS = re.compile(r"[;；,，、\r\n]+")
PLAIN_ADDRESS = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")

MIME_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}


class MailError(Exception):
    """The e-mail could not be built or sent; the message is for the user (Chinese) and never holds a password."""


@dataclass(frozen=True)
class MailConfig:
    """The SMTP settings of mail.ini; the password is never part of it."""

    server: str
    port: int
    security: str  # "ssl" or "starttls"
    user: str = ""
    sender: str = ""  # the From address; the user name when blank
    ca_file: Path | None = None  # a unit's own root certificate (government servers often use private CAs)
    timeout: float = TIMEOUT_SECONDS

    @property
    def from_address(self) -> str:
        return self.sender or self.user


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes

    @property
    def mime_type(self) -> str:
        return MIME_TYPES.get(Path(self.name).suffix.lower(), "application/octet-stream")


# --- addresses ----------------------------------------------------------------------------------------


def parse_addresses(text: str, label: str = "收件人") -> list[str]:
    """'张三 <a@x.cn>；b@x.cn' → ['张三 <a@x.cn>', 'b@x.cn']; Chinese and Latin separators, newlines."""
    pieces = []
    for piece in ADDRESS_SEPARATORS.split(text.replace("＠", "@")):
        piece = piece.strip()
        pieces += [piece] if "<" in piece else piece.split()  # "a@x.cn b@x.cn" without <…> is two addresses
    result: list[str] = []
    for name, address in getaddresses(pieces):
        if not PLAIN_ADDRESS.fullmatch(address):
            shown = name or address or text
            raise MailError(f"基本信息“{label}”中的“{shown}”不是有效的邮箱地址，请改为 name@example.com 的形式")
        result.append(f"{name} <{address}>" if name else address)
    return result


def bare_address(address: str) -> str:
    return getaddresses([address])[0][1]


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
    assert all(len(line) <= MAX_LINE for line in message.split(CRLF.encode()))
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
    if text.isascii():
        return text
    return Header(text, "utf-8").encode(linesep=CRLF)


def _address_list(addresses: list[str]) -> str:
    parts = []
    for address in addresses:
        name, bare = getaddresses([address])[0]
        parts.append(formataddr((name, bare), charset="utf-8") if name else bare)
    return f",{CRLF} ".join(parts)


def _base64_lines(data: bytes) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return CRLF.join(encoded[i : i + 76] for i in range(0, len(encoded), 76))


def default_body(title: str, issuer: str, date_text: str, has_pdf: bool) -> str:
    """A short covering note in Chinese."""
    files = "Word 版和 PDF 版" if has_pdf else "Word 版"
    return f"您好：\n\n现将《{title}》（{files}）发送给您，详见附件，请查收。\n\n{issuer}\n{date_text}\n"


# --- settings -----------------------------------------------------------------------------------------


def load_config(path: Path) -> MailConfig:
    """The [smtp] section of mail.ini; raises MailError when it is missing or wrong."""
    if not path.is_file():
        raise MailError(
            f"找不到邮件设置文件 {path}。请把 {EXAMPLE_NAME} 复制为 {CONFIG_NAME}，按其中的说明填写邮件服务器后重试。"
        )
    parser = configparser.ConfigParser(inline_comment_prefixes=(";", "#"), interpolation=None)
    try:
        parser.read(path, encoding="utf-8-sig")  # Notepad may save with a BOM
    except (configparser.Error, UnicodeDecodeError) as error:
        raise MailError(
            f"邮件设置文件 {path.name} 格式有误（{type(error).__name__}），请对照 {EXAMPLE_NAME} 修改"
        ) from None
    if not parser.has_section("smtp"):
        raise MailError(f"邮件设置文件 {path.name} 缺少 [smtp] 一节，请对照 {EXAMPLE_NAME} 修改")
    section = parser["smtp"]
    server = section.get("server", "").strip()
    if not server:
        raise MailError(f"邮件设置文件 {path.name} 未填写 server（邮件服务器地址，如 smtp.example.gov.cn）")
    security = section.get("security", "ssl").strip().lower()
    if security not in SECURITY:
        raise MailError(f"邮件设置文件 {path.name} 中 security 只能是 ssl 或 starttls，现为“{security}”")
    port_text = section.get("port", "").strip() or str(DEFAULT_PORTS[security])
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise MailError(f"邮件设置文件 {path.name} 中 port（端口）应为数字，如 465 或 587，现为“{port_text}”")
    ca_text = section.get("ca_file", "").strip()
    ca_file = None
    if ca_text:
        ca_file = Path(ca_text) if Path(ca_text).is_absolute() else path.parent / ca_text
        if not ca_file.is_file():
            raise MailError(f"邮件设置文件 {path.name} 中 ca_file 指定的证书文件不存在：{ca_file}")
    return MailConfig(
        server=server,
        port=int(port_text),
        security=security,
        user=section.get("user", "").strip(),
        sender=section.get("from", "").strip(),
        ca_file=ca_file,
    )


# --- sending ------------------------------------------------------------------------------------------


def send(message: bytes, recipients: list[str], config: MailConfig, password: str) -> None:
    """Send by SMTP over SSL or STARTTLS, verifying the server's certificate; raises MailError."""
    if not config.from_address:
        raise MailError("邮件设置文件未填写 user 或 from（发件人邮箱），无法发送")
    if not recipients:
        raise MailError("基本信息未填写“收件人”，无法发送邮件。请在“基本信息”工作表增加“收件人”一行，填写邮箱地址")
    where = f"{config.server}:{config.port}"
    context = ssl.create_default_context(cafile=str(config.ca_file) if config.ca_file else None)
    try:
        if config.security == "ssl":
            client = smtplib.SMTP_SSL(config.server, config.port, timeout=config.timeout, context=context)
        else:
            client = smtplib.SMTP(config.server, config.port, timeout=config.timeout)
        with client:
            if config.security == "starttls":
                client.ehlo()
                if not client.has_extn("starttls"):
                    raise MailError(
                        f"邮件服务器 {where} 不支持 STARTTLS 加密，为保护密码未发送。"
                        "请向管理员确认加密方式（SSL 一般用 465 端口），修改 mail.ini 的 security 和 port"
                    )
                client.starttls(context=context)
                client.ehlo()
            if config.user:
                _login(client, config.user, password)
            refused = client.sendmail(bare_address(config.from_address), [bare_address(r) for r in recipients], message)
    except MailError:
        raise
    except smtplib.SMTPAuthenticationError:
        raise MailError(f"邮件服务器 {where} 拒绝登录：用户名或密码（授权码）不正确。未发送") from None
    except smtplib.SMTPRecipientsRefused as error:
        raise MailError(f"邮件服务器拒绝了全部收件人：{'、'.join(error.recipients)}。未发送") from None
    except smtplib.SMTPSenderRefused as error:
        raise MailError(f"邮件服务器拒绝了发件人 {error.sender}（{_reply(error.smtp_error)}）。未发送") from None
    except smtplib.SMTPResponseException as error:
        raise MailError(
            f"邮件服务器 {where} 拒绝发送（{error.smtp_code} {_reply(error.smtp_error)}）。未发送"
        ) from None
    except ssl.SSLCertVerificationError as error:
        raise MailError(
            f"无法验证邮件服务器 {where} 的证书（{error.verify_message}）。未发送。"
            "若单位使用自己的根证书，请在 mail.ini 的 ca_file 填写证书文件"
        ) from None
    except ssl.SSLError as error:
        raise MailError(
            f"与邮件服务器 {where} 建立加密连接失败（{error.reason or error}）。未发送。请确认 security 与端口相符"
            "（ssl 一般用 465，starttls 一般用 587）"
        ) from None
    except TimeoutError:  # socket.timeout is TimeoutError since Python 3.10
        raise MailError(f"连接邮件服务器 {where} 超时。未发送，请检查网络和服务器地址、端口") from None
    except smtplib.SMTPException as error:
        raise MailError(f"与邮件服务器 {where} 通信出错（{type(error).__name__}）。未发送") from None
    except OSError as error:
        raise MailError(
            f"无法连接邮件服务器 {where}（{error.strerror or error}）。未发送，请检查网络和 mail.ini 中的服务器地址、端口"
        ) from None
    if refused:
        raise MailError(f"邮件已发送，但以下收件人被服务器拒绝：{'、'.join(refused)}")


def _login(client: smtplib.SMTP, user: str, password: str) -> None:
    """smtplib.login, which sends only ASCII; AUTH PLAIN is UTF-8 (RFC 4616), so other passwords go that way."""
    if user.isascii() and password.isascii():
        client.login(user, password)
        return
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, reply = client.docmd("AUTH", f"PLAIN {token}")
    if code == 334:  # the server wants the credentials after an empty challenge
        code, reply = client.docmd(token)
    if code not in (235, 503):
        raise smtplib.SMTPAuthenticationError(code, reply)


def _reply(text: bytes | str) -> str:
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
