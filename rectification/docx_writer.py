"""The notice as .docx: one paragraph per block, each naming a style of the template."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from io import BytesIO
from pathlib import Path

import docx
from docx.oxml.ns import qn
from lxml import etree

from .notice import Block, BlockKind, Notice
from .text import xml_safe

DEFAULT_TEMPLATE = Path(__file__).resolve().parent.parent / "docx_templates" / "notice.docx"

# Style IDs of docx_templates/notice.docx (tools/build_docx_template.py); the names users see are Chinese.
PARAGRAPH_STYLES = {
    BlockKind.TITLE: "NoticeTitle",  # 公文标题
    BlockKind.HEADING: "Heading1CN",  # 一级标题
    BlockKind.ITEM: "Normal",
    BlockKind.BODY: "Normal",
    BlockKind.BLANK: "Normal",
    BlockKind.SIGNATURE: "IssuerSignature",  # 发文机关署名
    BlockKind.DATE: "IssueDate",  # 成文日期
}
ITEM_LEAD_STYLE = "ItemLead"  # 条目标题: bold it in Word if the unit bolds 1. headings
SIGNATURE_RIGHT_CHARS = 2  # GB/T 9704 7.3.5.2: 右空二字
DATE_SHIFT_CHARS = 2  # the date's first character sits two characters right of the signature's
BODY_CHAR_TWIPS = 320  # one 16 pt character: the fallback for readers that ignore *Chars indents

# Lone surrogates and \r survive xml_safe (it keeps them) but not lxml or Word.
EXTRA_UNSAFE = re.compile(r"[\ud800-\udfff]")
SPACE_SENSITIVE = re.compile(r"^\s|\s$|\s\s")
BREAKS = re.compile(r"(\t|\n)")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# Qualified tag and attribute names, computed once: qn() per element is a third of the render time.
P, PPR, PSTYLE, IND, R, RPR, RSTYLE, RFONTS, T, TAB, BR = (
    qn(f"w:{tag}") for tag in ("p", "pPr", "pStyle", "ind", "r", "rPr", "rStyle", "rFonts", "t", "tab", "br")
)
VAL, HINT, RIGHT, RIGHT_CHARS = qn("w:val"), qn("w:hint"), qn("w:right"), qn("w:rightChars")


def clean_text(text: str) -> str:
    """Text fit for a w:t: no control characters (raw or as _x000B_), \r\n as \n."""
    text = xml_safe(text).replace("\r\n", "\n").replace("\r", "\n")
    return EXTRA_UNSAFE.sub("", text)


def text_width(text: str) -> float:
    """Width in body characters: CJK and full-width count 1, ASCII digits and letters ½."""
    return sum(0.5 if unicodedata.east_asian_width(c) in ("Na", "H") else 1.0 for c in text)


def closing_indents(signature: str, date: str) -> tuple[float, float]:
    """Right indents (characters) of an unsealed document's signature and date, per GB/T 9704 7.3.5.2.

    The signature stands 2 characters from the right and the date starts 2 characters right of the
    signature's first character; when that would leave the date less than 2 characters from the right
    (a date as long as, or longer than, the signature), the date keeps 2 and the signature moves left.
    """
    sig, day = text_width(signature), text_width(date)
    sig_right = max(SIGNATURE_RIGHT_CHARS, day + 2 * DATE_SHIFT_CHARS - sig)
    return sig_right, sig_right + sig - DATE_SHIFT_CHARS - day


def run(paragraph: etree._Element, text: str, char_style: str = "") -> None:
    """Append a w:r holding text; tabs and line breaks become w:tab and w:br."""
    r = etree.SubElement(paragraph, R)
    rpr = etree.SubElement(r, RPR)
    if char_style:
        etree.SubElement(rpr, RSTYLE).set(VAL, char_style)
    # Word's own hint for Chinese runs: “” and — then take the eastAsia font, not Times New Roman.
    etree.SubElement(rpr, RFONTS).set(HINT, "eastAsia")
    pieces = BREAKS.split(text) if "\t" in text or "\n" in text else (text,)
    for piece in pieces:
        if piece == "\t":
            etree.SubElement(r, TAB)
        elif piece == "\n":
            etree.SubElement(r, BR)
        elif piece:
            t = etree.SubElement(r, T)
            t.text = piece
            if SPACE_SENSITIVE.search(piece):
                t.set(XML_SPACE, "preserve")


def paragraph(parent: etree._Element, block: Block, right_chars: float | None) -> None:
    """Append the block's w:p: its style, a computed right indent if any, and its runs."""
    p = etree.SubElement(parent, P)
    ppr = etree.SubElement(p, PPR)
    etree.SubElement(ppr, PSTYLE).set(VAL, PARAGRAPH_STYLES[block.kind])
    if right_chars is not None:
        ind = etree.SubElement(ppr, IND)
        ind.set(RIGHT, str(round(right_chars * BODY_CHAR_TWIPS)))
        ind.set(RIGHT_CHARS, str(round(right_chars * 100)))
    if block.lead and block.kind is BlockKind.ITEM:
        run(p, clean_text(block.lead), ITEM_LEAD_STYLE)
    text = clean_text(block.text)
    if text:
        run(p, text)


def right_indents(notice: Notice) -> dict[BlockKind, float]:
    """The signature's and date's right indents, from the first of each in the notice."""
    closing = (BlockKind.SIGNATURE, BlockKind.DATE)
    texts = {b.kind: clean_text(b.text) for b in reversed(notice.blocks) if b.kind in closing}
    signature, date = texts.get(BlockKind.SIGNATURE), texts.get(BlockKind.DATE)
    if signature is None or date is None:
        return {BlockKind.SIGNATURE: SIGNATURE_RIGHT_CHARS, BlockKind.DATE: SIGNATURE_RIGHT_CHARS}
    sig_right, date_right = closing_indents(signature, date)
    return {BlockKind.SIGNATURE: sig_right, BlockKind.DATE: date_right}


def render_docx(notice: Notice, template: Path | None = None) -> bytes:
    """The notice as .docx bytes, laid out by the template's styles and section."""
    document = docx.Document(str(template or DEFAULT_TEMPLATE))
    body = document.element.body
    sect_pr = body.find(qn("w:sectPr"))
    for child in list(body):
        body.remove(child)
    indents = right_indents(notice)
    for block in notice.blocks:
        paragraph(body, block, indents.get(block.kind))
    if sect_pr is not None:
        body.append(sect_pr)  # the section's properties must stay the body's last child
    document.core_properties.title = clean_text(notice.title)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_ready_copy(docx_bytes: bytes) -> bytes:
    """The same document on a line-only grid: LibreOffice spreads text on a linesAndChars grid."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(docx_bytes)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = line_grid(data)
            dst.writestr(info, data)
    return out.getvalue()


def line_grid(document_xml: bytes) -> bytes:
    """document.xml with every section's docGrid set to type="lines" and no char pitch."""
    root = etree.fromstring(document_xml)
    for grid in root.iter(qn("w:docGrid")):
        grid.set(qn("w:type"), "lines")
        grid.attrib.pop(qn("w:charSpace"), None)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
