"""The notice's wording rules, on ledgers built in code."""

from __future__ import annotations

import pytest
from conftest import AS_OF, measure, write_ledger

from rectification.analyse.analysis import analyse
from rectification.read.reader import read_workbook
from rectification.records.records import build_ledger
from rectification.render.notice import compose
from rectification.render.wording import chinese_ordinal, date_range_text


def paragraphs(tmp_path, rows, **info):
    from conftest import INFO

    path = write_ledger(tmp_path / "台账.xlsx", rows=rows, info={**INFO, **info})
    ledger, _ = build_ledger(read_workbook(path))
    return compose(ledger.info, analyse(ledger, AS_OF)).paragraphs


@pytest.mark.parametrize(
    "n, words",
    [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (19, "十九"), (20, "二十"), (21, "二十一"), (99, "九十九")],
)
def test_chinese_ordinals(n, words):
    assert chinese_ordinal(n) == words


def test_date_range_drops_a_repeated_year():
    from datetime import date

    assert date_range_text(date(2025, 4, 16), date(2025, 6, 15)) == "2025年4月16日至6月15日"
    assert date_range_text(date(2025, 12, 1), date(2026, 1, 15)) == "2025年12月1日至2026年1月15日"


def test_eleven_measures_count_past_ten(tmp_path):
    rows = [measure(整改进展=f"措施{i}") for i in range(1, 12)]
    text = paragraphs(tmp_path, rows)
    assert "整改情况：一是措施1。二是措施2。" in "".join(text)
    assert "十是措施10。十一是措施11。" in "".join(text)


def test_single_measure_has_no_ordinal_and_gets_a_full_stop(tmp_path):
    text = paragraphs(tmp_path, [measure(整改进展="召开了专题会议")])
    assert "整改情况：召开了专题会议。" in text


def test_typed_ordinal_is_not_doubled(tmp_path):
    rows = [measure(整改进展="一是召开了会议。"), measure(整改进展="二是修订了制度。")]
    assert "整改情况：一是召开了会议。二是修订了制度。" in paragraphs(tmp_path, rows)


def test_quotes_in_a_problem_title_turn_single(tmp_path):
    text = paragraphs(tmp_path, [measure(问题="“一岗双责”落实不力")])
    assert "1.关于“‘一岗双责’落实不力”的问题。" in text


def test_problem_detail_follows_the_item(tmp_path):
    text = paragraphs(tmp_path, [measure(问题具体表现="仅开展了1次党课活动。")])
    assert "1.关于“学习不深入”的问题。仅开展了1次党课活动。" in text


def test_not_started_measures_are_left_out(tmp_path):
    rows = [
        measure(序号=1, 整改进展="完成了甲"),
        measure(序号=1, 整改进展="计划乙", 整改状态="未启动", 完成时间=None, 整改时限="2026年底前"),
        measure(序号=2, 问题="另一问题", 整改进展="计划丙", 整改状态="未启动", 完成时间=None, 整改时限="2026年底前"),
    ]
    text = paragraphs(tmp_path, rows)
    assert "整改情况：完成了甲。" in text
    assert not any("计划" in p or "另一问题" in p for p in text)


def test_title_override_and_signature(tmp_path):
    text = paragraphs(tmp_path, [measure()], 标题="关于巡察整改情况的通报")
    assert text[0] == "关于巡察整改情况的通报"
    assert text[-2:] == ["中共某某区某某局党组", "2025年12月1日"]


def test_template_syntax_stays_literal(tmp_path):
    text = paragraphs(tmp_path, [measure(整改进展="{{ 7*7 }}{% for x in y %}")])
    assert "整改情况：{{ 7*7 }}{% for x in y %}。" in text


@pytest.mark.parametrize(
    "progress, expected",
    [
        ("1.5万元违规发放津贴已全部清退", "整改情况：1.5万元违规发放津贴已全部清退。"),
        ("1.召开了会议", "整改情况：召开了会议。"),
        ("修订了议事规则（见附件1）", "整改情况：修订了议事规则（见附件1）。"),
        ("建立了台账\n每月通报一次", "整改情况：建立了台账。每月通报一次。"),
        ("召开了会议。）", "整改情况：召开了会议。）"),
    ],
)
def test_progress_wording(tmp_path, progress, expected):
    assert expected in paragraphs(tmp_path, [measure(整改进展=progress)])


@pytest.mark.parametrize(
    "title",
    [
        "学习贯彻不深入",
        "关于学习贯彻不深入的问题。",
        "关于学习贯彻不深入问题",
        "学习贯彻不深入的问题",
        "“学习贯彻不深入”",
    ],
)
def test_problem_titles_are_not_wrapped_twice(tmp_path, title):
    assert "1.关于“学习贯彻不深入”的问题。" in paragraphs(tmp_path, [measure(问题=title)])


def test_progress_merged_over_measures_is_said_once(tmp_path):
    from openpyxl import load_workbook

    path = write_ledger(tmp_path / "台账.xlsx", rows=[measure(整改进展="已按要求完成"), measure(整改进展=None)])
    book = load_workbook(path)
    book["整改台账"].merge_cells("L2:L3")
    book.save(path)
    ledger, _ = build_ledger(read_workbook(path))
    assert "整改情况：已按要求完成。" in compose(ledger.info, analyse(ledger, AS_OF)).paragraphs
