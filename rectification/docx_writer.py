"""The notice as .docx: one paragraph per block, each naming a style of the template."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from io import BytesIO
from pathlib import Path

import docx
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from lxml import etree

from .docx_table import table_xml
from .notice import Block, BlockKind, Notice
from .template import TemplateStyleMissing
from .text import escape_xml, xml_safe

__all__ = ["TemplateStyleMissing", "render_docx", "pdf_ready_copy"]

DEFAULT_TEMPLATE = Path(__file__).resolve().parent.parent / "docx_templates" / "notice.docx"

# The style NAME (what Word's gallery shows) of each block kind; ids are looked up in the template at render
# time, since LibreOffice and others rename custom ids on saving (NoticeTitle → Style6) but keep names.
PARAGRAPH_STYLES = {
    BlockKind.TITLE: "公文标题",
    BlockKind.HEADING: "一级标题",
    BlockKind.SUBHEADING: "二级标题",  # with text after the headline: 正文, the headline in 二级标题文字
    BlockKind.ITEM: "Normal",  # Word shows it as 正文
    BlockKind.BODY: "Normal",
    BlockKind.BLANK: "Normal",
    BlockKind.SIGNATURE: "发文机关署名",
    BlockKind.DATE: "成文日期",
    BlockKind.ADDRESSEE: "主送机关",
    BlockKind.TABLE: "表格文字",  # the cells' paragraphs; the header row's is TABLE_HEADER_STYLE
}
TABLE_HEADER_STYLE = "表格标题行"
ITEM_LEAD_STYLE = "条目标题"  # a character style: bold it in Word if the unit bolds 1. headings
LEAD_STYLES = {BlockKind.ITEM: ITEM_LEAD_STYLE, BlockKind.SUBHEADING: "二级标题文字"}  # character styles
NAME_ALIASES = {"normal": ("正文",)}  # Normal as some editors name it
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
    style = f'<w:rStyle w:val="{escape_xml(char_style, quote=True)}"/>' if char_style else ""
    pieces = BREAKS.split(text) if "\t" in text or "\n" in text else (text,)
    return f"<w:r><w:rPr>{style}{RUN_FONTS}</w:rPr>{''.join(map(piece_xml, pieces))}</w:r>"


def piece_xml(piece: str) -> str:
    """w:tab, w:br or a w:t; leading, trailing or doubled spaces need xml:space="preserve"."""
    if piece in ("\t", "\n"):
        return "<w:tab/>" if piece == "\t" else "<w:br/>"
    if not piece:
        return ""
    space = ' xml:space="preserve"' if piece != piece.strip() or "  " in piece else ""
    return f"<w:t{space}>{escape_xml(piece)}</w:t>"


def paragraph_xml(block: Block, right_chars: float | None, styles: StyleIds) -> str:
    """The block's w:p (a TABLE block's w:tbl): its style (id), a computed right indent if any, and its runs."""
    if block.kind is BlockKind.TABLE:
        rows = [tuple(clean_text(cell) for cell in row) for row in block.rows]
        return table_xml(rows, styles.paragraph[BlockKind.TABLE], styles.table_header)
    ind = ""
    if right_chars is not None:
        twips, hundredths = round(right_chars * BODY_CHAR_TWIPS), round(right_chars * 100)
        ind = f'<w:ind w:right="{twips}" w:rightChars="{hundredths}"/>'
    lead = clean_text(block.lead)
    text = clean_text(block.text)
    runs = (run_xml(lead, styles.lead.get(block.kind, "")) if lead else "") + (run_xml(text) if text else "")
    kind = BlockKind.BODY if block.kind is BlockKind.SUBHEADING and lead and text else block.kind
    style = styles.paragraph[kind]
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{ind}</w:pPr>{runs}</w:p>'


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

    render_docx() replaces the whole body, the properties and the settings each time, so one document serves
    every notice.
    """
    document = docx.Document(path)
    return document, document.element.body.find(qn("w:sectPr"))


@dataclass(frozen=True)
class StyleIds:
    """The template's style ids (escaped for an attribute) for what a document uses, found by name."""

    paragraph: dict[BlockKind, str]
    lead: dict[BlockKind, str]  # character styles of leads, as they are (run_xml escapes)
    table_header: str = ""


def style_ids(document, template: Path, kinds: set[BlockKind] | None = None) -> StyleIds:
    """The template's style ids for the block kinds a document uses (all when kinds is None); found by name.

    Raises TemplateStyleMissing naming every style the template lacks, rather than render a notice whose
    title and headings quietly come out in body text.
    """
    kinds = set(PARAGRAPH_STYLES) if kinds is None else kinds | {BlockKind.BODY}
    ids: dict[tuple[str, str], str] = {}
    for element in document.styles.element.iterchildren(qn("w:style")):
        style_id, kind = element.get(qn("w:styleId")), element.get(qn("w:type"), "paragraph")
        names = [n.get(qn("w:val"), "") for n in element.iterchildren(qn("w:name"))]
        names += [a for n in element.iterchildren(qn("w:aliases")) for a in n.get(qn("w:val"), "").split(",")]
        for name in names:
            if style_id:
                ids.setdefault((kind, _style_key(name)), style_id)

    def find(name: str, kind: str) -> str | None:
        for candidate in (name, *NAME_ALIASES.get(name.lower(), ())):
            if (found := ids.get((kind, _style_key(candidate)))) is not None:
                return found
        return None

    paragraph = {kind: find(name, "paragraph") for kind, name in PARAGRAPH_STYLES.items() if kind in kinds}
    lead = {kind: find(name, "character") for kind, name in LEAD_STYLES.items() if kind in kinds}
    header = find(TABLE_HEADER_STYLE, "paragraph") if BlockKind.TABLE in kinds else ""
    missing: list[str] = [PARAGRAPH_STYLES[k] for k, v in paragraph.items() if v is None]
    missing += [LEAD_STYLES[k] for k, v in lead.items() if v is None] + ([TABLE_HEADER_STYLE] if header is None else [])
    if missing:
        shown = "、".join(f"“{'正文（Normal）' if n == 'Normal' else n}”" for n in dict.fromkeys(missing))
        raise TemplateStyleMissing(
            f"通报模板 {template} 中缺少样式 {shown}，按它排出的通报会不合公文格式，因此未生成通报。"
            "请运行 python tools/build_docx_template.py 恢复出厂模板；或用 Word 打开该模板，"
            "按 README“修改通报样式”一节新建同名样式（名称一字不差）后保存，再重新运行"
        )
    return StyleIds(
        {k: escape_xml(v, quote=True) for k, v in paragraph.items() if v is not None},
        {k: v for k, v in lead.items() if v is not None},  # run_xml escapes it
        escape_xml(header or "", quote=True),
    )


def _style_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().casefold()


def render_docx(notice: Notice, template: Path | None = None, now: datetime | None = None) -> bytes:
    """The notice as .docx bytes, laid out by the template's styles and section.

    The properties say who wrote it (the 发文机关 of the signature) and when (now, or the given time).
    """
    template = template or DEFAULT_TEMPLATE
    document, sect_pr = _template(str(template))
    styles = style_ids(document, template, {b.kind for b in notice.blocks})
    body = document.element.body
    for child in list(body):
        body.remove(child)
    # One string parsed once: 12,000 paragraphs in a fraction of python-docx's per-run cost.
    indents = right_indents(notice)
    xml = "".join(paragraph_xml(b, indents.get(b.kind), styles) for b in notice.blocks)
    body.extend(etree.fromstring(f'<w:body xmlns:w="{W_NS}">{xml}</w:body>'))
    if sect_pr is not None:
        body.append(sect_pr)  # the section's properties must stay the body's last child
    _set_properties(document, notice, now or datetime.now(timezone.utc))
    _fix_settings(document)
    out = BytesIO()
    document.save(out)
    for child in list(body):  # the cached template keeps no notice: 100,000 paragraphs are about 50 MB
        body.remove(child)
    return out.getvalue()


def _set_properties(document, notice: Notice, when: datetime) -> None:
    """Title, author and times in docProps/core.xml: the template's are fixed for reproducible builds."""
    props = document.core_properties
    issuer = next((clean_text(b.text) for b in notice.blocks if b.kind is BlockKind.SIGNATURE), "")
    props.title = clean_text(notice.title)[:255]  # python-docx's limit
    props.author = props.last_modified_by = issuer[:255]
    when = when.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)  # core.xml holds UTC (W3CDTF …Z)
    props.created = props.modified = when
    props.revision = 1


def _fix_settings(document) -> None:
    """<w:zoom> needs w:percent (ECMA-376); python-docx's default settings lack it, Word adds it on saving."""
    for zoom in document.settings.element.iter(qn("w:zoom")):
        if zoom.get(qn("w:percent")) is None:
            zoom.set(qn("w:percent"), "100")


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
