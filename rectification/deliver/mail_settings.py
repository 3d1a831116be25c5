"""mail.ini: the SMTP settings a unit fills in once; never a password."""

from __future__ import annotations

import configparser
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rectification.core.names import os_error_text
from rectification.deliver.message import MailError, addresses_in
from rectification.read import addresses

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
CONFIG_ENCODINGS = ("utf-8-sig", "gbk")  # UTF-8 (Notepad may add a BOM), else the ANSI code page of old Notepad
PORT_HINT = "请确认 mail.ini 中 security 与端口相符（ssl 一般用 465，starttls 一般用 587）"


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
    if not (port_text.isdecimal() and len(port_text) <= 5) or not 0 < int(port_text) < 65536:  # int() takes these
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
        senders = addresses_in(sender, f"邮件设置文件 {path.name} 中 from（发件人邮箱）中的")
        if len(senders) != 1:
            raise MailError(f"邮件设置文件 {path.name} 中 from（发件人邮箱）只能填写一个邮箱地址，现为“{sender}”")
        sender = senders[0]
    if not user.isprintable():  # a continuation line in mail.ini: nothing of it may reach the server
        raise MailError(f"邮件设置文件 {path.name} 中 user 一行含有换行或控制字符。请把 user 写在一行内")
    if not sender and user:
        found = addresses.parse(user)
        if found.problems or len(found.mailboxes) != 1:
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
