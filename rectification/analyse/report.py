"""A ledger's report: findings, analysis, verdict and the outputs as named bytes. Nothing here touches the disk."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rectification.analyse.analysis import DEFAULT_WARN_DAYS, Analysis
from rectification.analyse.compare import Progress
from rectification.core.model import Finding, Ledger, Level, Verdict
from rectification.core.text import key
from rectification.settings import FormatSource, NoticeFormat

if TYPE_CHECKING:  # only --remind loads the letters' module, only --merge the merge's
    from rectification.analyse.merge import MergePlan
    from rectification.analyse.remind import Reminder


@dataclass(frozen=True)
class Since:
    """--since: the earlier copy of the ledger, or (--batch) a folder of them, paired by 发文机关, then file name."""

    single: Path | None = None  # a file named on the command line: problems with it are exit 2
    by_issuer: tuple[tuple[str, Path], ...] = ()  # 发文机关 as key(): 某局（党组） and 某局(党组) alike
    by_name: tuple[tuple[str, Path], ...] = ()
    shared: frozenset[str] = frozenset()  # 发文机关 (as key()) that more than one ledger of this round has

    def pick(self, issuer: str, file_name: str) -> tuple[Path | None, str]:
        """The earlier copy for a ledger, and how it was paired ("" for a single file).

        By 发文机关 when exactly one earlier copy and one ledger of this round have it (a unit with several
        ledgers, then or now, is paired by file name).
        """
        if self.single is not None:
            return self.single, ""
        unit = key(issuer)  # 某局（党组） retyped as 某局(党组) next month is the same unit
        same_unit = [path for name, path in self.by_issuer if unit and name == unit]
        same_name = [path for name, path in self.by_name if name.casefold() == file_name.casefold()]
        if len(same_unit) == 1 and unit not in self.shared:
            return same_unit[0], "按发文机关"
        if same_name:
            return same_name[0], "按文件名"
        return None, ""


@dataclass(frozen=True)
class Options:
    as_of: date
    warn_days: int = DEFAULT_WARN_DAYS
    strict: bool = False  # warnings block the notice like errors
    check_only: bool = False  # write the summary only
    notice_format: FormatSource | None = None  # --format: for ledgers without a 通报格式 sheet of their own
    since: Since | None = None
    remind: bool = False  # --remind: a 督办 reminder per department with red or yellow measures
    remind_mail: str = ""  # with --remind: "eml" (--eml drafts) or "send" (--send), for 督办清单's 邮件 column
    documents: frozenset[str] = frozenset()  # --report, --plan: the renderers' keys asked for besides the notice
    merge: MergePlan | None = None  # --merge: what the returned copies brought (the summary's 合并情况)


@dataclass(frozen=True)
class Output:
    """One rendered file: which renderer made it, its file name, its bytes."""

    key: str  # a renderer's key: "notice", "summary", …
    name: str
    data: bytes


@dataclass(frozen=True)
class Report:
    source: Path  # the ledger
    ledger: Ledger
    findings: tuple[Finding, ...]  # errors first, then warnings, then hints
    analysis: Analysis
    verdict: Verdict
    options: Options
    title: str  # the notice's title; "" when 基本信息 could not be read
    stem: str  # the outputs' file names start with this
    notice_format: NoticeFormat
    progress: Progress | None = None  # --since: what changed since the earlier copy
    reminders: tuple[Reminder, ...] = ()  # --remind: a letter per department (or leader) with red or yellow measures
    letters_over_budget: bool = False  # --remind: the letters' filled text is over the budget, so none is written
    outputs: tuple[Output, ...] = ()
    # The notice-wide placeholder values (settings.placeholders' NOTICE scope), computed once a ledger: the title,
    # the notice and each 督办 letter fill their patterns from these. Empty when 基本信息 could not be read.
    values: Mapping[str, str] = field(default_factory=dict)

    def count(self, level: Level) -> int:
        return sum(1 for f in self.findings if f.level is level)

    @property
    def counts(self) -> tuple[int, int, int]:
        """Errors, warnings, hints."""
        return (self.count(Level.ERROR), self.count(Level.WARNING), self.count(Level.HINT))

    def output(self, key: str) -> Output | None:
        return next((o for o in self.outputs if o.key == key), None)
