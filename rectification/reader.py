"""Read a ledger workbook into plain rows: find the sheets and the header, undo merges, skip blanks."""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .columns import info_key, ledger_column
from .model import Finding, Level
from .text import clean

LEDGER_SHEET = "整改台账"
INFO_SHEET = "基本信息"
HEADER_SEARCH_ROWS = 10
MIN_HEADER_MATCHES = 4


class WorkbookUnusable(Exception):
    """The file cannot be read as a ledger at all (exit 2); the message is for the user."""


@dataclass
class Table:
    """A ledger sheet: its header and its non-blank rows, merges undone."""

    sheet: str
    header_row: int
    headers: dict[str, str]  # canonical column -> header as written
    rows: list[tuple[int, dict[str, object]]]  # (Excel row number, canonical column -> value)
    ignored: list[str] = field(default_factory=list)  # headers we do not use, as written


@dataclass
class RawWorkbook:
    ledger: Table
    info_sheet: str | None
    info: dict[str, tuple[int, object]]  # canonical key -> (Excel row number, value)
    epoch: datetime
    findings: list[Finding] = field(default_factory=list)


def read_workbook(path: Path) -> RawWorkbook:
    """Read the ledger and 基本信息 sheets; raises WorkbookUnusable with a Chinese message."""
    book = _load(path)
    ledger = _find_ledger(book, path)
    info_sheet = _find_info_sheet(book)
    raw = RawWorkbook(
        ledger=ledger,
        info_sheet=info_sheet.title if info_sheet is not None else None,
        info=_read_info(info_sheet) if info_sheet is not None else {},
        epoch=book.epoch,
    )
    if ledger.ignored:
        names = "、".join(f"“{n}”" for n in ledger.ignored)
        raw.findings.append(
            Finding(
                Level.HINT,
                ledger.sheet,
                ledger.header_row,
                "",
                f"以下列不参与生成：{names}",
                "无需处理",
            )
        )
    return raw


def _load(path: Path):  # -> openpyxl Workbook; imported lazily to keep --help fast
    import openpyxl

    if not path.exists():
        raise WorkbookUnusable(f"找不到台账文件：{path}。请检查文件名和位置。")
    if path.is_dir():
        raise WorkbookUnusable(f"{path} 是一个文件夹，不是台账文件。请指定 .xlsx 台账文件。")
    data = path.read_bytes()  # read once; the user's file is never opened for writing
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise WorkbookUnusable(
            f"{path.name} 不是 Excel 工作簿（.xlsx）。请在 Excel 或 WPS 中打开它，另存为“Excel 工作簿（*.xlsx）”后重试。"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops; we only read
            return openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise WorkbookUnusable(
            f"无法读取 {path.name}：文件已损坏或不是 Excel 工作簿（{type(error).__name__}）。"
            "请在 Excel 或 WPS 中打开并另存为 .xlsx 后重试。"
        ) from error


def _cells(sheet) -> dict[int, dict[int, object]]:
    """Non-empty values by row and column, merges filled in.

    Reads openpyxl's sparse cell store instead of iterating to max_row: a sheet whose
    formatting reaches row 1,048,576 would otherwise take minutes.
    """
    grid: dict[int, dict[int, object]] = {}
    for (row, column), cell in sheet._cells.items():
        value = cell.value
        if value is not None and (not isinstance(value, str) or value.strip()):
            grid.setdefault(row, {})[column] = value
    for merged in sheet.merged_cells.ranges:
        value = grid.get(merged.min_row, {}).get(merged.min_col)
        if value is None:
            continue
        for row in range(merged.min_row, merged.max_row + 1):
            for column in range(merged.min_col, merged.max_col + 1):
                grid.setdefault(row, {})[column] = value
    return grid


def _header(
    grid: dict[int, dict[int, object]],
) -> tuple[int, dict[int, str], dict[int, str]] | None:
    """The header row among the first rows: (row, column -> canonical, column -> written)."""
    best: tuple[int, dict[int, str], dict[int, str]] | None = None
    for row in sorted(r for r in grid if r <= HEADER_SEARCH_ROWS):
        cells = grid[row]
        mapped = {c: name for c, v in cells.items() if (name := ledger_column(v))}
        if len(set(mapped.values())) >= MIN_HEADER_MATCHES and (best is None or len(mapped) > len(best[1])):
            best = (
                row,
                mapped,
                {c: clean(v).replace("\n", "") for c, v in cells.items()},
            )
    return best


def _table(sheet) -> Table | None:
    grid = _cells(sheet)
    found = _header(grid)
    if found is None:
        return None
    header_row, mapped, written = found
    columns: dict[int, str] = {}
    for column, name in sorted(mapped.items()):
        if name not in columns.values():  # the first column of a name wins
            columns[column] = name
    headers = {name: written[column] for column, name in columns.items()}
    ignored = [written[c] for c in sorted(written) if c not in columns]
    rows = []
    for row in sorted(r for r in grid if r > header_row):
        values = {name: grid[row][c] for c, name in columns.items() if c in grid[row]}
        if values:
            rows.append((row, values))
    return Table(sheet.title, header_row, headers, rows, ignored)


def _find_ledger(book, path: Path) -> Table:
    sheets = sorted(book.worksheets, key=lambda s: s.title != LEDGER_SHEET)
    for sheet in sheets:
        table = _table(sheet)
        if table is not None:
            return table
    names = "、".join(s.title for s in book.worksheets)
    raise WorkbookUnusable(
        f"{path.name} 中找不到整改台账：没有哪张工作表的前{HEADER_SEARCH_ROWS}行中有“问题、整改措施、责任人、整改时限”等表头"
        f"（现有工作表：{names}）。请使用 workbook_template.xlsx 的“{LEDGER_SHEET}”格式。"
    )


def _find_info_sheet(book):
    for sheet in book.worksheets:
        if sheet.title.strip() == INFO_SHEET:
            return sheet
    for sheet in book.worksheets:
        if INFO_SHEET in sheet.title:
            return sheet
    return None


def _read_info(sheet) -> dict[str, tuple[int, object]]:
    """Each key's value: the cell right of the (merged) cell naming a known key."""
    merged_width = {(r.min_row, r.min_col): r.max_col - r.min_col + 1 for r in sheet.merged_cells.ranges}
    info: dict[str, tuple[int, object]] = {}
    for row, cells in sorted(_cells(sheet).items()):
        for column in sorted(cells):
            name = info_key(cells[column])
            if name is None or name in info:
                continue
            value_column = column + merged_width.get((row, column), 1)
            info[name] = (row, cells.get(value_column))
            break
    return info
