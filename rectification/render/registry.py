"""The files made from one ledger's report. A new output is one renderer function and one line in RENDERERS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rectification.analyse.report import Output, Report
from rectification.core.model import Verdict

NOTICE, SUMMARY, REMINDERS = "notice", "summary", "reminders"


Files = list[tuple[str, bytes]]  # (file name within the unit's output folder, bytes)


@dataclass(frozen=True)
class Renderer:
    key: str
    label: str  # what the console calls the file(s): 通报, 汇总表, 督办提醒函
    wanted: Callable[[Report], bool]
    render: Callable[[Report], Files]  # the files' names and bytes; never touches the disk
    share: float  # of a large ledger's time, for progress bars (measured at 10,000 rows)
    suffix: str = ""  # for one file named after the report's stem: stem + suffix

    def file_name(self, stem: str) -> str:
        return f"{stem}{self.suffix}"


def _notice(report: Report) -> Files:
    from rectification.render.docx_writer import render_docx
    from rectification.render.notice import compose

    assert report.ledger.info is not None, "a ledger that passed the checks has its 基本信息"
    notice = compose(report.ledger.info, report.analysis, report.notice_format, report.progress)
    return [(report.stem + ".docx", render_docx(notice))]


def _summary(report: Report) -> Files:
    from rectification.render.summary import build_summary

    data = build_summary(
        report.analysis,
        report.findings,
        notice_written=report.verdict is Verdict.PRODUCED,
        progress=report.progress,
        # No 督办清单 when no letter could be written at all (the console says why): it would claim there was nothing to remind.
        reminders=report.reminders if report.options.remind and report.ledger.info is not None else None,
        reminder_group=report.notice_format.choice("督办对象"),
        merge=report.options.merge,
    )
    return [(report.stem + "_汇总.xlsx", data)]


def _reminders(report: Report) -> Files:
    from rectification.render.docx_writer import render_docx
    from rectification.render.reminder import compose_reminder

    info = report.ledger.info
    assert info is not None, "reminders are wanted only when 基本信息 was read"
    return [
        (r.file_name, render_docx(compose_reminder(r, info, report.analysis, report.notice_format)))
        for r in report.reminders
        if r.file_name
    ]


RENDERERS: tuple[Renderer, ...] = (
    Renderer(NOTICE, "通报", lambda r: r.verdict is Verdict.PRODUCED, _notice, 0.04, ".docx"),
    Renderer(SUMMARY, "汇总表", lambda r: True, _summary, 0.52, "_汇总.xlsx"),
    Renderer(REMINDERS, "督办提醒函", lambda r: r.options.remind and r.ledger.info is not None, _reminders, 0.0),
)
BY_KEY = {r.key: r for r in RENDERERS}


def render_one(report: Report, key: str) -> tuple[Output, ...]:
    """One renderer's outputs for a report (one rendered later than the others, once delivery is known)."""
    return tuple(Output(key, name, data) for name, data in BY_KEY[key].render(report))
