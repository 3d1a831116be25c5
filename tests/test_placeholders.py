"""The placeholder table (settings.placeholders) against its producers: every declared placeholder is produced by
the producer its scope names, and every placeholder a producer produces is declared."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import AS_OF, ROOT

from rectification.analyse.analysis import Analysis, analyse
from rectification.analyse.compare import PLACEHOLDERS as CHANGE_COUNTS
from rectification.analyse.compare import Change, Progress
from rectification.analyse.remind import Reminder
from rectification.analyse.report import Options
from rectification.analyse.round import UnitLine, analyse_round
from rectification.core.model import Verdict
from rectification.read.reader import read_workbook
from rectification.records.records import build_ledger
from rectification.render.notice import aspect_values, category_values, item_values, notice_values
from rectification.render.reminder import reminder_values
from rectification.render.round_notice import round_values
from rectification.settings import PLACEHOLDER_TABLE, Scope, Where, default_format
from rectification.settings.placeholders import names, usable_in


@pytest.fixture(scope="module")
def example():
    ledger, _ = build_ledger(read_workbook(ROOT / "workbook_template.xlsx"))
    assert ledger.info is not None
    return ledger.info, analyse(ledger, AS_OF)


def declared(scope: Scope) -> set[str]:
    return set(names(scope))


def test_names_are_unique_and_each_has_a_meaning():
    assert len({p.name for p in PLACEHOLDER_TABLE}) == len(PLACEHOLDER_TABLE)
    assert all(p.about and p.where for p in PLACEHOLDER_TABLE)


def test_notice_values_produce_exactly_the_notice_scope(example):
    info, analysis = example
    produced = set(notice_values(info, analysis, default_format())) - set(info.extra)
    assert produced == declared(Scope.NOTICE)


def test_notice_values_with_an_earlier_copy_add_exactly_the_since_scope(example):
    info, analysis = example
    progress = Progress("上次.xlsx", date(2025, 11, 1), (), 0, 0)
    fmt = default_format()
    added = set(notice_values(info, analysis, fmt, progress)) - set(notice_values(info, analysis, fmt))
    assert added == declared(Scope.SINCE)
    assert set(CHANGE_COUNTS) <= declared(Scope.SINCE)


@pytest.mark.parametrize("where", [Where.CATEGORY, Where.ITEM, Where.SUBITEM])
def test_each_item_producer_produces_what_its_keys_may_use(example, where):
    _, analysis = example
    category = analysis.categories[0]
    problem = analysis.reported_problems[0]
    produced = {
        Where.CATEGORY: category_values(category, 1),
        Where.ITEM: item_values(problem.problem, 1),
        Where.SUBITEM: aspect_values("具体表现", 1),
    }[where]
    item_scope = {p.name for p in PLACEHOLDER_TABLE if p.scope is Scope.ITEM and where in p.where}
    assert set(produced) == item_scope
    assert item_scope <= usable_in(where)


def test_reminder_values_produce_exactly_the_reminder_scope(example):
    _, analysis = example
    letter = Reminder("综合科", (), "督办/综合科.docx", red=1)
    assert set(reminder_values(letter, analysis, default_format())) == declared(Scope.REMINDER)


@pytest.mark.parametrize("compared", [False, True], ids=["plain", "since"])
def test_round_values_produce_the_notice_scope_and_exactly_the_round_scope(example, compared):
    _, analysis = example
    line = UnitLine(
        "a.xlsx",
        "某局",
        Verdict.PRODUCED,
        analysis.figures,
        since="上次.xlsx" if compared else "",
        changes=tuple(range(len(Change))) if compared else (),
    )
    fmt = default_format()
    values = round_values(analyse_round([line], [], Options(AS_OF, 10)))
    blank = Analysis(AS_OF, 10, (), analysis.figures, (), (), (), ())
    from rectification.core.model import NoticeInfo

    plain = set(notice_values(NoticeInfo("", "", "", "", "", "", "", AS_OF, "", "", "", [], [], []), blank, fmt))
    assert set(values) - plain == declared(Scope.ROUND) | (set(CHANGE_COUNTS) if compared else set())
    assert plain == declared(Scope.NOTICE)


def test_a_key_may_use_exactly_the_placeholders_its_kind_declares():
    """The checks use the table: a round key takes {单位数} but not {本单红灯数}; every key takes the figures."""
    assert "单位数" in usable_in(Where.ROUND) and "本单红灯数" not in usable_in(Where.ROUND)
    assert "问题" in usable_in(Where.ITEM) and "问题" not in usable_in(Where.CATEGORY)
    assert all(set(names(Scope.NOTICE, Scope.SINCE)) <= usable_in(w) for w in Where)
