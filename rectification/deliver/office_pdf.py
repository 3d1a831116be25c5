"""The notice as PDF on Windows through the installed Word, else WPS (COM automation, pywin32), else LibreOffice.

Word and WPS lay the notice out as the clerk sees it (the 28-character grid included), so they come first; each
runs as a private, invisible instance (DispatchEx: a Word the clerk has open is neither used nor closed), opens a
copy read-only with alerts off, saves it as PDF and quits in `finally`. A call that hangs (a dialog no one sees)
is given up after a timeout and the next program is tried. Elsewhere, or without pywin32, LibreOffice does it
(deliver/pdf.py). The Word/WPS path is tested with a fake COM layer (tests/test_office_pdf.py), not a real Office.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rectification.deliver.pdf import (
    CANCEL_POLL_SECONDS,
    PdfCancelled,
    PdfError,
    docx_to_pdf,
    find_soffice,
    read_written_pdf,
)

WINDOWS = sys.platform == "win32"
WORD, WPS, LIBREOFFICE = "Word", "WPS", "LibreOffice"
# Each program by its COM names, first found wins: WPS registers KWps.Application (wps.Application in older ones).
OFFICE_PROGRAMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (WORD, ("Word.Application",)),
    (WPS, ("KWps.Application", "wps.Application")),
)
PDF_FORMAT = 17  # wdExportFormatPDF for ExportAsFixedFormat, wdFormatPDF for SaveAs2: both 17
DO_NOT_SAVE = 0  # wdDoNotSaveChanges
ALERTS_NONE = 0  # wdAlertsNone
TIMEOUT_SECONDS = 120  # a first start of Word on a slow office PC takes a while
DETAIL_CHARS = 200  # of a COM error's description, enough to say what went wrong


class OfficeMissing(PdfError):
    """The program is not installed (its COM name is not registered): try the next one, and say nothing of it."""


@dataclass(frozen=True)
class MadePdf:
    """A PDF's bytes and the program that made it (Word, WPS or LibreOffice), for the line that says so."""

    data: bytes
    maker: str


def make_pdf(
    docx: bytes,
    fallback: Callable[..., bytes] = docx_to_pdf,
    timeout: float = TIMEOUT_SECONDS,
    cancel: threading.Event | None = None,
) -> MadePdf:
    """The PDF through Word, else WPS (Windows with pywin32), else `fallback` (LibreOffice); PdfError if none could.

    The error names every program that was there and failed, so the clerk knows what was tried. A set cancel
    (the window was closed) stops the wait at once: PdfCancelled.
    """
    failures: list[str] = []
    com = com_modules()
    if com is not None:
        for name, prog_ids in OFFICE_PROGRAMS:
            try:
                return MadePdf(convert_with(com, name, prog_ids, docx, timeout, cancel), name)
            except (OfficeMissing, PdfCancelled) as stop:
                if isinstance(stop, PdfCancelled):
                    raise
                continue
            except PdfError as error:
                failures.append(error.message)
    if com and not failures and fallback is docx_to_pdf and find_soffice() is None:
        raise PdfError(
            "未找到 Word、WPS 或 LibreOffice，未生成 PDF。请安装其中之一后重试"
            "（LibreOffice 免费：https://zh-cn.libreoffice.org），Word 通报照常可用"
        )
    try:
        return MadePdf(fallback(docx, cancel=cancel), LIBREOFFICE)
    except PdfError as error:
        if not failures or isinstance(error, PdfCancelled):
            raise
        raise PdfError("；".join([*failures, error.message])) from None


def com_modules() -> tuple[Any, Any] | None:
    """(pythoncom, win32com.client) on Windows when pywin32 is installed; None elsewhere."""
    if not WINDOWS:
        return None
    try:
        import pythoncom
        import win32com.client
    except ImportError:  # pywin32 missing or broken: LibreOffice still works
        return None
    return pythoncom, win32com.client


def convert_with(
    com: tuple[Any, Any],
    name: str,
    prog_ids: tuple[str, ...],
    docx: bytes,
    timeout: float,
    cancel: threading.Event | None = None,
) -> bytes:
    """One program's PDF, in a thread of its own (COM wants its own apartment; a hang must not hold us).

    Given up on a timeout or a cancel: the thread still closes the document and quits the program when it can.
    """
    outcome: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="notice-pdf-", ignore_cleanup_errors=True) as work:
        folder = Path(work)

        def run() -> None:
            try:
                outcome["pdf"] = _convert(com, name, prog_ids, docx, folder)
            except BaseException as error:  # handed to the waiting thread, which raises it there
                outcome["error"] = error

        worker = threading.Thread(target=run, name=f"pdf-{name}", daemon=True)
        worker.start()
        deadline = time.monotonic() + timeout
        while worker.is_alive() and time.monotonic() < deadline:
            worker.join(min(CANCEL_POLL_SECONDS, max(deadline - time.monotonic(), 0.0)))
            if cancel is not None and cancel.is_set():
                raise PdfCancelled("已取消：PDF 未生成")
        if worker.is_alive():
            raise PdfError(f"{name} 转换 PDF 超过 {timeout:.0f} 秒未完成，已放弃")
    error = outcome.get("error")
    if isinstance(error, PdfError):
        raise error
    if error is not None:  # automation that went wrong in a way we did not foresee: the next program may do
        raise PdfError(f"{name} 未能生成 PDF（{type(error).__name__}: {_described(error)}）") from error
    return outcome["pdf"]


def _convert(com: tuple[Any, Any], name: str, prog_ids: tuple[str, ...], docx: bytes, folder: Path) -> bytes:
    pythoncom, client = com
    pythoncom.CoInitialize()
    try:
        app = _start(pythoncom, client, name, prog_ids)
        source, target = folder / "notice.docx", folder / "notice.pdf"  # ASCII names: no code page in the way
        source.write_bytes(docx)
        document = None
        try:
            with suppress(pythoncom.com_error, AttributeError):  # an older WPS may refuse one of them
                app.Visible = False
                app.DisplayAlerts = ALERTS_NONE
            document = app.Documents.Open(str(source), False, True, False)  # ConfirmConversions, ReadOnly, recent
            _save_as_pdf(pythoncom, document, target)
        except pythoncom.com_error as error:
            raise PdfError(f"{name} 未能生成 PDF（{_described(error)}）") from None
        finally:
            if document is not None:
                with suppress(Exception):
                    document.Close(DO_NOT_SAVE)
            with suppress(Exception):
                app.Quit()
    finally:
        pythoncom.CoUninitialize()
    data = read_written_pdf(target, name)
    if not data.startswith(b"%PDF"):
        raise PdfError(f"{name} 未能生成 PDF（没有写出文件）")
    return data


def _start(pythoncom: Any, client: Any, name: str, prog_ids: tuple[str, ...]) -> Any:
    """A new, private instance of the program (never the one the clerk has open); OfficeMissing if not installed."""
    for prog_id in prog_ids:
        try:
            return client.DispatchEx(prog_id)
        except pythoncom.com_error:
            continue
    raise OfficeMissing(f"未安装 {name}")


def _save_as_pdf(pythoncom: Any, document: Any, target: Path) -> None:
    """ExportAsFixedFormat (Word 2007 and later, WPS); SaveAs2 with the PDF format where it is missing."""
    try:
        document.ExportAsFixedFormat(str(target), PDF_FORMAT)
    except (AttributeError, pythoncom.com_error):
        document.SaveAs2(str(target), PDF_FORMAT)


def _described(error: Exception) -> str:
    """A COM error's own description (excepinfo's third item) when it has one, else its message; shortened."""
    args: tuple[Any, ...] = tuple(getattr(error, "args", ()))
    info: tuple[Any, ...] = args[2] if len(args) > 2 and isinstance(args[2], tuple) else ()
    text = next((str(part) for part in info[2:3] if part), "") or (str(args[1]) if len(args) > 1 else str(error))
    return " ".join(text.split())[:DETAIL_CHARS] or "原因不明"
