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
