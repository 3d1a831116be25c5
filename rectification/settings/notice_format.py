"""The 通报格式 sheet read and checked: its rows → a NoticeFormat (presets applied, patterns parsed), with
findings that name the sheet and row of every key that is wrong."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from rectification.core.model import Finding, Level
from rectification.core.text import clean, invisible_in, key, quoted
from rectification.read.columns import INFO_KEYS
from rectification.settings.keys import (
    DEFAULT_PRESET,
    FORMAT_SHEET,
    KEYS,
    KEYS_BY_NAME,
    NARRATIVE_KEYS,
    OMIT,
    OMIT_WORDS,
    PRESETS,
    Key,
    Where,
)
from rectification.settings.pattern import Pattern, PatternError
from rectification.settings.placeholders import BY_NAME, Scope, names, usable_in


@dataclass(frozen=True)
class FormatSource:
    """A 通报格式 sheet's rows as read: where they come from (for messages) and (row, 项目, 内容)."""

    sheet: str  # "通报格式", or "格式.xlsx 的通报格式" for --format
    rows: tuple[tuple[int, str, str], ...]
    notes: tuple[Finding, ...] = ()  # what reading the rows changed (invisible characters removed)

    @classmethod
    def read(cls, sheet: str, pairs: Iterable[tuple[int, object, object]]) -> FormatSource:
        """The rows as text (format_rows), with a 提示 for each row whose invisible characters were removed."""
        pairs = list(pairs)
        return cls(sheet, tuple(format_rows(pairs)), tuple(invisible_notes(pairs, sheet)))


@dataclass(frozen=True)
class NoticeFormat:
    """Every key's value, presets and overrides applied; patterns parsed; OMIT kept as None."""

    preset: str
    values: Mapping[str, str]
    patterns: Mapping[str, Pattern | None] = field(default_factory=dict)
    rows: Mapping[str, int] = field(default_factory=dict)  # the sheet row each written key came from

    def pattern(self, name: str) -> Pattern | None:
        return self.patterns[name]

    def lines(self, name: str, values: Mapping[str, str]) -> list[str]:
        """A key's pattern filled, as its non-blank lines (each a paragraph); [] for a part left out."""
        pattern = self.patterns[name]
        text = pattern.fill(values) if pattern is not None else ""
        return [line.strip() for line in text.split("\n") if line.strip()]

    def choice(self, name: str) -> str:
        return self.values[name]

    @property
    def grouped(self) -> bool:
        return self.values["分类"] == "是"

    @property
    def places(self) -> int:
        return int(self.values["百分比小数位"])

    @property
    def reply_days(self) -> int:
        return int(self.values["督办反馈天数"])

    def info_keys_needed(self) -> set[str]:
        """The 基本信息 keys the notice will print: those its patterns name, and the narrative of each section kept."""
        needed = {
            name
            for key_name, p in self.patterns.items()
            if p is not None and KEYS_BY_NAME[key_name].where is not Where.ROUND  # the round's, not the unit's
            for name in p.names
        }
        for section, keys in NARRATIVE_KEYS.items():
            if self.patterns[section] is not None:
                needed.update(keys)
        if "巡察时间" in needed:
            needed |= {"巡察开始日期", "巡察结束日期"}
        if "巡察机关" in needed:
            needed.add("巡察轮次")
        if "被巡察单位" in needed or self.patterns["落款"] is not None:
            needed.add("发文机关")
        return needed & set(INFO_KEYS)


@cache  # every ledger without a format of its own asks for it; a NoticeFormat is never changed
def default_format() -> NoticeFormat:
    fmt, findings = parse_format([], FORMAT_SHEET, ())
    assert not findings
    return fmt


def parse_source(source: FormatSource, info: InfoKeys, with_since: bool = False) -> tuple[NoticeFormat, list[Finding]]:
    """parse_format on a source's rows, its notes among the findings."""
    fmt, findings = parse_format(source.rows, source.sheet, info, with_since)
    return fmt, [*source.notes, *findings]


def parse_format(
    rows: Sequence[tuple[int, str, str]], sheet: str, info: InfoKeys, with_since: bool = False
) -> tuple[NoticeFormat, list[Finding]]:
    """The format from (row, 项目, 内容) rows; findings name the sheet and row of every key that is wrong.

    info: the unit's own 基本信息 keys, as names or as name → (row, value) (they may be used as placeholders;
    with their rows, one used but left blank is named); with_since: --since was given, so the change counts
    may be used. A key written wrongly is reported and takes the 体例's value, so nothing later fails on it.
    """
    findings: list[Finding] = []

    def error(row: int, column: str, message: str, hint: str) -> None:
        findings.append(Finding(Level.ERROR, sheet, row, column, message, hint))

    given = _given(rows, sheet, findings)
    preset = DEFAULT_PRESET
    if "体例" in given:
        row, written = given["体例"]
        if written in PRESETS:
            preset = written
        elif written:
            error(row, "体例", f"没有“{written}”这种体例", f"{_closest(written, PRESETS)}可选：{'、'.join(PRESETS)}")
    values, rows_of = _values(given, preset, sheet, findings)
    own = dict(info) if isinstance(info, Mapping) else dict.fromkeys(info, (0, "x"))
    patterns: dict[str, Pattern | None] = {}
    for k in KEYS:
        if k.name == "体例":
            continue
        at, text = rows_of.get(k.name, 0), values[k.name]
        if k.kind in ("pattern", "section", "label"):
            pattern, usable = _pattern(k, text, at, set(own), error)
            patterns[k.name] = pattern if usable else _preset_pattern(k, preset)
        elif _valid(k, text):
            values[k.name] = text.translate(FULL_WIDTH_DIGITS) if k.kind in LIMITS else text
        else:
            error(at, k.name, *INVALID[k.kind](text, k))
            values[k.name] = PRESETS[preset][k.name]
    fmt = NoticeFormat(preset, values, patterns, rows_of)
    findings += _blank_own_keys(fmt, sheet, own)
    if not with_since:
        findings += since_errors(fmt, sheet)
    return fmt, findings


InfoKeys = Mapping[str, tuple[int, object]] | Iterable[str]
SMALL_NUMBER = re.compile(r"[0-9]{1,2}")  # ASCII digits only: ² and ³ are digits to isdigit() but not to int()
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")  # typed with a Chinese input method
LIMITS = {"places": 4, "days": 90}
INVALID = {
    "choice": lambda text, k: (f"“{quoted(text)}”不是可选的写法", f"可选：{'、'.join(k.choices)}"),
    "places": lambda text, k: (f"“{quoted(text)}”不是0到4之间的整数", "请填写0、1、2、3或4"),
    "days": lambda text, k: (f"“{quoted(text)}”不是0到90之间的天数", "请填写天数，如 7"),
}


def _valid(k: Key, text: str) -> bool:
    """A choice among the key's; a number of one or two digits (full-width ones too) within its limit."""
    if k.kind == "choice":
        return text in k.choices
    digits = text.translate(FULL_WIDTH_DIGITS)
    return SMALL_NUMBER.fullmatch(digits) is not None and int(digits) <= LIMITS[k.kind]


def _given(rows: Sequence[tuple[int, str, str]], sheet: str, findings: list[Finding]) -> dict[str, tuple[int, str]]:
    """Each key written, with its row; a duplicate, an unknown key or a row left with its 说明 only is reported."""
    given: dict[str, tuple[int, str]] = {}
    for row, label, value in rows:
        name = key(label)
        if name in given:
            first = given[name][0]
            findings.append(
                Finding(
                    Level.ERROR,
                    sheet,
                    row,
                    name,
                    f"与第{first}行重复",
                    f"每一项只写一行，请删除其中一行（现按第{first}行）",
                )
            )
        elif name in KEYS_BY_NAME:
            given[name] = (row, value)
        elif not value and label in ABOUTS:
            findings.append(Finding(Level.HINT, sheet, row, ABOUTS[label], *CLEARED_ROW))
        else:
            findings.append(
                Finding(
                    Level.ERROR,
                    sheet,
                    row,
                    "",
                    f"没有“{quoted(label)}”这一项",
                    f"{_closest(name, KEYS_BY_NAME)}可填写的项目：{'、'.join(KEYS_BY_NAME)}",
                )
            )
    return given


ABOUTS = {k.about: k.name for k in KEYS}  # a row whose 项目 and 内容 were cleared shows its 说明 first
CLEARED_ROW = ("这一行只剩“说明”，项目和内容都已清空，按没有这一行处理（按体例）", "不要这一行时可整行删除")


def _values(
    given: Mapping[str, tuple[int, str]], preset: str, sheet: str, findings: list[Finding]
) -> tuple[dict[str, str], dict[str, int]]:
    """Every key's value: the preset's, overridden by each row written; and the row of each override.

    A sheet made from the template lists every key in 逐条's wording: a row still in that wording lets the 体例
    decide (so changing 体例 alone changes the format). A sheet that lacks some of the keys on which the 体例
    differs from 逐条 was written by hand: every row in it is meant. When other rows were edited, a row the
    体例 overrode gets a 提示 saying how to keep it.
    """
    values = dict(PRESETS[preset])
    rows_of: dict[str, int] = {}
    differing = [n for n, v in values.items() if v != PRESETS[DEFAULT_PRESET][n]]
    from_template = all(n in given for n in differing)
    edited = any(not unchanged(n, written) for n, (_, written) in given.items() if n != "体例")
    for name, (row, written) in given.items():
        if name == "体例":
            continue
        if from_template and unchanged(name, written):
            if edited and name in differing:
                findings.append(_overridden(name, row, written, preset, values[name], differing, sheet))
            continue
        if written or KEYS_BY_NAME[name].kind in ("section", "label"):  # blank: left out
            values[name], rows_of[name] = written, row
    return values, rows_of


def _overridden(
    name: str, row: int, written: str, preset: str, value: str, differing: list[str], sheet: str
) -> Finding:
    shown = quoted(value.replace("\n", " ")) if value else "留空"
    message = f"写的“{written}”与模板（“{DEFAULT_PRESET}”体例）原样相同，已按体例“{preset}”作“{shown}”"
    if KEYS_BY_NAME[name].kind == "section" and written == OMIT:
        hint = "如确实不要这一部分，请改写为“省略”"
    else:
        keys = "、".join(f"“{n}”" for n in differing)
        hint = f"如要按本行的写法，请把“体例”改为“{DEFAULT_PRESET}”，再按需要填写{keys}（“{preset}”体例与“{DEFAULT_PRESET}”只差这几项）"
    return Finding(Level.HINT, sheet, row, name, message, hint)


def _blank_own_keys(fmt: NoticeFormat, sheet: str, own: Mapping[str, tuple[int, object]]) -> list[Finding]:
    """A unit's own 基本信息 key that a pattern uses but whose 内容 is blank: named at its row."""
    findings = []
    for name in sorted({n for p in fmt.patterns.values() if p is not None for n in p.names} - set(BY_NAME)):
        row, value = own.get(name, (0, "x"))
        if row and not clean(value):
            uses = "、".join(f"“{k}”" for k, p in fmt.patterns.items() if p is not None and name in p.names)
            hint = f"“{sheet}”的{uses}用到了{{{name}}}：请在“基本信息”第{row}行填写内容，或从{uses}中去掉{{{name}}}"
            findings.append(Finding(Level.ERROR, "基本信息", row, name, "未填写", hint))
    return findings


def unchanged(name: str, written: str) -> bool:
    """A value as the shipped template writes it (逐条's): it lets the chosen 体例 decide."""
    return written == (DEFAULT_PRESET if name == "体例" else PRESETS[DEFAULT_PRESET].get(name))


def says_nothing(rows: Sequence[tuple[int, str, str]]) -> bool:
    """A 通报格式 sheet left as the template has it (or empty): the ledger brings no format of its own."""
    return all((name := key(label)) in KEYS_BY_NAME and unchanged(name, value) for _, label, value in rows)


def since_errors(fmt: NoticeFormat, sheet: str, why: str = "运行时请用 --since 指定上次报送的台账") -> list[Finding]:
    """An error for each change count a pattern names when there is no earlier copy to count from."""
    return [
        Finding(Level.ERROR, sheet, fmt.rows.get(key_name) or 0, key_name, f"占位符{{{name}}}要与上次的台账比较", why)
        for key_name, pattern in fmt.patterns.items()
        if pattern is not None
        for name in sorted(set(pattern.names) & set(names(Scope.SINCE)))
    ]


def round_rows(rows: Sequence[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """The rows a round notice reads: 称谓, 百分比小数位 and its own keys; the units' keys are theirs to check."""
    wanted = {"称谓", "百分比小数位"} | {k.name for k in KEYS if k.where is Where.ROUND}
    return [r for r in rows if key(r[1]) in wanted]


def _preset_pattern(k: Key, preset: str) -> Pattern | None:
    """The 体例's pattern, for a key written wrongly (and reported)."""
    text = PRESETS[preset][k.name]
    return Pattern.parse(text) if text and text not in OMIT_WORDS else None


def _pattern(k: Key, text: str, row: int, known: set[str], error) -> tuple[Pattern | None, bool]:
    """The key's pattern (None for a part left out), and whether it is usable: its braces and names are right."""
    if k.kind == "section" and (not text or text in OMIT_WORDS):
        return None, True
    try:
        pattern = Pattern.parse(text)
    except PatternError as problem:
        error(row, k.name, f"花括号不成对：{problem}", "占位符写作{名称}；要写花括号本身，请写成{{或}}")
        return None, False
    allowed = known | usable_in(k.where)
    wrong = list(dict.fromkeys(name for name in pattern.names if name not in allowed))
    for name in wrong:
        elsewhere = [w for w in Where if name in usable_in(w)]
        if elsewhere:
            error(row, k.name, f"占位符{{{name}}}不能用在这一项", f"{{{name}}}只能用在{_keys_for(elsewhere)}中")
        else:
            usable = "、".join(f"{{{n}}}" for n in sorted(allowed - set(INFO_KEYS)) + list(INFO_KEYS))
            error(
                row,
                k.name,
                f"没有占位符{{{quoted(name)}}}",
                f"{_closest(name, allowed, braces=True)}可用的占位符：{usable}；“基本信息”中的每一项也可作占位符",
            )
    return pattern, not wrong


def _keys_for(places: list[Where]) -> str:
    return "、".join(f"“{k.name}”" for k in KEYS if k.where in places)


def _closest(name: str, options: Iterable[str], braces: bool = False) -> str:
    import difflib  # here: only a wrong key loads it

    if len(name) > 40:  # no key or placeholder is this long: not worth comparing
        return ""
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.5)
    if not close:
        return ""
    return f"是否应为“{{{close[0]}}}”？" if braces else f"是否应为“{close[0]}”？"


def format_rows(pairs: Iterable[tuple[int, object, object]]) -> list[tuple[int, str, str]]:
    """(row, 项目, 内容) as text, the header row and blank labels left out."""
    rows = []
    for row, label, value in pairs:
        name = clean(label)
        if not name or (key(name) == "项目" and key(value) == "内容"):
            continue
        rows.append((row, name, clean(value)))
    return rows


def invisible_notes(pairs: Iterable[tuple[int, object, object]], sheet: str) -> list[Finding]:
    """A 提示 for each row whose 项目 or 内容 held bidi or zero-width characters (format_rows removes them)."""
    from rectification.read.reader import INVISIBLE_HINT  # the ledger's cells get the same 提示

    notes = []
    for row, label, value in pairs:
        hidden = [c for v in (label, value) if isinstance(v, str) for c in invisible_in(v)]
        if hidden:
            message = f"含有看不见的特殊字符（{'、'.join(dict.fromkeys(hidden[:5]))}，可用来颠倒或隐藏文字），已删除"
            notes.append(Finding(Level.HINT, sheet, row, key(label), message, INVISIBLE_HINT))
    return notes
