"""The rendered notice read back as Word sees it: page, grid, styles, page numbers, signature and date."""

from __future__ import annotations

import importlib.util
import time
import zipfile
from io import BytesIO
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from rectification.render.docx_writer import DEFAULT_TEMPLATE, closing_indents, pdf_ready_copy, render_docx, text_width
from rectification.render.notice import Block, BlockKind, Notice

ROOT = Path(__file__).resolve().parents[1]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SIGNATURE = "中共武汉市东西湖区红十字会党组"
DATE = "2025年12月11日"
LONG = "中共武汉市东西湖区红十字会党组始终坚持以高度的政治自觉和强烈的责任担当推进巡察整改工作，" * 4
ODD = "控制\x07字符_x000B_已\x0c清除"
LITERAL = "{{ 7*7 }} <b>& </b>"


def notice(*extra: Block) -> Notice:
    """A notice of several pages with every kind of block."""
    blocks = (
        Block(BlockKind.TITLE, "关于区委第九轮巡察反馈意见整改进展情况的通报"),
        Block(BlockKind.BLANK),
        Block(BlockKind.BODY, "根据区委巡察工作统一部署，现将巡察整改情况予以公布。"),
        Block(BlockKind.HEADING, "一、整改工作组织领导情况"),
        *(Block(BlockKind.BODY, LONG) for _ in range(12)),
        Block(BlockKind.HEADING, "二、整改任务落实完成情况"),
        Block(BlockKind.ITEM, "2023年至2025年3月，仅开展了1次廉政教育党课活动。", "1.关于“廉政教育力度不够”的问题。"),
        Block(BlockKind.BODY, ODD),
        Block(BlockKind.BODY, LITERAL),
        *extra,
        Block(BlockKind.BLANK),
        Block(BlockKind.SIGNATURE, SIGNATURE),
        Block(BlockKind.DATE, DATE),
    )
    return Notice(blocks[0].text, blocks)


@pytest.fixture(scope="module")
def document():
    return docx.Document(BytesIO(render_docx(notice())))


def style_el(document, style_id: str):
    return document.styles.element.find(f"{{{W}}}style[@{{{W}}}styleId='{style_id}']")


def attr(element, path: str, name: str) -> str | None:
    """An attribute of the first element at path (w: prefixed steps) below element."""
    found = element.find(path.replace("w:", f"{{{W}}}"))
    return None if found is None else found.get(qn(f"w:{name}"))


def test_page_margins_and_grid(document):
    sect = document.sections[0]._sectPr
    assert (attr(sect, "w:pgSz", "w"), attr(sect, "w:pgSz", "h")) == ("11906", "16838")
    margins = {k: attr(sect, "w:pgMar", k) for k in ("top", "bottom", "left", "right")}
    assert margins == {"top": "2098", "bottom": "1984", "left": "1587", "right": "1474"}
    assert attr(sect, "w:docGrid", "type") == "linesAndChars"
    assert attr(sect, "w:docGrid", "linePitch") == "579"
    assert attr(sect, "w:docGrid", "charSpace") == "-842"


def test_char_grid_fits_28_characters_a_line(document):
    """Read from the document, not the constants above: the type area holds 28 grid characters, not 29."""
    sect = document.sections[0]._sectPr
    type_area = (
        int(attr(sect, "w:pgSz", "w")) - int(attr(sect, "w:pgMar", "left")) - int(attr(sect, "w:pgMar", "right"))
    ) / 20
    pitch = 16 + int(attr(sect, "w:docGrid", "charSpace")) / 4096  # points per character on the grid
    assert 28 * pitch <= type_area < 29 * pitch


def test_page_number_sits_7mm_below_type_area(document):
    footer = int(attr(document.sections[0]._sectPr, "w:pgMar", "footer"))
    dash_from_bottom = footer + 140  # the dash is in the middle of the exact 14 pt line
    assert abs((1984 - dash_from_bottom) * 25.4 / 1440 - 7) < 0.2


@pytest.mark.parametrize(
    ("style_id", "name", "east_asia", "ascii_font", "size"),
    [
        ("Normal", "Normal", "仿宋_GB2312", "Times New Roman", "32"),
        ("NoticeTitle", "公文标题", "方正小标宋简体", "Times New Roman", "44"),
        ("Heading1CN", "一级标题", "黑体", "Times New Roman", None),
        ("Heading2CN", "二级标题", "楷体_GB2312", "Times New Roman", None),
        ("Heading3CN", "三级标题", "仿宋_GB2312", "Times New Roman", None),
        ("ItemLead", "条目标题", "仿宋_GB2312", "Times New Roman", None),
        ("PageNo", "页码", "宋体", "宋体", "28"),
    ],
)
def test_style_fonts(document, style_id, name, east_asia, ascii_font, size):
    el = style_el(document, style_id)
    assert el is not None, f"no style {style_id}"
    assert attr(el, "w:name", "val") == name
    assert attr(el, "w:rPr/w:rFonts", "eastAsia") == east_asia
    assert attr(el, "w:rPr/w:rFonts", "ascii") == attr(el, "w:rPr/w:rFonts", "hAnsi") == ascii_font
    assert attr(el, "w:rPr/w:sz", "val") == size  # None: inherits Normal's 16 pt


def test_doc_defaults_are_chinese(document):
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert attr(defaults, "w:rPrDefault/w:rPr/w:rFonts", "eastAsia") == "仿宋_GB2312"
    assert attr(defaults, "w:rPrDefault/w:rPr/w:lang", "eastAsia") == "zh-CN"
    assert attr(defaults, "w:rPrDefault/w:rPr/w:rFonts", "asciiTheme") is None


def test_body_paragraph_format(document):
    normal = style_el(document, "Normal")
    assert attr(normal, "w:pPr/w:ind", "firstLineChars") == "200"
    spacing = {k: attr(normal, "w:pPr/w:spacing", k) for k in ("line", "lineRule", "before", "after")}
    assert spacing == {"line": "579", "lineRule": "exact", "before": "0", "after": "0"}
    assert attr(normal, "w:pPr/w:jc", "val") == "both"


def test_title_and_heading_styles(document):
    title = style_el(document, "NoticeTitle")
    assert attr(title, "w:pPr/w:jc", "val") == "center"
    assert attr(title, "w:pPr/w:ind", "firstLineChars") == "0"
    assert attr(title, "w:pPr/w:spacing", "line") == "579"
    for style_id in ("NoticeTitle", "Heading1CN", "Heading2CN", "Heading3CN", "ItemLead"):
        assert attr(style_el(document, style_id), "w:rPr/w:b", "val") == "0"
    for style_id in ("IssuerSignature", "IssueDate"):
        el = style_el(document, style_id)
        assert (attr(el, "w:pPr/w:jc", "val"), attr(el, "w:pPr/w:ind", "firstLineChars")) == ("right", "0")


def test_paragraphs_follow_blocks(document):
    styles = [p.style.style_id for p in document.paragraphs]
    kinds = [b.kind for b in notice().blocks]
    assert len(styles) == len(kinds)
    assert styles[:4] == ["NoticeTitle", "Normal", "Normal", "Heading1CN"]
    assert styles[-2:] == ["IssuerSignature", "IssueDate"]
    assert document.element.body[-1].tag == qn("w:sectPr")


def test_item_lead_is_a_styled_run(document):
    item = next(p for p in document.paragraphs if p.text.startswith("1.关于"))
    lead, detail = item.runs
    assert (lead.style.style_id, lead.text) == ("ItemLead", "1.关于“廉政教育力度不够”的问题。")
    assert detail.style.style_id == "DefaultParagraphFont"
    assert detail.text.startswith("2023年至2025年3月")


def test_even_and_odd_footers_hold_page_fields(document):
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        (p,) = footer.paragraphs
        texts = [t.text for t in p._p.iter(qn("w:t"))]
        assert texts == ["— ", "1", " —"]
        assert [i.text.strip() for i in p._p.iter(qn("w:instrText"))] == ["PAGE"]
        assert [f.get(qn("w:fldCharType")) for f in p._p.iter(qn("w:fldChar"))] == ["begin", "separate", "end"]
        assert attr(p._p, "w:pPr/w:jc", "val") == side
        assert attr(p._p, "w:pPr/w:ind", f"{side}Chars") == "100"
        assert p.style.style_id == "PageNo"


def test_signature_and_date_indents(document):
    signature, date = document.paragraphs[-2:]
    assert (signature.text, date.text) == (SIGNATURE, DATE)
    assert attr(signature._p, "w:pPr/w:ind", "rightChars") == "200"
    assert attr(date._p, "w:pPr/w:ind", "rightChars") == "800"  # (15 - 7) chars: starts 2 right of 中


@pytest.mark.parametrize(
    ("signature", "date", "expected"),
    [
        (SIGNATURE, DATE, (2, 8)),  # longer signature: it stands 2 from the right, the date follows
        ("区红十字会", DATE, (6, 2)),  # longer date: the date stands 2 from the right, the signature moves left
        ("东西湖区红十字会", DATE, (3, 2)),  # nearly equal: the date never gets closer than 2 to the right
        ("东西湖区红十字会党组", DATE, (2, 3)),
    ],
)
def test_closing_indents_follow_gbt_9704(signature, date, expected):
    sig_right, date_right = closing_indents(signature, date)
    assert (sig_right, date_right) == expected
    # The date's first character stands two characters right of the signature's.
    assert (sig_right + text_width(signature)) - (date_right + text_width(date)) == 2


@pytest.mark.parametrize("date", ["2025年1月1日", "2025年12月1日", DATE])
def test_closing_rules_hold_for_any_signature_length(date):
    """The rules, over signatures the pinned cases above do not cover (there they follow from the pins)."""
    for length in range(1, 40):
        signature = "红" * length
        sig_right, date_right = closing_indents(signature, date)
        assert sig_right >= 2 and date_right >= 2, (length, sig_right, date_right)
        assert (sig_right + text_width(signature)) - (date_right + text_width(date)) == 2, length


def test_text_width_counts_half_width_digits():
    assert text_width(DATE) == 7
    assert text_width(SIGNATURE) == 15


def test_text_is_cleaned_and_literal(document):
    texts = [p.text for p in document.paragraphs]
    assert "控制字符已清除" in texts
    assert LITERAL in texts


def test_spaces_tabs_and_breaks_survive():
    rendered = docx.Document(BytesIO(render_docx(notice(Block(BlockKind.BODY, "  前后空格\t制表\n换行 ")))))
    p = next(p for p in rendered.paragraphs if "前后空格" in p.text)
    ts = list(p._p.iter(qn("w:t")))
    assert ts[0].text == "  前后空格" and ts[0].get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
    assert len(list(p._p.iter(qn("w:tab")))) == 1 and len(list(p._p.iter(qn("w:br")))) == 1


def test_pdf_ready_copy_uses_a_line_grid():
    original = render_docx(notice())
    copy = pdf_ready_copy(original)
    sect = docx.Document(BytesIO(copy)).sections[0]._sectPr
    assert attr(sect, "w:docGrid", "type") == "lines"
    assert attr(sect, "w:docGrid", "charSpace") is None
    assert attr(sect, "w:docGrid", "linePitch") == "579"
    with zipfile.ZipFile(BytesIO(original)) as a, zipfile.ZipFile(BytesIO(copy)) as b:
        assert a.namelist() == b.namelist()
        assert all(a.read(n) == b.read(n) for n in a.namelist() if n != "word/document.xml")


def test_twelve_thousand_paragraphs_render_quickly():
    blocks = tuple(Block(BlockKind.BODY, f"第{i}段。" + LONG[:60]) for i in range(12_000))
    start = time.perf_counter()
    render_docx(Notice("标题", blocks))
    assert time.perf_counter() - start < 2.0  # about 0.2 s here; python-docx's add_paragraph takes several


def canonical_parts(data: bytes) -> dict[str, bytes]:
    """Every XML part of a .docx, canonicalised (C14N) so serialisation details do not count."""
    with zipfile.ZipFile(BytesIO(data)) as z:
        return {
            n: etree.tostring(etree.fromstring(z.read(n)), method="c14n")
            for n in z.namelist()
            if n.endswith((".xml", ".rels"))
        }


def test_committed_template_matches_the_build_script():
    spec = importlib.util.spec_from_file_location("build_docx_template", ROOT / "tools" / "build_docx_template.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built, committed = canonical_parts(module.build()), canonical_parts(DEFAULT_TEMPLATE.read_bytes())
    assert sorted(built) == sorted(committed)
    for name in ("word/styles.xml", "word/settings.xml", "word/document.xml", "word/fontTable.xml"):
        assert built[name] == committed[name], f"{name} differs: run python tools/build_docx_template.py"
    assert built == committed


def test_template_body_is_empty():
    body = docx.Document(str(DEFAULT_TEMPLATE)).element.body
    assert [child.tag for child in body] == [qn("w:p"), qn("w:sectPr")]
    assert not "".join(body.itertext())
