"""Cell text made safe and comparable: NFKC, no stray spaces, no control characters."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

# Excel stores control characters as _x0007_; openpyxl hands them over undecoded.
EXCEL_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
NEEDS_WORK = re.compile(r"[\x00-\x1f\x7f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")  # anything beyond a strip
SPACES = "\u3000\xa0\u2002\u2003\u2009\u200b\ufeff \t"


def xml_safe(text: str) -> str:
    """Text that lxml and Office accept: no control characters, raw or escaped."""
    return CONTROL.sub("", EXCEL_ESCAPE.sub("", text))


def clean(value: object) -> str:
    """A cell value as trimmed text; line breaks kept (they separate paragraphs)."""
    if value is None:
        return ""
    if isinstance(value, str) and NEEDS_WORK.search(value) is None:
        return value.strip(SPACES)  # the common case, kept fast: 10,000-row ledgers clean 200,000 cells
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
    text = unicodedata.normalize("NFKC", clean(value))
    text = re.sub(r"\s+", "", text)
    return text.strip("*:：()（）[]【】")


def paragraphs(value: object) -> list[str]:
    """A narrative cell split at its line breaks."""
    return [line for line in clean(value).split("\n") if line]
