"""--pdf: the notice as LibreOffice prints it, read back with pdftotext; and what happens without LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, Run

from rectification import pdf
from rectification.docx_writer import DEFAULT_TEMPLATE, text_width
from rectification.pdf import PdfError, docx_to_pdf, find_soffice

TITLE = "中共武汉市东西湖区红十字会党组关于区委第九轮巡察反馈意见整改进展情况的通报"
LINES_PER_PAGE = 22


def require_pdf_tools() -> None:
    missing = [
        name
        for name, found in (("LibreOffice (soffice)", find_soffice()), ("pdftotext", shutil.which("pdftotext")))
        if not found
    ]
    if not missing:
        return
    reason = f"{' and '.join(missing)} not installed (Debian: libreoffice-writer-nogui poppler-utils fonts-noto-cjk)"
    if os.environ.get("REQUIRE_PDF"):  # .ci/run installs them: there the PDF must be tested
        pytest.fail(reason)
    pytest.skip(reason)


def page_text(path: Path, page: int) -> str:
    command = ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-"]
    return subprocess.run(command, check=True, capture_output=True).stdout.decode("utf-8")


def page_count(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True).stdout.decode()
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def example_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path]:
    """The example ledger through the real command with --pdf, once for the module."""
    require_pdf_tools()
    from click.testing import CliRunner

    import generate

    out = tmp_path_factory.mktemp("pdf") / "output"
    argv = [str(ROOT / "workbook_template.xlsx"), "--out", str(out), "--as-of", "2025-12-11", "--pdf"]
    result = CliRunner().invoke(generate.cli, argv, catch_exceptions=False)
    run = Run(result.exit_code, result.output, out)
    assert run.exit_code == 0, run.output
    pdfs = run.files(".pdf")
    assert [p.name for p in pdfs] == [f"{TITLE}.pdf"]
    return run, pdfs[0]


def test_pdf_is_reported_beside_the_notice(example_pdf):
    run, path = example_pdf
    assert f"PDF：{path}" in run.output
    assert path.read_bytes().startswith(b"%PDF")
    assert path.with_suffix(".docx").is_file()
    assert not list(run.out_dir.glob("~tmp-*"))


def test_page_count_title_and_page_numbers(example_pdf):
    _, path = example_pdf
    pages = page_count(path)
    assert 6 <= pages <= 10  # 8 with LibreOffice 7.4 and the Noto/AR PL faces
    first = lines_of(page_text(path, 1))
    assert flat("".join(first[:2])) == TITLE  # the title, over two lines
    for number in range(1, pages + 1):
        assert lines_of(page_text(path, number))[-1] == f"— {number} —", f"page {number}"


def test_signature_and_date_on_the_last_page(example_pdf):
    _, path = example_pdf
    last = lines_of(page_text(path, page_count(path)))
    assert last[-3:-1] == ["中共武汉市东西湖区红十字会党组", "2025 年 12 月 11 日"]
    assert "欢迎广大干部群众" in flat("".join(last))


def test_full_body_page_holds_22_lines_of_27_to_28_characters(example_pdf):
    _, path = example_pdf
    body = lines_of(page_text(path, 2))[:-1]  # without the page number
    assert len(body) == LINES_PER_PAGE
    widths = [text_width(flat(line)) for line in body]
    assert 27 <= max(widths) <= 28  # the 28-character line of GB/T 9704, within LibreOffice's rounding


def test_each_conversion_has_its_own_profile(example_pdf):
    """A second conversion, with a fresh private profile, gives a PDF again."""
    _, path = example_pdf
    again = docx_to_pdf(path.with_suffix(".docx").read_bytes())
    assert again.startswith(b"%PDF")


# --- without LibreOffice: exit 3, a Chinese message, the .docx stays -------------------------------------


def test_no_libreoffice_is_exit_3_and_the_notice_stays(run_cli, ledger_path, monkeypatch):
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    run = run_cli(str(ledger_path), "--pdf")
    assert run.exit_code == 3, run.output
    assert "未找到 LibreOffice，未生成 PDF" in run.output
    assert "Word 通报已生成，但上述 PDF 或邮件步骤未完成。" in run.output
    assert len(run.files(".docx")) == 1 and run.files(".pdf") == []


def test_soffice_named_by_env_must_exist(monkeypatch, tmp_path):
    monkeypatch.setenv("SOFFICE", str(tmp_path / "nowhere" / "soffice"))
    assert find_soffice() is None


def fake_soffice(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "soffice"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return script


@pytest.mark.skipif(sys.platform == "win32", reason="fake soffice is a shell script")
def test_soffice_that_writes_nothing_is_reported(tmp_path):
    soffice = fake_soffice(tmp_path, "echo 'Error: source file could not be loaded'; exit 0")
    with pytest.raises(PdfError, match="LibreOffice 未能生成 PDF（Error: source file could not be loaded）"):
        docx_to_pdf(DEFAULT_TEMPLATE.read_bytes(), soffice=soffice)


@pytest.mark.skipif(sys.platform == "win32", reason="fake soffice is a shell script")
def test_soffice_that_hangs_is_stopped(tmp_path):
    soffice = fake_soffice(tmp_path, "sleep 30 & wait")
    with pytest.raises(PdfError, match="超过 1 秒未完成"):
        docx_to_pdf(DEFAULT_TEMPLATE.read_bytes(), soffice=soffice, timeout=1)
