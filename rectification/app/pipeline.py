"""One ledger through every stage: read → records → analysis → checks → renderers. Returns a Report; writes nothing."""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from rectification.analyse.report import Options, Output, Report
from rectification.core.model import Finding, Level, Verdict

if TYPE_CHECKING:  # only --remind loads the letters' module
    from rectification.analyse.remind import Reminder
    from rectification.app.since import EarlierReading
    from rectification.read.reader import RawWorkbook
    from rectification.settings import FormatSource, NoticeFormat

LEVEL_ORDER = {Level.ERROR: 0, Level.WARNING: 1, Level.HINT: 2}
# Share of a large ledger's time spent once each stage is done (measured at 10,000 rows), for progress bars.
STAGE_DONE = {"read": 0.33, "records": 0.43, "checks": 0.44}
OWN_FORMAT_HINT = "--format 指定的格式只用于没有“通报格式”工作表的台账；要改用它，请删除台账中的“通报格式”工作表"


def ordered(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then hints; each in sheet and row order."""
    return sorted(findings, key=lambda f: (LEVEL_ORDER[f.level], f.sheet, f.row or 0))


def run(
    ledger_path: Path,
    options: Options,
    progress: Callable[[float], None] | None = None,
    defer: frozenset[str] = frozenset(),
) -> Report:
    """Process one ledger into a report with its outputs rendered; raises WorkbookUnusable when it cannot be used.

    progress, if given, is called with the share of the work done after each stage. Renderers whose keys are in
    defer are left for the caller (render_one), once what they show is known.
    """
    from rectification.app.since import EARLIER_COPIES, EarlierReading

    single = options.since.single if options.since else None
    reading = EarlierReading(single) if single is not None and single not in EARLIER_COPIES else None
    paused = gc.isenabled()
    gc.disable()  # the stages build millions of objects and no cycles: collecting them all along is pure cost
    try:
        if reading is not None:
            reading.start()  # beside the ledger's own reading
        return _run(ledger_path, options, progress, defer, reading)
    finally:
        if reading is not None:
            reading.close()
        if paused:
            gc.enable()


def _run(
    ledger_path: Path,
    options: Options,
    progress: Callable[[float], None] | None,
    defer: frozenset[str],
    reading: EarlierReading | None,
) -> Report:
    from rectification.analyse.analysis import analyse
    from rectification.analyse.checks import check
    from rectification.app.since import compare_with_earlier
    from rectification.core.names import safe_file_name
    from rectification.read.reader import read_workbook
    from rectification.records.records import build_ledger
    from rectification.render.budget import letter_budget
    from rectification.render.notice import notice_title, notice_values
    from rectification.render.notice_checks import notice_findings
    from rectification.render.registry import RENDERERS
    from rectification.settings import FORMAT_SHEET, since_errors

    tick = progress or (lambda share: None)
    raw = read_workbook(ledger_path)
    tick(STAGE_DONE["read"])
    source, fmt, format_findings = _notice_format(raw, options)
    ledger, findings = build_ledger(raw, fmt.info_keys_needed())
    del raw  # the rows as read (at 100,000 measures about 100 MB) are records now
    tick(STAGE_DONE["records"])
    analysis = analyse(ledger, options.as_of, options.warn_days)
    changes, since_findings = (
        compare_with_earlier(ledger_path, ledger, analysis, options, reading) if options.since else (None, [])
    )
    if options.since and changes is None:  # no earlier copy for this ledger: the counts cannot be filled in
        since_findings += since_errors(fmt, source.sheet if source else FORMAT_SHEET, "这个台账没有可比较的上次台账")
    values = notice_values(ledger.info, analysis, fmt, changes) if ledger.info else {}
    sheet = source.sheet if source else FORMAT_SHEET
    filling = notice_findings(ledger, analysis, fmt, changes, sheet, values, options.documents)  # before any is filled
    # The letters are written whatever the notice's errors, but not over their budget.
    letters = letter_budget(ledger.info, analysis, fmt, values, sheet) if options.remind and ledger.info else []
    findings = ordered(
        findings + format_findings + since_findings + filling + letters + check(ledger, analysis, fmt.grouped)
    )
    tick(STAGE_DONE["checks"])
    blocking = (Level.ERROR, Level.WARNING) if options.strict else (Level.ERROR,)
    blocked = any(f.level in blocking for f in findings)
    verdict = Verdict.BLOCKED if blocked else Verdict.CHECKED if options.check_only else Verdict.PRODUCED
    title = notice_title(ledger.info, values, fmt) if ledger.info else ""
    stem = safe_file_name(title or ledger_path.stem)
    over = any(f.level is Level.ERROR for f in letters)
    report = Report(
        ledger_path,
        ledger,
        tuple(findings),
        analysis,
        verdict,
        options,
        title,
        stem,
        fmt,
        changes,
        values=values,
        letters_over_budget=over,
    )
    if options.remind and ledger.info is not None and not over:  # a letter's signature needs the 发文机关
        report = replace(report, reminders=_reminders(report))
    outputs, done = [], STAGE_DONE["checks"]
    for renderer in RENDERERS:  # every output is rendered before anything is written: all or nothing
        if renderer.key not in defer and renderer.wanted(report):
            outputs += [Output(renderer.key, name, data) for name, data in renderer.render(report)]
        done += renderer.share
        tick(min(done, 1.0))
    return replace(report, outputs=tuple(outputs))


def _notice_format(raw: RawWorkbook, options: Options) -> tuple[FormatSource | None, NoticeFormat, list[Finding]]:
    """The 通报格式 to use (the ledger's own sheet, else --format's, else the default), and what reading it found."""
    from rectification.settings import FormatSource, default_format, parse_source, says_nothing

    own = FormatSource.read(raw.format_sheet, raw.format_pairs) if raw.format_sheet else None
    if own and says_nothing(own.rows):  # a sheet left as the template has it lets --format decide
        own = None
    source = own or options.notice_format
    with_since = options.since is not None
    fmt, format_findings = parse_source(source, raw.extra_info, with_since) if source else (default_format(), [])
    if own and options.notice_format:
        format_findings.append(
            Finding(Level.HINT, own.sheet, None, "", "台账自带通报格式，已按它生成", OWN_FORMAT_HINT)
        )
    return source, fmt, format_findings


MAIL_PLAN = {"eml": "草稿", "send": "待发送", "": "未发邮件"}


def _reminders(report: Report) -> tuple[Reminder, ...]:
    """--remind: the letters, each with its 邮件 status as planned (delivery may update it)."""
    from rectification.analyse.remind import reminders

    letters = reminders(report.analysis, report.notice_format, report.ledger.roster)
    plan = MAIL_PLAN[report.options.remind_mail]
    return tuple(replace(r, mail=plan if r.to else "无邮箱") for r in letters)
