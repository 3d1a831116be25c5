"""The 通报格式 sheet read and checked: its rows → a NoticeFormat (presets applied, patterns parsed), with
findings that name the sheet and row of every key that is wrong."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from rectification.core.model import Finding, Level
from rectification.core.text import clean, key
from rectification.read.columns import INFO_KEYS
from rectification.settings.keys import (
    DEFAULT_PRESET,
    FORMAT_SHEET,
    KEYS,
    KEYS_BY_NAME,
    NARRATIVE_KEYS,
    OMIT,
    PRESETS,
    Key,
    Where,
)
from rectification.settings.pattern import Pattern, PatternError
from rectification.settings.placeholders import Scope, names, usable_in


@dataclass(frozen=True)
class FormatSource:
    """A 通报格式 sheet's rows as read: where they come from (for messages) and (row, 项目, 内容)."""

    sheet: str  # "通报格式", or "格式.xlsx 的通报格式" for --format
    rows: tuple[tuple[int, str, str], ...]


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


def parse_format(
    rows: Sequence[tuple[int, str, str]], sheet: str, info_names: Iterable[str], with_since: bool = False
) -> tuple[NoticeFormat, list[Finding]]:
    """The format from (row, 项目, 内容) rows; findings name the sheet and row of every key that is wrong.

    info_names are the 基本信息 keys the workbook has (the unit's own keys may be used as placeholders);
    with_since: --since was given, so the change counts may be used.
    """
    findings: list[Finding] = []

    def error(row: int, column: str, message: str, hint: str) -> None:
        findings.append(Finding(Level.ERROR, sheet, row, column, message, hint))

    given: dict[str, tuple[int, str]] = {}
    for row, label, value in rows:
        name = key(label)
        if name in given:
            error(
                row, name, f"与第{given[name][0]}行重复", f"每一项只写一行，请删除其中一行（现按第{given[name][0]}行）"
            )
        elif name in KEYS_BY_NAME:
            given[name] = (row, value)
        else:
            error(
                row,
                "",
                f"没有“{label}”这一项",
                f"{_closest(name, KEYS_BY_NAME)}可填写的项目：{'、'.join(KEYS_BY_NAME)}",
            )
    preset = DEFAULT_PRESET
    if "体例" in given:
        row, written = given["体例"]
        if written in PRESETS:
            preset = written
        elif written:
            error(row, "体例", f"没有“{written}”这种体例", f"{_closest(written, PRESETS)}可选：{'、'.join(PRESETS)}")
    values = dict(PRESETS[preset])
    rows_of: dict[str, int | None] = dict.fromkeys(values)
    for name, (row, written) in given.items():
        if name == "体例" or unchanged(name, written):  # the template lists 逐条's wording: that is no override
            continue
        if written or KEYS_BY_NAME[name].kind in ("section", "label"):  # blank: left out
            values[name], rows_of[name] = written, row
    known = set(info_names)  # the unit's own 基本信息 keys; the declared placeholders come with each key's kind
    patterns: dict[str, Pattern | None] = {}
    for k in KEYS:
        if k.name == "体例":
            continue
        at, text = rows_of[k.name] or 0, values[k.name]
        if k.kind == "choice" and text not in k.choices:
            error(at, k.name, f"“{text}”不是可选的写法", f"可选：{'、'.join(k.choices)}")
            values[k.name] = PRESETS[preset][k.name]
        elif k.kind == "places" and not (text.isdigit() and int(text) <= 4):
            error(at, k.name, f"“{text}”不是0到4之间的整数", "请填写0、1、2、3或4")
            values[k.name] = PRESETS[preset][k.name]
        elif k.kind == "days" and not (text.isdigit() and int(text) <= 90):
            error(at, k.name, f"“{text}”不是0到90之间的天数", "请填写天数，如 7")
            values[k.name] = PRESETS[preset][k.name]
        elif k.kind in ("pattern", "section", "label"):
            patterns[k.name] = _pattern(k, text, at, known, error)
    fmt = NoticeFormat(preset, values, patterns, {name: row for name, row in rows_of.items() if row})
    if not with_since:
        findings += since_errors(fmt, sheet)
    return fmt, findings


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


def _pattern(k: Key, text: str, row: int | None, known: set[str], error) -> Pattern | None:
    if k.kind == "section" and (not text or text == OMIT):
        return None
    try:
        pattern = Pattern.parse(text)
    except PatternError as problem:
        error(row or 0, k.name, f"花括号不成对：{problem}", "占位符写作{名称}；要写花括号本身，请写成{{或}}")
        return None
    allowed = known | usable_in(k.where)
    for name in pattern.names:
        if name in allowed:
            continue
        elsewhere = [w for w in Where if name in usable_in(w)]
        if elsewhere:
            error(row or 0, k.name, f"占位符{{{name}}}不能用在这一项", f"{{{name}}}只能用在{_keys_for(elsewhere)}中")
        else:
            usable = "、".join(f"{{{n}}}" for n in sorted(allowed - set(INFO_KEYS)) + list(INFO_KEYS))
            error(
                row or 0,
                k.name,
                f"没有占位符{{{name}}}",
                f"{_closest(name, allowed, braces=True)}可用的占位符：{usable}；“基本信息”中的每一项也可作占位符",
            )
    return pattern


def _keys_for(places: list[Where]) -> str:
    return "、".join(f"“{k.name}”" for k in KEYS if k.where in places)


def _closest(name: str, options: Iterable[str], braces: bool = False) -> str:
    import difflib  # here: only a wrong key loads it

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
