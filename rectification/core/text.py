"""Cell text made safe and comparable: NFKC, no stray spaces, no control or invisible characters."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache

# Excel stores control characters as _x0007_; openpyxl hands them over undecoded.
EXCEL_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")
# C0 (but tab, LF, CR), DEL, C1 (U+0080–U+009F: U+009B is a terminal's CSI) and the two non-characters.
CONTROL_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff"
# Invisible characters that reorder or hide text: bidi embeddings, overrides and isolates, zero-width
# spaces and joiners, marks, the word joiner and invisible operators, the BOM.
INVISIBLE_CHARS = "\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
CONTROL = re.compile(f"[{CONTROL_CHARS}]")
INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}]")
UNSAFE = re.compile(f"[{CONTROL_CHARS}{INVISIBLE_CHARS}]")
NEEDS_WORK = re.compile(f"[\\x00-\\x1f{CONTROL_CHARS}{INVISIBLE_CHARS}]|_x[0-9A-Fa-f]{{4}}_")  # beyond a strip
SPACES = "\u3000\xa0\u2002\u2003\u2009 \t"
WHITE_SPACE = re.compile(r"\s+")
CACHED_KEY_CHARS = 40  # labels and headers this short repeat ledger after ledger (a batch, a round's template)


def plain(text: str, lines: bool = False) -> bool:
    """No control or invisible character and no _x0007_ escape: nothing to remove (C speed); with lines, line
    breaks allowed.

    Every character UNSAFE and NEEDS_WORK name is one str.isprintable() refuses (Cc, Cf, Cn), as are lone
    surrogates and CR.
    """
    if "_x" in text:
        return False
    return text.isprintable() or (lines and "\n" in text and text.replace("\n", "").isprintable())


def xml_safe(text: str) -> str:
    """Text that lxml and Office accept and that shows as it reads: no control or invisible characters."""
    return text if plain(text, lines=True) else UNSAFE.sub("", EXCEL_ESCAPE.sub("", text))


def quoted(text: str, limit: int = 20) -> str:
    """What a user wrote, as a message quotes it back: no control or invisible character, cut short past limit."""
    text = UNSAFE.sub("", text)
    return text if len(text) <= limit else f"{text[:limit]}……（共{len(text):,}个字符）"


def invisible_in(text: str) -> list[str]:
    """The invisible characters in text, as U+XXXX names, in order of first appearance."""
    return list(dict.fromkeys(f"U+{ord(c):04X}" for c in INVISIBLE.findall(text)))


def clean(value: object) -> str:
    """A cell value as trimmed text; line breaks kept (they separate paragraphs)."""
    if value is None:
        return ""
    if isinstance(value, str) and ((value.isprintable() and "_x" not in value) or NEEDS_WORK.search(value) is None):
        return value.strip(SPACES)  # the common case (plain() inlined), kept fast: 100,000 rows clean 1.2 million cells
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = xml_safe(str(value)).replace("\r\n", "\n").replace("\r", "\n")
    lines = (line.strip(SPACES) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def key(value: object) -> str:
    """Header or key text for matching: NFKC, no spaces or line breaks, no surrounding marks."""
    if isinstance(value, str) and len(value) <= CACHED_KEY_CHARS:
        return _cached_key(value)
    return _key(value)


@lru_cache(maxsize=4096)  # short texts only: what a batch keeps stays small
def _cached_key(text: str) -> str:
    return _key(text)


def _key(value: object) -> str:
    text = unicodedata.normalize("NFKC", clean(value))
    text = WHITE_SPACE.sub("", text)
    return text.strip("*:：()（）[]【】")


def paragraphs(value: object) -> list[str]:
    """A narrative cell split at its line breaks."""
    if value is None:
        return []
    return [line for line in clean(value).split("\n") if line]


def escape_xml(text: str, quote: bool = False) -> str:
    """&, < and > (and " for an attribute) as entities; xml.sax.saxutils would import urllib.request (~30 ms)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text
