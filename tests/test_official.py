"""The documents a round sends upward (整改情况报告, 整改方案), the 党内 version, and the layout faults of issue 23:
asserted on the XML Word reads and on the text."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import INFO, sample_rows, write_ledger

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FORMAL = {"红头文件": "全部", "发文字号": "某局党组[2025]第012号", "份号": "000012", "密级": "秘密★1年",
          "版记抄送": "区纪委监委，区委组织部"}  # fmt: skip


def document_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode()


def styles_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/styles.xml").decode()


def text_of(xml: str) -> str:
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def style_xml(styles: str, name: str) -> str:
    match = re.search(rf'<w:style [^>]*>(?:(?!</w:style>).)*<w:name w:val="{name}"/>.*?</w:style>', styles, re.S)
    assert match, name
    return match.group()


def output(run, suffix: str) -> Path:
    found = [p for p in run.files(".docx") if p.name.endswith(suffix)]
    assert len(found) == 1, (suffix, run.output)
    return found[0]


@pytest.fixture
def formal_run(run_cli, tmp_path):
    ledger = write_ledger(tmp_path / "台账.xlsx", notice_format=FORMAL)
    run = run_cli(str(ledger), "--report", "--plan")
    assert run.exit_code == 0, run.output
    return run


def test_nothing_new_unless_asked(run_cli, ledger_path):
    run = run_cli(str(ledger_path))
    assert run.exit_code == 0, run.output
    assert [
        p.name.endswith(("_整改情况报告.docx", "_整改方案.docx", "_党内通报.docx")) for p in run.files(".docx")
    ] == [False]


def test_the_report_attaches_the_ledger_on_landscape_pages(run_cli, ledger_path):
    run = run_cli(str(ledger_path), "--report")
    assert run.exit_code == 0, run.output
    xml = document_xml(output(run, "_整改情况报告.docx"))
    sections = re.findall(r"<w:sectPr\b.*?</w:sectPr>", xml, re.S)
    assert len(sections) == 2  # the body's page, then the attachment's turned sideways
    assert 'w:orient="landscape"' in sections[0] + sections[1]
    assert re.search(r'<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>', sections[-1])
    assert "pgNumType" not in xml  # page numbers run on
    table = xml[xml.index("<w:tbl>") :]
    assert "<w:tblHeader/>" in table.split("</w:tr>")[0]
    widths = [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"/>', table)]
    assert sum(widths) == 12756 and len(widths) == 10
    text = text_of(xml)
    assert "附件：" in text and "特此报告。" in text and "整改台账" in text
    assert "2025年9月30日" in text and "2025-09-30" not in text  # one date style


def test_the_report_keeps_its_closing_with_the_attachment_note(run_cli, ledger_path):
    run = run_cli(str(ledger_path), "--report")
    paragraphs = re.findall(r"<w:p>.*?</w:p>", document_xml(output(run, "_整改情况报告.docx")), re.S)
    closing = [p for p in paragraphs if "特此报告" in p or "附件：" in p]
    assert closing and all("<w:keepNext/>" in p for p in closing)


def test_the_formal_version_has_the_red_header_and_the_record(formal_run):
    party = output(formal_run, "_党内通报.docx")
    xml, styles = document_xml(party), styles_xml(party)
    assert '<w:color w:val="FF0000"/>' in style_xml(styles, "发文机关标志")
    assert 'w:color="FF0000"' in style_xml(styles, "发文字号")  # the red rule below the number
    text = text_of(xml)
    assert "某局党组〔2025〕12号" in text and "第" not in text.split("某局党组〔2025〕")[1][:4]
    assert text.startswith("000012秘密★1年")
    assert "抄送：区纪委监委、区委组织部。" in text and "2025年12月1日印发" in text
    record = xml[xml.rindex("<w:tbl>") :]
    assert re.search(r'<w:top w:val="single" w:sz="8"', record)
    assert re.search(r'<w:insideH w:val="single" w:sz="6"', record)
    assert re.search(r'<w:bottom w:val="single" w:sz="8"', record)
    last = re.findall(r"<w:sectPr\b.*?</w:sectPr>", xml, re.S)[-1]
    assert '<w:type w:val="evenPage"/>' in last and "<w:titlePg/>" in last


def test_report_and_plan_take_the_red_header_with_全部(formal_run):
    for suffix in ("_整改情况报告.docx", "_整改方案.docx"):
        assert "某局党组〔2025〕12号" in text_of(document_xml(output(formal_run, suffix)))
    plan = document_xml(output(formal_run, "_整改方案.docx"))
    assert plan.count('w:orient="landscape"') == 3
    text = text_of(plan)
    for label in ("附件1", "附件2", "附件3", "问题清单", "任务清单", "责任清单"):
        assert label in text


def test_a_problem_is_written_once_in_its_rows(run_cli, tmp_path):
    first = sample_rows()[0]
    rows = [first, {**first, "整改措施": "再补一项"}, *sample_rows()[1:]]
    ledger = write_ledger(tmp_path / "台账.xlsx", rows=rows)
    run = run_cli(str(ledger), "--report")
    table = document_xml(output(run, "_整改情况报告.docx"))
    assert '<w:vMerge w:val="restart"/>' in table and "<w:vMerge/>" in table


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        (
            "中共某某区财政局党组关于区委第九轮巡察反馈意见整改进展情况的通报",
            ["中共某某区财政局党组关于区委第九轮", "巡察反馈意见整改进展情况的通报"],
        ),
        ("关于本轮巡察整改进展情况的通报", ["关于本轮巡察整改进展情况的通报"]),
        ("我局关于\n巡察整改的通报", ["我局关于", "巡察整改的通报"]),  # a typed break is kept
    ],
)
def test_titles_break_between_words(title, lines):
    from rectification.render.title_break import break_title

    assert break_title(title).split("\n") == lines


def test_a_title_typed_with_alt_enter_keeps_its_break(run_cli, tmp_path):
    ledger = write_ledger(tmp_path / "台账.xlsx", info={**INFO, "标题": "某局关于\n巡察整改情况的通报"})
    run = run_cli(str(ledger))
    assert run.exit_code == 0, run.output
    xml = document_xml(run.files(".docx")[0])
    assert "<w:t>某局关于</w:t><w:br/><w:t>巡察整改情况的通报</w:t>" in xml
    assert "\n" not in run.files(".docx")[0].name


def test_the_notice_keeps_its_last_paragraph_signature_and_date_together(run_cli, ledger_path):
    paragraphs = re.findall(r"<w:p>.*?</w:p>", document_xml(run_cli(str(ledger_path)).files(".docx")[0]), re.S)
    signature = next(n for n, p in enumerate(paragraphs) if "IssuerSignature" in p)
    assert all("<w:keepNext/>" in p for p in paragraphs[signature - 2 : signature + 1])
    assert "<w:keepNext/>" not in paragraphs[signature + 1]


def test_table_columns_fit_headers_and_short_words():
    from rectification.render.docx_table import CELL_MARGINS_TWIPS, HEADER_CHAR_TWIPS, column_widths

    rows = [("序号", "问题", "整改状态", "整改进展"), ("1", "很长的问题" * 8, "正在推进", "很长的进展" * 20)]
    widths = column_widths(rows, header_char=HEADER_CHAR_TWIPS)
    assert sum(widths) == 8844
    assert widths[0] >= 2 * HEADER_CHAR_TWIPS + CELL_MARGINS_TWIPS
    assert widths[2] >= 4 * HEADER_CHAR_TWIPS + CELL_MARGINS_TWIPS
    assert widths[3] > widths[1]


def test_a_letters_columns_keep_headers_and_status_words_whole():
    from rectification.render.docx_table import CELL_MARGINS_TWIPS, CHAR_TWIPS, column_widths
    from rectification.render.reminder import TABLE_HEADER

    rows = [TABLE_HEADER, ("6", "公开不及时", "制定学习计划", "王明", "李华", "立行立改", "正在推进", "立行立改未完成")]
    widths = column_widths(rows)
    assert sum(widths) == 8844
    for header, width in zip(TABLE_HEADER, widths, strict=True):  # 五号 headers on one line
        assert width >= len(header.replace("/", "")) * CHAR_TWIPS + CELL_MARGINS_TWIPS - CHAR_TWIPS // 2, header
    assert widths[6] >= 4 * CHAR_TWIPS + CELL_MARGINS_TWIPS  # 正在推进 whole


def test_document_numbers_are_written_as_the_standard_has_them():
    from rectification.render.official import copied_to, document_number

    assert document_number("某财[2025]第012号") == "某财〔2025〕12号"
    assert document_number("某财（2025）3号") == "某财〔2025〕3号"
    assert copied_to("区纪委监委，区委组织部、") == "区纪委监委、区委组织部。"


@pytest.mark.slow
def test_the_new_documents_render_in_libreoffice(formal_run, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdfinfo") is None:
        pytest.skip("LibreOffice or poppler-utils is not installed")
    from rectification.render.docx_writer import pdf_ready_copy

    for suffix in ("_整改情况报告.docx", "_整改方案.docx", "_党内通报.docx"):
        source = tmp_path / f"doc{len(suffix)}.docx"
        source.write_bytes(pdf_ready_copy(output(formal_run, suffix).read_bytes()))
        profile = f"-env:UserInstallation=file://{tmp_path}/lo{len(suffix)}"
        subprocess.run([soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                       capture_output=True, timeout=180, check=False)  # fmt: skip
        pdf = source.with_suffix(".pdf")
        assert pdf.exists(), suffix
        info = subprocess.run(["pdfinfo", "-l", "99", str(pdf)], capture_output=True, text=True, check=True).stdout
        sizes = re.findall(r"size:\s+([\d.]+) x ([\d.]+)", info)
        landscape = [w for w, h in sizes if float(w) > float(h)]
        assert bool(landscape) == (suffix != "_党内通报.docx"), (suffix, sizes)


@pytest.mark.parametrize(("largest", "step", "top"), [(0, 1, 1), (5, 1, 6), (9, 2, 10), (40, 5, 45), (250, 50, 300)])
def test_chart_axes_count_in_whole_steps(largest, step, top):
    from rectification.render.chart_axis import count_axis

    axis = count_axis(largest)
    assert (axis["major_unit"], axis["max"], axis["num_format"]) == (step, top, "0")


def test_the_summary_chart_has_a_whole_number_axis(run_cli, ledger_path):
    run = run_cli(str(ledger_path))
    with zipfile.ZipFile(run.files("_汇总.xlsx")[0]) as book:
        chart = next(book.read(n).decode() for n in book.namelist() if n.startswith("xl/charts/chart"))
    assert '<c:majorUnit val="1"/>' in chart and 'formatCode="0"' in chart


def test_the_rollup_chart_is_a_bar_per_unit_top_down(run_cli, tmp_path):
    folder = tmp_path / "本轮"
    folder.mkdir()
    for n in range(12):
        write_ledger(folder / f"台账{n:02d}.xlsx", info={**INFO, "发文机关": f"中共某某区第{n + 1}局党组委员会"})
    run = run_cli("--batch", str(folder))
    with zipfile.ZipFile(next(run.out_dir.glob("各单位整改进展汇总_*.xlsx"))) as book:
        chart = next(book.read(n).decode() for n in book.namelist() if n.startswith("xl/charts/chart"))
    assert '<c:barDir val="bar"/>' in chart and '<c:orientation val="maxMin"/>' in chart


def test_the_records_spacers_stay_off_the_document_grid(tmp_path):
    """LibreOffice stretches a paragraph on the grid to a whole line: the 版记's spacers are off it, so the 版记
    ends its page instead of pushing a blank page after it."""
    import re

    from conftest import AS_OF

    from rectification.app import Request, generate

    ledger = write_ledger(tmp_path / "台账.xlsx", notice_format={"红头文件": "党内通报", "版记抄送": "区纪委监委"})
    result = generate(Request(ledger, tmp_path / "out", AS_OF))
    party = next(p for p in result.saved.paths("party_notice"))
    xml = document_xml(party)
    spacers = re.findall(r'<w:p><w:pPr>(?:(?!</w:pPr>).)*w:lineRule="exact"(?:(?!</w:pPr>).)*</w:pPr>', xml, re.S)
    assert 'w:val="evenPage"' in xml  # the 版记's own section
    assert len(spacers) >= 2 and all('<w:snapToGrid w:val="0"/>' in p for p in spacers[-2:])
