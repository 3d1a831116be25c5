"""The files made from one ledger's report. A new output is one renderer function and one line in RENDERERS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .model import Verdict
from .report import Report

NOTICE, SUMMARY = "notice", "summary"


@dataclass(frozen=True)
class Renderer:
    key: str
    label: str  # what the console calls the file: 通报, 汇总表
    suffix: str  # appended to the report's stem to name the file
    wanted: Callable[[Report], bool]
    render: Callable[[Report], bytes]  # returns the file's bytes; never touches the disk
    share: float  # of a large ledger's time, for progress bars (measured at 10,000 rows)

    def file_name(self, stem: str) -> str:
        return f"{stem}{self.suffix}"


def _notice(report: Report) -> bytes:
    from .docx_writer import render_docx
    from .notice import compose

    assert report.ledger.info is not None, "a ledger that passed the checks has its 基本信息"
    return render_docx(compose(report.ledger.info, report.analysis, report.notice_format, report.progress))


def _summary(report: Report) -> bytes:
    from .summary import build_summary

    return build_summary(
        report.analysis, report.findings, notice_written=report.verdict is Verdict.PRODUCED, progress=report.progress
    )


RENDERERS: tuple[Renderer, ...] = (
    Renderer(NOTICE, "通报", ".docx", lambda r: r.verdict is Verdict.PRODUCED, _notice, 0.04),
    Renderer(SUMMARY, "汇总表", "_汇总.xlsx", lambda r: True, _summary, 0.52),
)
BY_KEY = {r.key: r for r in RENDERERS}
