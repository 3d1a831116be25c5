"""One ledger through every stage: read → records → analysis → checks → renderers. Returns a Report; writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .model import Finding, Level, Verdict
from .report import Options, Output, Report

LEVEL_ORDER = {Level.ERROR: 0, Level.WARNING: 1, Level.HINT: 2}
# Share of a large ledger's time spent once each stage is done (measured at 10,000 rows), for progress bars.
STAGE_DONE = {"read": 0.33, "records": 0.43, "checks": 0.44}
OWN_FORMAT_HINT = "--format 指定的格式只用于没有“通报格式”工作表的台账；要改用它，请删除台账中的“通报格式”工作表"


def ordered(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then hints; each in sheet and row order."""
    return sorted(findings, key=lambda f: (LEVEL_ORDER[f.level], f.sheet, f.row or 0))


def run(ledger_path: Path, options: Options, progress: Callable[[float], None] | None = None) -> Report:
    """Process one ledger into a report with its outputs rendered; raises WorkbookUnusable when it cannot be used.

    progress, if given, is called with the share of the work done after each stage.
    """
    from .analysis import analyse
    from .checks import check
    from .formats import FormatSource, default_format, format_rows, parse_format
    from .notice import notice_title
    from .output import safe_file_name
    from .reader import read_workbook
    from .records import build_ledger
    from .renderers import RENDERERS

    tick = progress or (lambda share: None)
    raw = read_workbook(ledger_path)
    tick(STAGE_DONE["read"])
    own = FormatSource(raw.format_sheet, tuple(format_rows(raw.format_pairs))) if raw.format_sheet else None
    source = own or options.notice_format
    fmt, format_findings = parse_format(source.rows, source.sheet, raw.extra_info) if source else (default_format(), [])
    if own and options.notice_format:
        format_findings.append(
            Finding(Level.HINT, own.sheet, None, "", "台账自带通报格式，已按它生成", OWN_FORMAT_HINT)
        )
    ledger, findings = build_ledger(raw, fmt.info_keys_needed())
    tick(STAGE_DONE["records"])
    analysis = analyse(ledger, options.as_of, options.warn_days)
    findings = ordered(findings + format_findings + check(ledger, analysis, by_category=fmt.grouped))
    tick(STAGE_DONE["checks"])
    blocking = (Level.ERROR, Level.WARNING) if options.strict else (Level.ERROR,)
    blocked = any(f.level in blocking for f in findings)
    verdict = Verdict.BLOCKED if blocked else Verdict.CHECKED if options.check_only else Verdict.PRODUCED
    title = notice_title(ledger.info, analysis, fmt) if ledger.info else ""
    stem = safe_file_name(title or ledger_path.stem)
    report = Report(ledger_path, ledger, tuple(findings), analysis, verdict, options, title, stem, fmt)
    outputs, done = [], STAGE_DONE["checks"]
    for renderer in RENDERERS:  # every output is rendered before anything is written: all or nothing
        if renderer.wanted(report):
            outputs.append(Output(renderer.key, renderer.file_name(report.stem), renderer.render(report)))
        done += renderer.share
        tick(min(done, 1.0))
    return replace(report, outputs=tuple(outputs))
