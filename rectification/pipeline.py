"""One ledger through every stage: read → records → analysis → checks → renderers. Returns a Report; writes nothing."""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .model import Finding, Level, Verdict
from .report import Options, Output, Report

LEVEL_ORDER = {Level.ERROR: 0, Level.WARNING: 1, Level.HINT: 2}
# Share of a large ledger's time spent once each stage is done (measured at 10,000 rows), for progress bars.
STAGE_DONE = {"read": 0.33, "records": 0.43, "checks": 0.44}


def ordered(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then hints; each in sheet and row order."""
    return sorted(findings, key=lambda f: (LEVEL_ORDER[f.level], f.sheet, f.row or 0))


def run(ledger_path: Path, options: Options, progress: Callable[[float], None] | None = None) -> Report:
    """Process one ledger into a report with its outputs rendered; raises WorkbookUnusable when it cannot be used.

    progress, if given, is called with the share of the work done after each stage.
    """
    paused = gc.isenabled()
    gc.disable()  # the stages build millions of objects and no cycles: collecting them all along is pure cost
    try:
        return _run(ledger_path, options, progress)
    finally:
        if paused:
            gc.enable()


def _run(ledger_path: Path, options: Options, progress: Callable[[float], None] | None) -> Report:
    from .analysis import analyse
    from .checks import check
    from .notice import notice_title
    from .output import safe_file_name
    from .reader import read_workbook
    from .records import build_ledger
    from .renderers import RENDERERS

    tick = progress or (lambda share: None)
    raw = read_workbook(ledger_path)
    tick(STAGE_DONE["read"])
    ledger, findings = build_ledger(raw)
    tick(STAGE_DONE["records"])
    analysis = analyse(ledger, options.as_of, options.warn_days)
    findings = ordered(findings + check(ledger, analysis))
    tick(STAGE_DONE["checks"])
    blocking = (Level.ERROR, Level.WARNING) if options.strict else (Level.ERROR,)
    blocked = any(f.level in blocking for f in findings)
    verdict = Verdict.BLOCKED if blocked else Verdict.CHECKED if options.check_only else Verdict.PRODUCED
    title = notice_title(ledger.info) if ledger.info else ""
    report = Report(
        ledger_path,
        ledger,
        tuple(findings),
        analysis,
        verdict,
        options,
        title,
        safe_file_name(title or ledger_path.stem),
    )
    outputs, done = [], STAGE_DONE["checks"]
    for renderer in RENDERERS:  # every output is rendered before anything is written: all or nothing
        if renderer.wanted(report):
            outputs.append(Output(renderer.key, renderer.file_name(report.stem), renderer.render(report)))
        done += renderer.share
        tick(min(done, 1.0))
    return replace(report, outputs=tuple(outputs))
