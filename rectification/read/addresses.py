"""E-mail addresses as people type them: one parser for 基本信息 (收件人, 抄送), 人员名单 (邮箱) and mail.ini.

Addresses are split on Chinese and Latin separators, but never inside quotes, <…> or (…): "Zhang, San" <a@x.cn>
is one address. Encoded words (=?utf-8?b?…?=) in a display name are decoded before it is checked, and a name or
address holding CR, LF or any other control character is refused: it could add a header line (Bcc:) to a message.
What cannot be used comes back as Chinese phrases, for the caller to say where (sheet and row, or mail.ini).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.header import decode_header, make_header

SEPARATORS = frozenset(";；,，、\r\n")  # between addresses (outside quotes, <…> and (…))
# RFC 5322 dot-atom @ host name, ASCII only: no quote, comma or semicolon that would make a header read the
# address as two (<evil,a@x.cn>), and no trailing dot (a@x.cn. is written as To: <>).
ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
PLAIN_ADDRESS = re.compile(rf"{ATOM}(?:\.{ATOM})*@{LABEL}(?:\.{LABEL})+")
ANGLE = re.compile(r"(?s)(.*)<([^<>]*)>")
COMMENT = re.compile(r"(?s)([^\s()]+)\s*\((.*)\)")  # a@x.cn (张三): the older way to name someone
ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")
MAX_ADDRESS_CHARS = 254  # RFC 5321: the longest mailbox a server accepts
MAX_NAME_CHARS = 200  # a display name longer than this is a pasted paragraph, not a name
SPECIALS = set('()<>[]:;@\\,."')  # a display name holding one of these must be quoted (RFC 5322)
VALID_FORM = "请改为 name@example.com 或 张三 <name@example.com> 的形式"


@dataclass(frozen=True)
class Mailbox:
    """One address: its display name (decoded, as a person reads it) and the ASCII address itself."""

    name: str
    address: str

    def __str__(self) -> str:
        """As a header writes it: 张三 <a@x.cn>, "Zhang, San" <a@x.cn>, or a@x.cn."""
        if not self.name:
            return self.address
        if SPECIALS.intersection(self.name):
            escaped = self.name.replace("\\", "\\\\").replace('"', '\\"')
            return f'"{escaped}" <{self.address}>'
        return f"{self.name} <{self.address}>"


@dataclass(frozen=True)
class Addresses:
    """What a cell or a setting held: the mailboxes to use, and a Chinese phrase for each piece that cannot be."""

    mailboxes: tuple[Mailbox, ...] = ()
    problems: tuple[str, ...] = field(default=())


def parse(text: str) -> Addresses:
    """Every address in text (full-width letters, ＠ and ＜＞ typed with a Chinese IME are made ASCII)."""
    text = unicodedata.normalize("NFKC", text).replace("\t", " ")
    mailboxes: list[Mailbox] = []
    problems: list[str] = []
    for piece in _pieces(text):
        if "<" not in piece and '"' not in piece and "(" not in piece and not _has_control(piece):
            words = piece.split()  # "a@x.cn b@x.cn" without <…> is two addresses
        else:
            words = [piece]
        for word in words:
            found = _mailbox(word)
            if isinstance(found, Mailbox):
                mailboxes.append(found)
            else:
                problems.append(found)
    return Addresses(tuple(mailboxes), tuple(problems))


def _pieces(text: str) -> list[str]:
    """text split at separators that stand outside quotes, <…> and (…)."""
    pieces: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    angle = paren = 0
    for char in text:
        if quoted:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char in "<>":
            angle = 1 if char == "<" else 0
        elif char in "()":
            paren = max(paren + (1 if char == "(" else -1), 0)
        elif char in SEPARATORS and not angle and not paren:
            pieces.append("".join(current))
            current = []
            continue
        current.append(char)
    pieces.append("".join(current))
    return [piece.strip() for piece in pieces if piece.strip()]


def _mailbox(piece: str) -> Mailbox | str:
    """The mailbox a piece names, or a Chinese phrase saying why it cannot be used."""
    shown = _shown(piece)
    if _has_control(piece):
        return f"“{shown}”中含有换行或控制字符，不能用作邮箱地址（可能被用来添加隐藏的收件人）。请重新输入该地址"
    if (angle := ANGLE.fullmatch(piece)) is not None:
        name, address = angle[1].strip(), angle[2].strip()
    elif (comment := COMMENT.fullmatch(piece)) is not None:
        address, name = comment[1], comment[2].strip()
    else:
        name, address = "", piece
    name = _unquoted(name)
    if ENCODED_WORD.search(name):
        try:
            name = str(make_header(decode_header(name)))
        except (HeaderParseError, UnicodeError, LookupError, ValueError):
            return f"“{shown}”的名称无法识别（编码有误）。请把名称改为普通文字"
        if _has_control(name):
            return (
                f"“{shown}”的名称解码后含有换行或控制字符，不能使用（可能被用来添加隐藏的收件人）。请把名称改为普通文字"
            )
    if _has_invisible(name):
        return (
            f"“{shown}”的名称含有看不见的字符（如从右到左覆盖、零宽空格），不能使用（可能被用来伪装名称）。"
            "请把名称改为普通文字"
        )
    if len(name) > MAX_NAME_CHARS:
        return f"“{shown}”的名称过长（{len(name):,} 个字符）。请只填写姓名或单位名称"
    if "@" in address and not address.isascii():
        return (
            f"邮箱地址“{_shown(address)}”含有中文或全角字符，无法用于收发邮件。"
            "请切换到英文（半角）输入法重新输入；中文域名的邮箱请改用对方的英文邮箱地址"
        )
    if len(address) > MAX_ADDRESS_CHARS:
        return f"邮箱地址“{_shown(address)}”过长（{len(address):,} 个字符，最多 {MAX_ADDRESS_CHARS} 个）"
    if not PLAIN_ADDRESS.fullmatch(address):
        return f"“{_shown(name or address or piece)}”不是有效的邮箱地址，{VALID_FORM}"
    return Mailbox(name, address)


def _unquoted(name: str) -> str:
    if len(name) >= 2 and name.startswith('"') and name.endswith('"'):
        return re.sub(r"\\(.)", r"\1", name[1:-1]).strip()
    return name


def _has_control(text: str) -> bool:
    """CR, LF, any other control character, or U+2028/U+2029 (a line break to many mail programs)."""
    return any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in text) if not text.isprintable() else False


def _has_invisible(text: str) -> bool:
    """Bidi overrides, zero-width spaces and the like (Unicode format characters): they disguise a name."""
    return any(unicodedata.category(char) == "Cf" for char in text) if not text.isprintable() else False


def _shown(text: str) -> str:
    """text as a message may quote it: control characters as ⏎ or ?, and at most 60 characters."""
    visible = "".join(
        "⏎" if char in "\r\n\u2028\u2029" else "?" if unicodedata.category(char) in ("Cc", "Cf") else char
        for char in text
    )
    return visible if len(visible) <= 60 else visible[:60] + "…"
