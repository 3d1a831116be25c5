"""Write the canonical rectification ledger workbook (整改台账模板).

Usage: python tools/build_workbook_template.py [OUT]   (default: workbook_template.xlsx at the repo root)

The workbook holds the example of the reference notice (区红十字会巡察整改进展情况通报): its 基本信息 and
ledger reproduce that notice word for word. The example is data, in tools/example_ledger.json; the columns
and 基本信息 keys are the project's own (rectification.read.columns); this script only lays them out.
The build is deterministic: the same data gives the same file, byte for byte.
"""

from __future__ import annotations

import io
import json
import math
import re
import sys
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from anywhere: the package sits at the repo root
    sys.path.insert(0, str(REPO))

from rectification.core.model import Status  # noqa: E402
from rectification.read.columns import INFO_KEYS, LEDGER_COLUMNS, OPTIONAL_INFO_KEYS, REQUIRED_COLUMNS  # noqa: E402
from rectification.settings import DEFAULT_PRESET, FORMAT_SHEET, KEYS, PRESETS, Scope  # noqa: E402
from rectification.settings.placeholders import names as placeholder_names  # noqa: E402

DEFAULT_OUT = REPO / "workbook_template.xlsx"
EXAMPLE = Path(__file__).resolve().with_name("example_ledger.json")
BUILD_TIME = datetime(2025, 12, 11, 9, 0, 0)  # fixed, so rebuilding gives the same file

GUIDE_SHEET = "填表说明"
INFO_SHEET = "基本信息"
LEDGER_SHEET = "整改台账"

LEDGER_HEADERS = list(LEDGER_COLUMNS)
LEDGER_WIDTHS = {
    "序号": 6, "问题类别": 10, "问题": 18, "问题具体表现": 16, "整改措施": 24, "责任领导": 8, "责任部门": 11,
    "责任人": 7, "整改时限": 13, "整改状态": 9, "完成时间": 11, "整改进展": 50, "佐证材料": 16, "备注": 14,
}  # fmt: skip
PROBLEM_COLUMNS = ("序号", "问题类别", "问题", "问题具体表现")  # a problem's, merged over its measures' rows
MEASURE_REQUIRED = tuple(c for c in REQUIRED_COLUMNS if c not in PROBLEM_COLUMNS)
CENTRED_COLUMNS = ("序号", "责任领导", "责任部门", "责任人", "整改时限", "整改状态", "完成时间")
STATUSES = tuple(s.value for s in Status)
VALIDATED_ROWS = 500  # validations reach this row, so new measures get the dropdowns too

INFO_HEADERS = ["项目", "内容", "说明"]
INFO_WIDTHS = [16, 72, 46]
INFO_DATE_FORMAT = 'yyyy"年"m"月"d"日"'
TEXT_KEYS = ("联系电话", "邮编")  # kept as text: a number would lose its form

GUIDE_WIDTHS = [16, 96]
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# ---------------------------------------------------------------------------------------------------
# The example, read from tools/example_ledger.json and checked against the project's columns and keys
# ---------------------------------------------------------------------------------------------------


def cell_value(value: object) -> object:
    """A JSON value as a cell's: ISO dates become dates, a list of paragraphs one text, "" and null blank."""
    if isinstance(value, list):
        return "\n".join(value)
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return date.fromisoformat(value)
    return value if value != "" else None


def load_example(path: Path = EXAMPLE) -> dict:
    """The example ledger, after checking it names only the project's columns and keys."""
    data = json.loads(path.read_text(encoding="utf-8"))
    unknown = set(data["info"]) - set(INFO_KEYS)
    missing = set(INFO_KEYS) - set(OPTIONAL_INFO_KEYS) - set(data["info"])
    if unknown or missing:
        raise ValueError(f"{path.name} info: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
    problem_keys = {*PROBLEM_COLUMNS, "measures"} - {"序号"}  # 序号 is counted, not written
    measure_keys = set(LEDGER_COLUMNS) - set(PROBLEM_COLUMNS)
    for number, problem in enumerate(data["problems"], 1):
        faults = sorted(set(problem) - problem_keys)
        for measure in problem["measures"]:
            faults += sorted(set(measure) - measure_keys)
            faults += [f"no {column}" for column in MEASURE_REQUIRED if not measure.get(column)]
            if measure.get("整改状态") not in STATUSES:
                faults.append(f"整改状态 {measure.get('整改状态')}")
        if faults:
            raise ValueError(f"{path.name} problem {number}: {', '.join(faults)}")
    return data


def info_rows(info: dict[str, dict[str, object]]) -> list[tuple[str, object, str]]:
    """(项目, 内容, 说明) in the project's key order."""
    return [(key, cell_value(info[key]["内容"]), info[key]["说明"]) for key in INFO_KEYS if key in info]


def format_rows() -> list[tuple[str, object, str]]:
    """(项目, 内容, 说明) of the 通报格式 sheet: every key, filled with the preset that writes the example."""
    preset = PRESETS[DEFAULT_PRESET]
    return [(k.name, DEFAULT_PRESET if k.name == "体例" else preset[k.name], k.about) for k in KEYS]


def format_guide() -> dict:
    """The 填表说明 section on 通报格式, from the keys themselves: what each does, and an example."""
    names = "".join(f"{{{n}}}" for n in placeholder_names(Scope.NOTICE) if n not in INFO_KEYS or n == "被巡察单位")
    since = "".join(f"{{{n}}}" for n in placeholder_names(Scope.SINCE))
    items = [
        {"text": f"“{FORMAT_SHEET}”表决定通报怎么写。不要这张表（或各项都不改）时，通报按本示例的格式生成。"},
        {
            "text": f"“体例”选一套预设：{'、'.join(PRESETS)}。表中没有列出的项目、以及与模板（“逐条”）一字不差的项目按所选体例，"
            "改写了的以改写为准：只改“体例”一项即可换一套格式。"
        },
        {
            "text": "文字中可以用占位符，生成时换成台账中的内容，如{发文机关}{巡察时间}{问题数}{问题完成率}；"
            "“基本信息”中的每一项（包括自己加的项，如“追缴资金 | 3.6万元”）都可以写作占位符。"
            f"可用的占位符还有：{names}；用 --since 与上次的台账比较时还可用：{since}。要写花括号本身，请写成{{{{或}}}}。"
        },
        {
            "text": "开头、统计句、各部分标题、分类统计句、结束语、落款留空或写“不写”即省略；"
            "这时“基本信息”中只为那一部分准备的内容也可以不填。“整改情况标签”留空即不加标签；其余各项留空按体例。"
        },
        *({"label": k.name, "text": f"{k.about}。例：{k.example}"} for k in KEYS),
    ]
    return {"heading": f"六、“{FORMAT_SHEET}”的填法", "items": items}


def guide_rows(guide: dict) -> list[tuple[str, str, str]]:
    """(kind, label, text) rows of 填表说明; kind is "title", "section" or "item"."""
    rows = [("title", guide["title"], "")]
    sections = [*guide["sections"], format_guide()]
    items = [(None, guide["items"])] + [(s["heading"], s["items"]) for s in sections]
    for heading, entries in items:
        if heading:
            rows.append(("section", heading, ""))
        rows += [("item", entry.get("label", ""), entry["text"]) for entry in entries]
    return rows


# ---------------------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------------------

FONT = "宋体"
BODY_FONT = Font(name=FONT, size=10)
BOLD_FONT = Font(name=FONT, size=10, bold=True)
TITLE_FONT = Font(name="黑体", size=14, bold=True)
SECTION_FONT = Font(name="黑体", size=11, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="808080")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TOP_WRAP = Alignment(vertical="top", wrap_text=True)
TOP_CENTRE = Alignment(horizontal="center", vertical="top", wrap_text=True)
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
LINE_HEIGHT = 13.5  # points per line of 10 pt text
GUIDE_LINE_HEIGHT = 15  # points per line of 11 pt text
LEDGER_DATE_FORMAT = "yyyy-mm-dd"
DEADLINE_PROMPT = (
    "可填日期（2025-09-30、2025年9月30日），也可填“2025年9月底前”“2025年底前”"
    "“立行立改”“长期坚持”“2025年底前，并长期坚持”。"
)


def set_widths(ws: Worksheet, widths: list[int]) -> None:
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width


def write_header(ws: Worksheet, headers: list[str]) -> None:
    for index, name in enumerate(headers, 1):
        cell = ws.cell(row=1, column=index, value=name)
        cell.font = BOLD_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGN
        cell.border = GRID
    ws.freeze_panes = "A2"


def style_body_cell(ws: Worksheet, row: int, column: int, centred: bool = False) -> None:
    cell = ws.cell(row=row, column=column)
    cell.font = BODY_FONT
    cell.border = GRID
    cell.alignment = TOP_CENTRE if centred else TOP_WRAP
    if isinstance(cell.value, date):
        cell.number_format = LEDGER_DATE_FORMAT


def text_lines(text: str, width: float, cjk_units: float = 1.9) -> int:
    """Lines a wrapped text takes in a column of Excel width units (one unit: a digit of the default font).

    A CJK character of 10 pt 宋体 is about 1.9 units in Excel (11 pt: 2.1); other characters count one.
    """
    usable = max(width - 1, 1)
    lines = 0
    for paragraph in text.split("\n"):
        units = sum(cjk_units if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in paragraph)
        lines += max(1, math.ceil(units / usable))
    return lines


def fit_row_heights(ws: Worksheet, first_row: int, points_per_line: float, cjk_units: float = 1.9) -> None:
    """Explicit heights for wrapped rows: LibreOffice and WPS keep the default height otherwise.

    Cells merged over several rows are left out; their text fits in the rows' combined height.
    """
    tall = {(r.min_row, r.min_col) for r in ws.merged_cells.ranges if r.max_row > r.min_row}
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            if isinstance(cell, MergedCell) or cell.value is None or (cell.row, cell.column) in tall:
                continue
            if not (cell.alignment and cell.alignment.wrap_text):
                continue
            width = ws.column_dimensions[cell.column_letter].width
            lines = max(lines, text_lines(str(cell.value), width, cjk_units))
        ws.row_dimensions[row[0].row].height = round(lines * points_per_line + 4, 1)


def set_print(ws: Worksheet, landscape: bool, title_rows: str | None = "1:1") -> None:
    """A4, fitted to the page width, header row repeated on every page, page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    if title_rows:
        ws.print_title_rows = title_rows


def ledger_rows(problem: dict, number: int) -> list[list[object]]:
    """The problem's ledger rows, one a measure, in LEDGER_COLUMNS order; problem columns on the first row only."""
    first = {column: problem.get(column) for column in PROBLEM_COLUMNS} | {"序号": number}
    rows = []
    for index, measure in enumerate(problem["measures"]):
        cells = measure | first if index == 0 else measure
        rows.append([cell_value(cells.get(column)) for column in LEDGER_HEADERS])
    return rows


def merge_problem(ws: Worksheet, problem: dict, first: int) -> None:
    """Merge the problem columns, and 责任领导 when one leader owns every measure."""
    measures = problem["measures"]
    last = first + len(measures) - 1
    if last == first:
        return
    columns = list(PROBLEM_COLUMNS)
    if len({m["责任领导"] for m in measures}) == 1:
        columns.append("责任领导")
    for name in columns:
        column = LEDGER_HEADERS.index(name) + 1
        ws.merge_cells(start_row=first, start_column=column, end_row=last, end_column=column)


def write_ledger(ws: Worksheet, problems: list[dict]) -> None:
    write_header(ws, LEDGER_HEADERS)
    set_widths(ws, [LEDGER_WIDTHS[name] for name in LEDGER_HEADERS])
    centred = {LEDGER_HEADERS.index(name) + 1 for name in CENTRED_COLUMNS}
    row = 2
    for number, problem in enumerate(problems, 1):
        first = row
        for values in ledger_rows(problem, number):
            for column, value in enumerate(values, 1):
                ws.cell(row=row, column=column, value=value)
                style_body_cell(ws, row, column, column in centred)
            row += 1
        merge_problem(ws, problem, first)
    fit_row_heights(ws, 2, LINE_HEIGHT)
    last_column = get_column_letter(len(LEDGER_HEADERS))
    ws.auto_filter.ref = f"A1:{last_column}{row - 1}"
    add_ledger_validations(ws)
    set_print(ws, landscape=True)


def column_range(name: str) -> str:
    letter = get_column_letter(LEDGER_HEADERS.index(name) + 1)
    return f"{letter}2:{letter}{VALIDATED_ROWS}"


def add_ledger_validations(ws: Worksheet) -> None:
    """Dropdown for 整改状态, date hints for 整改时限/完成时间; all let other text through."""
    status = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUSES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="整改状态",
        error="建议从下拉列表中选择。“已整改”“推进中”等同义词也可以使用，点“是”保留。",
        showInputMessage=True,
        promptTitle="整改状态",
        prompt=f"从下拉列表选择：{'、'.join(STATUSES)}。",
    )
    deadline = date_validation(
        "整改时限",
        DEADLINE_PROMPT,
        "information",
        "整改时限也可以填文字，如“立行立改”“2025年底前”，点“确定”保留。",
    )
    completed = date_validation(
        "完成时间",
        "已完成的措施填实际完成的日期，如2025-09-30；其他状态留空。",
        "warning",
        "完成时间应为日期，如2025-09-30或2025年9月30日。",
    )
    for validation, column in ((status, "整改状态"), (deadline, "整改时限"), (completed, "完成时间")):
        validation.add(column_range(column))
        ws.add_data_validation(validation)


def date_validation(title: str, prompt: str, style: str, error: str) -> DataValidation:
    return DataValidation(
        type="date",
        operator="greaterThan",
        formula1="36526",  # 2000-01-01 as an Excel serial number
        allow_blank=True,
        showErrorMessage=True,
        errorStyle=style,
        errorTitle=title,
        error=error,
        showInputMessage=True,
        promptTitle=title,
        prompt=prompt,
    )


def write_info(ws: Worksheet, rows: list[tuple[str, object, str]]) -> None:
    write_header(ws, INFO_HEADERS)
    set_widths(ws, INFO_WIDTHS)
    for row, (key, value, note) in enumerate(rows, 2):
        cells = (
            ws.cell(row=row, column=1, value=key),
            ws.cell(row=row, column=2, value=value),
            ws.cell(row=row, column=3, value=note),
        )
        for cell in cells:
            cell.font = BODY_FONT
            cell.border = GRID
            cell.alignment = TOP_WRAP
        cells[0].font = BOLD_FONT
        if isinstance(value, date):
            cells[1].number_format = INFO_DATE_FORMAT
            cells[1].alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        elif key in TEXT_KEYS:
            cells[1].number_format = "@"
    fit_row_heights(ws, 2, LINE_HEIGHT)
    set_print(ws, landscape=False)


def write_guide(ws: Worksheet, rows: list[tuple[str, str, str]]) -> None:
    set_widths(ws, GUIDE_WIDTHS)
    for row, (kind, label, text) in enumerate(rows, 1):
        left = ws.cell(row=row, column=1, value=label or None)
        right = ws.cell(row=row, column=2, value=text or None)
        if kind == "title":
            left.font = TITLE_FONT
        elif kind == "section":
            left.font = SECTION_FONT
        else:
            left.font = Font(name=FONT, size=11, bold=True)
            left.alignment = TOP_WRAP
            right.font = Font(name=FONT, size=11)
            right.alignment = TOP_WRAP
    fit_row_heights(ws, 2, GUIDE_LINE_HEIGHT, cjk_units=2.1)
    set_print(ws, landscape=False, title_rows=None)


def build_workbook(example: dict | None = None) -> Workbook:
    example = load_example() if example is None else example
    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE_SHEET
    write_guide(guide, guide_rows(example["guide"]))
    write_info(wb.create_sheet(INFO_SHEET), info_rows(example["info"]))
    write_info(wb.create_sheet(FORMAT_SHEET), format_rows())
    ledger = wb.create_sheet(LEDGER_SHEET)
    write_ledger(ledger, example["problems"])
    wb.active = ledger
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws is ledger
    wb.properties.creator = "rectification"
    wb.properties.lastModifiedBy = "rectification"
    wb.properties.title = "巡察整改台账"
    wb.properties.created = BUILD_TIME
    wb.properties.modified = BUILD_TIME
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    """The .xlsx as bytes, its text as Excel saves it, with fixed document and zip timestamps (openpyxl's
    save() stamps the time)."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    with zipfile.ZipFile(raw) as source:
        parts = as_excel_writes({item.filename: source.read(item.filename) for item in source.infolist()})
    fixed = io.BytesIO()
    with zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=BUILD_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, data)
    return fixed.getvalue()


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# A font's properties in the order Excel writes them (and the Open XML SDK's validator expects).
FONT_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz", "color")
FONT_ORDER += ("name", "family", "charset", "scheme")


def as_excel_writes(parts: dict[str, bytes]) -> dict[str, bytes]:
    """The package as Excel and WPS save it: its text in one shared-string table, UTF-8; fonts in schema order.

    openpyxl writes every text as an inline string with each Chinese character as a &#NNNNN; reference, which
    makes the sheets three times the size a clerk's own saved ledger has (and slower to read for every tool),
    and Excel rewrites them into a shared-string table on its first save.
    """
    from lxml import etree

    styles = etree.fromstring(parts["xl/styles.xml"])
    for font in styles.iter(f"{{{MAIN}}}font"):
        font[:] = sorted(font, key=lambda child: FONT_ORDER.index(etree.QName(child).localname))
    parts["xl/styles.xml"] = etree.tostring(styles, xml_declaration=True, encoding="UTF-8", standalone=True)
    return with_shared_strings(parts)


def with_shared_strings(parts: dict[str, bytes]) -> dict[str, bytes]:
    """Every inline string of the sheets moved to xl/sharedStrings.xml, as Excel stores text."""
    from lxml import etree

    strings: dict[bytes, int] = {}  # each distinct <is> content, serialised, -> its index
    table = etree.Element(f"{{{MAIN}}}sst", nsmap={None: MAIN})
    uses = 0
    for name in [n for n in parts if n.startswith("xl/worksheets/") and n.endswith(".xml")]:
        root = etree.fromstring(parts[name])
        for cell in root.iter(f"{{{MAIN}}}c"):
            inline = cell.find(f"{{{MAIN}}}is")
            if cell.get("t") != "inlineStr" or inline is None:
                continue
            content = b"".join(etree.tostring(child) for child in inline)
            if content not in strings:
                strings[content] = len(strings)
                item = etree.SubElement(table, f"{{{MAIN}}}si")
                item.extend(list(inline))  # <t> or rich-text runs, as written
            cell.remove(inline)
            cell.set("t", "s")
            etree.SubElement(cell, f"{{{MAIN}}}v").text = str(strings[content])
            uses += 1
        parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if not strings:
        return parts
    table.set("count", str(uses))
    table.set("uniqueCount", str(len(strings)))
    parts["xl/sharedStrings.xml"] = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/></Types>'.encode()
    )
    relation = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rIdSharedStrings" Type="{relation}" Target="sharedStrings.xml"/></Relationships>'.encode(),
    )
    return parts


def write_template(out: Path = DEFAULT_OUT) -> Path:
    out = Path(out)
    out.write_bytes(workbook_bytes(build_workbook()))
    return out


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        print("用法：python tools/build_workbook_template.py [输出文件]", file=sys.stderr)
        return 2
    problems = load_example()["problems"]
    out = write_template(Path(argv[0]) if argv else DEFAULT_OUT)
    measures = sum(len(p["measures"]) for p in problems)
    print(f"已生成 {out}（{len(problems)} 个问题，{measures} 条整改措施）")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
