"""Read a ledger workbook into plain rows: find the sheets and the header, name the cells readers drop."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from rectification.core.model import Finding, Level, Roster
from rectification.core.text import INVISIBLE, clean, invisible_in, key, xml_safe
from rectification.read import addresses
from rectification.read.access import WorkbookUnusable, read_bytes
from rectification.read.columns import info_key, ledger_column
from rectification.read.package import Package
from rectification.read.sheets import Book, Sheet, SheetTooLarge, column_letters, open_book, open_legacy_book

LEDGER_SHEET = "整改台账"
INFO_SHEET = "基本信息"
ROSTER_SHEET = "人员名单"
FORMAT_SHEET = "通报格式"
HEADER_SEARCH_ROWS = 10
MIN_HEADER_MATCHES = 4
INVISIBLE_HINT = "无需处理；若该处文字看起来不对（如次序颠倒），请在 Excel 中删除后重新输入"


@dataclass
class Table:
    """A ledger sheet: its header and its non-blank rows, merges undone."""

    sheet: str
    header_row: int
    headers: dict[str, str]  # canonical column -> header as written
    rows: list[tuple[int, dict[str, object]]]  # (Excel row number, canonical column -> value)
    ignored: list[str] = field(default_factory=list)  # headers we do not use, as written
    written: dict[int, str] = field(default_factory=dict)  # column number -> header as written
    used: dict[int, str] = field(default_factory=dict)  # column number -> canonical column, for the columns we read


@dataclass
class RawWorkbook:
    ledger: Table
    info_sheet: str | None
    info: dict[str, tuple[int, object]]  # canonical key -> (Excel row number, value)
    epoch: datetime
    roster: Roster | None = None
    findings: list[Finding] = field(default_factory=list)
    extra_info: dict[str, tuple[int, object]] = field(default_factory=dict)  # the unit's own 基本信息 keys
    format_sheet: str | None = None  # the 通报格式 sheet's title, when the workbook has one
    format_pairs: list[tuple[int, object, object]] = field(default_factory=list)  # (row, 项目, 内容)


def read_workbook(path: Path) -> RawWorkbook:
    """Read the ledger, 基本信息 and 人员名单 sheets; raises WorkbookUnusable with a Chinese message."""
    book = _open(*read_bytes(path), path.name)
    title_findings = _clean_titles(book)
    info_sheet = _find_sheet(book, INFO_SHEET)
    roster_sheet = _find_sheet(book, ROSTER_SHEET)
    format_sheet = _find_sheet(book, FORMAT_SHEET)
    # The sheets read by title, together; 填表说明 and the like only if the ledger is not where its title says.
    named = [s for s in book.sheets if s.title == LEDGER_SHEET] + [info_sheet, roster_sheet, format_sheet]
    _load(book, [s for s in named if s is not None], path.name)
    ledger_sheet, ledger = _find_ledger(book, path)
    info, extra_info = _read_info(info_sheet) if info_sheet else ({}, {})
    roster, roster_findings = _read_roster(roster_sheet) if roster_sheet else (None, [])
    raw = RawWorkbook(
        ledger=ledger,
        info_sheet=info_sheet.title if info_sheet else None,
        info=info,
        epoch=book.epoch,
        roster=roster,
        extra_info=extra_info,
        format_sheet=format_sheet.title if format_sheet else None,
        format_pairs=pairs(format_sheet) if format_sheet else [],
    )
    raw.findings += title_findings
    raw.findings += roster_findings
    if info_sheet is not None:
        raw.findings += _recipient_findings(info_sheet.title, raw.info)
    raw.findings += _invisible_characters(ledger, info_sheet.title if info_sheet else "", raw.info)
    raw.findings += _ignored_columns(ledger)
    raw.findings += _hidden_parts(ledger_sheet, ledger)
    # Faults count only where we read: a #DIV/0! in a helper column or a title row blocks nothing.
    raw.findings += _cell_faults(ledger_sheet, ledger, lambda r, c: r > ledger.header_row and c in ledger.used)
    if info_sheet is not None:
        info_rows = {row for row, _ in raw.info.values()}
        raw.findings += _cell_faults(info_sheet, None, lambda r, c: r in info_rows)
    return raw


def read_issuer(path: Path) -> str:
    """The 发文机关 in a workbook's 基本信息, reading that sheet alone ("" when it has none): --batch --since
    pairs ledgers by it. Raises WorkbookUnusable."""
    info, _ = read_info(path)
    return clean(info.get("发文机关", (0, None))[1])


def read_info(path: Path) -> tuple[dict[str, tuple[int, object]], datetime]:
    """A workbook's 基本信息 (empty when it has none) and its date epoch, reading that sheet alone: what pairs
    ledgers (--batch --since) or orders two dropped ones costs no reading of their measures. Raises WorkbookUnusable."""
    book = _open(*read_bytes(path), path.name)
    sheet = _find_sheet(book, INFO_SHEET)
    if sheet is None:
        return {}, book.epoch
    _load(book, [sheet], path.name)
    return _read_info(sheet)[0], book.epoch


def read_format_pairs(path: Path) -> tuple[str, list[tuple[int, object, object]]]:
    """--format: the 通报格式 sheet of another workbook, as (sheet title, (row, 项目, 内容) pairs)."""
    try:
        data, package = read_bytes(path)
    except WorkbookUnusable as error:  # the reading messages speak of a ledger; this file holds a format
        raise WorkbookUnusable(str(error).replace("台账文件", "格式文件")) from None
    book = _open(data, package, path.name)
    sheet = _find_sheet(book, FORMAT_SHEET)
    if sheet is None:
        names = "、".join(s.title for s in book.sheets)
        raise WorkbookUnusable(
            f"{path.name} 中没有“{FORMAT_SHEET}”工作表（现有工作表：{names}）。"
            f"请指定含“{FORMAT_SHEET}”工作表的工作簿，可从 workbook_template.xlsx 复制该表。"
        )
    _load(book, [sheet], path.name)
    return sheet.title, pairs(sheet)


LEGACY_NAMES = {"xls": "旧版 Excel 97-2003 文件（.xls）", "ods": "OpenDocument 表格（.ods）"}


def _open(data: bytes, package: Package, name: str) -> Book:
    if package.kind == "xlsx":
        with _reading(name):
            return open_book(data, package.unpacked)
    try:
        with _reading(name):
            return open_legacy_book(data, package)
    except WorkbookUnusable as error:
        if isinstance(error.__cause__, SheetTooLarge):
            raise
        raise WorkbookUnusable(
            f"{name} 是{LEGACY_NAMES[package.kind]}，但无法读取：文件已损坏或内容不完整。"
            "请在 Excel 或 WPS 中打开它，“另存为”选择“Excel 工作簿（*.xlsx）”后重试。"
        ) from None


def _load(book: Book, sheets: list[Sheet], name: str) -> None:
    with _reading(name):
        book.load(sheets)


@contextmanager
def _reading(name: str) -> Iterator[None]:
    """The readers' exceptions as WorkbookUnusable, in Chinese."""
    try:
        yield
    except ImportError:  # a broken installation, not a broken file
        raise
    except SheetTooLarge as error:
        raise WorkbookUnusable(
            f"{name} 中{error}，不像正常的台账，为安全起见不予读取。请在 Excel 或 WPS 中取消多余的合并、删除多余内容后另存再试。"
        ) from error
    except Exception as error:  # the readers raise many kinds for a damaged file
        raise WorkbookUnusable(
            f"无法读取 {name}：文件已损坏或内容不完整。请在 Excel 或 WPS 中打开并另存为 .xlsx 后重试。"
        ) from error


def _clean_titles(book: Book) -> list[Finding]:
    """Sheet names as they show in Excel: no control or invisible characters (a name may hold ESC[2J)."""
    findings = []
    for sheet in book.sheets:
        cleaned = xml_safe(sheet.title).strip() or "（无名工作表）"
        if cleaned != sheet.title:
            hidden = invisible_in(sheet.title)
            what = f"看不见的特殊字符（{'、'.join(hidden[:5])}）" if hidden else "控制字符"
            findings.append(Finding(Level.HINT, cleaned, None, "", f"工作表名称中含有{what}，已删除", "无需处理"))
            sheet.title = cleaned
    return findings


def _invisible_characters(table: Table, info_sheet: str, info: dict[str, tuple[int, object]]) -> list[Finding]:
    """Bidi overrides and zero-width characters in the cells read: text.clean drops them; say where."""
    texts = {v for _, values in table.rows for v in values.values() if isinstance(v, str)}  # each distinct text
    text = "".join([*texts, *(v for _, v in info.values() if isinstance(v, str))])
    if text.isprintable() or INVISIBLE.search(text) is None:  # the usual case: one search, not one a cell
        return []
    cells = [
        (table.sheet, row, table.headers[name], value) for row, values in table.rows for name, value in values.items()
    ]
    cells += [(info_sheet, row, name, value) for name, (row, value) in info.items()]
    findings = []
    for sheet, row, column, value in cells:
        if isinstance(value, str) and INVISIBLE.search(value) and (hidden := invisible_in(value)):
            message = f"含有看不见的特殊字符（{'、'.join(hidden[:5])}，可用来颠倒或隐藏文字），已删除"
            findings.append(Finding(Level.HINT, sheet, row, column, message, INVISIBLE_HINT))
    return findings


def _column_name(table: Table | None, column: int) -> str:
    letters = column_letters(column)
    return table.written.get(column, f"{letters}列") if table else f"{letters}列"


def _ignored_columns(table: Table) -> list[Finding]:
    if not table.ignored:
        return []
    names = "、".join(f"“{n}”" for n in table.ignored)
    return [Finding(Level.HINT, table.sheet, table.header_row, "", f"以下列不参与生成：{names}", "无需处理")]


def _hidden_parts(sheet: Sheet, table: Table) -> list[Finding]:
    """Hidden rows and columns are read like the others; say so, since the user may not see them."""
    findings = []
    hidden_rows = sorted(sheet.hidden_rows & {row for row, _ in table.rows})
    if hidden_rows:
        shown = "、".join(str(r) for r in hidden_rows[:10]) + ("等" if len(hidden_rows) > 10 else "")
        findings.append(
            Finding(
                Level.HINT,
                table.sheet,
                hidden_rows[0],
                "",
                f"第{shown}行是隐藏行，已照常读入（共{len(hidden_rows)}行）",
                "如这些行不应写入通报，请删除它们，而不是隐藏",
            )
        )
    hidden_columns = [table.written[c] for c in sorted(sheet.hidden_columns & set(table.written))]
    if hidden_columns:
        names = "、".join(f"“{n}”" for n in hidden_columns)
        findings.append(Finding(Level.HINT, table.sheet, table.header_row, "", f"隐藏列{names}已照常读入", "无需处理"))
    return findings


ERROR_VALUE_HINT = "请修正该单元格的公式（常因引用的行、列或工作表被删除），或直接填写内容"
UNCACHED_HINT = "该文件由不计算公式的程序生成：请用 Excel 或 WPS 打开此文件，保存后再运行"


def _cell_faults(sheet: Sheet, table: Table | None, read: Callable[[int, int], bool]) -> list[Finding]:
    """Error values and formulas saved without a result both read as blank: name the cells."""
    faults = [(r, c, f"是错误值 {value}", ERROR_VALUE_HINT) for r, c, value in sheet.errors]
    faults += [(r, c, f"的公式（={formula[:40]}）没有计算结果", UNCACHED_HINT) for r, c, formula in sheet.uncached]
    return [
        Finding(
            Level.ERROR,
            sheet.title,
            row,
            _column_name(table, column),
            f"单元格{column_letters(column)}{row}{what}",
            hint,
        )
        for row, column, what, hint in sorted(faults)
        if read(row, column)
    ]


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


def _table(sheet: Sheet) -> Table | None:
    found = _header(sheet.values)
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
    for row in sorted(r for r in sheet.values if r > header_row):
        cells = sheet.values[row]
        values = {name: cells[c] for c, name in columns.items() if c in cells}
        if values:
            rows.append((row, values))
    return Table(sheet.title, header_row, headers, rows, ignored, written, columns)


def _find_ledger(book: Book, path: Path) -> tuple[Sheet, Table]:
    sheets = sorted(book.sheets, key=lambda s: s.title != LEDGER_SHEET)
    for sheet in sheets:
        _load(book, [sheet], path.name)
        table = _table(sheet)
        if table is not None:
            return sheet, table
    names = "、".join(s.title for s in book.sheets)
    raise WorkbookUnusable(
        f"{path.name} 中找不到整改台账：没有哪张工作表的前{HEADER_SEARCH_ROWS}行中有“问题、整改措施、责任人、整改时限”等表头"
        f"（现有工作表：{names}）。请使用 workbook_template.xlsx 的“{LEDGER_SHEET}”格式。"
    )


def _find_sheet(book: Book, title: str) -> Sheet | None:
    """The sheet with this title, allowing spaces and decorations around it."""
    for sheet in book.sheets:
        if sheet.title.strip() == title:
            return sheet
    for sheet in book.sheets:
        if title in sheet.title:
            return sheet
    return None


def pairs(sheet: Sheet) -> list[tuple[int, object, object]]:
    """(row, label, value) of a two-column sheet: the first cell of each row, and the cell right of it (or of its merge)."""
    merged_width = {(top, left): right - left + 1 for top, left, _, right in sheet.merged}
    found = []
    for row, cells in sorted(sheet.values.items()):
        column = min(cells)
        found.append((row, cells[column], cells.get(column + merged_width.get((row, column), 1))))
    return found


def _read_info(sheet: Sheet) -> tuple[dict[str, tuple[int, object]], dict[str, tuple[int, object]]]:
    """Each known key's (row, value), and the unit's own keys (a label we do not know; its value may be blank)."""
    merged_width = {(top, left): right - left + 1 for top, left, _, right in sheet.merged}
    info: dict[str, tuple[int, object]] = {}
    for row, cells in sorted(sheet.values.items()):
        for column in sorted(cells):  # the label may follow a number column
            name = info_key(cells[column])
            if name is None or name in info:
                continue
            info[name] = (row, cells.get(column + merged_width.get((row, column), 1)))
            break
    known_rows = {row for row, _ in info.values()}
    extra: dict[str, tuple[int, object]] = {}
    for row, label, value in pairs(sheet):
        own = key(label)
        header = own == "项目" and key(value) == "内容"
        # Blank ones too (a pattern using one is told its row), but a filled one of the same name wins.
        if row not in known_rows and own and not header and (own not in extra or not clean(extra[own][1])):
            extra[own] = (row, value)
    return info, extra


ROSTER_MAIL_HINT = "改正前，这一行的邮箱不用于督办提醒函的邮件"
RECIPIENT_HINT = "改正前，--eml、--send 不生成、不发送通报的邮件"


def _recipient_findings(sheet: str, info: dict[str, tuple[int, object]]) -> list[Finding]:
    """基本信息's 收件人 and 抄送, read by the one address parser: say which cell holds what it cannot use."""
    findings = []
    for name in ("收件人", "抄送"):
        row, value = info.get(name, (0, None))
        for problem in addresses.parse(clean(value)).problems:
            findings.append(Finding(Level.HINT, sheet, row or None, name, problem, RECIPIENT_HINT))
    return findings


def _read_roster(sheet: Sheet) -> tuple[Roster | None, list[Finding]]:
    """姓名 | 部门 | 职务 | 邮箱 rows under a header found in the first rows; 邮箱 is optional.

    Each 邮箱 cell goes through the address parser: what it cannot use is a finding naming the row, never a letter.
    """
    grid = sheet.values
    for header_row in sorted(r for r in grid if r <= HEADER_SEARCH_ROWS):
        names = {key(v): c for c, v in grid[header_row].items()}
        person, department = names.get("姓名"), names.get("部门") or names.get("所在部门") or names.get("科室")
        mailbox = next(
            (names[n] for n in ("邮箱", "电子邮箱", "电子邮件", "邮件地址", "Email", "E-mail") if n in names), None
        )
        if person is None:
            continue
        people, departments, emails = [], [], []
        findings: list[Finding] = []
        column = clean(grid[header_row].get(mailbox)) if mailbox is not None else ""
        for row in sorted(r for r in grid if r > header_row):
            cells = grid[row]
            name = "".join(clean(cells.get(person)).split())  # “李　华” is listed as 李华
            unit = "".join(clean(cells.get(department)).split()) if department is not None else ""
            if name:
                people.append(name)
            if unit:
                departments.append(unit)
            if mailbox is not None and (text := clean(cells.get(mailbox))):
                found = addresses.parse(text)
                findings += [Finding(Level.HINT, sheet.title, row, column, p, ROSTER_MAIL_HINT) for p in found.problems]
                if found.mailboxes and not found.problems:
                    emails += [(name, unit, str(m)) for m in found.mailboxes]
        roster = Roster(sheet.title, tuple(people), tuple(dict.fromkeys(departments)), tuple(emails))
        return roster, findings
    return None, []
