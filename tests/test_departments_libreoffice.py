"""--split copies through a real client's save: LibreOffice re-saves the filled copies, then --merge takes them.

Skipped, with the reason printed, when soffice is not installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from conftest import AS_OF
from departments_helpers import fill, ledger_values, parts, reverse_rows, set_cells, write_department_ledger

from rectification.analyse.merge import Trouble
from rectification.app.departments import merge_returns, split_ledger
from rectification.app.request import Request
from rectification.deliver.pdf import find_soffice
from rectification.read.returned import read_returned

pytestmark = pytest.mark.slow
MADE = datetime(2025, 12, 11, 9, 0)


@pytest.fixture(scope="module")
def soffice() -> Path:
    found = find_soffice()
    if found is None:
        print("跳过：没有安装 LibreOffice（soffice），无法做真实客户端的另存测试")
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def libreoffice(soffice: Path, source: Path, folder: Path, to: str = "xlsx") -> Path:
    """source opened and saved again by LibreOffice, as a department using it would (its own profile per run)."""
    folder.mkdir(parents=True, exist_ok=True)
    profile = Path(f"/tmp/lo-{uuid.uuid4().hex}")
    try:
        subprocess.run(
            [
                str(soffice),
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                to,
                "--outdir",
                str(folder),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=120,
            env={**os.environ, "HOME": str(profile)},
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return folder / f"{source.stem}.{to}"


def test_copies_filled_then_resaved_by_libreoffice_merge_cleanly(tmp_path, soffice):
    ledger = write_department_ledger(tmp_path / "台账.xlsx")
    split_ledger(Request(ledger, tmp_path / "out", AS_OF), made=MADE)
    folder = tmp_path / "out" / "填报"
    filled = tmp_path / "filled"
    filled.mkdir()

    def zonghe(sheet, columns):
        reverse_rows(sheet, columns)  # sorted by the department
        set_cells(
            {
                ("制定学习计划", "整改状态"): "已完成",
                ("制定学习计划", "完成时间"): datetime(2025, 12, 5),
                ("制定学习计划", "整改进展"): "印发了学习计划\n并组织了学习",
            }
        )(sheet, columns)

    fill(folder / "综合科.xlsx", filled / "综合科.xlsx", zonghe)
    fill(
        folder / "财务科.xlsx",
        filled / "财务科.xlsx",
        set_cells({("修订制度", "整改状态"): "正在推进", ("修订制度", "整改进展"): "已起草"}),
    )
    back = tmp_path / "back"
    for copy in sorted(filled.iterdir()):
        libreoffice(soffice, copy, back)
    untouched = libreoffice(soffice, folder / "机关党支部.xlsx", back)  # opened, saved, nothing changed
    assert read_returned(untouched).rows  # the hidden identity and sheet survived LibreOffice
    returned_before = {p.name: p.read_bytes() for p in back.iterdir()}
    ledger_before = ledger.read_bytes()
    result = merge_returns(Request(ledger, tmp_path / "output", AS_OF), [back])
    assert [p.trouble for p in result.plan.problems] == [], result.lines
    assert result.exit_code == 0, result.lines
    assert ledger.read_bytes() == ledger_before
    assert {p.name: p.read_bytes() for p in back.iterdir()} == returned_before
    rows = ledger_values(result.merged_ledger)
    header = rows[0]
    assert rows[1][header.index("整改状态")] == "已完成"
    assert rows[1][header.index("整改进展")] == "印发了学习计划\n并组织了学习"
    assert rows[3][header.index("整改进展")] == "已起草"
    old, new = parts(ledger), parts(result.merged_ledger)
    assert [n for n in old if old[n] != new[n]] == ["xl/worksheets/sheet1.xml"]
    assert [(g.group, g.updated) for g in result.plan.groups] == [("机关党支部", 0), ("综合科", 1), ("财务科", 1)]


def test_a_locked_cell_changed_in_libreoffice_is_listed(tmp_path, soffice):
    ledger = write_department_ledger(tmp_path / "台账.xlsx")
    split_ledger(Request(ledger, tmp_path / "out", AS_OF), made=MADE)
    filled = fill(
        tmp_path / "out" / "填报" / "财务科.xlsx",
        tmp_path / "财务科.xlsx",
        set_cells({("修订制度", "责任人"): "钱多", ("修订制度", "整改状态"): "已办结"}),
    )
    back = libreoffice(soffice, filled, tmp_path / "back")
    result = merge_returns(Request(ledger, tmp_path / "output", AS_OF), [back])
    assert result.exit_code == 1
    assert [p.trouble for p in result.plan.problems] == [Trouble.LOCKED_CHANGED]
    rows = ledger_values(result.merged_ledger)
    assert rows[3][rows[0].index("责任人")] == "赵强"
    assert rows[3][rows[0].index("整改状态")] == "已完成"  # 已办结 is a word for 已完成


def test_a_split_workbook_prints_through_libreoffice(tmp_path, soffice):
    if shutil.which("pdftotext") is None:
        print("跳过：没有 pdftotext（poppler-utils）")
        pytest.skip("pdftotext is missing")
    ledger = write_department_ledger(tmp_path / "台账.xlsx")
    split_ledger(Request(ledger, tmp_path / "out", AS_OF), made=MADE)
    pdf = libreoffice(soffice, tmp_path / "out" / "填报" / "财务科.xlsx", tmp_path / "pdf", "pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    assert "整改措施" in text and "修订制度" in text and "开展制度培训" in text
    assert (
        "行标识（请勿修改）" not in text and "ZG1|" not in text and "台账指纹" not in text
    )  # hidden columns and the hidden sheet do not print
