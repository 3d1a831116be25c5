"""An OfficialDocument as .docx: the 红头, the body, attachments on pages turned sideways, the 版记 at the foot.

Sections: the body keeps the template's page; each attachment is a landscape section (page numbers run on, the
footers inherited); the 版记 sits at the foot of the last even page. Fonts and colours come from named styles
of the template (tools/build_docx_template.py); figures from GB/T 9704-2012 (shared/notes/format.md).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from rectification.core.text import escape_xml
from rectification.render.docx_table import HEADER_CHAR_TWIPS, LANDSCAPE_WIDTH_TWIPS, TEXT_WIDTH_TWIPS, table_xml
from rectification.render.docx_writer import (
    DEFAULT_TEMPLATE,
    REPAIR,
    Template,
    _style_key,
    body_xml,
    clean_text,
    load_template,
    package_docx,
    run_xml,
)
from rectification.render.notice import BlockKind
from rectification.render.official import Attachment, Formal, OfficialDocument
from rectification.render.template import TemplateStyleMissing
from rectification.render.title_break import break_title, width

# Style names (what Word's gallery shows) of the parts a notice has not.
MASTHEAD, NUMBER, COPY_MARK, SECRECY, RECORD = "发文机关标志", "发文字号", "份号", "密级和紧急程度", "版记"
ATTACHMENT_MARK, ATTACHED_HEADER, TABLE_TEXT, TITLE, BODY = "附件标识", "附表标题行", "表格文字", "公文标题", "Normal"
MASTHEAD_TOP_TWIPS = 1984  # 35 mm from the type area's top to the 发文机关标志
MASTHEAD_HALF_POINTS = 72  # the template's size (36 pt); a long name is set smaller to stay on one line
TYPE_WIDTH_POINTS = TEXT_WIDTH_TWIPS / 20
LINE_TWIPS = 579
TYPE_HEIGHT_TWIPS = 12756  # 225 mm
RECORD_ROW_TWIPS = 600  # a 版记 row: the 版记 style's exact 18 pt line, 3 pt above and below, and its rules
RECORD_SLACK_TWIPS = 1000  # room for how readers round row heights: the 版记 never runs onto a page of its own
RULE_THICK, RULE_THIN = 8, 6  # eighths of a point: 0.35 mm ≈ 1 pt, 0.25 mm ≈ 0.75 pt
SECT = re.compile(r"<w:sectPr\b.*?</w:sectPr>", re.DOTALL)
LANDSCAPE_PAGE = '<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>'


def render_official(document: OfficialDocument, template: Path | None = None, now: datetime | None = None) -> bytes:
    """The document as .docx bytes."""
    loaded = load_template(template or DEFAULT_TEMPLATE)
    notice = document.notice
    ids = _Ids(loaded, document)
    parts = [formal_head(document.formal, ids)] if document.formal else []
    parts.append(body_xml(notice, loaded.style_ids({b.kind for b in notice.blocks} | {BlockKind.BLANK})))
    tail = loaded.tail.decode()
    portrait = SECT.search(tail)
    if portrait is None:
        raise TemplateStyleMissing(f"通报模板 {loaded.path} 没有页面设置（w:sectPr）。{REPAIR}")
    page = portrait.group()
    current = page
    for number, attachment in enumerate(document.attachments, 1):
        parts.append(section_end(current))
        label = "附件" if len(document.attachments) == 1 else f"附件{number}"
        parts.append(attachment_xml(label, attachment, ids))
        current = landscape(page)
    last = current
    if document.formal is not None:  # on a page of its own, the next even one, at the foot: GB/T 9704 §7.4
        parts.append(section_end(current))
        last = record_page(page)
        parts.append(record_xml(document.formal, ids))
    new_tail = tail[: portrait.start()] + last + tail[portrait.end() :]
    return package_docx(loaded, notice, "".join(parts), now, new_tail.encode())


class _Ids:
    """The template's style ids for the parts this document has, found by name; every missing one named at once."""

    def __init__(self, loaded: Template, document: OfficialDocument) -> None:
        names = [TITLE, BODY]
        if document.formal is not None:
            names += [MASTHEAD, NUMBER, COPY_MARK, SECRECY, RECORD]
        if document.attachments:
            names += [ATTACHMENT_MARK, ATTACHED_HEADER, TABLE_TEXT]
        aliases = {BODY: ("正文",)}  # Normal as some editors name it
        found = {
            n: next(
                (i for a in (n, *aliases.get(n, ())) if (i := loaded.styles.get(("paragraph", _style_key(a))))), None
            )
            for n in names
        }
        missing = [n for n, v in found.items() if v is None]
        if missing:
            raise TemplateStyleMissing(
                f"通报模板 {loaded.path} 中缺少样式 {'、'.join(f'“{n}”' for n in missing)}。{REPAIR}"
            )
        self.ids = {n: escape_xml(v or "", quote=True) for n, v in found.items()}

    def __getitem__(self, name: str) -> str:
        return self.ids[name]


def paragraph(style: str, text: str = "", props: str = "") -> str:
    runs = run_xml(clean_text(text)) if text else ""
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{props}</w:pPr>{runs}</w:p>'


def formal_head(formal: Formal, ids: _Ids) -> str:
    """份号, 密级 and 紧急程度 (those given) top left; the red 发文机关标志 35 mm down; the 发文字号 and its red rule."""
    marks = [paragraph(ids[COPY_MARK], formal.copy_number)] if formal.copy_number else []
    marks += [paragraph(ids[SECRECY], t) for t in (formal.secrecy, formal.urgency) if t]
    before = max(0, MASTHEAD_TOP_TWIPS - LINE_TWIPS * len(marks))
    size = min(MASTHEAD_HALF_POINTS, int(2 * TYPE_WIDTH_POINTS / max(width(formal.masthead), 1)))
    run_size = f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>' if size < MASTHEAD_HALF_POINTS else ""
    masthead = escape_xml(clean_text(formal.masthead))
    head = (
        f'<w:p><w:pPr><w:pStyle w:val="{ids[MASTHEAD]}"/><w:spacing w:before="{before}"/></w:pPr>'
        f'<w:r><w:rPr><w:rFonts w:hint="eastAsia"/>{run_size}</w:rPr><w:t>{masthead}</w:t></w:r></w:p>'
    )
    return "".join(marks) + head + paragraph(ids[BODY]) + paragraph(ids[NUMBER], formal.number) + paragraph(ids[BODY])


def section_end(sect: str) -> str:
    """An empty paragraph closing a section with these properties (the next one starts a new page)."""
    return f'<w:p><w:pPr><w:spacing w:line="20" w:lineRule="exact"/>{sect}</w:pPr></w:p>'


def landscape(sect: str) -> str:
    """The template's page turned sideways: the same 156 × 225 mm type area, the binding edge at the top."""
    margins = re.search(r"<w:pgMar\b[^>]*/>", sect)
    assert margins is not None
    pg = margins.group()
    values = {k: re.search(rf'w:{k}="(\d+)"', pg) for k in ("top", "bottom", "left", "right")}
    top, bottom, left, right = (int(v.group(1)) if v else 0 for v in values.values())
    turned = re.sub(r'w:top="\d+"', f'w:top="{left}"', pg)
    turned = re.sub(r'w:bottom="\d+"', f'w:bottom="{right}"', turned)
    turned = re.sub(r'w:left="\d+"', f'w:left="{top}"', turned)
    turned = re.sub(r'w:right="\d+"', f'w:right="{bottom}"', turned)
    sect = re.sub(r"<w:pgSz\b[^>]*/>", LANDSCAPE_PAGE, sect).replace(pg, turned)
    return re.sub(r"<w:docGrid\b[^>]*/>", '<w:docGrid w:type="lines" w:linePitch="312"/>', sect)


def record_page(sect: str) -> str:
    """The 版记's own section: it starts on the next even page, its text at the page's foot, no page number shown."""
    sect = sect.replace("<w:pgSz", '<w:type w:val="evenPage"/><w:pgSz', 1)
    return sect.replace("<w:docGrid", "<w:titlePg/><w:docGrid", 1)


def attachment_xml(label: str, attachment: Attachment, ids: _Ids) -> str:
    """附件 flush left in 黑体, the title centred (a blank line between), then the table across the page."""
    rows = [tuple(clean_text(c) for c in row) for row in attachment.rows]
    table = table_xml(
        rows,
        ids[TABLE_TEXT],
        ids[ATTACHED_HEADER],
        LANDSCAPE_WIDTH_TWIPS,
        attachment.groups,
        attachment.merged,
        header_char=HEADER_CHAR_TWIPS,
    )
    title = break_title(clean_text(attachment.title), per_line=LANDSCAPE_WIDTH_TWIPS / 440)
    return (
        paragraph(ids[ATTACHMENT_MARK], label)
        + paragraph(ids[BODY])
        + paragraph(ids[TITLE], title)
        + paragraph(ids[BODY])
        + table
        + paragraph(
            ids[BODY],
            props='<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>',
        )
    )


def record_xml(formal: Formal, ids: _Ids) -> str:
    """The 版记: a table at the foot of the type area, its rules the type area's width (thick, thin, thick)."""
    style = ids[RECORD]
    thick = f'w:val="single" w:sz="{RULE_THICK}" w:space="0" w:color="000000"'
    thin = f'w:val="single" w:sz="{RULE_THIN}" w:space="0" w:color="000000"'
    none = 'w:val="nil"'
    borders = (
        f"<w:tblBorders><w:top {thick}/><w:left {none}/><w:bottom {thick}/><w:right {none}/>"
        f"<w:insideH {thin}/><w:insideV {none}/></w:tblBorders>"
    )
    half = TEXT_WIDTH_TWIPS - round((width(formal.printed_on) + 5) * 280)  # the date's cell fits the date

    def cell(text: str, cell_width: int, props: str) -> str:
        grid = '<w:gridSpan w:val="2"/>' if cell_width == TEXT_WIDTH_TWIPS else ""
        return (
            f'<w:tc><w:tcPr><w:tcW w:w="{cell_width}" w:type="dxa"/>{grid}</w:tcPr>'
            f"{paragraph(style, text, props)}</w:tc>"
        )

    sides = '<w:ind w:left="280" w:leftChars="100" w:right="280" w:rightChars="100"/>'
    rows = []
    if formal.copied_to:
        rows.append(f"<w:tr>{cell('抄送：' + formal.copied_to, TEXT_WIDTH_TWIPS, sides)}</w:tr>")
    printed = cell(formal.printed_by, half, '<w:ind w:left="280" w:leftChars="100"/>')
    printed += cell(
        formal.printed_on, TEXT_WIDTH_TWIPS - half, '<w:ind w:right="280" w:rightChars="100"/><w:jc w:val="right"/>'
    )
    rows.append(f"<w:tr>{printed}</w:tr>")
    # The page holds the 版记 alone: a blank line as tall as the rest of the type area puts its last rule on the
    # type area's bottom edge, in Word and LibreOffice alike (LibreOffice ignores a section's bottom alignment).
    drop = TYPE_HEIGHT_TWIPS - RECORD_ROW_TWIPS * len(rows) - RECORD_SLACK_TWIPS
    # Off the document grid, both: LibreOffice would stretch each to a whole grid line and push the 版记 a page on.
    spacer = paragraph(
        ids[BODY],
        props=f'<w:snapToGrid w:val="0"/><w:spacing w:before="{drop}" w:after="0" w:line="20" w:lineRule="exact"/>',
    )
    return spacer + (
        f'<w:tbl><w:tblPr><w:tblW w:w="{TEXT_WIDTH_TWIPS}" w:type="dxa"/>{borders}'
        '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/>'
        f'</w:tblCellMar></w:tblPr><w:tblGrid><w:gridCol w:w="{half}"/><w:gridCol w:w="{TEXT_WIDTH_TWIPS - half}"/>'
        f"</w:tblGrid>{''.join(rows)}</w:tbl>"
        + paragraph(
            ids[BODY],
            props='<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>',
        )
    )
