"""The notice as .docx: one paragraph per block, each naming a style of the template."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.document import Document as DocumentObject
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

# Lone surrogates and CR survive xml_safe (it keeps them) but not lxml or Word.
EXTRA_UNSAFE = re.compile(r"[\ud800-\udfff]")
BREAKS = re.compile(r"(\t|\n)")
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Word's own hint for Chinese runs: “” and — then take the eastAsia font, not Times New Roman.
RUN_FONTS = '<w:rFonts w:hint="eastAsia"/>'


def clean_text(text: str) -> str:
    """Text fit for a w:t: no control characters (raw or as _x000B_), CR LF and CR as LF."""
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


def run_xml(text: str, char_style: str = "") -> str:
    """A w:r holding escaped text; tabs and line breaks become w:tab and w:br."""
    style = f'<w:rStyle w:val="{char_style}"/>' if char_style else ""
    pieces = BREAKS.split(text) if "\t" in text or "\n" in text else (text,)
    return f"<w:r><w:rPr>{style}{RUN_FONTS}</w:rPr>{''.join(map(piece_xml, pieces))}</w:r>"


def piece_xml(piece: str) -> str:
    """w:tab, w:br or a w:t; leading, trailing or doubled spaces need xml:space="preserve"."""
    if piece in ("\t", "\n"):
        return "<w:tab/>" if piece == "\t" else "<w:br/>"
    if not piece:
        return ""
    space = ' xml:space="preserve"' if piece != piece.strip() or "  " in piece else ""
    return f"<w:t{space}>{escape(piece)}</w:t>"


def paragraph_xml(block: Block, right_chars: float | None) -> str:
    """The block's w:p: its style, a computed right indent if any, and its runs."""
    ind = ""
    if right_chars is not None:
        twips, hundredths = round(right_chars * BODY_CHAR_TWIPS), round(right_chars * 100)
        ind = f'<w:ind w:right="{twips}" w:rightChars="{hundredths}"/>'
    lead = clean_text(block.lead) if block.kind is BlockKind.ITEM else ""
    text = clean_text(block.text)
    runs = (run_xml(lead, ITEM_LEAD_STYLE) if lead else "") + (run_xml(text) if text else "")
    return f'<w:p><w:pPr><w:pStyle w:val="{PARAGRAPH_STYLES[block.kind]}"/>{ind}</w:pPr>{runs}</w:p>'


def right_indents(notice: Notice) -> dict[BlockKind, float]:
    """The signature's and date's right indents, from the first of each in the notice."""
    closing = (BlockKind.SIGNATURE, BlockKind.DATE)
    texts = {b.kind: clean_text(b.text) for b in reversed(notice.blocks) if b.kind in closing}
    signature, date = texts.get(BlockKind.SIGNATURE), texts.get(BlockKind.DATE)
    if signature is None or date is None:
        return {BlockKind.SIGNATURE: SIGNATURE_RIGHT_CHARS, BlockKind.DATE: SIGNATURE_RIGHT_CHARS}
    sig_right, date_right = closing_indents(signature, date)
    return {BlockKind.SIGNATURE: sig_right, BlockKind.DATE: date_right}


@lru_cache(maxsize=4)
def _template(path: str) -> tuple[DocumentObject, etree._Element | None]:
    """The template, parsed once a process (about 10 ms of a batch ledger's 40), and its section properties.

    render_docx() replaces the whole body and the title each time, so one document serves every notice.
    """
    document = docx.Document(path)
    return document, document.element.body.find(qn("w:sectPr"))


def render_docx(notice: Notice, template: Path | None = None) -> bytes:
    """The notice as .docx bytes, laid out by the template's styles and section."""
    document, sect_pr = _template(str(template or DEFAULT_TEMPLATE))
    body = document.element.body
    for child in list(body):
        body.remove(child)
    # One string parsed once: 12,000 paragraphs in a fraction of python-docx's per-run cost.
    indents = right_indents(notice)
    xml = "".join(paragraph_xml(b, indents.get(b.kind)) for b in notice.blocks)
    body.extend(etree.fromstring(f'<w:body xmlns:w="{W_NS}">{xml}</w:body>'))
    if sect_pr is not None:
        body.append(sect_pr)  # the section's properties must stay the body's last child
    document.core_properties.title = clean_text(notice.title)[:255]  # python-docx's limit
    out = BytesIO()
    document.save(out)
    for child in list(body):  # the cached template keeps no notice: 100,000 paragraphs are about 50 MB
        body.remove(child)
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
