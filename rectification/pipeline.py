"""One ledger through every stage: read → records → checks → notice and summary → files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .checks import DEFAULT_WARN_DAYS, check
from .model import Finding, Ledger, Level
from .output import safe_file_name, write_noting_renames

LEVEL_ORDER = {Level.ERROR: 0, Level.WARNING: 1, Level.HINT: 2}
SUMMARY_SUFFIX = "_汇总"


@dataclass(frozen=True)
class Options:
    as_of: date
    warn_days: int = DEFAULT_WARN_DAYS
    strict: bool = False  # warnings block the notice like errors
    check_only: bool = False  # write the summary only


@dataclass
class Result:
    ledger: Ledger
    findings: list[Finding]
    blocked: bool  # errors (or, with strict, warnings) kept the notice from being written
    title: str = ""
    notice_path: Path | None = None
    summary_path: Path | None = None
    stale_notice: Path | None = None  # a notice from an earlier run that this run did not replace
    renamed: list[tuple[Path, Path]] = field(default_factory=list)  # (intended, written) when the target was locked

    def count(self, level: Level) -> int:
        return sum(1 for f in self.findings if f.level is level)


def ordered(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then hints; each in sheet and row order."""
    return sorted(findings, key=lambda f: (LEVEL_ORDER[f.level], f.sheet, f.row or 0))


# Share of a large ledger's time spent once each stage is done (measured at 10,000 rows), for progress bars.
STAGE_DONE = {"read": 0.33, "records": 0.43, "checks": 0.44, "notice": 0.48, "summary": 1.0}


def run(ledger_path: Path, out_dir: Path, options: Options, progress: Callable[[float], None] | None = None) -> Result:
    """Process one ledger; raises WorkbookUnusable when the file cannot be used at all.

    progress, if given, is called with the share of the work done after each stage.
    """
    from .docx_writer import render_docx
    from .notice import compose, notice_title
    from .reader import read_workbook
    from .records import build_ledger
    from .summary import build_summary

    tick = progress or (lambda share: None)

    raw = read_workbook(ledger_path)
    tick(STAGE_DONE["read"])
    ledger, findings = build_ledger(raw)
    tick(STAGE_DONE["records"])
    findings = ordered(findings + check(ledger, options.as_of, options.warn_days))
    tick(STAGE_DONE["checks"])
    blocking = (Level.ERROR, Level.WARNING) if options.strict else (Level.ERROR,)
    result = Result(ledger, findings, blocked=any(f.level in blocking for f in findings))
    result.title = notice_title(ledger.info) if ledger.info else ""
    stem = safe_file_name(result.title or ledger_path.stem)

    notice = None
    if not result.blocked and not options.check_only:
        notice = render_docx(compose(ledger))  # rendered before anything is written: all or nothing
    tick(STAGE_DONE["notice"])
    summary = build_summary(ledger, findings, options.as_of, options.warn_days, notice_written=notice is not None)
    result.summary_path = write_noting_renames(out_dir / f"{stem}{SUMMARY_SUFFIX}.xlsx", summary, result.renamed)
    if notice is not None:
        result.notice_path = write_noting_renames(out_dir / f"{stem}.docx", notice, result.renamed)
    elif (out_dir / f"{stem}.docx").exists():
        result.stale_notice = out_dir / f"{stem}.docx"
    tick(STAGE_DONE["summary"])
    return result
