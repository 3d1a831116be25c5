"""The notice as an e-mail: a 7-bit .eml draft, and sending it by SMTP over SSL or STARTTLS.

The MIME text is written here rather than by email.message: the standard library folds a long Chinese
file name into RFC 2231 continuations (filename*0*=) with no name= fallback, which Outlook and several
Chinese webmail services show as ATT00001.bin. We write one filename*=utf-8''… and an encoded-word name=.
"""

from __future__ import annotations

import base64
import configparser
import contextlib
import errno
import re
import smtplib
import socket
import ssl
import threading
import unicodedata
import uuid
from dataclasses import dataclass
from email.header import Header
from email.utils import formataddr, formatdate, getaddresses
from pathlib import Path
from urllib.parse import quote

from rectification.core.errors import EXIT_DELIVERY, RectificationError
from rectification.core.names import os_error_text

PASSWORD_ENV = "RECTIFICATION_SMTP_PASSWORD"
CONFIG_NAME = "mail.ini"
EXAMPLE_NAME = "mail.example.ini"
SECURITY = ("ssl", "starttls")
DEFAULT_PORTS = {"ssl": 465, "starttls": 587}
TIMEOUT_SECONDS = 30  # for each reply
DEADLINE_SECONDS = 90  # for the whole send: a server that drips a byte every few seconds is stopped here
MAX_ADDRESS_CHARS = 254  # RFC 5321: the longest mailbox a server accepts
PASSWORD_KEYS = {
    "password",
    "passwd",
    "pass",
    "pwd",
    "smtp_password",
    "auth_code",
    "authcode",
    "密码",
    "授权码",
    "口令",
}
HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
CRLF = "\r\n"
MAX_LINE = 998  # RFC 5322 line limit, CRLF excluded
ADDRESS_SEPARATORS = re.compile(r"[;；,，、\r\n]+")
# ASCII only: [!-;=?A-~] is every printable character but space, <, > and @ (a header must stay 7-bit).
PLAIN_ADDRESS = re.compile(r"[!-;=?A-~]+@[!-;=?A-~]+\.[!-;=?A-~]+")
CONFIG_ENCODINGS = ("utf-8-sig", "gbk")  # UTF-8 (Notepad may add a BOM), else the ANSI code page of old Notepad
PORT_HINT = "请确认 mail.ini 中 security 与端口相符（ssl 一般用 465，starttls 一般用 587）"
# Chinese sentences for what servers and OpenSSL report in English.
SMTP_CODES = {
    421: "服务器暂时不可用，请稍后重试",
    530: "服务器要求先登录，请在 mail.ini 填写 user",
    550: "邮箱不存在或拒收",
    551: "邮箱不存在或拒收",
    552: "邮件过大，超出服务器的限制",
    553: "邮箱地址不被服务器接受",
    554: "邮件被拒收，可能被判为垃圾邮件或不符合服务器的规定",
}
VERIFY_CODES = {
    2: "找不到签发该证书的根证书",
    9: "服务器的证书尚未生效，也可能是本机日期不对",
    10: "服务器的证书已过期，也可能是本机日期不对",
    18: "服务器使用的是自签名证书",
    19: "证书由不受信任的根证书签发",
    20: "找不到签发该证书的根证书",
    21: "找不到签发该证书的根证书",
    23: "服务器的证书已被吊销",
    62: "证书上的名称与服务器地址不符，server 应填写证书上的域名",
    64: "证书上的名称与服务器地址不符，server 应填写证书上的域名",
}
SSL_REASONS = {
    "WRONG_VERSION_NUMBER": "该端口不是 SSL 加密端口",
    "UNSUPPORTED_PROTOCOL": "服务器只支持已淘汰的加密协议",
    "TLSV1_ALERT_PROTOCOL_VERSION": "服务器只支持已淘汰的加密协议",
}
UNREACHABLE = {errno.ENETUNREACH, errno.EHOSTUNREACH, 10051, 10065}  # and Windows' WSAENETUNREACH, WSAEHOSTUNREACH

MIME_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}


class MailError(RectificationError):
    """The e-mail could not be built or sent; the message is for the user (Chinese) and never holds a password."""

    exit_code = EXIT_DELIVERY


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
    deadline: float = DEADLINE_SECONDS

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
    return _addresses(text, f"基本信息“{label}”中的")


def _addresses(text: str, place: str) -> list[str]:
    """The addresses in text, ASCII after NFKC; place starts each error message ("基本信息“收件人”中的")."""
    text = unicodedata.normalize("NFKC", text)  # full-width letters, ＠, ．, ＜＞ and the ideographic space
    pieces: list[str] = []
    for piece in ADDRESS_SEPARATORS.split(text):
        piece = piece.strip()
        pieces += [piece] if "<" in piece else piece.split()  # "a@x.cn b@x.cn" without <…> is two addresses
    result: list[str] = []
    for name, address in getaddresses(pieces):
        if "@" in address and not address.isascii():
            raise MailError(
                f"{place}邮箱地址“{address}”含有中文或全角字符，无法用于收发邮件。"
                "请切换到英文（半角）输入法重新输入；中文域名的邮箱请改用对方的英文邮箱地址"
            )
        if not PLAIN_ADDRESS.fullmatch(address):
            shown = name or address or text
            raise MailError(f"{place}“{shown}”不是有效的邮箱地址，请改为 name@example.com 的形式")
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
        parser.read_string(_config_text(path), source=path.name)
    except configparser.Error as error:
        raise MailError(
            f"邮件设置文件 {path.name} 格式有误：{_config_problem(error)}。请对照 {EXAMPLE_NAME} 修改"
        ) from None
    if not parser.has_section("smtp"):
        raise MailError(f"邮件设置文件 {path.name} 缺少 [smtp] 一节，请对照 {EXAMPLE_NAME} 修改")
    section = parser["smtp"]
    for name in [parser.default_section, *parser.sections()]:
        for key in parser[name]:
            if key.strip().lower() in PASSWORD_KEYS:
                raise MailError(
                    f"邮件设置文件 {path.name} 中有“{key}”一行：为保护密码，本工具不使用写在文件里的密码。"
                    f"请删除这一行并保存后重试；发送时会提示输入密码（输入时不显示，也不会保存），"
                    f"或预先设置环境变量 {PASSWORD_ENV}"
                )

    def value(key: str, default: str = "") -> str:
        return unicodedata.normalize("NFKC", section.get(key, default)).strip()  # full-width typing → ASCII

    server = value("server")
    if not server:
        raise MailError(f"邮件设置文件 {path.name} 未填写 server（邮件服务器地址，如 smtp.example.gov.cn）")
    if not _host_name(server):
        raise MailError(
            f"邮件设置文件 {path.name} 中 server“{server[:60]}{'…' if len(server) > 60 else ''}”不是有效的服务器地址，"
            "应为 smtp.example.gov.cn 或 10.1.2.3 这样的形式"
        )
    security = value("security", "ssl").lower()
    if security not in SECURITY:
        raise MailError(f"邮件设置文件 {path.name} 中 security 只能是 ssl 或 starttls，现为“{security}”")
    port_text = value("port") or str(DEFAULT_PORTS[security])
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise MailError(f"邮件设置文件 {path.name} 中 port（端口）应为数字，如 465 或 587，现为“{port_text}”")
    ca_text = section.get("ca_file", "").strip()
    ca_file = None
    if ca_text:
        ca_file = Path(ca_text) if Path(ca_text).is_absolute() else path.parent / ca_text
        if not ca_file.is_file():
            raise MailError(f"邮件设置文件 {path.name} 中 ca_file 指定的证书文件不存在：{ca_file}")
    user, sender = value("user"), value("from")
    for key, text in (("user", user), ("from", sender)):
        if len(text) > MAX_ADDRESS_CHARS:
            raise MailError(
                f"邮件设置文件 {path.name} 中 {key} 太长（{len(text):,} 个字符）：邮箱地址最多 {MAX_ADDRESS_CHARS} 个字符。"
                "请检查是否误粘贴了其他内容"
            )
    if sender:
        senders = _addresses(sender, f"邮件设置文件 {path.name} 中 from（发件人邮箱）中的")
        if len(senders) != 1:
            raise MailError(f"邮件设置文件 {path.name} 中 from（发件人邮箱）只能填写一个邮箱地址，现为“{sender}”")
        sender = senders[0]
    elif not user.isascii():
        raise MailError(
            f"邮件设置文件 {path.name} 中 user“{user}”不是英文邮箱地址，不能用作发件人。"
            "请在 from 一行填写发件人的邮箱地址"
        )
    return MailConfig(server=server, port=int(port_text), security=security, user=user, sender=sender, ca_file=ca_file)


def _host_name(server: str) -> bool:
    """A DNS name or an IPv4/IPv6 address: what socket accepts without an idna error."""
    if ":" in server:  # IPv6
        return all(
            part == "" or re.fullmatch(r"[0-9A-Fa-f]{1,4}|[0-9.]+", part) for part in server.strip("[]").split(":")
        )
    return len(server) <= 253 and all(HOST_LABEL.fullmatch(label) for label in server.rstrip(".").split("."))


def _config_text(path: Path) -> str:
    """mail.ini's text: UTF-8 (with or without a BOM), UTF-16 (Notepad's “Unicode”), or GBK (old Notepad)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise MailError(f"无法读取邮件设置文件 {path}：{os_error_text(error)}") from None
    encodings = ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else CONFIG_ENCODINGS
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise MailError(
        f"无法识别邮件设置文件 {path.name} 的文字编码。请用记事本打开，“另存为”时编码选择 UTF-8，保存后重试"
    )


def _config_problem(error: configparser.Error) -> str:
    """What configparser found wrong, as a Chinese phrase."""
    if isinstance(error, configparser.MissingSectionHeaderError):
        return "第一行应为 [smtp]"
    if isinstance(error, configparser.DuplicateOptionError):
        return f"[{error.section}] 一节中“{error.option}”填写了两次"
    if isinstance(error, configparser.DuplicateSectionError):
        return f"[{error.section}] 一节出现了两次"
    if isinstance(error, configparser.ParsingError):
        lines = "、".join(str(number) for number, _ in error.errors)
        return f"第 {lines} 行无法识别（每行应为“名称 = 内容”，说明文字请以 ; 开头）"
    return "无法识别其中的内容"


# --- sending ------------------------------------------------------------------------------------------


def send(message: bytes, recipients: list[str], config: MailConfig, password: str) -> None:
    """Send by SMTP over SSL or STARTTLS, verifying the server's certificate; raises MailError.

    Each reply may take config.timeout seconds and the whole send config.deadline seconds: past that the
    connection is cut, so that a server that answers a byte at a time cannot keep the program waiting.
    """
    if not config.from_address:
        raise MailError("邮件设置文件未填写 user 或 from（发件人邮箱），无法发送")
    if not recipients:
        raise MailError("基本信息未填写“收件人”，无法发送邮件。请在“基本信息”工作表增加“收件人”一行，填写邮箱地址")
    where = f"{config.server}:{config.port}"
    context = _tls_context(config)
    expired = threading.Event()
    try:
        refused = _send_within_deadline(message, recipients, config, password, context, expired)
    except MailError:
        raise
    except Exception as error:
        raise _explained(error, config, where, expired.is_set()) from None
    if refused:
        raise MailError(f"邮件已发送，但以下收件人被服务器拒绝：{'、'.join(refused)}")


def _send_within_deadline(
    message: bytes,
    recipients: list[str],
    config: MailConfig,
    password: str,
    context: ssl.SSLContext,
    expired: threading.Event,
) -> dict:
    """The SMTP conversation; a watchdog cuts the socket once config.deadline has passed."""
    timeout = min(config.timeout, config.deadline)
    if config.security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(timeout=timeout)
    client._host = config.server  # type: ignore[attr-defined]  # starttls() checks the certificate against it; only SMTP(host) would set it

    def cut() -> None:
        expired.set()
        sock = getattr(client, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain socket's: the reader gets EOF at once

    watchdog = threading.Timer(config.deadline, cut)
    watchdog.daemon = True
    watchdog.start()
    try:
        with client:
            client.connect(config.server, config.port)
            if config.security == "starttls":
                client.ehlo()
                if not client.has_extn("starttls"):
                    raise MailError(
                        f"邮件服务器 {config.server}:{config.port} 不支持 STARTTLS 加密，为保护密码未发送。"
                        "请向管理员确认加密方式（SSL 一般用 465 端口），修改 mail.ini 的 security 和 port"
                    )
                client.starttls(context=context)
                client.ehlo()
            if config.user:
                _login(client, config.user, password)
            return client.sendmail(bare_address(config.from_address), [bare_address(r) for r in recipients], message)
    finally:
        watchdog.cancel()


def _timed_out(error: BaseException) -> bool:
    """A timeout, also when smtplib reports it as a closed connection (“Connection unexpectedly closed: timed out”)."""
    causes = (error, error.__cause__, error.__context__)
    return any(isinstance(e, TimeoutError) for e in causes) or "timed out" in str(error)


def _explained(error: Exception, config: MailConfig, where: str, expired: bool) -> MailError:
    """What went wrong, as a Chinese sentence for the user."""
    if expired:
        return MailError(
            f"与邮件服务器 {where} 的通信超过 {config.deadline:.0f} 秒仍未完成（服务器响应太慢），已停止。"
            "邮件未发送（或未得到服务器确认），请稍后重试；若一直如此，请向管理员确认服务器地址和端口"
        )
    if _timed_out(error) and not isinstance(error, ssl.SSLCertVerificationError):
        return MailError(
            f"邮件服务器 {where} 超过 {config.timeout:.0f} 秒没有应答（超时）。未发送，"
            f"请检查网络和 mail.ini 中的服务器地址、端口后重试；{PORT_HINT}"
        )
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return MailError(f"邮件服务器 {where} 拒绝登录：用户名或密码（授权码）不正确。未发送")
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return MailError(f"邮件服务器 {where} 不支持登录。未发送。若该服务器无需登录，请删除 mail.ini 中 user 一行")
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return MailError(f"邮件服务器拒绝了全部收件人：{'、'.join(error.recipients)}。未发送")
    if isinstance(error, smtplib.SMTPSenderRefused):
        return MailError(
            f"邮件服务器拒绝了发件人 {error.sender}（{_reply(error.smtp_code)}）。未发送。"
            "请确认 mail.ini 中 from 与登录的邮箱一致"
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return MailError(f"邮件服务器 {where} 拒绝发送（{_reply(error.smtp_code)}）。未发送")
    if isinstance(error, ssl.SSLCertVerificationError):
        reason: str | None = VERIFY_CODES.get(error.verify_code, "证书不受信任")
        return MailError(
            f"无法验证邮件服务器 {where} 的证书（{reason}）。未发送。"
            "若单位使用自己的根证书，请在 mail.ini 的 ca_file 填写证书文件"
        )
    if isinstance(error, ssl.SSLError):
        reason = SSL_REASONS.get(error.reason or "")
        return MailError(f"与邮件服务器 {where} 建立加密连接失败{f'：{reason}' if reason else ''}。未发送。{PORT_HINT}")
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return MailError(f"邮件服务器 {where} 意外断开了连接。未发送，请稍后重试；若一直如此，{PORT_HINT}")
    if isinstance(error, smtplib.SMTPException):
        return MailError(f"与邮件服务器 {where} 通信出错。未发送，请稍后重试")
    if isinstance(error, OSError):
        return MailError(
            f"无法连接邮件服务器 {where}（{_network_problem(error)}）。未发送，请检查网络和 mail.ini 中的服务器地址、端口"
        )
    if isinstance(error, UnicodeError):  # an address the idna codec refuses
        return MailError(f"邮件服务器地址 {config.server} 无效。未发送，请检查 mail.ini 中的 server")
    raise error


def _tls_context(config: MailConfig) -> ssl.SSLContext:
    """The default context, trusting the unit's own root certificate too when ca_file names one."""
    ca_file = config.ca_file
    try:
        return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    except ssl.SSLError:  # DER (the usual Windows .cer export), or not a certificate at all
        name = ca_file.name if ca_file else ""
        raise MailError(
            f"邮件设置文件中 ca_file 指定的证书文件“{name}”无法使用：证书文件需为 PEM 格式"
            "（用记事本打开能看到成段的字母和数字，而不是乱码）。未发送。"
            "转换方法：在 Windows 中双击该证书，在“详细信息”页点“复制到文件”，格式选择“Base64 编码 X.509(.CER)”，"
            "保存后把新文件填入 ca_file"
        ) from None
    except OSError as error:
        raise MailError(f"无法读取 ca_file 指定的证书文件 {ca_file}：{os_error_text(error)}。未发送") from None


def _network_problem(error: OSError) -> str:
    """Why a connection failed, in Chinese (strerror is English, or in the system's code page on Windows)."""
    if isinstance(error, socket.gaierror):
        return "找不到该服务器地址，请检查 server 是否拼写正确、本机能否上网"
    if isinstance(error, ConnectionRefusedError):
        return "服务器拒绝连接，该端口可能未开放"
    if isinstance(error, (ConnectionResetError, ConnectionAbortedError)):
        return "连接被服务器或防火墙中断"
    if error.errno in UNREACHABLE:
        return "网络不通"
    return "网络连接失败"


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


def _reply(code: int) -> str:
    """An SMTP reply code and its meaning; the server's own words are English more often than not."""
    if code in SMTP_CODES:
        return f"{code}：{SMTP_CODES[code]}"
    return f"{code}：{'服务器暂时无法处理，请稍后重试' if 400 <= code < 500 else '服务器拒绝处理'}"
