"""The shipped example ledger reproduces the published notice in ../shared/reference word for word."""

from __future__ import annotations

import re
from io import BytesIO

import docx
import openpyxl
import pytest
from conftest import ROOT

REFERENCE = ROOT.parent / "shared" / "reference" / "区红十字会巡察整改进展情况通报.txt"
HEADING = re.compile(r"^[一二三四五六七八九十]+、")


def reference_paragraphs() -> list[str]:
    """The published text as paragraphs, undoing only the extraction: page-break splits, wrapped lines, spaces."""
    if not REFERENCE.exists():
        pytest.skip(f"reference notice not found at {REFERENCE}")
    blocks = [b for b in REFERENCE.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    texts = [re.sub(r"[ \n]", "", b) for b in blocks]
    joined: list[str] = []
    for index, text in enumerate(texts):
        previous = joined[-1] if joined else ""
        continues = (
            0 < index < len(texts) - 2  # not the title, signature or date
            and len(joined) > 1
            and not re.search(r"[。：；]$", previous)
            and not HEADING.match(previous)
        )
        if continues:
            joined[-1] = previous + text
        else:
            joined.append(text)
    return joined


def notice_paragraphs(path) -> list[str]:
    document = docx.Document(BytesIO(path.read_bytes()))
    return [p.text.replace(" ", "").replace("\n", "") for p in document.paragraphs if p.text.strip()]


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    from click.testing import CliRunner

    import generate

    out = tmp_path_factory.mktemp("example")
    result = CliRunner().invoke(generate.cli, ["--out", str(out), "--as-of", "2025-12-11"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out, result.output


def test_example_notice_matches_the_published_one(example):
    out, _ = example
    [notice] = out.glob("*.docx")
    expected = reference_paragraphs()
    actual = notice_paragraphs(notice)
    for number, (want, got) in enumerate(zip(expected, actual, strict=False), 1):
        assert got == want, f"paragraph {number} differs"
    assert len(actual) == len(expected) == 53


def test_example_is_named_after_its_title(example):
    out, _ = example
    assert [p.name for p in out.glob("*.docx")] == [
        "中共武汉市东西湖区红十字会党组关于区委第九轮巡察反馈意见整改进展情况的通报.docx"
    ]


def test_example_run_reports_cleanly(example):
    _, output = example
    assert output.splitlines()[0] == (
        "已生成通报：20个问题、42项措施，已完成34项（完成率81.0%），红灯0项、黄灯0项；错误0处、警告0条、提示1条。"
    )


def test_example_summary_figures(example):
    out, _ = example
    [summary] = out.glob("*汇总*.xlsx")
    sheet = openpyxl.load_workbook(summary)["汇总"]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, max_col=2, values_only=True) if row[0]}
    assert values["问题总数"] == 20
    assert values["整改措施总数"] == 42
    assert (values["已完成"], values["正在推进"], values["长期坚持"], values["未启动"]) == (34, 1, 7, 0)
    assert values["红灯（逾期未完成）"] == 0 and values["黄灯（10日内到期）"] == 0
    assert values["措施完成率"] == pytest.approx(34 / 42)
