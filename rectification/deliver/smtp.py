"""Sending by SMTP over SSL or STARTTLS, verifying the server's certificate, within a deadline."""

from __future__ import annotations

import base64
import contextlib
import errno
import smtplib
import socket
import ssl
import threading
import time

from rectification.core.names import os_error_text
from rectification.deliver.mail_settings import PORT_HINT, MailConfig
from rectification.deliver.message import MailError, bare_address

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
LATE_MARGIN = 0.05  # seconds: a timeout this close to the deadline is the deadline's
UNREACHABLE = {errno.ENETUNREACH, errno.EHOSTUNREACH, 10051, 10065}  # and Windows' WSAENETUNREACH, WSAEHOSTUNREACH


def send(message: bytes, recipients: list[str], config: MailConfig, password: str, until: float | None = None) -> None:
    """Send by SMTP over SSL or STARTTLS, verifying the server's certificate; raises MailError.

    Each reply may take config.timeout seconds and the whole send config.deadline seconds: past that the
    connection is cut, so that a server that answers a byte at a time cannot keep the program waiting.
    until (a time.monotonic() value) ends a send of several messages at one deadline: start_of_send() gives it.
    """
    until = start_of_send(config) if until is None else until
    if not config.from_address:
        raise MailError("邮件设置文件未填写 user 或 from（发件人邮箱），无法发送")
    if not recipients:
        raise MailError("基本信息未填写“收件人”，无法发送邮件。请在“基本信息”工作表增加“收件人”一行，填写邮箱地址")
    where = f"{config.server}:{config.port}"
    context = _tls_context(config)
    expired = threading.Event()
    if until - time.monotonic() <= 0:
        raise _explained(TimeoutError(), config, where, True)
    try:
        refused = _send_within_deadline(message, recipients, config, password, context, expired, until)
    except MailError:
        if expired.is_set():  # a reply cut short by the deadline ("222…" for EHLO) is no "不支持 STARTTLS"
            raise _explained(TimeoutError(), config, where, True) from None
        raise
    except Exception as error:
        late = expired.is_set() or time.monotonic() >= until - LATE_MARGIN  # a reply's timeout cut to the deadline
        raise _explained(error, config, where, late) from None
    if refused:
        raise MailError(f"邮件已发送，但以下收件人被服务器拒绝：{'、'.join(refused)}")


def start_of_send(config: MailConfig) -> float:
    """The moment (time.monotonic()) by which a send that starts now must be done."""
    return time.monotonic() + config.deadline


class SendClock:
    """One deadline for all a run sends, the notice and every 督办 letter (README: 90 s in all); it starts with
    the first send, after the password was typed (the user's pause is no server's)."""

    def __init__(self) -> None:
        self.until: float | None = None

    def start(self, config: MailConfig) -> float:
        if self.until is None:
            self.until = start_of_send(config)
        return self.until


def _send_within_deadline(
    message: bytes,
    recipients: list[str],
    config: MailConfig,
    password: str,
    context: ssl.SSLContext,
    expired: threading.Event,
    until: float,
) -> dict:
    """The SMTP conversation; a watchdog cuts the socket once the deadline (until) has passed."""
    remaining = max(until - time.monotonic(), 0.01)
    timeout = min(config.timeout, remaining)
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

    watchdog = threading.Timer(remaining, cut)
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
