"""A pattern: plain text with named placeholders, {发文机关}; {{ and }} stand for literal braces.

Patterns are filled by substitution only, never evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from rectification.core.errors import RectificationError

TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


class PatternError(RectificationError, ValueError):
    """A pattern's braces do not pair up; the message is for the user."""


@dataclass(frozen=True)
class Pattern:
    """A text with placeholders, parsed once: literal pieces and placeholder names in order."""

    text: str
    pieces: tuple[tuple[bool, str], ...]  # (is_placeholder, literal text or placeholder name)

    @classmethod
    def parse(cls, text: str) -> Pattern:
        pieces: list[tuple[bool, str]] = []
        position = 0
        for match in TOKEN.finditer(text):
            if match.start() > position:
                pieces.append((False, text[position : match.start()]))
            token = match.group(0)
            if token in ("{{", "}}"):
                pieces.append((False, token[0]))
            elif match.group(1) is None:
                raise PatternError(f"第{match.start() + 1}个字符处的“{token}”没有配对")
            else:
                pieces.append((True, match.group(1).strip()))
            position = match.end()
        if position < len(text):
            pieces.append((False, text[position:]))
        return cls(text, tuple(pieces))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for is_name, name in self.pieces if is_name)

    def fill(self, values: Mapping[str, str]) -> str:
        """The text with each placeholder's value; one without a value (its key was reported) stays as typed."""
        return "".join((values.get(text, f"{{{text}}}") if is_name else text) for is_name, text in self.pieces)

    def filled_length(self, values: Mapping[str, str]) -> int:
        """len(self.fill(values)), without building the text: what a budget checks first."""
        total = 0
        for is_name, text in self.pieces:
            if not is_name:
                total += len(text)
            else:
                total += len(values[text]) if text in values else len(text) + 2
        return total
