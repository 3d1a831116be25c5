"""The table writer: TableSheet's prepared rows are the very bytes XlsxWriter's own per-cell calls write."""

from __future__ import annotations

import zipfile
from contextlib import contextmanager
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from xlsxwriter.worksheet import Worksheet

from rectification.render import xlsx_cells, xlsx_shim, xlsx_tables, zip_writer
from rectification.render.xlsx_tables import Column, Row, new_workbook, table_columns, write_table

ROOT = Path(__file__).resolve().parents[1]
LONG = "很长的整改措施" * 5000  # more than 32,767 UTF-16 units: cut as XlsxWriter cuts it
COLUMNS = (*table_columns("问题 | 整改措施 | 行号 | 完成率 | 日期"), Column("说明", tinted=False))


def rows() -> list[Row]:
    """Every kind of cell, every tint, short and long rows, more than one block of 16 rows."""
    cells: list[tuple[xlsx_cells.Cell, ...]] = [
        ("问题", "措施", 3, 0.5, date(2025, 9, 30), "说明"),
        ("", None, 0, 1.0, datetime(2025, 9, 30, 12, 30), ""),
        ("控制\x07字符_x0007_", "第一行\n第二行\n\n第四行", -7, 1e-20, date(1900, 1, 1), "x" * 200),
        (LONG, "ascii text " * 20, 10**17, 123456.789, None, "  前后空格  "),
        ("只有一格",),
        (),
        ("多出的格", "b", 1, 0.25, date(2026, 2, 28), "f", "多余", 99),
        ("行\n" * 40, "很多行", True, 2.5, date(2025, 1, 1), None),
        (1, 1.0, "1", None, "", 2),
    ]
    tints = [None, "red", "yellow", "total", "heading"]
    table = [Row(c, tints[n % len(tints)]) for n, c in enumerate(cells)]
    table += [Row((f"第{n}行", n, n / 40) if n % 3 else (f"第{n}行",), tints[n % 3]) for n in range(40)]
    return table


def build(worksheet_class: type[Worksheet] | None) -> bytes:
    """Three tables and two charts, on TableSheets (None) or on XlsxWriter's own worksheets."""
    book, buffer, styles = new_workbook()
    for n, (columns, table) in enumerate(
        ((COLUMNS, rows()), (table_columns("单位 | 数"), [Row(("甲", 1)), Row(("乙", 2), "red")]), (COLUMNS, []))
    ):
        sheet = book.add_worksheet(f"表{n}", worksheet_class)
        write_table(sheet, styles, columns, table, filtered=n != 1)
    chart = book.add_chart({"type": "column"})
    chart.add_series({"categories": ["表0", 1, 0, 12, 0], "values": ["表0", 1, 2, 12, 2]})
    chart.add_series({"categories": ["表1", 1, 0, 2, 0], "values": ["表1", 1, 1, 2, 1]})
    book.get_worksheet_by_name("表1").insert_chart(4, 0, chart)
    over_tall_rows = book.add_chart({"type": "bar"})  # anchored over rows of several lines: their heights count
    over_tall_rows.add_series({"values": ["表0", 1, 2, 12, 2]})
    book.get_worksheet_by_name("表0").insert_chart(1, 1, over_tall_rows)
    book.close()
    return buffer.getvalue()


def parts(data: bytes) -> dict[str, bytes]:
    """Every part of the package but its creation time."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def test_prepared_rows_are_the_bytes_xlsxwriter_writes() -> None:
    fast, plain = parts(build(None)), parts(build(Worksheet))
    assert list(fast) == list(plain)
    for name in plain:
        assert fast[name] == plain[name], name


def test_the_summary_is_the_same_either_way(monkeypatch) -> None:
    from datetime import date as day

    from rectification.analyse.report import Options
    from rectification.app.pipeline import run

    report = run(ROOT / "workbook_template.xlsx", Options(as_of=day(2025, 12, 11)))
    fast = parts(report.output("summary").data)
    monkeypatch.setattr(xlsx_shim.TableBook, "worksheet_class", Worksheet)
    from rectification.render.summary import build_summary

    plain = parts(build_summary(report.analysis, report.findings))
    assert fast == plain


def test_rows_are_at_most_409_points_and_long_text_is_cut() -> None:
    sheet = load_workbook(BytesIO(build(None)))["表0"]
    assert sheet.row_dimensions[9].height == pytest.approx(409, abs=0.5)  # 40 lines: capped, as Excel caps
    assert sheet.row_dimensions[4].height > 15  # wrapped lines
    assert len(sheet["A5"].value.encode("utf-16-le")) // 2 == 32767
    assert sheet["A4"].value == "控制字符"
    assert sheet["C8"].value == 1 and sheet["C5"].value == 10**17


def test_a_row_with_a_control_character_has_every_text_made_safe() -> None:
    """The whole row is cleaned, its invisible characters too, while a row without one is left as it is."""
    rows = [Row(("a\u200b", "b\x07", 3)), Row(("a\u200b", "c", None)), Row(("d",))]
    assert xlsx_tables._safe(rows, 3) == [("a", "b", 3), ("a\u200b", "c", None), ("d",)]


def test_rows_packed_straight_from_the_table_are_the_rows_the_sheet_would_hold(monkeypatch) -> None:
    """With the rows streamed into the zip (in blocks smaller than a table) or written into the sheet's XML as
    XlsxWriter's own zipfile packaging needs them: the same parts."""
    monkeypatch.setattr(xlsx_shim, "ROWS_PER_PIECE", 7)
    streamed = parts(build(None))

    @contextmanager
    def unavailable(sheets):
        yield

    monkeypatch.setattr(xlsx_shim, "_packing", unavailable)
    assert parts(build(None)) == streamed


def test_workbooks_are_deflated_at_level_1_and_xlsxwriter_is_left_as_it_was():
    import zlib

    import xlsxwriter.workbook

    book, buffer, styles = new_workbook()
    write_table(book.add_worksheet("表"), styles, COLUMNS, rows(), filtered=True)
    book.close()
    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile
    with zipfile.ZipFile(BytesIO(buffer.getvalue())) as package:
        for item in package.infolist():
            deflate = zlib.compressobj(zip_writer.DEFLATE_LEVEL, zlib.DEFLATED, -15)
            expected = len(deflate.compress(package.read(item)) + deflate.flush())
            assert item.compress_size == expected, item.filename


def test_the_packaging_shortcuts_write_what_xlsxwriter_writes(monkeypatch) -> None:
    """Formats copied from a prototype and the plain shared strings in one go: the same parts as XlsxWriter's own."""
    from xlsxwriter import Workbook

    fast = parts(build(None))
    monkeypatch.setattr(xlsx_shim.TableBook, "_get_packager", Workbook._get_packager)
    monkeypatch.setattr(xlsx_cells, "_add_format", lambda book, look, props: book.add_format(props))
    assert fast == parts(build(None))


@given(
    st.lists(st.text(max_size=12) | st.sampled_from(["_x0041_", " 前", "后\u3000", "a\n", "<r>x</r>", "&", "a\ufffe"]))
)
def test_shared_strings_are_written_as_xlsxwriter_writes_them(texts: list[str]) -> None:
    from io import StringIO

    from xlsxwriter.sharedstrings import SharedStrings, SharedStringTable

    written = []
    for kind in (SharedStrings, xlsx_shim._SharedStrings):
        table = SharedStringTable()
        for text in texts:
            table._get_shared_string_index(text)
        table._sort_string_data()
        strings = kind()
        strings.string_table = table
        strings._set_xml_writer(StringIO())
        strings._assemble_xml_file()
        written.append(strings.fh.getvalue())
    assert written[0] == written[1]
