"""The notice as each unit writes it (the 通报格式 sheet): its keys and presets, the placeholders, the patterns.

keys — the catalogue of keys (Key, Where, KEYS) and the presets (体例);
placeholders — the one table of placeholders: name, scope, where usable, meaning;
pattern — Pattern, parsed once and filled by substitution only;
notice_format — the sheet's rows read and checked into a NoticeFormat.
"""

from rectification.settings.keys import DEFAULT_PRESET, FORMAT_SHEET, KEYS, OMIT, PRESETS, Key, Where
from rectification.settings.notice_format import (
    FormatSource,
    NoticeFormat,
    default_format,
    format_rows,
    parse_format,
    parse_source,
    round_rows,
    says_nothing,
    since_errors,
)
from rectification.settings.pattern import Pattern, PatternError
from rectification.settings.placeholders import PLACEHOLDER_TABLE, Placeholder, Scope

__all__ = [
    "DEFAULT_PRESET",
    "FORMAT_SHEET",
    "KEYS",
    "OMIT",
    "PLACEHOLDER_TABLE",
    "PRESETS",
    "FormatSource",
    "Key",
    "NoticeFormat",
    "Pattern",
    "PatternError",
    "Placeholder",
    "Scope",
    "Where",
    "default_format",
    "format_rows",
    "parse_format",
    "parse_source",
    "round_rows",
    "says_nothing",
    "since_errors",
]
