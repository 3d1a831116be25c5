"""The ledgers offices really keep: the same data in other layouts reads the same; every reader rule."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from conftest import AS_OF, HEADER, INFO, measure, write_ledger
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from rectification.analyse.analysis import analyse
from rectification.analyse.checks import check
from rectification.core.model import Level
from rectification.read.reader import read_workbook
from rectification.records.records import build_ledger
from rectification.render.notice import compose


def family_rows() -> list[dict[str, object]]:
    """Four problems, seven measures: every status, a late item, a merged leader."""
    return [
        measure(序号=1, 问题="学习不深入", 整改进展="制定了学习计划", 整改时限=datetime(2025, 9, 30)),
        measure(
            序号=1,
            问题="学习不深入",
            整改进展="开展了专题研讨",
            整改时限="2025年10月底前",
            完成时间=datetime(2025, 10, 8),
        ),
        measure(序号=2, 问题="“一岗双责”落实不力", 整改进展="开展了廉政谈话", 整改时限="2025年底前"),
        measure(
            序号=2,
            问题="“一岗双责”落实不力",
            整改进展="持续抓好",
            整改状态="长期坚持",
            整改时限="长期坚持",
            完成时间=None,
        ),
        measure(
            序号=3, 问题="制度执行不严", 整改进展="正在修订", 整改状态="正在推进", 整改时限="2025/11/30", 完成时间=None
        ),
        measure(序号=3, 问题="制度执行不严", 整改进展="立即整改", 整改时限="立行立改"),
        measure(序号=4, 问题="宣传不够", 整改进展="计划中", 整改状态="未启动", 整改时限="2026年3月31日", 完成时间=None),
    ]


def read(path: Path):
    ledger, found = build_ledger(read_workbook(path))
    return ledger, found + check(ledger, analyse(ledger, AS_OF))


def essence(path: Path):
    """What must not depend on the layout: records (less row numbers), notice text, figures, non-hint findings."""
    ledger, found = read(path)
    measures = [{k: v for k, v in asdict(m).items() if k != "row"} for m in ledger.measures]
    for m in measures:  # the deadline as written may differ (2025/11/30, 2025.11.30); its meaning may not
        m["deadline"].pop("text")
        m.pop("completion_written")
    problems = [(p.number, p.title, p.detail, len(p.measures)) for p in ledger.problems]
    messages = sorted(
        (f.level, re.sub("（时限：.*）", "", f.message)) for f in found if f.level is not Level.HINT
    )  # columns use the user's words
    analysis = analyse(ledger, AS_OF)
    return measures, problems, compose(ledger.info, analysis).paragraphs, analysis.figures, messages


# The WPS-style layout: title rows above the header, merged problem cells, header words with line breaks.
WPS_HEADER = [
    "序 号", "问题\n类别", "存在问题", "具体表现", "整改举措", "牵头\n领导", "责任单位",
    "具体责任人", "完成时限", "完成情况", "整改完成日期", "整改落实情况", "佐证资料", "备注",
]  # fmt: skip


def write_wps_style(path: Path, rows, epoch=None, hide_column: str | None = None, far_row: int | None = None) -> Path:
    book = openpyxl.Workbook()
    if epoch is not None:
        book.epoch = epoch
    sheet = book.active
    sheet.title = "Sheet1"
    sheet["A1"] = "某某局巡察整改台账"
    sheet.merge_cells("A1:N1")
    sheet["A2"] = "填报单位：某某局办公室"
    sheet["H2"] = "填报时间：2025年12月1日"
    # row 3 left blank; header on row 4
    sheet.append([])
    sheet.append(WPS_HEADER)
    first = 5
    for offset, row in enumerate(rows):
        values = [row.get(name) for name in HEADER]
        if offset > 0 and rows[offset - 1]["序号"] == row["序号"]:
            values[0:4] = [None, None, None, None]  # later rows of a problem: merged below
        sheet.append([f"\u3000{v}\u3000" if isinstance(v, str) else v for v in values])
    run_start = first
    for offset in range(1, len(rows) + 1):
        if offset == len(rows) or rows[offset]["序号"] != rows[offset - 1]["序号"]:
            end = first + offset - 1
            if end > run_start:
                for letter in "ABCD":
                    sheet.merge_cells(f"{letter}{run_start}:{letter}{end}")
            run_start = end + 1
    if hide_column:
        sheet.column_dimensions[hide_column].hidden = True
    if far_row:
        sheet.cell(far_row, 1).number_format = "@"  # formatting alone stretches the used range
        sheet.cell(far_row, 1).value = None
        sheet.row_dimensions[far_row].height = 20
    info = book.create_sheet("基本信息")
    info.append(["项目", "内容"])
    for key, value in INFO.items():
        info.append([key, value])
    book.save(path)
    return path


def text_date_rows():
    forms = ["2025-09-30", "2025年10月底前", "2025年底前", "长期坚持", "2025.11.30", "立行立改", "2026年3月31日"]
    done = ["2025/9/20", "2025年10月8日", "2025.9.20", None, None, "2025-09-20", None]
    rows = family_rows()
    for row, form, finished in zip(rows, forms, done, strict=True):
        row["整改时限"], row["完成时间"] = form, finished
    return rows


@pytest.fixture
def canonical(tmp_path):
    return essence(write_ledger(tmp_path / "canonical.xlsx", rows=family_rows()))


@pytest.mark.parametrize(
    "layout",
    [
        "wps_title_rows_and_merges",
        "text_dates",
        "mac_1904",
        "hidden_column",
        "million_row_used_range",
        "renamed_reordered",
    ],
)
def test_same_data_any_layout_reads_the_same(tmp_path, canonical, layout):
    path = tmp_path / f"{layout}.xlsx"
    if layout == "wps_title_rows_and_merges":
        write_wps_style(path, family_rows())
    elif layout == "text_dates":
        write_wps_style(path, text_date_rows())
    elif layout == "mac_1904":
        write_wps_style(path, family_rows(), epoch=CALENDAR_MAC_1904)
    elif layout == "hidden_column":
        write_wps_style(path, family_rows(), hide_column="M")
    elif layout == "million_row_used_range":
        write_wps_style(path, family_rows(), far_row=1_000_000)
    else:
        header = [*reversed(HEADER), "联系方式"]
        rows = [{**r, "联系方式": "123"} for r in family_rows()]
        renamed = {"问题": "反馈问题", "整改措施": "整改举措", "责任部门": "牵头部门", "整改状态": "措施状态"}
        header = [renamed.get(h, h) for h in header]
        rows = [{renamed.get(k, k): v for k, v in r.items()} for r in rows]
        write_ledger(path, rows=rows, header=header)
    assert essence(path) == canonical


def test_wps_layout_findings_name_the_users_rows_and_headers(tmp_path):
    rows = family_rows()
    rows[2]["责任人"] = None
    _, found = read(write_wps_style(tmp_path / "wps.xlsx", rows))
    errors = [(f.sheet, f.row, f.column, f.message) for f in found if f.level is Level.ERROR]
    assert errors == [("Sheet1", 7, "具体责任人", "未填写")]


def test_ledger_sheet_found_by_header_and_preferred_by_name(tmp_path):
    path = write_ledger(tmp_path / "a.xlsx", rows=family_rows())
    book = openpyxl.load_workbook(path)
    decoy = book.create_sheet("旧台账", 0)
    decoy.append(HEADER)
    decoy.append(list(measure().values()))
    book.save(path)
    assert read_workbook(path).ledger.sheet == "整改台账"


def test_missing_required_column_lists_required_and_found(tmp_path):
    header = [h for h in HEADER if h != "责任人"]
    _, found = read(write_ledger(tmp_path / "a.xlsx", header=header))
    [error] = [f for f in found if f.level is Level.ERROR]
    assert (error.row, error.message) == (1, "缺少必需的列：责任人")
    assert "表头需包含：序号、问题、整改措施" in error.hint and "当前识别到：序号、问题类别" in error.hint


def test_headers_with_a_note_in_parentheses_are_recognised(tmp_path):
    """整改时限（必填）, 责任人(姓名): the note is the clerk's, the column is ours; long data cells are no headers."""
    notes = {
        "整改时限": "整改时限（必填）",
        "责任人": "责任人(姓名)",
        "整改措施": "整改措施（具体到人，2025年底前完成）",
    }
    header = [notes.get(h, h) for h in HEADER]
    rows = [{notes.get(k, k): v for k, v in r.items()} for r in family_rows()]
    rows[0][notes["整改措施"]] = "整改措施" * 20  # a long cell that names a column, in the rows searched for a header
    ledger, found = read(write_ledger(tmp_path / "a.xlsx", rows=rows, header=header))
    assert not [f for f in found if f.level is Level.ERROR]
    assert [m.person for m in ledger.measures] == [r["责任人(姓名)"] for r in rows]
    assert ledger.measures[0].deadline is not None and ledger.measures[0].text == "整改措施" * 20


def test_extra_columns_are_named_in_a_hint(tmp_path):
    rows = [{**r, "联系电话": "1"} for r in family_rows()]
    _, found = read(write_ledger(tmp_path / "a.xlsx", rows=rows, header=[*HEADER, "联系电话"]))
    assert ("提示", 1, "以下列不参与生成：“联系电话”") in [(f.level.value, f.row, f.message) for f in found]


def test_merged_leader_owns_all_three_measures(tmp_path):
    rows = family_rows()[:3]
    rows[1]["责任领导"] = rows[2]["责任领导"] = None
    ledger, found = read(write_ledger(tmp_path / "a.xlsx", rows=rows, merges=["F2:F4"]))
    assert [m.leader for m in ledger.measures] == ["王明"] * 3
    assert [f for f in found if f.level is Level.ERROR] == []


@pytest.mark.parametrize(
    "value, expected",
    [(3, "3"), (3.0, "3"), ("3", "3"), ("３", "3"), ("3.0", "3"), ("\u30003 ", "3")],
)
def test_numbers_stored_as_text(tmp_path, value, expected):
    rows = [measure(序号=value)]
    ledger, _ = read(write_ledger(tmp_path / "a.xlsx", rows=rows))
    assert ledger.problems[0].number == expected


def test_serial_number_dates_and_full_width_spaces(tmp_path):
    rows = [measure(整改时限=45930, 完成时间=45920, 责任人="\u3000李华\xa0")]
    ledger, found = read(write_ledger(tmp_path / "a.xlsx", rows=rows))
    [m] = ledger.measures
    assert (m.deadline.due, m.completed_on, m.person) == (date(2025, 9, 30), date(2025, 9, 20), "李华")
    assert found == []


def test_month_without_year_follows_the_feedback_date(tmp_path):
    rows = [
        measure(整改时限="9月底前"),
        measure(序号=2, 问题="乙", 整改时限="3月底", 完成时间=None, 整改状态="长期坚持"),
    ]
    ledger, _ = read(write_ledger(tmp_path / "a.xlsx", rows=rows))  # feedback 2025-07-01
    assert [m.deadline.due for m in ledger.measures] == [date(2025, 9, 30), date(2026, 3, 31)]


def test_formula_with_cached_value_is_read(tmp_path):
    import xlsxwriter

    path = tmp_path / "a.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("整改台账")
    sheet.write_row(0, 0, HEADER)
    row = measure()
    for column, name in enumerate(HEADER):
        value = row[name]
        if isinstance(value, datetime):
            sheet.write_datetime(1, column, value, book.add_format({"num_format": "yyyy-mm-dd"}))
        elif value is not None:
            sheet.write(1, column, value)
    sheet.write_formula(1, 0, "=ROW()-1", None, 1)
    sheet.write_formula(1, 7, '="李"&"华"', None, "李华")
    info = book.add_worksheet("基本信息")
    for r, (key, value) in enumerate(INFO.items()):
        info.write(r, 0, key)
        if isinstance(value, datetime):
            info.write_string(r, 1, value.date().isoformat())
        elif value is not None:
            info.write_string(r, 1, value)
    book.close()
    ledger, found = read(path)
    assert (ledger.problems[0].number, ledger.measures[0].person) == ("1", "李华")
    assert found == []


def test_formula_without_cached_value_is_an_error_naming_the_cell(tmp_path):
    path = write_ledger(tmp_path / "a.xlsx", rows=[measure()])
    book = openpyxl.load_workbook(path)
    book["整改台账"]["H2"] = '="李"&"华"'  # openpyxl saves formulas without computing them
    book.save(path)
    _, found = read(path)
    formula = [f for f in found if "公式" in f.message]
    assert [(f.level, f.row, f.column) for f in formula] == [(Level.ERROR, 2, "责任人")]
    assert "H2" in formula[0].message and "用 Excel 或 WPS 打开此文件，保存后再运行" in formula[0].hint


@pytest.mark.parametrize("error_value", ["#REF!", "#N/A", "#VALUE!", "#DIV/0!"])
def test_error_values_are_errors_naming_the_cell(tmp_path, error_value):
    path = write_ledger(tmp_path / "a.xlsx", rows=[measure()])
    book = openpyxl.load_workbook(path)
    cell = book["整改台账"]["G2"]
    cell.value, cell.data_type = error_value, "e"
    book.save(path)
    _, found = read(path)
    matching = [f for f in found if error_value in f.message]
    assert [(f.level, f.row, f.column) for f in matching] == [(Level.ERROR, 2, "责任部门")]
    assert "G2" in matching[0].message


def test_blank_and_formatted_rows_are_skipped(tmp_path):
    rows = family_rows()
    path = write_ledger(tmp_path / "a.xlsx", rows=rows)
    book = openpyxl.load_workbook(path)
    sheet = book["整改台账"]
    sheet.insert_rows(4, 2)  # two blank rows in the middle
    sheet.cell(20, 3).number_format = "@"
    sheet.cell(21, 5).value = "  "
    book.save(path)
    ledger, _ = read(path)
    assert len(ledger.measures) == len(rows)


def test_a_text_repeated_down_the_ledger_is_one_object(tmp_path):
    """Owners and statuses repeat on every row: held once, a 100,000-row ledger keeps tens of MB fewer objects."""
    ledger, _ = read(write_ledger(tmp_path / "a.xlsx"))
    first, *others = ledger.measures
    assert all(m.leader is first.leader and m.department is first.department for m in others)


def test_hidden_rows_and_columns_are_read_and_named(tmp_path):
    path = write_ledger(tmp_path / "a.xlsx", rows=family_rows())
    book = openpyxl.load_workbook(path)
    sheet = book["整改台账"]
    sheet.row_dimensions[3].hidden = True
    sheet.column_dimensions["M"].hidden = True
    book.save(path)
    ledger, found = read(path)
    assert len(ledger.measures) == 7
    hints = {f.message for f in found if f.level is Level.HINT}
    assert "第3行是隐藏行，已照常读入（共1行）" in hints
    assert "隐藏列“佐证材料”已照常读入" in hints


def test_info_sheet_key_variants_and_text_dates(tmp_path):
    info = {("发文单位" if k == "发文机关" else "反馈时间" if k == "反馈日期" else k): v for k, v in INFO.items()}
    info["反馈时间"] = "2025年7月1日"
    info["巡察开始日期"] = "2025.4.1"
    ledger, found = read(write_ledger(tmp_path / "a.xlsx", info=info))
    assert (ledger.info.issuer, ledger.info.feedback_date, ledger.info.inspection_start) == (
        "中共某某区某某局党组",
        date(2025, 7, 1),
        date(2025, 4, 1),
    )
    assert found == []


def add_roster(path: Path, people: list[tuple[str, str, str]]) -> Path:
    book = openpyxl.load_workbook(path)
    sheet = book.create_sheet("人员名单")
    sheet.append(["姓名", "部门", "职务"])
    for person in people:
        sheet.append(list(person))
    book.save(path)
    return path


ROSTER = [("王明", "综合科", "副局长"), ("李华", "综合科", "科员"), ("张伟", "业务科", "科长")]


def test_roster_accepts_listed_owners_and_several_names_in_a_cell(tmp_path):
    rows = [measure(责任人="李华、张伟"), measure(责任人="李华，张伟"), measure(责任人="李华 张伟")]
    path = add_roster(write_ledger(tmp_path / "a.xlsx", rows=rows), ROSTER)
    _, found = read(path)
    assert found == []


@pytest.mark.parametrize(
    "column, value, header, words",
    [
        ("责任部门", "综合课", "责任部门", "是否应为“综合科”？"),
        ("责任人", "李化", "责任人", "是否应为“李华”？"),
        ("责任领导", "王明、赵六", "责任领导", "“赵六”不在“人员名单”中"),
    ],
)
def test_roster_warns_with_the_closest_entry(tmp_path, column, value, header, words):
    path = add_roster(write_ledger(tmp_path / "a.xlsx", rows=[measure(**{column: value})]), ROSTER)
    _, found = read(path)
    [warning] = found
    assert (warning.level, warning.row, warning.column) == (Level.WARNING, 2, header)
    assert words in warning.message + warning.hint


def test_warn_days_sets_the_yellow_window(run_cli, tmp_path):
    rows = [measure(整改状态="正在推进", 整改时限="2025-12-25", 完成时间=None)]  # 14 days after 2025-12-11
    path = write_ledger(tmp_path / "a.xlsx", rows=rows)
    assert "黄灯" not in run_cli(str(path), out=tmp_path / "a").output.split("\n", 1)[1]
    assert "黄灯：距整改时限还有14天" in run_cli(str(path), "--warn-days", "20", out=tmp_path / "b").output


def test_empty_extra_sheets_are_fine(tmp_path):
    path = write_ledger(tmp_path / "a.xlsx", rows=family_rows())
    book = openpyxl.load_workbook(path)
    book.create_sheet("Sheet2")
    book.create_sheet("Sheet3")
    book.save(path)
    assert essence(path)[1] == essence(write_ledger(tmp_path / "b.xlsx", rows=family_rows()))[1]


class _RangeRows:
    """A python-calamine whose iter_rows() starts at the sheet's first used row, not at row 1."""

    def __init__(self, sheet) -> None:
        self.sheet = sheet

    def __getattr__(self, name):
        return getattr(self.sheet, name)

    def iter_rows(self):
        return iter(self.sheet.to_python())  # skip_empty_area: from the range's first row and column


@pytest.fixture(params=["installed", "iterating from its range"])
def calamine(request, monkeypatch):
    """The installed python-calamine, and one iterating otherwise (the reader must notice and read the sheet whole)."""
    if request.param == "installed":
        return
    import python_calamine

    original = python_calamine.CalamineWorkbook

    class Workbook:
        def __init__(self, book) -> None:
            self.book = book

        @classmethod
        def from_filelike(cls, source):
            return cls(original.from_filelike(source))

        def get_sheet_by_name(self, name):
            return _RangeRows(self.book.get_sheet_by_name(name))

        def close(self) -> None:
            self.book.close()

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Workbook)


def test_ledger_starting_at_b3_keeps_its_rows_and_merges(tmp_path, calamine):
    rows = family_rows()[:3]
    rows[1]["责任领导"] = rows[2]["责任领导"] = None
    rows[2]["责任人"] = None
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "整改台账"
    for r, values in enumerate([HEADER, *[[row.get(h) for h in HEADER] for row in rows]], 3):
        for c, value in enumerate(values, 2):
            sheet.cell(r, c, value)
    sheet.merge_cells("G4:G6")  # 责任领导, one leader for three measures
    info = book.create_sheet("基本信息")
    for key, value in INFO.items():
        info.append([key, value])
    book.save(tmp_path / "a.xlsx")
    ledger, found = read(tmp_path / "a.xlsx")
    assert [m.row for m in ledger.measures] == [4, 5, 6]
    assert [m.leader for m in ledger.measures] == ["王明"] * 3
    assert [(f.row, f.column, f.message) for f in found if f.level is Level.ERROR] == [(6, "责任人", "未填写")]


def test_error_value_outside_the_columns_we_read_blocks_nothing(tmp_path):
    path = write_ledger(tmp_path / "a.xlsx", rows=family_rows())
    book = openpyxl.load_workbook(path)
    for ref in ("Z4", "P1"):
        cell = book["整改台账"][ref]
        cell.value, cell.data_type = "#DIV/0!", "e"
    book.save(path)
    _, found = read(path)
    assert [f for f in found if "#DIV/0!" in f.message] == []


def test_numbering_by_measure_keeps_one_problem(tmp_path):
    rows = [
        measure(序号=1, 问题="学习不深入"),
        measure(序号=2, 问题="学习不深入"),
        measure(序号=3, 问题="制度执行不严"),
    ]
    ledger, found = read(write_ledger(tmp_path / "a.xlsx", rows=rows))
    assert [(p.title, len(p.measures)) for p in ledger.problems] == [("学习不深入", 2), ("制度执行不严", 1)]
    assert any("已按同一问题合并" in f.message for f in found)


def test_sub_numbers_belong_to_their_problem(tmp_path):
    rows = [measure(序号="1.1"), measure(序号="1.2"), measure(序号="2.1", 问题="制度执行不严")]
    ledger, found = read(write_ledger(tmp_path / "a.xlsx", rows=rows))
    assert [(p.number, len(p.measures)) for p in ledger.problems] == [("1", 2), ("2", 1)]
    assert found == []


def test_roster_name_padded_with_a_full_width_space(tmp_path):
    rows = [measure(责任人="李　华")]
    path = add_roster(
        write_ledger(tmp_path / "a.xlsx", rows=rows), [("李　华", "综合科", "科员"), ("王明", "综合科", "")]
    )
    _, found = read(path)
    assert found == []


def test_month_only_deadline_without_feedback_date_says_why(tmp_path):
    info = {**INFO, "反馈日期": None}
    _, found = read(write_ledger(tmp_path / "a.xlsx", rows=[measure(整改时限="9月底前")], info=info))
    deadline = [f for f in found if f.column == "整改时限"]
    assert [f.message for f in deadline] == ["“9月底前”没有写年份，而“基本信息”中的反馈日期未能读取"]


def test_month_only_deadline_survives_another_info_error(tmp_path):
    info = {**INFO, "联系电话": None}
    _, found = read(write_ledger(tmp_path / "a.xlsx", rows=[measure(整改时限="9月底前")], info=info))
    assert [(f.sheet, f.column) for f in found] == [("基本信息", "联系电话")]


def test_unreadable_completion_date_is_reported_once(tmp_path):
    _, found = read(write_ledger(tmp_path / "a.xlsx", rows=[measure(完成时间="2025年9月底")]))
    assert [(f.level, f.column) for f in found] == [(Level.ERROR, "完成时间")]
