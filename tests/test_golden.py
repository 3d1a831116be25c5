"""Golden outputs: every notice paragraph, every summary and roll-up cell, and the console text, pinned.

The files in tests/golden/ were written by the code before a change; a change that alters what a user
sees fails here. After a deliberate change of output, regenerate them with UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date, datetime
from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import INFO, ROOT, measure, sample_rows, write_ledger

GOLDEN = Path(__file__).resolve().parent / "golden"
EXAMPLE = ROOT / "workbook_template.xlsx"


def mixed_rows() -> list[dict[str, object]]:
    """Every status and light, 立行立改, a problem with no measure started, markup-like text."""
    return [
        *sample_rows(),
        measure(序号=3, 问题="宣传不够", 整改状态="正在推进", 整改时限="2025年11月底前", 完成时间=None, 责任人="赵六"),
        measure(
            序号=3, 问题="宣传不够", 整改措施="开展宣传周", 整改状态="未启动", 整改时限="2026-03-31", 完成时间=None
        ),
        measure(序号=4, 问题="台账不全", 整改状态="正在推进", 整改时限="2025-12-16", 完成时间=None, 责任部门="办公室"),
        measure(序号=5, 问题="“一岗双责”落实不力", 整改状态="长期坚持", 整改时限="长期坚持", 完成时间=None),
        measure(序号=6, 问题="公开不及时", 整改状态="正在推进", 整改时限="立行立改", 完成时间=None, 责任部门="办公室"),
        measure(序号=7, 问题="档案管理不规范", 整改状态="正在推进", 整改时限="2026-06-30", 完成时间=None),
        measure(序号=8, 问题="全部未启动", 整改状态="未启动", 整改时限="2026-06-30", 完成时间=None),
        measure(
            序号=9,
            问题="经费<管理>&报销",
            问题具体表现="2024年报销3笔\n未附清单",
            整改状态="已完成",
            完成时间=datetime(2025, 11, 20),
            整改进展="1.补齐了清单\n2.修订了制度",
        ),
        measure(序号=9, 问题="经费<管理>&报销", 整改措施="专项检查", 整改状态="正在推进", 完成时间=None),
    ]


def blocked_rows() -> list[dict[str, object]]:
    rows = sample_rows()
    rows[1]["责任人"] = None
    rows[2]["整改状态"] = "差不多"
    rows[2]["责任部门"] = None
    return rows


def ledgers(folder: Path) -> dict[str, Path]:
    folder.mkdir(exist_ok=True)
    return {
        "example": EXAMPLE,
        "clean": write_ledger(folder / "clean.xlsx"),
        "mixed": write_ledger(
            folder / "mixed.xlsx", rows=mixed_rows(), info={**INFO, "发文机关": "中共某某区乙局党组"}
        ),
        "blocked": write_ledger(
            folder / "blocked.xlsx", rows=blocked_rows(), info={**INFO, "发文机关": "中共某某区丙局党组"}
        ),
    }


def cell_text(value: object) -> object:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def workbook_dump(path: Path) -> dict[str, object]:
    book = openpyxl.load_workbook(path)
    sheets = {}
    for sheet in book.worksheets:
        rows = []
        for row in sheet.iter_rows():
            cells = []
            for c in row:
                fill = c.fill.fgColor.rgb if c.fill and c.fill.fill_type else None
                cells.append([cell_text(c.value), fill if isinstance(fill, str) else None])
            rows.append(cells)
        sheets[sheet.title] = {
            "rows": rows,
            "freeze": sheet.freeze_panes,
            "filter": sheet.auto_filter.ref,
            "heights": {str(r): d.height for r, d in sorted(sheet.row_dimensions.items()) if d.height},
            "widths": {k: round(d.width, 2) for k, d in sorted(sheet.column_dimensions.items()) if d.width},
        }
    return sheets


def notice_dump(path: Path) -> list[list[str]]:
    document = docx.Document(str(path))
    return [[p.style.name, p.text, "|".join(r.text for r in p.runs)] for p in document.paragraphs]


def output_dump(out: Path) -> dict[str, object]:
    dump: dict[str, object] = {}
    for path in sorted(out.rglob("*")):
        name = path.relative_to(out).as_posix()
        if path.suffix == ".docx":
            dump[name] = notice_dump(path)
        elif path.suffix == ".xlsx":
            dump[name] = workbook_dump(path)
        elif path.is_file():
            dump[name] = "file"
    return dump


def console(text: str, tmp_path: Path) -> list[str]:
    return [
        re.sub(r"错误日志-\d{8}-\d{6}", "错误日志-X", line.replace(str(tmp_path), "TMP")) for line in text.splitlines()
    ]


def check(name: str, actual: object) -> None:
    path = GOLDEN / f"{name}.json"
    text = json.dumps(actual, ensure_ascii=False, indent=1, sort_keys=True)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
        pytest.skip(f"tests/golden/{name}.json written: review the diff")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert json.loads(text) == expected, f"{name}: output differs from tests/golden/{name}.json"


CASES = [
    ("example", []),
    ("clean", []),
    ("mixed", []),
    ("mixed", ["--strict"]),
    ("mixed", ["--check-only"]),
    ("mixed", ["--warn-days", "30"]),
    ("blocked", []),
]


@pytest.mark.parametrize(("ledger", "options"), CASES, ids=[f"{n}{''.join(o)}" for n, o in CASES])
def test_single_ledger_outputs_are_unchanged(run_cli, tmp_path, ledger, options):
    path = ledgers(tmp_path / "in")[ledger]
    run = run_cli(str(path), *options)
    check(
        f"{ledger}{''.join(o.strip('-') for o in options)}",
        {"exit": run.exit_code, "console": console(run.output, tmp_path), "files": output_dump(run.out_dir)},
    )


def test_batch_outputs_are_unchanged(run_cli, tmp_path):
    folder = tmp_path / "round"
    folder.mkdir()
    for name, path in ledgers(tmp_path / "in").items():
        (folder / f"{name}.xlsx").write_bytes(path.read_bytes())
    (folder / "x损坏.xlsx").write_text("这不是工作簿", encoding="utf-8")
    (folder / "说明.txt").write_text("台账说明", encoding="utf-8")
    write_ledger(folder / "same-issuer.xlsx", info={**INFO, "发文机关": "中共某某区乙局党组"})
    run = run_cli("--batch", str(folder))
    check("batch", {"exit": run.exit_code, "console": console(run.output, tmp_path), "files": output_dump(run.out_dir)})
