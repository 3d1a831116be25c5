"""What reaches the console: no terminal escapes or reordering marks, never an encoding error.

A sheet name or a cell can hold ESC[2J, an OSC title, BEL, U+009B (CSI) or U+202E; a GBK console or a
redirected `> 结果.txt` on Chinese Windows cannot encode 𠮷 or an emoji. `safe_streams()` wraps sys.stdout
and sys.stderr once, in the CLI, so that every message, now and later, passes one filter.
"""

from __future__ import annotations

import codecs
import io
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

import click

from rectification.core.text import CONTROL_CHARS, INVISIBLE_CHARS

UNSAFE = re.compile(f"[{CONTROL_CHARS}{INVISIBLE_CHARS}]")  # tab, LF and CR stay: progress bars need CR
STRAY_CR = re.compile(r"\r(?!\n)")  # inside a message (a file named 综合科⏎.xlsx): it would overwrite the line


def safe_text(text: str, encoding: str = "utf-8") -> str:
    """text without controls or invisible marks, and encodable in encoding (others become '?'); a CR only where
    a progress bar rewinds its line or before LF."""
    text = UNSAFE.sub("", text)
    if "\r" in text:
        rewind = len(text) - len(text.lstrip("\r "))  # a progress bar's own CRs (and blanks) open what it writes
        text = text[:rewind] + STRAY_CR.sub("", text[rewind:])
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        text = text.encode(encoding, "replace").decode(encoding)
    return text


class SafeStream(io.TextIOBase):
    """A text stream that filters what it is given and hands it to the real one.

    It has no fileno() or buffer on purpose: click would otherwise write to the buffer (or, on Windows,
    to the console handle) past the filter.
    """

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner
        encoding = getattr(inner, "encoding", None) or "utf-8"
        try:
            self._encoding = codecs.lookup(encoding).name
        except LookupError:
            self._encoding = "ascii"

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding

    @property
    def errors(self) -> str:  # type: ignore[override]
        return "replace"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self.inner.write(safe_text(text, self._encoding))
        return len(text)

    def flush(self) -> None:
        self.inner.flush()

    def isatty(self) -> bool:
        try:
            return self.inner.isatty()
        except (AttributeError, ValueError, OSError):
            return False

    def fileno(self) -> int:
        raise io.UnsupportedOperation("SafeStream has no file descriptor")


@contextmanager
def safe_streams() -> Iterator[None]:
    """sys.stdout and sys.stderr wrapped in SafeStream for the duration (once; pythonw has none)."""
    saved = sys.stdout, sys.stderr
    if sys.stdout is not None and not isinstance(sys.stdout, SafeStream):
        sys.stdout = SafeStream(sys.stdout)
    if sys.stderr is not None and not isinstance(sys.stderr, SafeStream):
        sys.stderr = SafeStream(sys.stderr)
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            if isinstance(stream, SafeStream):
                stream.flush()
        sys.stdout, sys.stderr = saved


class DescribedArgument(click.Argument):
    """A positional argument with a line in --help on every click 8 (click's own help= came in 8.5)."""

    def __init__(self, *args, description: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.description = description

    def get_help_record(self, ctx: click.Context) -> tuple[str, str]:
        return self.metavar or (self.name or "").upper(), self.description
