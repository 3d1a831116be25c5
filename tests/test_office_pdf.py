"""PDF through Word, else WPS, else LibreOffice (deliver/office_pdf.py), against a fake COM layer: fake
`pythoncom` and `win32com.client` modules put into sys.modules, standing for pywin32 on a Windows with (or
without) Word and WPS. Which program is chosen, that each is closed whatever happens, and every fallback.
The real Word/WPS path has not run here: that needs a Windows with Office (README)."""

from __future__ import annotations

import sys
import threading
import types
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_ledger

import generate
from rectification.deliver import office_pdf
from rectification.deliver.pdf import PdfCancelled, PdfError

DOCX = b"PK\x03\x04 a notice"


class ComError(Exception):
    """pywintypes.com_error: (hresult, text, excepinfo, argerror); excepinfo's third item is the description."""


class FakeDocument:
    def __init__(self, office: FakeOffice, path: str, args: tuple) -> None:
        self.office, self.path, self.args = office, path, args

    def ExportAsFixedFormat(self, target: str, file_format: int) -> None:  # noqa: N802 (COM names)
        self.office.calls.append(("ExportAsFixedFormat", file_format))
        if not self.office.exports:
            raise AttributeError("ExportAsFixedFormat")
        self._write(target)

    def SaveAs2(self, target: str, file_format: int) -> None:  # noqa: N802
        self.office.calls.append(("SaveAs2", file_format))
        self._write(target)

    def _write(self, target: str) -> None:
        if self.office.fails:
            raise ComError(-2147352567, "发生意外。", (0, "Microsoft Word", "文档已损坏，无法保存。", None, 0, 0), None)
        self.office.opened = Path(self.path).read_bytes()
        Path(target).write_bytes(b"%PDF-1.7 made by " + self.office.name.encode())

    def Close(self, save_changes: int) -> None:  # noqa: N802
        self.office.calls.append(("Close", save_changes))


class FakeOffice:
    """One installed program: what it was asked, and how it behaves."""

    def __init__(self, name: str, exports: bool = True, fails: bool = False, hangs: bool = False) -> None:
        self.name, self.exports, self.fails, self.hangs = name, exports, fails, hangs
        self.calls: list[tuple] = []
        self.opened = b""  # the bytes of the document it saved as PDF
        self.release = threading.Event()
        self.Documents = types.SimpleNamespace(Open=self.open)

    def __setattr__(self, key: str, value: object) -> None:
        if key in ("Visible", "DisplayAlerts"):
            self.calls.append((key, value))
        super().__setattr__(key, value)

    def open(self, path: str, *args) -> FakeDocument:
        self.calls.append(("Open", args))
        if self.hangs:
            self.release.wait(10)  # a dialog no one sees
        return FakeDocument(self, path, args)

    def Quit(self) -> None:  # noqa: N802
        self.calls.append(("Quit",))


@pytest.fixture
def com(monkeypatch):
    """A Windows with pywin32: installed programs by COM name; every DispatchEx and CoInitialize recorded."""
    installed: dict[str, FakeOffice] = {}
    log: list[str] = []
    pythoncom = types.ModuleType("pythoncom")
    pythoncom.com_error = ComError
    pythoncom.CoInitialize = lambda: log.append("CoInitialize")
    pythoncom.CoUninitialize = lambda: log.append("CoUninitialize")
    client = types.ModuleType("win32com.client")

    def dispatch_ex(prog_id: str) -> FakeOffice:
        log.append(prog_id)
        if prog_id not in installed:
            raise ComError(-2147221005, "无效的类字符串", None, None)
        return installed[prog_id]

    client.DispatchEx = dispatch_ex
    package = types.ModuleType("win32com")
    package.client = client
    monkeypatch.setitem(sys.modules, "pythoncom", pythoncom)
    monkeypatch.setitem(sys.modules, "win32com", package)
    monkeypatch.setitem(sys.modules, "win32com.client", client)
    monkeypatch.setattr(office_pdf, "WINDOWS", True)
    return types.SimpleNamespace(installed=installed, log=log)


def libreoffice(data: bytes, **kwargs) -> bytes:
    return b"%PDF-1.7 made by LibreOffice"


def broken_libreoffice(data: bytes, **kwargs) -> bytes:
    raise PdfError("未找到 LibreOffice，未生成 PDF。")


def test_word_is_used_first_and_always_closed(com):
    word = com.installed["Word.Application"] = FakeOffice("Word")
    com.installed["KWps.Application"] = FakeOffice("WPS")
    made = office_pdf.make_pdf(DOCX, fallback=libreoffice)
    assert made == office_pdf.MadePdf(b"%PDF-1.7 made by Word", "Word")
    assert word.calls == [
        ("Visible", False),
        ("DisplayAlerts", 0),
        ("Open", (False, True, False)),  # ConfirmConversions off, ReadOnly, not in the recent files
        ("ExportAsFixedFormat", 17),
        ("Close", 0),  # without saving
        ("Quit",),
    ]
    assert com.log == ["CoInitialize", "Word.Application", "CoUninitialize"]  # WPS not even started
    assert word.opened == DOCX  # the notice itself: Word keeps its 28-character grid (LibreOffice gets a copy)


@pytest.mark.parametrize("name", ["KWps.Application", "wps.Application"])
def test_without_word_wps_is_used(com, name):
    wps = com.installed[name] = FakeOffice("WPS")
    made = office_pdf.make_pdf(DOCX, fallback=libreoffice)
    assert made.maker == "WPS" and made.data == b"%PDF-1.7 made by WPS"
    assert ("Quit",) in wps.calls and com.log[1] == "Word.Application"


def test_save_as2_where_export_is_missing(com):
    word = com.installed["Word.Application"] = FakeOffice("Word", exports=False)
    assert office_pdf.make_pdf(DOCX, fallback=libreoffice).maker == "Word"
    assert [c for c in word.calls if c[0] in ("ExportAsFixedFormat", "SaveAs2")] == [
        ("ExportAsFixedFormat", 17),
        ("SaveAs2", 17),
    ]


def test_neither_installed_falls_back_to_libreoffice(com):
    made = office_pdf.make_pdf(DOCX, fallback=libreoffice)
    assert made == office_pdf.MadePdf(b"%PDF-1.7 made by LibreOffice", "LibreOffice")
    assert com.log == ["CoInitialize", "Word.Application", "CoUninitialize"] + [
        "CoInitialize",
        "KWps.Application",
        "wps.Application",
        "CoUninitialize",
    ]


def test_a_failing_word_is_closed_then_wps_tried(com):
    word = com.installed["Word.Application"] = FakeOffice("Word", fails=True)
    com.installed["KWps.Application"] = FakeOffice("WPS")
    made = office_pdf.make_pdf(DOCX, fallback=libreoffice)
    assert made.maker == "WPS"
    assert word.calls[-2:] == [("Close", 0), ("Quit",)]


def test_every_failure_is_named_when_none_could(com):
    com.installed["Word.Application"] = FakeOffice("Word", fails=True)
    with pytest.raises(PdfError) as raised:
        office_pdf.make_pdf(DOCX, fallback=broken_libreoffice)
    assert raised.value.message == "Word 未能生成 PDF（文档已损坏，无法保存。）；未找到 LibreOffice，未生成 PDF。"


def test_a_hanging_word_is_given_up_after_the_timeout(com):
    word = com.installed["Word.Application"] = FakeOffice("Word", hangs=True)
    try:
        made = office_pdf.make_pdf(DOCX, fallback=libreoffice, timeout=0.2)
        assert made.maker == "LibreOffice"
        with pytest.raises(PdfError, match=r"^Word 转换 PDF 超过 0 秒未完成，已放弃；未找到 LibreOffice"):
            office_pdf.make_pdf(DOCX, fallback=broken_libreoffice, timeout=0.2)
    finally:
        word.release.set()


def test_closing_the_window_stops_waiting_for_word_at_once(com):
    word = com.installed["Word.Application"] = FakeOffice("Word", hangs=True)
    cancel = threading.Event()
    threading.Timer(0.1, cancel.set).start()
    try:
        with pytest.raises(PdfCancelled):
            office_pdf.make_pdf(DOCX, fallback=libreoffice, timeout=30, cancel=cancel)  # no fallback either
    finally:
        word.release.set()


def test_nothing_installed_at_all_says_what_to_install(com, monkeypatch):
    monkeypatch.setattr(office_pdf, "find_soffice", lambda: None)
    with pytest.raises(PdfError, match="^未找到 Word、WPS 或 LibreOffice，未生成 PDF。请安装其中之一"):
        office_pdf.make_pdf(DOCX)


def test_without_pywin32_libreoffice_does_it(com, monkeypatch):
    monkeypatch.setitem(sys.modules, "win32com.client", None)  # import fails: pywin32 not installed
    assert office_pdf.com_modules() is None
    assert office_pdf.make_pdf(DOCX, fallback=libreoffice).maker == "LibreOffice"
    assert com.log == []


def test_off_windows_com_is_never_touched(com, monkeypatch):
    monkeypatch.setattr(office_pdf, "WINDOWS", False)
    com.installed["Word.Application"] = FakeOffice("Word")
    assert office_pdf.make_pdf(DOCX, fallback=libreoffice).maker == "LibreOffice" and com.log == []


def test_the_console_says_which_program_made_the_pdf(com, tmp_path, monkeypatch):
    com.installed["Word.Application"] = FakeOffice("Word")
    ledger = write_ledger(tmp_path / "台账.xlsx")
    out = tmp_path / "out"
    argv = [str(ledger), "--out", str(out), "--as-of", "2025-12-11", "--pdf"]
    result = CliRunner().invoke(generate.cli, argv, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    [pdf] = out.glob("*.pdf")
    assert f"PDF（用 Word 生成）：{pdf}" in result.output.splitlines()
    assert pdf.read_bytes() == b"%PDF-1.7 made by Word"
