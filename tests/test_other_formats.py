"""Ledgers saved as .xls (Excel 97–2003) or .ods (OpenDocument) are read like .xlsx; WPS and Word files are explained."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import ROOT
from test_hardening import assert_answered, bounded

TEMPLATE = ROOT / "workbook_template.xlsx"


def converted(source: Path, suffix: str, folder: Path) -> Path:
    """source saved by LibreOffice as .xls or .ods, the way a unit's office suite saves it."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: it makes the .xls and .ods test files")
    profile = (folder / "profile").as_uri()
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", suffix[1:]]
    subprocess.run([*command, "--outdir", str(folder), str(source)], capture_output=True, timeout=180, check=False)
    target = folder / (source.stem + suffix)
    if not target.exists():
        pytest.skip(f"LibreOffice did not write {suffix} here")
    return target


def paragraphs(run) -> list[str]:
    return [p.text for p in docx.Document(str(run.files(".docx")[0])).paragraphs]


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_the_example_ledger_as_xls_or_ods_makes_the_same_notice(run_cli, tmp_path, suffix):
    expected = run_cli(str(TEMPLATE), out=tmp_path / "from-xlsx")
    path = converted(TEMPLATE, suffix, tmp_path)
    run = run_cli(str(path), out=tmp_path / "out")
    assert run.exit_code == 0, run.output
    assert run.output.splitlines()[:2] == expected.output.splitlines()[:2]
    assert paragraphs(run) == paragraphs(expected)


@pytest.mark.slow
def test_an_xls_with_a_cell_far_away_is_refused_in_bounded_memory(tmp_path):
    import openpyxl

    book = openpyxl.load_workbook(TEMPLATE)
    book["整改台账"]["IV65536"] = "x"  # the last cell an .xls can hold: calamine would size 16.7 million cells
    far = tmp_path / "far.xlsx"
    book.save(far)
    path = converted(far, ".xls", tmp_path)
    run = bounded(str(path), out_dir=tmp_path / "out")
    assert_answered(run, 2, "异常大的范围内（直到第65,536行、第256列")


ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 office:version="1.2"> <office:body><office:spreadsheet><table:table table:name="整改台账">
<table:table-row><table:table-cell office:value-type="string"><text:p>序号</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="1048574"><table:table-cell/></table:table-row>
<table:table-row><table:table-cell table:number-columns-repeated="16383"/>
<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>""".replace("\n", "")
MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
    'manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
    'vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type='
    '"text/xml"/></manifest:manifest>'
)


def test_an_ods_with_a_cell_placed_far_away_by_repeats_is_refused(tmp_path):
    path = tmp_path / "台账.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", ODS_CONTENT.encode(), zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", MANIFEST)
    run = bounded(str(path), out_dir=tmp_path / "out")
    assert_answered(run, 2, "异常大的范围内（直到第1,048,576行、第16,384列")


def test_an_ods_with_a_doctype_is_refused(run_cli, tmp_path):
    path = tmp_path / "台账.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>')
    run = run_cli(str(path))
    assert run.exit_code == 2 and "DOCTYPE/ENTITY" in run.output


@pytest.mark.parametrize(
    ("name", "said"),
    [
        (
            "台账.et",
            "是WPS 表格文件（.et），本工具不能直接读取。请在 WPS 或 Excel 中打开它，“另存为”选择“Excel 工作簿（*.xlsx）”后重试",
        ),
        ("台账.wps", "是WPS 文字文档（.wps），不是台账"),
        ("台账.doc", "是Word 文档（.doc），不是台账"),
    ],
)
def test_wps_and_word_files_are_told_to_be_saved_as_xlsx(run_cli, tmp_path, name, said):
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    run = run_cli(str(path))
    assert run.exit_code == 2, run.output
    assert said in run.output and "意外" not in run.output


def test_a_word_document_saved_as_xls_is_named_for_what_it_is(run_cli, tmp_path):
    path = tmp_path / "台账.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512) + "WordDocument".encode("utf-16-le") + bytes(512))
    run = run_cli(str(path))
    assert run.exit_code == 2 and "是 Word 或 WPS 文字文档，不是台账" in run.output


def test_a_damaged_xls_is_explained(run_cli, tmp_path):
    path = tmp_path / "台账.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048))
    run = run_cli(str(path))
    assert run.exit_code == 2, run.output
    assert "是旧版 Excel 97-2003 文件（.xls），但无法读取：文件已损坏或内容不完整" in run.output
    assert "意外" not in run.output
