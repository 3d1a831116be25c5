"""Property tests: whatever text, blanks, dates and merges a ledger holds, the run ends cleanly; the sheet scanner's fast paths agree with its slow ones."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner
from conftest import measure
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_hostile import write_with_xlsxwriter

import generate
from rectification.core.text import paragraphs
from rectification.render.wording import strip_leading_ordinal

any_text = st.text(max_size=60) | st.sampled_from(["", " ", "\u3000", "مرحبا بالعالم", "👩‍👩‍👧 整改", "a" * 3000])
maybe = lambda strategy: st.none() | strategy  # noqa: E731
deadlines = st.sampled_from(
    ["2025-09-30", "2025年9月底前", "立行立改", "长期坚持", "2025年底前，并长期坚持", "2025-02-30", "尽快", ""]
) | st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31)).map(
    lambda d: d.replace(hour=0, minute=0, second=0, microsecond=0)
)
statuses = st.sampled_from(["已完成", "正在推进", "长期坚持", "未启动", "已销号", "整改中", "", "随便"]) | any_text
names = st.sampled_from(["王明", "李华、张伟", "\u3000综合科 "])

measure_values = st.fixed_dictionaries(
    {
        "问题": any_text,
        "整改措施": maybe(any_text),
        "责任领导": names | maybe(any_text),
        "责任部门": names | maybe(any_text),
        "责任人": names | maybe(any_text),
        "整改时限": deadlines,
        "整改状态": statuses,
        "完成时间": maybe(st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 1, 1))),
        "整改进展": any_text,
    }
)
plain_text = st.text(min_size=1, max_size=40).filter(lambda t: "".join(paragraphs(t)))
tidy_values = st.fixed_dictionaries(
    {
        "问题": plain_text,
        "整改时限": st.sampled_from(
            ["2025-09-30", "2025年9月底前", "长期坚持", "2025年底前，并长期坚持", "2026年底前"]
        ),
        "整改状态": st.sampled_from(["已完成", "长期坚持", "已销号"]),
        "整改进展": plain_text,
    }
)
# Wild rows find every error path; tidy ones (arbitrary text in valid places) always reach the notice.
tidy_ledgers = st.lists(st.tuples(st.integers(1, 4), tidy_values), min_size=1, max_size=8)
ledgers = st.lists(st.tuples(st.integers(1, 4), measure_values), min_size=1, max_size=8) | tidy_ledgers


def expected_pieces(value: str) -> list[str]:
    """Each line of a progress cell, as it must appear in the notice (the notice closes each with 。)."""
    lines = paragraphs(value)
    if lines:
        lines[0] = strip_leading_ordinal(lines[0])
    return [line.strip().rstrip("，,、;") for line in lines]


def ledger_rows(rows_spec) -> list[dict[str, object]]:
    rows = [measure(序号=number, **values) for number, values in sorted(rows_spec, key=lambda r: r[0])]
    titles: dict[int, object] = {}
    for row in rows:  # one problem, one title: otherwise every ledger stops at the numbering check
        row["问题"] = titles.setdefault(row["序号"], row["问题"])
    return rows


def run_on(folder: str, rows: list[dict[str, object]], merge_owners: bool = False):
    path = write_with_xlsxwriter(Path(folder) / "台账.xlsx", rows)
    if merge_owners and len(rows) > 1:
        book = openpyxl.load_workbook(path)
        book["整改台账"].merge_cells(f"F2:F{len(rows) + 1}")
        book.save(path)
    out = Path(folder) / "out"
    return CliRunner().invoke(generate.cli, [str(path), "--out", str(out), "--as-of", "2025-12-11"]), out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers, st.booleans())
def test_any_ledger_ends_in_exit_0_or_1_with_readable_outputs(rows_spec, merge_owners):
    rows = ledger_rows(rows_spec)
    with tempfile.TemporaryDirectory() as folder:
        result, out = run_on(folder, rows, merge_owners)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        assert result.exit_code in (0, 1), result.output
        assert "Traceback" not in result.output
        event(f"exit {result.exit_code}")
        [summary] = out.glob("*汇总*.xlsx")
        openpyxl.load_workbook(summary)
        if result.exit_code == 0:  # not every example gets here: the tidy test below always does
            assert_progress_in_notice(rows, out)


def assert_progress_in_notice(rows: list[dict[str, object]], out: Path) -> None:
    [notice] = out.glob("*.docx")
    text = "".join(p.text for p in docx.Document(notice).paragraphs)
    reported = [r for r in rows if (r["整改状态"] or "").strip() not in ("未启动",)]
    for row in reported:
        for piece in expected_pieces(row["整改进展"]):
            assert piece in text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tidy_ledgers)
def test_tidy_ledger_puts_every_progress_line_in_the_notice(rows_spec):
    """Arbitrary text in valid places: the notice is always written, and carries every line of 整改进展."""
    rows = ledger_rows(rows_spec)
    with tempfile.TemporaryDirectory() as folder:
        result, out = run_on(folder, rows)
        assert result.exit_code == 0, result.output
        assert_progress_in_notice(rows, out)  # tidy statuses are never 未启动: every row is checked


# -- the sheet scanner's fast paths agree with its slow ones -------------------------------------------------

CELL_SPELLINGS = st.sampled_from(
    [
        '<c r="{ref}" t="s"><v>0</v></c>',
        '<c r="{ref}" s="3"/>',  # formatted only: no value, no extent
        '<c r="{ref}" s="1" t="inlineStr"><is><t>x</t></is></c>',
        '<c r="{ref}"><f>1+1</f><v>2</v></c>',
        "<c r='{ref}' t='s'><v>0</v></c>",  # single quotes: not the plain form
        '<c t="s" r="{ref}"><v>0</v></c>',  # r not first
        '<c r="{ref}" a="/>" t="s"><v>0</v></c>',  # a '>' inside a value
    ]
)


@given(st.lists(st.tuples(st.integers(1, 300), st.integers(1, 800), CELL_SPELLINGS), min_size=1, max_size=30))
def test_a_sheets_extent_is_the_same_on_the_fast_path_and_the_slow_one(cells):
    from rectification.read.sheet_xml import _emulated_extent, column_letters, extent

    body = "".join(
        f'<row r="{r}">' + spelling.format(ref=f"{column_letters(c)}{r}") + "</row>" for r, c, spelling in cells
    )
    xml = f'<worksheet xmlns="urn:x"><sheetData>{body}</sheetData></worksheet>'.encode()
    fast, slow = extent(xml), _emulated_extent(xml)
    assert (fast.rows, fast.columns) == (slow.rows, slow.columns)
    assert fast.plain == slow.plain


@given(st.lists(st.tuples(st.integers(1, 300), st.integers(1, 800), CELL_SPELLINGS), min_size=1, max_size=30))
def test_a_sheets_extent_is_the_same_scanned_whole_or_a_few_tags_at_a_time(cells):
    from unittest import mock

    from rectification.read import sheet_xml as sheets

    body = "".join(
        f'<row r="{r}">' + spelling.format(ref=f"{sheets.column_letters(c)}{r}") + "</row>" for r, c, spelling in cells
    )
    xml = f'<worksheet xmlns="urn:x"><sheetData>{body}</sheetData></worksheet>'.encode()
    whole = sheets._plain_extent(xml)
    for block in (1, 7, 40):
        with mock.patch.object(sheets, "SCAN_BLOCK", block):
            assert sheets._plain_extent(xml) == whole


MERGE_SPELLINGS = st.sampled_from(
    [
        '<mergeCell ref="{a}:{b}"/>',  # as Excel writes it: the fast path
        "<mergeCell ref='{a}:{b}'/>",
        '<mergeCell  ref = "{a}:{b}" />',
        '<x:mergeCell ref="{a}:{b}"/>',
        '<mergeCell ref="{a_lower}:{b}"/>',
    ]
)


@given(
    st.lists(
        st.tuples(st.integers(0, 300), st.integers(1, 800), st.integers(0, 300), st.integers(1, 800), MERGE_SPELLINGS),
        min_size=1,
        max_size=20,
    )
)
def test_merges_read_the_same_on_the_fast_path_and_the_slow_one(merges):
    from rectification.read.sheet_xml import Sheet, column_letters
    from rectification.read.sheet_xml import scan as _scan

    def xml(spelled):
        body = "".join(
            spelling.format(
                a=f"{column_letters(c1)}{r1}",
                b=f"{column_letters(c2)}{r2}",
                a_lower=f"{column_letters(c1).lower()}{r1}",
            )
            for r1, c1, r2, c2, spelling in spelled
        )
        return f'<worksheet xmlns="urn:x"><sheetData/><mergeCells>{body}</mergeCells></worksheet>'.encode()

    fast, slow = Sheet("a"), Sheet("b")
    _scan(fast, xml(merges))
    _scan(slow, xml([(*m[:4], "<mergeCell ref='{a}:{b}'/>") for m in merges]))  # never the fast path
    assert fast.merged == slow.merged


@pytest.mark.parametrize(
    ("formula", "uncached"),
    [
        ("<f>A1*2</f>", True),
        ("<f>A1*2</f><v>4</v>", False),
        ('<f t="shared" si="0"/>', True),
        ("<f\n>A1</f>", True),
        ("<x:f>A1</x:f>", True),
        ("<is><t>x</t></is>", False),
    ],
)
def test_uncached_formulas_are_found_however_written(formula, uncached):
    from rectification.read.sheet_xml import _uncached

    xml = (
        '<worksheet><dataValidations><dataValidation><formula1>"a,b"</formula1></dataValidation></dataValidations>'
        f'<sheetData><row r="1"><c r="B1" t="inlineStr">{formula}</c></row></sheetData></worksheet>'
    ).encode()
    assert bool(_uncached(xml)) is uncached


def test_every_character_the_cleaners_remove_is_one_isprintable_refuses():
    """text.plain() trusts str.isprintable() to spot them all: the fast path skips no removable character."""
    import re
    import sys

    from rectification.core import text

    removable = re.compile(f"[\\x00-\\x1f{text.CONTROL_CHARS}{text.INVISIBLE_CHARS}]")
    missed = [f"U+{c:04X}" for c in range(sys.maxunicode + 1) if removable.match(chr(c)) and chr(c).isprintable()]
    assert not missed
    assert not text.plain("第1行_x0007_") and not text.plain("两行\n文字") and text.plain("普通的文字（含全角括号）")
