"""render/ledger_patch: only the named cells change; any text goes in as plain text and reads back as written."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from rectification.core.text import xml_safe
from rectification.render.ledger_patch import PatchCell, patch_package


def _book() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["措施", "状态", "完成时间", "公式"])
    sheet.append(["甲", "正在推进", datetime(2025, 1, 2), "=1+1"])
    sheet.append(["乙", None, None, None])
    sheet["C2"].number_format = "yyyy-mm-dd"
    book.create_sheet("其他").append(["不动"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


BOOK = _book()


def _read(data: bytes) -> list[list[object]]:
    return [[c.value for c in row] for row in load_workbook(io.BytesIO(data)).active.iter_rows()]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60))
def test_any_text_reads_back_as_written_and_nothing_else_changes(text):
    patched, refused = patch_package(BOOK, "xl/worksheets/sheet1.xml", [PatchCell(3, 2, text)])
    assert refused == []
    rows = _read(patched)
    expected = xml_safe(text).replace("\r\n", "\n").replace("\r", "\n") or None
    assert rows[2][1] == expected
    assert rows[:2] == _read(BOOK)[:2] and rows[2][0] == "乙"
    with zipfile.ZipFile(io.BytesIO(BOOK)) as old, zipfile.ZipFile(io.BytesIO(patched)) as new:
        assert old.namelist() == new.namelist()
        assert [n for n in old.namelist() if old.read(n) != new.read(n)] == ["xl/worksheets/sheet1.xml"]


def test_dates_formulas_and_missing_rows():
    cells = [
        PatchCell(2, 3, date(2025, 12, 1)),
        PatchCell(3, 3, date(2025, 12, 2)),
        PatchCell(2, 4, "覆盖公式"),
        PatchCell(9, 1, "没有这一行"),
        PatchCell(3, 1, date(2025, 12, 3)),
    ]
    patched, refused = patch_package(BOOK, "xl/worksheets/sheet1.xml", cells)
    rows = _read(patched)
    assert rows[1][2] == datetime(2025, 12, 1)  # a date cell stays a date
    assert rows[2][2] == datetime(2025, 12, 2)  # a blank cell takes the date format of its column
    assert rows[2][0] == "2025-12-03"  # in a column that shows no dates, the date goes in as text
    assert rows[1][3] == "=1+1"
    assert [(c.row, c.column, why[:8]) for c, why in refused] == [
        (2, 4, "台账中该单元格是"),
        (9, 1, "台账中找不到这一"),
    ]
