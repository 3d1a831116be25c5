"""A whole round (--batch) as the round's outputs see it: a line per ledger, the figures added up once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date

from rectification.analyse.analysis import Figures
from rectification.analyse.report import Options
from rectification.core.model import Finding, Verdict
from rectification.settings import FormatSource, NoticeFormat, default_format, parse_format, round_rows

UNREADABLE = "无法读取"
CellValue = str | int | float | date | None
SUMMED = [f.name for f in fields(Figures) if f.name != "name"]


@dataclass(frozen=True)
class UnitLine:
    """One ledger of the round, as the roll-up shows it."""

    file: str  # the ledger's file name
    unit: str  # 发文机关; "" when 基本信息 could not be read
    verdict: Verdict | None  # None: the file could not be read
    figures: Figures | None = None
    errors: int = 0
    red: tuple[tuple[CellValue, ...], ...] = ()  # summary.overdue_cells() of each red-light measure
    message: str = ""  # why the file could not be read
    since: str = ""  # --since: the earlier copy it was compared with
    changes: tuple[int, ...] = ()  # --since: how many of each compare.Change, in Change order

    @property
    def state(self) -> str:
        return self.verdict.value if self.verdict else UNREADABLE

    @property
    def name(self) -> str:
        return self.unit or "（未读出发文机关）"


@dataclass(frozen=True)
class Round:
    """Every ledger's line, the files passed over, and what the round's outputs derive from them, computed once."""

    lines: tuple[UnitLine, ...]
    skipped: tuple[tuple[str, str], ...]  # (file name, why it was passed over)
    options: Options
    figures: Figures  # every read unit's figures added up
    notice_format: NoticeFormat  # --format's round keys (the defaults without one)
    findings: tuple[Finding, ...]  # what is wrong with those keys: no round notice then

    @property
    def compared(self) -> bool:
        return any(line.since for line in self.lines)


def analyse_round(lines: Sequence[UnitLine], skipped: Sequence[tuple[str, str]], options: Options) -> Round:
    with_since = any(line.since for line in lines)
    fmt, findings = round_format(options.notice_format, with_since)
    return Round(tuple(lines), tuple(skipped), options, round_figures(lines), fmt, tuple(findings))


def round_figures(lines: Sequence[UnitLine]) -> Figures:
    """Every read unit's figures added up: the roll-up's 合计 row and the round notice's numbers."""
    read = [line.figures for line in lines if line.figures is not None]
    return Figures(name="", **{name: sum(getattr(f, name) for f in read) for name in SUMMED})


def round_format(source: FormatSource | None, with_since: bool) -> tuple[NoticeFormat, list[Finding]]:
    """--format's keys for the round notice (the defaults without one); the units' keys are not checked here."""
    if source is None:
        return default_format(), []
    return parse_format(round_rows(source.rows), source.sheet, (), with_since)
