"""The committed workbook_template.xlsx: what tools/build_workbook_template.py writes, true to the reference notice."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from datetime import datetime
from pathlib import Path
from types import ModuleType

import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "workbook_template.xlsx"
BUILDER = ROOT / "tools" / "build_workbook_template.py"
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "区红十字会巡察整改进展情况通报.txt"

LEDGER_HEADER = [
    "序号", "问题类别", "问题", "问题具体表现", "整改措施", "责任领导", "责任部门",
    "责任人", "整改时限", "整改状态", "完成时间", "整改进展", "佐证材料", "备注",
]  # fmt: skip
INFO_KEYS = [
    "标题", "发文机关", "巡察轮次", "巡察组", "巡察方式", "巡察开始日期", "巡察结束日期", "反馈日期",
    "发文日期", "联系电话", "邮政地址", "邮编", "组织领导情况", "阶段性成效", "下一步工作安排",
]  # fmt: skip
STATUSES = {"已完成", "正在推进", "长期坚持", "未启动"}
ORDINALS = "零一二三四五六七八九十"
ITEM = re.compile(r"\d+\.\s*关于“(.*)”的问题。(.*)")
FEEDBACK_DATE = datetime(2025, 8, 6)
ISSUE_DATE = datetime(2025, 12, 11)


# --- helpers ---------------------------------------------------------------------------------------


def load_builder() -> ModuleType:
    name = "build_workbook_template"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, BUILDER)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # loaded once: every test shares the module
        spec.loader.exec_module(module)
    return sys.modules[name]


def cell_style(cell) -> tuple[object, ...]:
    font, fill, align, border = cell.font, cell.fill, cell.alignment, cell.border
    return (
        (font.name, font.sz, font.b),
        (fill.fill_type, fill.fgColor.rgb),
        (align.horizontal, align.vertical, align.wrap_text),
        tuple(side.style for side in (border.left, border.right, border.top, border.bottom)),
    )


def snapshot(path: Path) -> dict[str, object]:
    """What a user sees of the workbook: values, formats, styles, merges, validations, panes, print titles."""
    wb = load_workbook(path)
    sheets = {}
    for ws in wb.worksheets:
        cells = [cell for row in ws.iter_rows() for cell in row]
        sheets[ws.title] = {
            "values": [[cell.value for cell in row] for row in ws.iter_rows()],
            "number_formats": {c.coordinate: c.number_format for c in cells if c.value is not None},
            "styles": {c.coordinate: cell_style(c) for c in cells if c.has_style},
            "heights": {r: d.height for r, d in sorted(ws.row_dimensions.items()) if d.height},
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted(
                (str(dv.sqref), str(dv.type), str(dv.formula1), str(dv.operator), str(dv.errorStyle))
                for dv in ws.data_validations.dataValidation
            ),
            "freeze_panes": ws.freeze_panes,
            "auto_filter": ws.auto_filter.ref,
            "print_title_rows": ws.print_title_rows,
            "orientation": ws.page_setup.orientation,
            "widths": {key: dim.width for key, dim in sorted(ws.column_dimensions.items())},
        }
    return {"order": wb.sheetnames, "active": wb.active.title, "sheets": sheets}


def ledger_problems(path: Path) -> list[dict[str, object]]:
    """The ledger's problems with their rows, merged cells filled in; a problem starts where 序号 is written."""
    ws = load_workbook(path)["整改台账"]
    header = [cell.value for cell in ws[1]]
    grid = [list(values) for values in ws.iter_rows(values_only=True)]
    for merged in ws.merged_cells.ranges:
        for r in range(merged.min_row, merged.max_row + 1):
            grid[r - 1][merged.min_col - 1] = grid[merged.min_row - 1][merged.min_col - 1]
    problems: list[dict[str, object]] = []
    for number, values in enumerate(grid[1:], 2):
        if all(v is None for v in values):
            continue
        row = dict(zip(header, values, strict=True))
        if ws.cell(row=number, column=1).value is not None:
            problems.append({"number": row["序号"], "title": row["问题"], "detail": row["问题具体表现"], "rows": []})
        problems[-1]["rows"].append(row)
    return problems


def info_values(path: Path) -> dict[str, object]:
    ws = load_workbook(path)["基本信息"]
    return {row[0]: row[1] for row in ws.iter_rows(min_row=2, values_only=True)}


def reference_items(text: str) -> list[tuple[str, str, str]]:
    """(问题, 问题具体表现, 整改情况 after the colon) of each numbered item; page-break splits rejoined."""
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    items: list[tuple[str, str, str]] = []
    for index, paragraph in enumerate(paragraphs):
        match = ITEM.fullmatch(paragraph)
        if match:
            items.append((match.group(1), match.group(2), ""))
        elif paragraph.startswith("整改情况："):
            body, following = paragraph, index + 1
            while not body.endswith("。"):  # the extraction broke it at a page end
                body += paragraphs[following]
                following += 1
            title, detail, _ = items[-1]
            items[-1] = (title, detail, body.removeprefix("整改情况："))
    return items


def split_measures(progress: str, count: int) -> list[str]:
    """一是A二是B三是C → [A, B, C]; a single measure has no 一是."""
    if count == 1:
        return [progress]
    parts, rest = [], progress
    for k in range(1, count + 1):
        marker = f"{ORDINALS[k]}是"
        assert rest.startswith(marker), f"expected {marker} at: {rest[:20]}"
        rest = rest[len(marker) :]
        if k < count:
            cut = rest.index(f"{ORDINALS[k + 1]}是")
            parts.append(rest[:cut])
            rest = rest[cut:]
        else:
            parts.append(rest)
    return parts


# --- fixtures --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return load_builder().write_template(tmp_path_factory.mktemp("template") / "built.xlsx")


@pytest.fixture(scope="module")
def reference_text() -> str:
    if not REFERENCE.is_file():
        pytest.skip(f"reference notice not available: {REFERENCE}")
    return REFERENCE.read_text(encoding="utf-8")


# --- the committed file is the script's output -----------------------------------------------------


def test_committed_template_matches_the_script(built: Path) -> None:
    expected, committed = snapshot(built), snapshot(TEMPLATE)
    assert committed["order"] == expected["order"]
    assert committed["active"] == expected["active"]
    for sheet, parts in expected["sheets"].items():
        for part, value in parts.items():
            assert committed["sheets"][sheet][part] == value, (
                f"{sheet} {part} differs: run python tools/build_workbook_template.py"
            )


def test_build_is_deterministic(tmp_path: Path) -> None:
    builder = load_builder()
    first = builder.write_template(tmp_path / "a.xlsx").read_bytes()
    second = builder.write_template(tmp_path / "b.xlsx").read_bytes()
    assert first == second


def test_template_is_stored_as_excel_saves_it() -> None:
    """Text in a shared-string table as UTF-8 (no inline strings, no &#NNNNN;), and valid against the schemas."""
    import zipfile

    audit = pytest.importorskip("openxml_audit", reason="openxml-audit (requirements-dev.txt) validates the package")
    with zipfile.ZipFile(TEMPLATE) as package:
        sheets = [package.read(n) for n in package.namelist() if n.startswith("xl/worksheets/sheet")]
        shared = package.read("xl/sharedStrings.xml").decode("utf-8")
    assert not any(b'"inlineStr"' in xml or b"&#" in xml for xml in sheets)
    assert "巡察整改台账填表说明" in shared
    result = audit.OpenXmlValidator(file_format=audit.FileFormat.OFFICE_2019, max_errors=20).validate(str(TEMPLATE))
    assert result.is_valid, [f"{e.path}: {e.description}" for e in result.errors]


def test_default_output_is_the_repo_template() -> None:
    assert load_builder().DEFAULT_OUT == TEMPLATE


def test_example_data_is_checked_against_the_project_columns(tmp_path: Path) -> None:
    builder = load_builder()
    good = json.loads(builder.EXAMPLE.read_text(encoding="utf-8"))
    cases = {
        "备考": lambda d: d["problems"][0]["measures"][0].update({"备考": "x"}),  # not a ledger column
        "no 责任人": lambda d: d["problems"][0]["measures"][0].pop("责任人"),
        "整改状态 完成了": lambda d: d["problems"][0]["measures"][0].update({"整改状态": "完成了"}),
        "missing keys ['邮编']": lambda d: d["info"].pop("邮编"),
    }
    for expected, spoil in cases.items():
        data = json.loads(json.dumps(good))
        spoil(data)
        path = tmp_path / "example.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        with pytest.raises(ValueError, match=re.escape(expected)):
            builder.load_example(path)


# --- layout ----------------------------------------------------------------------------------------


def test_sheets_headers_and_keys() -> None:
    wb = load_workbook(TEMPLATE)
    assert wb.sheetnames == ["填表说明", "基本信息", "通报格式", "整改台账"]
    assert wb.active.title == "整改台账"
    assert [c.value for c in wb["整改台账"][1]] == LEDGER_HEADER
    info = wb["基本信息"]
    assert [c.value for c in info[1]] == ["项目", "内容", "说明"]
    assert [row[0] for row in info.iter_rows(min_row=2, values_only=True)] == INFO_KEYS
    assert all(row[2] for row in info.iter_rows(min_row=2, values_only=True)), "every key has a 说明"
    for ws in (wb["整改台账"], info):
        assert ws.freeze_panes == "A2"
        assert all(c.font.bold for c in ws[1])


def test_format_sheet_lists_every_key_with_the_example_s_preset() -> None:
    """The clerk sees every 通报格式 key filled as the example is written, each with what it does."""
    from rectification.settings import KEYS, PRESETS

    rows = list(load_workbook(TEMPLATE)["通报格式"].iter_rows(values_only=True))
    assert rows[0] == ("项目", "内容", "说明")
    assert [r[0] for r in rows[1:]] == [k.name for k in KEYS]
    assert rows[1][1] == "逐条"
    assert all((r[1] or "") == PRESETS["逐条"][r[0]] and r[2] for r in rows[2:])


def test_guide_explains_every_format_key_with_an_example() -> None:
    from rectification.settings import KEYS

    guide = {r[0]: r[1] for r in load_workbook(TEMPLATE)["填表说明"].iter_rows(values_only=True) if r[0]}
    assert "六、“通报格式”的填法" in guide
    for k in KEYS:
        assert f"例：{k.example}" in guide[k.name], k.name


def test_guide_lists_every_computed_placeholder_from_the_one_table() -> None:
    from rectification.read.columns import INFO_KEYS
    from rectification.settings import PLACEHOLDER_TABLE

    rows = list(load_workbook(TEMPLATE)["填表说明"].iter_rows(values_only=True))
    listed = {r[0]: r[1] for r in rows[[r[0] for r in rows].index("七、占位符一览") :] if r[0]}
    for p in PLACEHOLDER_TABLE:
        if p.name not in INFO_KEYS or p.name == "被巡察单位":
            assert listed[f"{{{p.name}}}"].startswith(p.about), p.name


def test_guide_names_the_four_sheets_the_launcher_and_the_optional_keys() -> None:
    """The clerk learns of 通报格式, 被巡察单位 and own keys in the workbook itself, and how to run the tool."""
    rows = [r for r in load_workbook(TEMPLATE)["填表说明"].iter_rows(values_only=True)]
    labels = {r[0]: r[1] for r in rows if r[0]}
    assert "一、本工作簿的四张表" in labels
    assert {"填表说明", "基本信息", "通报格式", "整改台账"} <= set(labels)
    assert "被巡察单位" in labels and "{被巡察单位}" in labels["被巡察单位"]
    assert "追缴资金" in labels["自己加的项"]
    text = "".join(str(v) for r in rows for v in r if v)
    assert "generate.bat" in text and "运行“生成通报”" not in text and "三张表" not in text


def test_ledger_validations_and_print_setup() -> None:
    ws = load_workbook(TEMPLATE)["整改台账"]
    by_column = {str(dv.sqref).split(":")[0][0]: dv for dv in ws.data_validations.dataValidation}
    status, deadline, completed = by_column["J"], by_column["I"], by_column["K"]
    assert status.type == "list"
    assert status.formula1.strip('"').split(",") == ["已完成", "正在推进", "长期坚持", "未启动"]
    assert not status.showErrorMessage or status.errorStyle in ("warning", "information")
    for dv in (deadline, completed):
        assert (dv.type, dv.operator) == ("date", "greaterThan")
        assert dv.errorStyle in ("warning", "information"), "text deadlines such as 立行立改 must stay allowed"
        assert dv.prompt and dv.promptTitle
    assert all(str(dv.sqref).endswith("500") for dv in (status, deadline, completed))
    assert ws.auto_filter.ref == "A1:N43"
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage


# --- content ---------------------------------------------------------------------------------------


def test_twenty_problems_and_forty_two_measures() -> None:
    problems = ledger_problems(TEMPLATE)
    assert [p["number"] for p in problems] == list(range(1, 21))
    assert len({p["title"] for p in problems}) == 20
    assert sum(len(p["rows"]) for p in problems) == 42
    singles = [p["number"] for p in problems if len(p["rows"]) == 1]
    assert singles == [5, 7, 9, 10, 12]


def test_problem_columns_merged_over_each_problem() -> None:
    ws = load_workbook(TEMPLATE)["整改台账"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    row = 2
    leader_merges = 0
    for problem in ledger_problems(TEMPLATE):
        last = row + len(problem["rows"]) - 1
        if last > row:
            assert {f"{c}{row}:{c}{last}" for c in "ABCD"} <= merged
            leader_merges += f"F{row}:F{last}" in merged
        row = last + 1
    assert leader_merges >= 3


def test_progress_reproduces_the_reference(reference_text: str) -> None:
    items = reference_items(reference_text)
    problems = ledger_problems(TEMPLATE)
    assert len(items) == len(problems) == 20
    for (title, detail, progress), problem in zip(items, problems, strict=True):
        ledger_title = problem["title"].replace("“", "‘").replace("”", "’")
        assert ledger_title == title
        assert (problem["detail"] or "") == detail
        cells = [row["整改进展"] for row in problem["rows"]]
        assert cells == split_measures(progress, len(cells)), f"problem {problem['number']}"


def test_problem_fourteen_has_the_detail_and_thirteen_double_quotes() -> None:
    problems = ledger_problems(TEMPLATE)
    assert problems[12]["title"] == "“一岗双责”落实不力"
    assert problems[13]["detail"] == "2023年至2025年3月，区红十字会仅开展了1次廉政教育党课活动。"
    assert all(p["detail"] is None for i, p in enumerate(problems) if i != 13)


def test_info_narratives_come_from_the_reference(reference_text: str) -> None:
    flat = reference_text.replace("\n", "")
    info = info_values(TEMPLATE)
    assert "\n" not in info["组织领导情况"]
    assert info["组织领导情况"].startswith("中共武汉市东西湖区红十字会党组始终坚持")
    assert info["阶段性成效"] == "目前，整改工作取得了阶段性成效。"
    steps = info["下一步工作安排"].split("\n")
    assert [s[:2] for s in steps] == ["一是", "二是", "三是"]
    for paragraph in [info["组织领导情况"], info["阶段性成效"], *steps]:
        assert paragraph in flat
    assert "欢迎" not in info["下一步工作安排"]


def test_info_values_and_types() -> None:
    wb = load_workbook(TEMPLATE)
    info = info_values(TEMPLATE)
    assert info["标题"] is None
    assert info["发文机关"] == "中共武汉市东西湖区红十字会党组"
    assert info["巡察轮次"] == "区委第九轮巡察"
    assert info["巡察组"] == "区委第二巡察组"
    assert info["巡察方式"] == "常规巡察"
    assert info["巡察开始日期"] == datetime(2025, 4, 16)
    assert info["巡察结束日期"] == datetime(2025, 6, 15)
    assert info["反馈日期"] == FEEDBACK_DATE
    assert info["发文日期"] == ISSUE_DATE
    assert info["联系电话"] == "027-83891093"
    assert info["邮政地址"] == "武汉市东西湖区径河街道径西三路33号"
    assert info["邮编"] == "430040"
    date_formats = {
        row[1].number_format for row in wb["基本信息"].iter_rows(min_row=2) if isinstance(row[1].value, datetime)
    }
    assert date_formats == {'yyyy"年"m"月"d"日"'}


def test_statuses_deadlines_and_completion_dates() -> None:
    rows = [row for problem in ledger_problems(TEMPLATE) for row in problem["rows"]]
    statuses = [row["整改状态"] for row in rows]
    assert set(statuses) <= STATUSES - {"未启动"}, "every measure appears in the notice"
    assert statuses.count("长期坚持") >= 3
    assert 1 <= statuses.count("正在推进") <= 2
    late = 0
    for row in rows:
        for column in ("责任领导", "责任部门", "责任人", "整改时限"):
            assert row[column], f"{column} blank"
        deadline, done = row["整改时限"], row["完成时间"]
        assert isinstance(deadline, (datetime, str))
        if row["整改状态"] == "已完成":
            assert isinstance(done, datetime)
            assert FEEDBACK_DATE <= done <= ISSUE_DATE
            late += isinstance(deadline, datetime) and done > deadline
        else:
            assert done is None
        if row["整改状态"] == "正在推进":
            assert "2026" in str(deadline)
    assert late <= 1
    deadlines = {d for d in (row["整改时限"] for row in rows) if isinstance(d, str)}
    assert {"立行立改", "长期坚持", "2025年底前", "2025年底前，并长期坚持"} <= deadlines
    assert any(isinstance(row["整改时限"], datetime) for row in rows)
