"""Every output, as a registry: a new output is one render function and one line here.

RENDERERS make one ledger's files from its Report; ROUND_RENDERERS make a round's (--batch) files from its Round.
A renderer returns names and bytes and never touches the disk: the write stage places them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from rectification.analyse.report import Output, Report
from rectification.analyse.round import Round
from rectification.core.model import Verdict
from rectification.settings.document_keys import asked_upward

NOTICE, SUMMARY, REMINDERS = "notice", "summary", "reminders"
ROLLUP, ROUND_NOTICE = "rollup", "round_notice"
REPORT, PLAN, PARTY_NOTICE = "report", "plan", "party_notice"
Subject = TypeVar("Subject", Report, Round)


Files = list[tuple[str, bytes]]  # (file name within the unit's output folder, bytes)


@dataclass(frozen=True)
class Renderer(Generic[Subject]):
    key: str
    label: str  # what the console calls the file(s): 通报, 汇总表, 督办提醒函
    wanted: Callable[[Subject], bool]
    render: Callable[[Subject], Files]  # the files' names and bytes; never touches the disk
    share: float = 0.0  # of a large ledger's time, for progress bars (measured at 10,000 rows)
    suffix: str = ""  # for one file named after the report's stem: stem + suffix

    def file_name(self, stem: str) -> str:
        return f"{stem}{self.suffix}"


def _notice(report: Report) -> Files:
    from rectification.render.docx_writer import render_docx
    from rectification.render.notice import compose

    assert report.ledger.info is not None, "a ledger that passed the checks has its 基本信息"
    notice = compose(report.ledger.info, report.analysis, report.notice_format, report.progress, report.values)
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
        (r.file_name, render_docx(compose_reminder(r, info, report.analysis, report.notice_format, report.values)))
        for r in report.reminders
        if r.file_name
    ]


def _asked(key: str) -> Callable[[Report], bool]:
    """A document sent upward, written with the notice when its option was given or the 通报格式 asks for it."""

    def wanted(report: Report) -> bool:
        asked = asked_upward(report.notice_format.choice, report.options.documents)
        return report.verdict is Verdict.PRODUCED and any(d.key == key for d in asked)

    return wanted


def _official(compose: str) -> Callable[[Report], Files]:
    def render(report: Report) -> Files:
        from rectification.render import upward
        from rectification.render.docx_official import render_official

        info = report.ledger.info
        assert info is not None, "a ledger that passed the checks has its 基本信息"
        if compose == "report":
            document = upward.compose_report(info, report.analysis, report.notice_format, report.progress)
        elif compose == "plan":
            document = upward.compose_plan(info, report.analysis, report.notice_format)
        else:
            from rectification.render.notice import compose as compose_notice

            notice = compose_notice(info, report.analysis, report.notice_format, report.progress, report.values)
            document = upward.party_notice(notice, info, report.analysis, report.notice_format)
        return [
            (report.stem + BY_KEY[compose if compose != "party" else PARTY_NOTICE].suffix, render_official(document))
        ]

    return render


RENDERERS: tuple[Renderer[Report], ...] = (
    Renderer(NOTICE, "通报", lambda r: r.verdict is Verdict.PRODUCED, _notice, 0.04, ".docx"),
    Renderer(SUMMARY, "汇总表", lambda r: True, _summary, 0.52, "_汇总.xlsx"),
    Renderer(REMINDERS, "督办提醒函", lambda r: r.options.remind and r.ledger.info is not None, _reminders, 0.0),
    Renderer(PARTY_NOTICE, "党内通报", _asked(PARTY_NOTICE), _official("party"), 0.0, "_党内通报.docx"),
    Renderer(REPORT, "整改情况报告", _asked(REPORT), _official(REPORT), 0.0, "_整改情况报告.docx"),
    Renderer(PLAN, "整改方案", _asked(PLAN), _official(PLAN), 0.0, "_整改方案.docx"),
)
BY_KEY = {r.key: r for r in RENDERERS}


def _rollup(round_: Round) -> Files:
    from rectification.render.rollup import build_rollup, rollup_name

    return [(rollup_name(round_.options.as_of), build_rollup(round_))]


def _round_notice(round_: Round) -> Files:
    from rectification.render.round_notice import render_round_notice

    return render_round_notice(round_)


ROUND_RENDERERS: tuple[Renderer[Round], ...] = (
    Renderer(ROLLUP, "各单位汇总表", lambda r: True, _rollup),
    # A notice: --check-only writes none; wrong round keys in --format leave it out (the findings say why).
    Renderer(ROUND_NOTICE, "本轮汇总通报", lambda r: not r.options.check_only and not r.findings, _round_notice),
)


def render_round(round_: Round) -> tuple[Output, ...]:
    """The round's outputs, every one rendered before any is written."""
    return tuple(
        Output(r.key, name, data) for r in ROUND_RENDERERS if r.wanted(round_) for name, data in r.render(round_)
    )


def render_one(report: Report, key: str) -> tuple[Output, ...]:
    """One renderer's outputs for a report (one rendered later than the others, once delivery is known)."""
    return tuple(Output(key, name, data) for name, data in BY_KEY[key].render(report))
