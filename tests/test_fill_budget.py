"""Issue 25 in the 通报格式: a budget on filled text, numbers that are digits only to isdigit(), invisible
characters removed from the sheet — each refused or told in Chinese, never a crash."""

from __future__ import annotations

import tracemalloc

import pytest
from conftest import INFO, measure, write_ledger
from hypothesis import given
from hypothesis import strategies as st
from test_formats import notice

from rectification.render.budget import ALLOWANCE, BUDGET, Cost
from rectification.settings import Pattern

LONG = "长" * 32_000


def many_problems(count: int, title: str = "学习不深入") -> list[dict[str, object]]:
    return [measure(序号=n, 问题=f"{title}{n}", 整改进展=f"进展{n}") for n in range(1, count + 1)]


def peak_memory(run_cli, tmp_path, fmt, rows, info):
    """The notice and the traced memory's peak while the CLI ran."""
    tracemalloc.start()
    try:
        texts, run = notice(run_cli, tmp_path, fmt, rows, info)
        return texts, run, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_long_text_repeated_in_every_lead_is_refused_naming_the_key_and_the_row(run_cli, tmp_path):
    """The hardening case: 条目标题 {长文} repeated, a 32,000-character 长文: 2.95 GB before, now a message."""
    info = {**INFO, "长文": LONG}
    texts, run, peak = peak_memory(run_cli, tmp_path / "b", {"条目标题": "{长文}" * 100}, many_problems(20), info)
    _, plain, usual = peak_memory(run_cli, tmp_path / "a", None, many_problems(20), info)  # the same, unrefused
    assert plain.exit_code == 0 and run.exit_code == 1, run.output
    assert (
        "[错误] 通报格式 第2行 条目标题：填入后的文字太多：通报中由这一项生成的文字约6,400万字（填了20次），超过上限"
        in (run.output)
    )
    assert "{长文}（“基本信息”第17行）每次填入约320万字；请缩短它的内容，或从“条目标题”中去掉{长文}" in run.output
    assert texts == []
    assert peak < usual + 16 * 2**20  # 64 million characters filled would be 128 MB more


def test_a_long_literal_lead_over_many_problems_is_refused(run_cli, tmp_path):
    """A 30,000-character 条目标题 over 2,000 problems wrote a 181 MB document.xml."""
    texts, run = notice(run_cli, tmp_path, {"条目标题": "关" * 30_000 + "{问题}"}, many_problems(2_000))
    assert run.exit_code == 1, run.output
    assert "条目标题：填入后的文字太多：通报中由这一项生成的文字约6,000万字（填了2,000次）" in run.output
    assert "“条目标题”本身的文字太长，又在通报中重复2,000次：请缩短这一项" in run.output
    assert texts == []


def test_a_long_text_used_once_is_fine(run_cli, tmp_path):
    """A unit's own long text in its opening, once: well within the budget."""
    texts, run = notice(run_cli, tmp_path, {"开头": "{长文}"}, None, {**INFO, "长文": LONG})
    assert run.exit_code == 0, run.output
    assert texts[1] == LONG


def test_the_problems_own_title_is_not_counted(run_cli, tmp_path):
    """A long 问题 is the ledger's own text: its lead names it once, at no cost."""
    rows = many_problems(40, title="问" * 30_000)
    texts, run = notice(run_cli, tmp_path, None, rows)
    assert run.exit_code == 0, run.output
    assert len(texts) > 80


def test_a_long_text_in_a_narrative_cells_placeholders_is_refused(run_cli, tmp_path):
    info = {**INFO, "长文": LONG, "阶段性成效": "{长文}" * 40}
    texts, run = notice(run_cli, tmp_path, None, None, info)
    assert run.exit_code == 1, run.output
    assert "[错误] 基本信息 第15行 阶段性成效：填入后的文字太多" in run.output


def test_the_title_is_bounded_too(run_cli, tmp_path):
    texts, run = notice(run_cli, tmp_path, {"标题": "{长文}" * 40}, None, {**INFO, "长文": LONG})
    assert run.exit_code == 1, run.output
    assert "标题：填入后的文字太多" in run.output
    assert all(len(p.name) < 300 for p in run.out_dir.iterdir())


def test_letters_are_budgeted_with_remind(run_cli, tmp_path):
    from datetime import datetime

    rows = [
        measure(序号=n, 责任部门=f"科室{n}", 整改状态="正在推进", 完成时间=None, 整改时限=datetime(2025, 10, 1))
        for n in range(1, 9)
    ]
    _, run = notice(run_cli, tmp_path, {"督办正文": "{长文}" * 5}, rows, {**INFO, "长文": LONG}, "--remind")
    assert run.exit_code == 1, run.output
    assert "督办正文：填入后的文字太多：督办提醒函中由这一项生成的文字约128万字（填了8次）" in run.output


def test_the_round_notice_is_budgeted(run_cli, tmp_path):
    from datetime import datetime

    folder = tmp_path / "台账"
    folder.mkdir()
    open_rows = [measure(整改状态="正在推进", 完成时间=None, 整改时限=datetime(2026, 6, 30))]
    for n in range(3):
        write_ledger(folder / f"{n}.xlsx", rows=open_rows, info={**INFO, "发文机关": "单" * 3000 + str(n)})
    fmt = write_ledger(tmp_path / "格式.xlsx", notice_format={"汇总通报正文": "{未完成单位名单}" * 200})
    run = run_cli("--batch", str(folder), "--format", str(fmt))
    assert run.exit_code == 1, run.output
    assert "汇总通报正文：填入后的文字太多：汇总通报中由这一项生成的文字约180万字" in run.output


@pytest.mark.parametrize(
    ("pieces", "values", "own", "chars", "heaviest"),
    [
        ("{问题}的问题", {"问题": "x" * 50}, "问题", 3, ""),
        ("{问题}{问题}", {"问题": "x" * 50}, "问题", 50, "问题"),
        ("关于{长文}", {"长文": "y" * 900}, "", 902, "长文"),
        ("{没有}", {}, "", 0, ""),
    ],
)
def test_a_fills_cost(pieces, values, own, chars, heaviest):
    cost = Cost()
    cost.add(Pattern.parse(pieces), values, own=own)
    assert (cost.chars, cost.heaviest) == (chars, heaviest)
    assert cost.fills == 1


@pytest.mark.parametrize(
    ("chars", "said"), [(12_345, "12,345"), (99_999, "99,999"), (12_345_678, "1,235万"), (1_280_000_000, "12.8亿")]
)
def test_counts_as_a_clerk_reads_them(chars, said):
    from rectification.render.budget import count_text

    assert count_text(chars) == said


def test_the_budget_leaves_room_for_the_largest_real_notices():
    """20,000 problems with the default leads and labels use well under half of it."""
    fills = 20_000 * 2
    assert 20_000 * len("{序号}.关于“”的问题。整改情况：") < (BUDGET + ALLOWANCE * fills) / 2


# --- numbers that are digits to isdigit() but not to int() ---------------------------------------------------


@pytest.mark.parametrize(
    ("key", "written", "message"),
    [
        ("百分比小数位", "²", "百分比小数位：“²”不是0到4之间的整数"),
        ("百分比小数位", "9" * 5000, "百分比小数位：“99999999999999999999……（共5,000个字符）”不是0到4之间的整数"),
        ("百分比小数位", "５", "百分比小数位：“５”不是0到4之间的整数"),
        ("百分比小数位", "٣", "百分比小数位：“٣”不是0到4之间的整数"),
        ("督办反馈天数", "³", "督办反馈天数：“³”不是0到90之间的天数"),
        ("督办反馈天数", "91", "督办反馈天数：“91”不是0到90之间的天数"),
        ("督办反馈天数", "-1", "督办反馈天数：“-1”不是0到90之间的天数"),
    ],
)
def test_numbers_must_be_plain_digits(run_cli, tmp_path, key, written, message):
    _, run = notice(run_cli, tmp_path, {key: written})
    assert run.exit_code == 1, run.output
    assert f"[错误] 通报格式 第2行 {message}" in run.output


@pytest.mark.parametrize(
    ("key", "written"), [("百分比小数位", "0"), ("百分比小数位", "4"), ("百分比小数位", "２"), ("督办反馈天数", "90")]
)
def test_plain_numbers_are_taken(run_cli, tmp_path, key, written):
    _, run = notice(run_cli, tmp_path, {key: written})
    assert run.exit_code == 0, run.output


# --- bidi and zero-width characters removed from 通报格式 --------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "value", "names"),
    [
        ("开头", "开头\u202e文字\u200b。", "U+202E、U+200B"),
        ("结\u200d束语", "结束。", "U+200D"),
        ("落款", "\ufeff某某党组", "U+FEFF"),
    ],
)
def test_invisible_characters_removed_from_the_format_get_a_hint(run_cli, tmp_path, label, value, names):
    texts, run = notice(run_cli, tmp_path, {label: value})
    assert run.exit_code == 0, run.output
    assert (
        f"通报格式 第2行 {label.replace(chr(0x200D), '')}：含有看不见的特殊字符（{names}，可用来颠倒或隐藏文字），已删除"
        in (run.output)
    )
    assert not [t for t in texts if any(c in t for c in "\u202e\u200b\u200d\ufeff")]


def test_invisible_characters_in_a_format_file_get_a_hint_naming_it(run_cli, tmp_path, ledger_path):
    shared = write_ledger(tmp_path / "本轮格式.xlsx", notice_format={"开头": "开头\u2066文字。"})
    run = run_cli(str(ledger_path), "--format", str(shared))
    assert run.exit_code == 0, run.output
    assert "[提示] 本轮格式.xlsx：通报格式 第2行 开头：含有看不见的特殊字符（U+2066" in run.output


# --- the length a budget counts is the length a fill makes -------------------------------------------------

NAMES = ("问题", "长文", "发文机关", "没有的")


@given(
    pieces=st.lists(
        st.one_of(st.sampled_from([f"{{{n}}}" for n in NAMES]), st.text(alphabet="关于的{}“”x", max_size=5))
    ),
    values=st.fixed_dictionaries({n: st.text(max_size=30) for n in NAMES[:3]}),
)
def test_filled_length_is_the_length_of_the_fill(pieces, values):
    from rectification.settings import PatternError

    try:
        pattern = Pattern.parse("".join(pieces))
    except PatternError:
        return
    assert pattern.filled_length(values) == len(pattern.fill(values))


def test_every_filled_key_of_the_documents_upward_counts_against_a_budget():
    """A key added to DOCUMENT_ROWS is counted the day it is added: each filled one belongs to a document upward."""
    from rectification.settings.document_keys import DOCUMENT_ROWS, UPWARD

    filled = {name for name, kind, *_ in DOCUMENT_ROWS if kind in ("pattern", "section", "label")}
    counted = [key for document in UPWARD for key in document.keys]
    assert filled == set(counted) and len(counted) == len(set(counted))
