"""What a client asks of the front door, and how it hears of progress and asks to stop."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rectification.analyse.analysis import DEFAULT_WARN_DAYS
from rectification.core.errors import RectificationError

if TYPE_CHECKING:
    from rectification.analyse.merge import MergePlan
    from rectification.deliver.mail import MailConfig

MAX_WARN_DAYS = 365
AS_OF_YEARS = (1900, 2999)  # 统计日期 + 反馈天数 or 预警天数 stays a date (9999-12-31 + 7 days overflowed)
AS_OF_HINT = f"不是日期，或不在{AS_OF_YEARS[0]}年至{AS_OF_YEARS[1]}年之间，请写作 2025-12-11"


def parse_as_of(text: str) -> date | None:
    """统计日期 as typed (2025-12-11, 2025年12月11日 …), within AS_OF_YEARS; else None (say AS_OF_HINT)."""
    from rectification.core.dates import DateError, as_date

    try:
        day = as_date(text.strip())
    except DateError:
        return None
    return day if day is not None and AS_OF_YEARS[0] <= day.year <= AS_OF_YEARS[1] else None


def parse_warn_days(text: object) -> int | None:
    """预警天数 typed as ASCII digits (not “²” or “٣”, which isdigit() takes), 0 to MAX_WARN_DAYS; else None."""
    value = str(text).strip()
    if not (value.isascii() and value.isdigit()) or len(value.lstrip("0")) > 3 or int(value) > MAX_WARN_DAYS:
        return None
    return int(value)


OnProgress = Callable[[float, str], None]  # share of the work done (0–1), and what is being done, in Chinese
AskPassword = Callable[["MailConfig"], str]


class Cancelled(RectificationError):
    """The client asked to stop (the window was closed): nothing more is written."""

    lead = "已取消："


@dataclass(frozen=True)
class Request:
    """What a client asks for: the options of the command line, as data."""

    source: Path  # a ledger, or with generate_batch() a folder of ledgers
    out_dir: Path
    as_of: date
    warn_days: int = DEFAULT_WARN_DAYS
    strict: bool = False
    check_only: bool = False
    format_path: Path | None = None  # a workbook whose 通报格式 sheet words the notice
    since_path: Path | None = None  # the earlier ledger (a folder of them with generate_batch())
    remind: bool = False  # 督办 letters
    pdf: bool = False
    eml: bool = False
    send: bool = False
    mail_config: Path | None = None
    report: bool = False  # also the 整改情况报告 (the ledger attached)
    plan: bool = False  # also the 整改方案 (the three lists attached)


@dataclass(frozen=True)
class MergeRequest(Request):
    """--merge's second half: the new ledger, with what the returned copies brought (the summary's 合并情况)."""

    merge: MergePlan | None = None


class Checkpoint:
    """Progress for the client, and the place where a cancel request is noticed."""

    def __init__(self, progress: OnProgress | None, cancel: threading.Event | None) -> None:
        self.progress, self.cancel = progress, cancel

    def __call__(self, share: float, text: str = "正在生成") -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled("未写入任何文件")
        if self.progress is not None:
            self.progress(share, text)
