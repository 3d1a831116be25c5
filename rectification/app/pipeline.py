"""One ledger through every stage: read → records → analysis → checks → renderers. Returns a Report; writes nothing."""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rectification.analyse.analysis import Analysis
from rectification.analyse.compare import Progress
from rectification.analyse.report import Options, Output, Report
from rectification.core.model import Finding, Ledger, Level, Verdict
from rectification.read.reader import RawWorkbook, WorkbookUnusable

if TYPE_CHECKING:  # only --remind loads the letters' module
    from rectification.analyse.remind import Reminder

LEVEL_ORDER = {Level.ERROR: 0, Level.WARNING: 1, Level.HINT: 2}
# Share of a large ledger's time spent once each stage is done (measured at 10,000 rows), for progress bars.
STAGE_DONE = {"read": 0.33, "records": 0.43, "checks": 0.44}
OWN_FORMAT_HINT = "--format 指定的格式只用于没有“通报格式”工作表的台账；要改用它，请删除台账中的“通报格式”工作表"


class SinceUnusable(WorkbookUnusable):
    """The earlier copy named by --since cannot be used (exit 2); the message is for the user."""


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
    from rectification.analyse.analysis import analyse
    from rectification.analyse.checks import check
    from rectification.core.names import safe_file_name
    from rectification.read.reader import read_workbook
    from rectification.records.records import build_ledger
    from rectification.render.notice import notice_title
    from rectification.render.notice_checks import notice_findings
    from rectification.render.registry import RENDERERS
    from rectification.settings import (
        FORMAT_SHEET,
        FormatSource,
        default_format,
        parse_source,
        says_nothing,
        since_errors,
    )

    tick = progress or (lambda share: None)
    raw = read_workbook(ledger_path)
    tick(STAGE_DONE["read"])
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
    ledger, findings = build_ledger(raw, fmt.info_keys_needed())
    del raw  # the rows as read (at 100,000 measures about 100 MB) are records now
    tick(STAGE_DONE["records"])
    analysis = analyse(ledger, options.as_of, options.warn_days)
    changes, since_findings = since(ledger_path, ledger, analysis, options) if options.since else (None, [])
    if options.since and changes is None:  # no earlier copy for this ledger: the counts cannot be filled in
        since_findings += since_errors(fmt, source.sheet if source else FORMAT_SHEET, "这个台账没有可比较的上次台账")
    filling = notice_findings(ledger, analysis, fmt, changes, source.sheet if source else FORMAT_SHEET, options.remind)
    findings = ordered(
        findings + format_findings + since_findings + filling + check(ledger, analysis, by_category=fmt.grouped)
    )
    tick(STAGE_DONE["checks"])
    blocking = (Level.ERROR, Level.WARNING) if options.strict else (Level.ERROR,)
    blocked = any(f.level in blocking for f in findings)
    verdict = Verdict.BLOCKED if blocked else Verdict.CHECKED if options.check_only else Verdict.PRODUCED
    title = notice_title(ledger.info, analysis, fmt, changes) if ledger.info else ""
    stem = safe_file_name(title or ledger_path.stem)
    report = Report(ledger_path, ledger, tuple(findings), analysis, verdict, options, title, stem, fmt, changes)
    if options.remind and ledger.info is not None:  # a letter's signature needs the 发文机关
        report = replace(report, reminders=_reminders(report))
    outputs, done = [], STAGE_DONE["checks"]
    for renderer in RENDERERS:  # every output is rendered before anything is written: all or nothing
        if renderer.wanted(report):
            outputs += [Output(renderer.key, name, data) for name, data in renderer.render(report)]
        done += renderer.share
        tick(min(done, 1.0))
    return replace(report, outputs=tuple(outputs))


MAIL_PLAN = {"eml": "草稿", "send": "待发送", "": "未发邮件"}


def _reminders(report: Report) -> tuple[Reminder, ...]:
    """--remind: the letters, each with its 邮件 status as planned (delivery may update it)."""
    from rectification.analyse.remind import reminders

    letters = reminders(report.analysis, report.notice_format, report.ledger.roster)
    plan = MAIL_PLAN[report.options.remind_mail]
    return tuple(replace(r, mail=plan if r.to else "无邮箱") for r in letters)


def rerender(report: Report, key: str) -> Report:
    """The report with one renderer's outputs made again (after delivery changed what they show)."""
    from rectification.render.registry import BY_KEY

    fresh = [Output(key, name, data) for name, data in BY_KEY[key].render(report)]
    return replace(report, outputs=tuple(o for o in report.outputs if o.key != key) + tuple(fresh))


def since(path: Path, ledger: Ledger, analysis: Analysis, options: Options) -> tuple[Progress | None, list[Finding]]:
    """--since: the changes from the earlier copy, and findings about it (a moved deadline is a warning).

    Problems with a file named on the command line raise SinceUnusable; with a folder they are warnings.
    """
    from rectification.analyse.analysis import analyse
    from rectification.analyse.compare import Change, compare
    from rectification.read.reader import read_workbook
    from rectification.records.records import build_ledger

    assert options.since is not None
    issuer = ledger.info.issuer if ledger.info else ""
    old_path, paired = options.since.pick(issuer, path.name)
    required = options.since.single is not None
    sheet = ledger.ledger_sheet

    def trouble(message: str) -> tuple[None, list[Finding]]:
        if required:
            raise SinceUnusable(message)
        return None, [Finding(Level.WARNING, sheet, None, "", message, "本期进展对比从略")]

    if old_path is None:
        return None, [
            Finding(Level.HINT, sheet, None, "", "--since 文件夹中没有这个单位上次的台账", "本期进展对比从略")
        ]
    if old_path.resolve() == path.resolve():
        return trouble(f"--since 指定的 {old_path.name} 就是本次的台账，请指定上次报送的台账")
    try:
        old_raw = read_workbook(old_path)
    except WorkbookUnusable as error:
        return trouble(f"上次的台账 {old_path.name} 无法使用：{error}")
    old_ledger, _ = build_ledger(old_raw)
    old_date = _date_of(old_raw, old_path)
    if old_date > options.as_of:
        return trouble(
            f"上次的台账 {old_path.name} 的日期（{old_date.isoformat()}）晚于本次的统计日期（{options.as_of.isoformat()}），"
            "请确认 --since 指定的是较早的一份台账，或用 --as-of 指定本次的统计日期"
        )
    progress = compare(analyse(old_ledger, old_date, options.warn_days), analysis, old_path.name, old_date)
    findings = [
        Finding(
            Level.WARNING,
            sheet,
            row.new.measure.row,
            ledger.headers.get("整改时限", "整改时限"),
            f"整改时限由“{row.before}”调整为“{row.after}”（{row.note}，与上次的台账 {old_path.name} 相比）",
            "推迟时限须有依据，请在备注中写明；如属误填请改回原时限",
        )
        for row in progress.rows
        if row.change is Change.DEADLINE_MOVED and row.new is not None
    ]
    old_issuer = old_ledger.info.issuer if old_ledger.info else ""
    how = (
        f"按序号与措施相同匹配{progress.matched_same}项，按文字相近匹配{progress.matched_similar}项，"
        f"新增{progress.count(Change.ADDED)}项，删除{progress.count(Change.REMOVED)}项"
    )
    if old_issuer and issuer and old_issuer != issuer:
        findings.append(
            Finding(
                Level.WARNING,
                sheet,
                None,
                "",
                f"上次的台账 {old_path.name} 的发文机关是“{old_issuer}”，与本台账的“{issuer}”不同（{how}）",
                "请确认 --since 指定的是本单位上次的台账",
            )
        )
    else:
        where = f"（{paired}配对）" if paired else ""
        findings.append(
            Finding(Level.HINT, sheet, None, "", f"与上次的台账 {old_path.name}{where} 相比：{how}", "无需处理")
        )
    return progress, findings


def _date_of(raw: RawWorkbook, path: Path) -> date:
    """The day an earlier copy stood for: its 发文日期 when filled in, else the day the file was last saved."""
    from rectification.core.dates import DateError, read_date

    try:
        written = read_date(raw.info.get("发文日期", (0, None))[1], raw.epoch)
    except DateError:
        written = None
    return written or date.fromtimestamp(path.stat().st_mtime)
