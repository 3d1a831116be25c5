"""Broken and hostile inputs: a Chinese answer every time, nothing changed, nothing half-written."""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
import xlsxwriter
from conftest import HEADER, INFO, measure, sample_rows, write_ledger


def rewrite_part(path: Path, part: str, change) -> Path:
    """Copy a workbook with one part's bytes changed."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item.filename, change(data) if item.filename == part else data)
    return path


def assert_refused(run_cli, path: Path, *words: str, code: int = 2):
    """Run on path: refused with these words, the file untouched (read before the run), no notice."""
    before = path.read_bytes()
    run = run_cli(str(path))
    assert run.exit_code == code, run.output
    for word in words:
        assert word in run.output, run.output
    assert "Traceback" not in run.output
    assert path.read_bytes() == before
    assert not list(run.out_dir.glob("*.docx"))
    return run


# -- files that are not usable workbooks (exit 2) ----------------------------------------------


def test_empty_file(run_cli, tmp_path):
    path = tmp_path / "空 台账.xlsx"
    path.write_bytes(b"")
    assert_refused(run_cli, path, "空 台账.xlsx 是空文件")


def test_csv_named_xlsx(run_cli, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_text("序号,问题,责任人\n1,学习不深入,李华\n", encoding="utf-8")
    assert_refused(run_cli, path, "台账.xlsx 不是 Excel 工作簿", "另存为")


def test_truncated_workbook(run_cli, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert_refused(run_cli, path, "台账.xlsx", "损坏")


def test_docx_renamed_xlsx(run_cli, tmp_path):
    path = tmp_path / "台账.xlsx"
    docx.Document().save(path)
    assert_refused(run_cli, path, "台账.xlsx 是 Word 文档")


def test_old_xls(run_cli, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000)
    assert_refused(run_cli, path, "旧版 Excel 97-2003 文件（.xls），但无法读取：文件已损坏", "Excel 工作簿（*.xlsx）")


def test_encrypted_workbook(run_cli, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 512
    )
    assert_refused(run_cli, path, "设置了打开密码", "取消密码")


def test_strict_open_xml(run_cli, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx")
    strict = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
    rewrite_part(
        path,
        "xl/workbook.xml",
        lambda d: d.replace(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", strict),
    )
    assert_refused(run_cli, path, "Strict Open XML", "另存为")


def test_sheet_without_a_recognisable_header(run_cli, tmp_path):
    path = tmp_path / "台账.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["项目名称", "金额", "日期"])
    book.save(path)
    assert_refused(run_cli, path, "找不到整改台账", "问题、整改措施、责任人、整改时限")


def test_output_folder_that_cannot_be_written(run_cli, tmp_path, ledger_path):
    blocker = tmp_path / "不是文件夹"
    blocker.write_text("x", encoding="utf-8")
    run = run_cli(str(ledger_path), out=blocker)
    assert run.exit_code == 2 and "无法写入输出文件夹" in run.output and "Traceback" not in run.output


# -- ledgers with problems in them (exit 1, summary written) ----------------------------------


def test_header_with_no_rows(run_cli, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx", rows=[])
    run = run_cli(str(path))
    assert run.exit_code == 1
    assert "[错误] 整改台账 第2行 台账中没有整改措施" in run.output


def test_no_info_sheet(run_cli, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx", with_info_sheet=False)
    run = run_cli(str(path))
    assert run.exit_code == 1
    assert "[错误] 基本信息 找不到“基本信息”工作表" in run.output


def test_duplicate_numbering(run_cli, tmp_path):
    rows = [measure(序号=1, 问题="甲"), measure(序号=1, 问题="乙")]
    run = run_cli(str(write_ledger(tmp_path / "台账.xlsx", rows=rows)))
    assert run.exit_code == 1 and "序号1已用于第2行的问题“甲”" in run.output


# -- things that must simply work -------------------------------------------------------------


def test_longest_cell_excel_allows(run_cli, tmp_path):
    long_text = "长" * 32766 + "。"
    path = write_ledger(tmp_path / "台账.xlsx", rows=[measure(整改进展=long_text)])
    run = run_cli(str(path))
    assert run.exit_code == 0
    text = "".join(p.text for p in docx.Document(run.files(".docx")[0]).paragraphs)
    assert long_text in text


def test_used_range_to_the_last_row_costs_no_time(run_cli, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx")
    book = openpyxl.load_workbook(path)
    book["整改台账"].cell(1_048_576, 16_384).number_format = "@"
    book.save(path)
    started = time.perf_counter()
    run = run_cli(str(path))
    assert run.exit_code == 0
    assert time.perf_counter() - started < 30  # a guard against a dense loop, not a benchmark


def test_a_stray_value_in_the_last_cell_does_not_crash_the_reader(run_cli, tmp_path):
    # A dense reader would allocate 17 billion cells for this sheet and abort the process.
    path = write_ledger(tmp_path / "台账.xlsx")
    book = openpyxl.load_workbook(path)
    book["整改台账"].cell(1_048_576, 16_384).value = "x"
    book.save(path)
    run = run_cli(str(path))
    assert run.exit_code == 0 and len(run.files(".docx")) == 1


def test_a_merge_over_the_whole_sheet_costs_no_time(run_cli, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx")  # openpyxl itself cannot write such a merge: patch the XML
    merge = b'</sheetData><mergeCells count="1"><mergeCell ref="N2:XFD1048576"/></mergeCells>'
    rewrite_part(path, "xl/worksheets/sheet1.xml", lambda d: d.replace(b"</sheetData>", merge))
    started = time.perf_counter()
    assert run_cli(str(path)).exit_code == 0
    assert time.perf_counter() - started < 30


def test_read_only_input_in_a_path_with_spaces_and_chinese(run_cli, tmp_path):
    folder = tmp_path / "巡察 整改" / "第 九 轮"
    folder.mkdir(parents=True)
    path = write_ledger(folder / "我的 台账（终稿）.xlsx")
    path.chmod(0o444)
    before = path.read_bytes()
    run = run_cli(str(path), out=folder / "输出 文件")
    assert run.exit_code == 0 and len(run.files(".docx")) == 1
    assert path.read_bytes() == before


# -- hostile content --------------------------------------------------------------------------

BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b"]>"
)


def test_entity_expansion_is_refused_fast(run_cli, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx")
    rewrite_part(path, "xl/worksheets/sheet1.xml", lambda d: BILLION_LAUGHS + d.replace(b"<t>", b"<t>&lol9;", 1))
    started = time.perf_counter()
    assert_refused(run_cli, path, "不安全的 XML 内容")
    assert time.perf_counter() - started < 5


def test_external_entity_is_refused_without_reading_the_file(run_cli, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容", encoding="utf-8")
    xxe = f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'.encode()
    path = write_ledger(tmp_path / "台账.xlsx")
    rewrite_part(path, "xl/workbook.xml", lambda d: xxe + d)
    run = assert_refused(run_cli, path, "不安全的 XML 内容")
    assert "机密内容" not in run.output


def test_defusedxml_guards_openpyxl_too():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML  # a second line of defence behind the DOCTYPE check


@pytest.mark.parametrize("megabytes", [20, 310])
def test_zip_bombs_are_refused_before_parsing(run_cli, tmp_path, megabytes):
    path = write_ledger(tmp_path / "台账.xlsx")
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("xl/media/padding.xml", "w", force_zip64=True) as part,
    ):
        for _ in range(megabytes):
            part.write(b"\0" * (1 << 20))
    started = time.perf_counter()
    assert_refused(run_cli, path, "解压后异常巨大")
    assert time.perf_counter() - started < 10


def write_with_xlsxwriter(path: Path, rows: list[dict[str, object]]) -> Path:
    """xlsxwriter writes control characters as Excel does: _x0007_ escapes."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    sheet = book.add_worksheet("整改台账")
    sheet.write_row(0, 0, HEADER)
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows, 1):
        for c, name in enumerate(HEADER):
            value = row.get(name)
            if hasattr(value, "year"):
                sheet.write_datetime(r, c, value, date_format)
            elif isinstance(value, str):
                sheet.write_string(r, c, value)
            elif value is not None:
                sheet.write(r, c, value)
    info = book.add_worksheet("基本信息")
    for r, (key, value) in enumerate(INFO.items()):
        info.write_string(r, 0, key)
        if hasattr(value, "year"):
            info.write_datetime(r, 1, value, date_format)
        elif value is not None:
            info.write_string(r, 1, value)
    book.close()
    return path


def part_texts(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))


def test_control_characters_never_reach_the_outputs(run_cli, tmp_path):
    rows = sample_rows()
    rows[0]["整改进展"] = "召开\x07了\x1b会议_x0008_"
    rows[1]["问题"] = rows[0]["问题"] = "学习\x0b不深入"
    rows[2]["整改措施"] = "修订\x01制度"
    path = write_with_xlsxwriter(tmp_path / "台账.xlsx", rows)
    run = run_cli(str(path))
    assert run.exit_code == 0, run.output
    for output in (run.files(".docx")[0], run.files(".xlsx")[0]):
        xml = part_texts(output)
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", xml)
        assert "_x00" not in xml
    text = [p.text for p in docx.Document(run.files(".docx")[0]).paragraphs]
    assert "1.关于“学习不深入”的问题。" in text
    assert "整改情况：一是召开了会议。二是开展了专题研讨。" in text


def test_template_syntax_and_formula_text_stay_literal(run_cli, tmp_path):
    rows = sample_rows()
    rows[0]["整改进展"] = "{{ 7*7 }}{% for x in y %}<w:p>&amp;&lt;文字"
    rows[1]["整改措施"] = '=HYPERLINK("http://x","点我")'
    rows[2]["整改措施"] = "+1-1"
    run = run_cli(str(write_with_xlsxwriter(tmp_path / "台账.xlsx", rows)))
    assert run.exit_code == 0
    text = "".join(p.text for p in docx.Document(run.files(".docx")[0]).paragraphs)
    assert "{{ 7*7 }}{% for x in y %}<w:p>&amp;&lt;文字。" in text and "49" not in text
    sheet = openpyxl.load_workbook(run.files(".xlsx")[0])["措施明细"]
    cells = {c.value: c.data_type for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    assert cells['=HYPERLINK("http://x","点我")'] == "s" and cells["+1-1"] == "s"


# -- nothing lost ---------------------------------------------------------------------------


def test_locked_target_is_written_under_a_new_name(run_cli, ledger_path, monkeypatch):
    first = run_cli(str(ledger_path))
    [notice] = first.files(".docx")
    real_replace = os.replace

    def locked(source, target, *args, **kwargs):
        if Path(target) == notice:
            raise PermissionError(13, "另一个程序正在使用此文件")
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", locked)
    monkeypatch.setattr("rectification.files.write.RETRY_PAUSE", 0)
    second = run_cli(str(ledger_path))
    assert second.exit_code == 0
    renamed = notice.with_name(f"{notice.stem}(2).docx")
    assert renamed.exists() and f"已另存为 {renamed.name}" in second.output
    assert not list(second.out_dir.glob("~tmp-*"))


def test_failure_while_rendering_leaves_no_partial_file(run_cli, ledger_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("rectification.render.docx_writer.render_docx", broken)
    run = run_cli(str(ledger_path))
    assert run.exit_code == 2
    assert "抱歉，程序遇到了意外问题" in run.output and "Traceback" not in run.output
    [log] = run.out_dir.glob("错误日志-*.log")
    assert "RuntimeError: boom" in log.read_text(encoding="utf-8")
    assert f"详细信息已保存到：{log}" in run.output
    assert not list(run.out_dir.glob("*.docx")) and not list(run.out_dir.glob("*.xlsx"))
    assert not list(run.out_dir.glob("~tmp-*"))


def test_far_cell_with_attributes_in_another_order_does_not_crash(run_cli, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx")
    far = b'<row r="1048576"><c s="0" t="inlineStr" r="XFD1048576"><is><t>x</t></is></c></row></sheetData>'
    rewrite_part(path, "xl/worksheets/sheet1.xml", lambda d: d.replace(b"</sheetData>", far))
    run = run_cli(str(path))
    assert run.exit_code == 0, run.output


def test_merge_bomb_on_a_sheet_read_sparsely_is_refused(run_cli, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx")
    bomb = (
        b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        b'<mergeCells count="1"><mergeCell ref="P1:XFD1048576"/></mergeCells>'
    )
    rewrite_part(path, "xl/worksheets/sheet1.xml", lambda d: d.replace(b"</sheetData>", bomb))
    started = time.perf_counter()
    assert_refused(run_cli, path, "合并单元格的范围异常巨大")
    assert time.perf_counter() - started < 10


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le"])
def test_dtd_in_a_part_with_any_name_is_refused(run_cli, tmp_path, encoding):
    path = write_ledger(tmp_path / "台账.xlsx")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/worksheets/sheet9.bin", '<!DOCTYPE x [<!ENTITY a "b">]><x/>'.encode(encoding))
    assert_refused(run_cli, path, "不安全的 XML 内容")
