"""An outside tester's sweep of issue 25 on inputs the other hardening tests do not build: each case here failed
before its fix (a title pasted from a page, addresses that decode to invisible characters, …)."""

from __future__ import annotations

import docx
from conftest import INFO, write_ledger

from rectification.render import title_break


def test_a_title_with_thousands_of_break_points_is_broken_in_linear_time(monkeypatch):
    """Each line used to measure the whole remaining title once per safe point (cubic): 6,000 characters hung."""
    calls = 0
    measure = title_break.unicodedata.east_asian_width

    def counted(char: str) -> str:
        nonlocal calls
        calls += 1
        return measure(char)

    monkeypatch.setattr(title_break.unicodedata, "east_asian_width", counted)
    title = "关于" * 300
    lines = title_break.break_title(title).split("\n")
    assert "".join(lines) == title and all(title_break.width(line) <= 20 for line in lines)
    assert calls < 3 * len(title) + 2 * sum(len(line) for line in lines)


def test_the_longest_title_a_cell_holds_makes_a_notice(run_cli, tmp_path):
    title = "关于" * 16_000  # 32,000 characters, 16,000 safe points: too deep to break by recursion
    run = run_cli(str(write_ledger(tmp_path / "台账.xlsx", info={**INFO, "标题": title})))
    assert run.exit_code == 0, run.output
    paragraphs = docx.Document(str(run.files(".docx")[0])).paragraphs
    assert paragraphs[0].text.replace("\n", "") == title
