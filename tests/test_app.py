"""The front door as a client other than the command line uses it: a Request in, a result or an error out."""

from __future__ import annotations

import threading
from pathlib import Path

import openpyxl
import pytest
from conftest import AS_OF, measure, sample_rows, write_ledger
from test_remind import ledger as late_ledger

from rectification.app import Cancelled, FormatUnusable, Request, generate, generate_batch
from rectification.core.errors import (
    EXIT_DELIVERY,
    EXIT_LEDGER_ERRORS,
    EXIT_OK,
    EXIT_UNUSABLE,
    OutputUnwritable,
    RectificationError,
)
from rectification.read.reader import WorkbookUnusable


def request(source: Path, out: Path, **options) -> Request:
    return Request(source, out, AS_OF, **options)


def test_one_ledger_gives_the_report_the_files_and_the_exit_code(tmp_path, ledger_path):
    heard: list[tuple[float, str]] = []
    result = generate(request(ledger_path, tmp_path / "out"), progress=lambda share, text: heard.append((share, text)))
    assert result.exit_code == EXIT_OK
    notice, summary = result.saved.paths("notice"), result.saved.paths("summary")
    assert [p.suffix for p in notice + summary] == [".docx", ".xlsx"]
    assert all(p.is_file() and p.parent == tmp_path / "out" for p in notice + summary)
    assert result.report.analysis.figures.measures == 3
    shares = [share for share, _ in heard]
    assert shares == sorted(shares) and shares[-1] == 1.0  # progress only goes forward, and ends at the end
    assert all(isinstance(text, str) and text for _, text in heard)


def test_errors_in_the_ledger_are_exit_1_with_the_summary_only(tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx", rows=[measure(责任人=None)])
    result = generate(request(path, tmp_path / "out"))
    assert result.exit_code == EXIT_LEDGER_ERRORS
    assert result.saved.paths("notice") == [] and len(result.saved.paths("summary")) == 1


@pytest.mark.parametrize(
    ("make", "error", "lead"),
    [
        (lambda tmp: tmp / "没有这个文件.xlsx", WorkbookUnusable, "无法使用台账："),
        (
            lambda tmp: (tmp / "文本.xlsx").write_text("不是工作簿") and tmp / "文本.xlsx",
            WorkbookUnusable,
            "无法使用台账：",
        ),
    ],
    ids=["missing", "not-a-workbook"],
)
def test_an_unusable_ledger_is_an_error_that_carries_its_code_and_chinese_text(tmp_path, make, error, lead):
    with pytest.raises(error) as caught:
        generate(request(make(tmp_path), tmp_path / "out"))
    assert isinstance(caught.value, RectificationError)
    assert caught.value.exit_code == EXIT_UNUSABLE
    assert caught.value.user_text().startswith(lead)
    assert not (tmp_path / "out").exists()  # nothing written


def test_an_unusable_format_workbook_names_itself(tmp_path, ledger_path):
    with pytest.raises(FormatUnusable) as caught:
        generate(request(ledger_path, tmp_path / "out", format_path=tmp_path / "格式.xlsx"))
    assert caught.value.user_text().startswith("无法使用通报格式文件：")


def test_an_output_folder_that_is_a_file_is_output_unwritable(tmp_path, ledger_path):
    blocker = tmp_path / "out"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(OutputUnwritable) as caught:
        generate(request(ledger_path, blocker))
    assert caught.value.exit_code == EXIT_UNUSABLE
    assert str(blocker) in caught.value.user_text()


def test_a_cancel_before_the_files_are_written_writes_nothing(tmp_path, ledger_path):
    cancel = threading.Event()

    def progress(share: float, text: str) -> None:
        if share > 0.3:
            cancel.set()  # the window was closed while the ledger was being read

    with pytest.raises(Cancelled):
        generate(request(ledger_path, tmp_path / "out"), progress=progress, cancel=cancel)
    assert not (tmp_path / "out").exists()


def test_reminder_mail_is_in_the_summary_rendered_once(tmp_path, monkeypatch):
    """With --remind --eml the summary is rendered once, after the drafts were written, and says 草稿."""
    from rectification.render import registry

    renders = []
    original = registry.BY_KEY[registry.SUMMARY].render
    monkeypatch.setitem(
        registry.BY_KEY,
        registry.SUMMARY,
        registry.Renderer(
            registry.SUMMARY, "汇总表", lambda r: True, lambda r: renders.append(1) or original(r), 0.5, "_汇总.xlsx"
        ),
    )
    result = generate(request(late_ledger(tmp_path), tmp_path / "out", remind=True, eml=True))
    assert renders == [1]
    assert result.exit_code == EXIT_OK
    assert any(note.text.startswith("督办邮件草稿：") for note in result.notes)
    book = openpyxl.load_workbook(result.saved.paths("summary")[0])
    mail_column = [row[-1] for row in book["督办清单"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert "草稿" in mail_column


def test_a_failed_delivery_is_exit_3_with_the_notice_kept(tmp_path, ledger_path, monkeypatch):
    from rectification.deliver.pdf import SOFFICE_ENV

    monkeypatch.setenv(SOFFICE_ENV, str(tmp_path / "no-soffice"))  # named but missing: no PDF can be made
    result = generate(request(ledger_path, tmp_path / "out", pdf=True))
    assert result.exit_code == EXIT_DELIVERY
    assert result.saved.paths("notice")[0].is_file()
    assert any(note.error for note in result.notes)


def test_a_folder_of_ledgers(tmp_path):
    folder = tmp_path / "本轮"
    folder.mkdir()
    write_ledger(folder / "甲.xlsx", rows=sample_rows())
    write_ledger(folder / "乙.xlsx", rows=[measure(责任人=None)])
    heard: list[float] = []
    batch = generate_batch(request(folder, tmp_path / "out"), progress=lambda share, text: heard.append(share))
    assert batch.exit_code == EXIT_LEDGER_ERRORS
    assert heard == [0.5, 1.0]
    assert batch.rollup_path is not None and batch.rollup_path.is_file()
    assert [o.folder is not None and o.folder.is_dir() for o in batch.outcomes] == [True, True]
