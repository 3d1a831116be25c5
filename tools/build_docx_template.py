"""Write docx_templates/notice.docx: the notice's page, named styles and page numbers (GB/T 9704-2012)."""

from __future__ import annotations

import argparse
import math
from datetime import datetime
from io import BytesIO
from pathlib import Path

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docx_templates" / "notice.docx"

PAGE = {"w": 11906, "h": 16838}
MARGINS = {"top": 2098, "bottom": 1984, "left": 1587, "right": 1474}
LINE_PITCH = 579  # 28.95 pt: 22 lines fill the 225 mm type area
CHARS_PER_LINE = 28
BODY_HALF_POINTS = 32  # 3号 = 16 pt
PAGE_NUMBER_HALF_POINTS = 28  # 4号 = 14 pt
FIXED_TIME = datetime(2025, 1, 1)
# Word anchors the footer at its bottom (pgMar/@w:footer), LibreOffice at the type area's bottom edge: this
# space above the page-number line puts its dash ~7 mm down in LibreOffice, and in Word the footer stays inside
# the 35 mm margin (1447 + 240 + 280 = 1967 < 1984 twips), so it never pushes the body's 22nd line off the page.
PAGE_NUMBER_SPACE_BEFORE = 240

# Font families; the unit's PCs may lack the _GB2312 faces, hence the altName fallbacks below.
FANGSONG, KAITI, HEITI, SONG, XIAOBIAOSONG = "仿宋_GB2312", "楷体_GB2312", "黑体", "宋体", "方正小标宋简体"
LATIN = "Times New Roman"
ALT_NAMES = {FANGSONG: "仿宋", KAITI: "楷体", XIAOBIAOSONG: SONG}

W_URI = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def char_space() -> int:
    """The docGrid charSpace (4096ths of a point) that squeezes 28 chars of 16 pt into the type width."""
    width_pt = (PAGE["w"] - MARGINS["left"] - MARGINS["right"]) / 20
    pitch_delta = width_pt / CHARS_PER_LINE - BODY_HALF_POINTS / 2
    return math.floor(pitch_delta * 4096)  # round down, or the 28th char would not fit


def footer_distance() -> int:
    """Page bottom to the page-number line's bottom, so the dash sits 7 mm below the type area."""
    mm = 1440 / 25.4
    half_line = PAGE_NUMBER_HALF_POINTS * 10 // 2  # the dash is mid-line on an exact 14 pt line
    return round(MARGINS["bottom"] - 7 * mm - half_line)


def fonts(east_asia: str, latin: str = LATIN) -> str:
    """rFonts naming every slot: python-docx's font.name would set the Latin ones only."""
    return f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east_asia}" w:cs="{latin}"/>'


def size(half_points: int) -> str:
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


NOT_BOLD = '<w:b w:val="0"/><w:bCs w:val="0"/>'
NO_INDENT = '<w:ind w:firstLineChars="0" w:firstLine="0"/>'
ON_GRID = f'<w:spacing w:before="0" w:after="0" w:line="{LINE_PITCH}" w:lineRule="exact"/>'


def style(kind: str, style_id: str, name: str, ppr: str = "", rpr: str = "") -> str:
    """One w:style element; Chinese names are what users see in Word's style gallery."""
    based = "" if style_id == "Normal" else '<w:basedOn w:val="Normal"/>'
    if kind == "character":
        based = '<w:basedOn w:val="DefaultParagraphFont"/>'
    nxt = '<w:next w:val="Normal"/>' if kind == "paragraph" else ""
    body = f"<w:pPr>{ppr}</w:pPr>" if ppr else ""
    body += f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    flag = ' w:default="1"' if style_id == "Normal" else ' w:customStyle="1"'
    return (
        f'<w:style {nsdecls("w")} w:type="{kind}"{flag}'
        f' w:styleId="{style_id}"><w:name w:val="{name}"/>{based}{nxt}<w:qFormat/>{body}</w:style>'
    )


def notice_styles() -> list[str]:
    """The styles the writer uses, plus 二级/三级标题 for hand editing."""
    # No automatic space between digits and CJK: the writer's indents assume a digit is half a character.
    tight = '<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>'
    right = tight + NO_INDENT + '<w:jc w:val="right"/>'
    heading = '<w:keepNext/><w:outlineLvl w:val="{}"/>'
    return [
        style(
            "paragraph",
            "Normal",
            "Normal",  # Word shows it as 正文; renaming it would break Word's built-in default style
            '<w:widowControl w:val="0"/><w:snapToGrid/>'
            + ON_GRID
            + '<w:ind w:firstLineChars="200" w:firstLine="640"/><w:jc w:val="both"/>',
            fonts(FANGSONG)
            + '<w:kern w:val="0"/>'
            + size(BODY_HALF_POINTS)
            + '<w:lang w:val="en-US" w:eastAsia="zh-CN"/>',
        ),
        style(
            "paragraph",
            "NoticeTitle",
            "公文标题",
            # On the body's 28.95 pt pitch, unsnapped: each title line takes one grid line in Word
            # and LibreOffice alike, so page 1 keeps the 22-line grid below the title.
            '<w:keepNext/><w:snapToGrid w:val="0"/>' + ON_GRID + NO_INDENT + '<w:jc w:val="center"/>',
            fonts(XIAOBIAOSONG) + NOT_BOLD + size(44),
        ),
        style("paragraph", "Heading1CN", "一级标题", heading.format(0), fonts(HEITI) + NOT_BOLD),
        style("paragraph", "Heading2CN", "二级标题", heading.format(1), fonts(KAITI) + NOT_BOLD),
        style("paragraph", "Heading3CN", "三级标题", '<w:outlineLvl w:val="2"/>', fonts(FANGSONG) + NOT_BOLD),
        style("character", "ItemLead", "条目标题", "", fonts(FANGSONG) + NOT_BOLD),
        # A （一） headline followed by text in the same paragraph: the headline in 楷体, the text in body style.
        style("character", "Heading2Char", "二级标题文字", "", fonts(KAITI) + NOT_BOLD),
        style("paragraph", "Addressee", "主送机关", NO_INDENT),
        # Tables (督办提醒函): 五号 on single lines, off the body's grid so rows stay compact.
        style(
            "paragraph",
            "TableText",
            "表格文字",
            # No space between CJK and digits (autoSpace): a date measured to fit its column stays on one line.
            '<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/><w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
            + NO_INDENT
            + '<w:jc w:val="left"/>',
            fonts(FANGSONG) + size(21),
        ),
        style(
            "paragraph",
            "TableHeader",
            "表格标题行",
            '<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/><w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
            + NO_INDENT
            + '<w:jc w:val="center"/>',
            fonts(HEITI) + NOT_BOLD + size(21),
        ),
        *official_styles(tight),
        style("paragraph", "IssuerSignature", "发文机关署名", right),
        style("paragraph", "IssueDate", "成文日期", right),
        style(
            "paragraph",
            "PageNo",
            "页码",
            '<w:snapToGrid w:val="0"/>'
            + f'<w:spacing w:before="{PAGE_NUMBER_SPACE_BEFORE}" w:after="0" w:line="280" w:lineRule="exact"/>'
            + NO_INDENT,
            fonts(SONG, SONG) + size(PAGE_NUMBER_HALF_POINTS),
        ),
    ]


def official_styles(tight: str) -> list[str]:
    """The formal version's and the attachments' parts (GB/T 9704-2012 §7.2, §8, §7.4)."""
    off_grid = '<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
    left = tight + NO_INDENT + '<w:jc w:val="left"/>'
    red_rule = '<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="11" w:color="FF0000"/></w:pBdr>'
    return [
        # 发文机关标志: red, centred, 小标宋; the writer sets a long name smaller so it stays on one line.
        style(
            "paragraph",
            "Masthead",
            "发文机关标志",
            '<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
            + NO_INDENT
            + '<w:jc w:val="center"/>',
            fonts(XIAOBIAOSONG) + NOT_BOLD + '<w:color w:val="FF0000"/>' + size(72),
        ),
        # 发文字号 centred, with the red rule the type area's width 4 mm below it.
        style("paragraph", "DocNumber", "发文字号", red_rule + tight + NO_INDENT + '<w:jc w:val="center"/>'),
        style("paragraph", "CopyNumber", "份号", left),
        style("paragraph", "Secrecy", "密级和紧急程度", left, fonts(HEITI) + NOT_BOLD),
        style(
            "paragraph",
            "Record",
            "版记",
            tight
            + '<w:snapToGrid w:val="0"/><w:spacing w:before="60" w:after="60" w:line="360" w:lineRule="exact"/>'
            + NO_INDENT
            + '<w:jc w:val="left"/>',
            fonts(FANGSONG) + size(PAGE_NUMBER_HALF_POINTS),
        ),
        style("paragraph", "AttachmentMark", "附件标识", left, fonts(HEITI) + NOT_BOLD),
        # An attached table's header row: 仿宋 小四 bold (its cells: 表格文字, 仿宋 五号).
        style(
            "paragraph",
            "AttachedHeader",
            "附表标题行",
            tight + off_grid + NO_INDENT + '<w:jc w:val="center"/>',
            fonts(FANGSONG) + "<w:b/><w:bCs/>" + size(24),
        ),
    ]


def set_doc_defaults(doc: Document) -> None:
    """docDefaults without theme fonts (they would override the names) and with Chinese as the language."""
    styles = doc.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr):
        rpr.remove(child)
    rpr.extend(
        parse_xml(
            f"<w:rPr {nsdecls('w')}>{fonts(FANGSONG)}{size(BODY_HALF_POINTS)}"
            '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr>'
        )
    )
    ppr = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for child in list(ppr):
        ppr.remove(child)


def set_styles(doc: Document) -> None:
    """Replace Normal and add the notice's named styles (ASCII IDs, Chinese names)."""
    styles = doc.styles.element
    for xml in notice_styles():
        new = parse_xml(xml)
        old = styles.find(f"{{{W_URI}}}style[@{{{W_URI}}}styleId='{new.get(qn('w:styleId'))}']")
        if old is not None:
            old.addprevious(new)
            styles.remove(old)
        else:
            styles.append(new)


def set_section(doc: Document) -> None:
    """A4, the GB/T margins, the 22 × 28 grid and the page-number footers."""
    sect_pr = doc.sections[0]._sectPr
    for tag in ("w:pgSz", "w:pgMar", "w:cols", "w:docGrid"):
        for el in sect_pr.findall(qn(tag)):
            sect_pr.remove(el)
    margins = " ".join(f'w:{k}="{v}"' for k, v in MARGINS.items())
    sect_pr.extend(
        parse_xml(f"<w:x {nsdecls('w')}>{xml}</w:x>")[0]
        for xml in (
            f'<w:pgSz w:w="{PAGE["w"]}" w:h="{PAGE["h"]}"/>',
            f'<w:pgMar {margins} w:header="851" w:footer="{footer_distance()}" w:gutter="0"/>',
            '<w:cols w:space="425"/>',
            f'<w:docGrid w:type="linesAndChars" w:linePitch="{LINE_PITCH}" w:charSpace="{char_space()}"/>',
        )
    )
    section = doc.sections[0]
    doc.settings.odd_and_even_pages_header_footer = True
    fill_footer(section.footer._element, "right")  # odd pages: right, one character in
    fill_footer(section.even_page_footer._element, "left")  # even pages: left, one character in


def fill_footer(ftr, side: str) -> None:
    """A footer holding '— PAGE —' in the 页码 style, indented one character on the outer side."""
    for child in list(ftr):
        ftr.remove(child)
    field = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    ftr.append(
        parse_xml(
            f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="PageNo"/>'
            f'<w:ind w:{side}Chars="100" w:{side}="280"/><w:jc w:val="{side}"/></w:pPr>'
            f'<w:r><w:t xml:space="preserve">— </w:t></w:r>{field}'
            '<w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p>'
        )
    )


def set_settings(doc: Document) -> None:
    """Chinese theme-font language; no preview picture of python-docx's sample page; a valid zoom."""
    settings = doc.settings.element
    for el in settings.findall(qn("w:savePreviewPicture")):
        settings.remove(el)
    for zoom in settings.findall(qn("w:zoom")):
        zoom.set(qn("w:percent"), "100")  # ECMA-376 requires it; python-docx's default has bestFit alone
    settings.find(qn("w:themeFontLang")).set(qn("w:eastAsia"), "zh-CN")


def set_font_table(doc: Document) -> None:
    """Declare the Chinese faces with altName fallbacks Word uses when a face is missing."""
    part = doc.part.part_related_by(RT.FONT_TABLE)
    table = parse_xml(part.blob)
    for name in (FANGSONG, KAITI, HEITI, SONG, XIAOBIAOSONG):
        alt = f'<w:altName w:val="{ALT_NAMES[name]}"/>' if name in ALT_NAMES else ""
        table.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}">{alt}<w:charset w:val="86"/>'
                '<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
            )
        )
    part._blob = etree.tostring(table, encoding="UTF-8", standalone=True)


def drop_extras(doc: Document) -> None:
    """Drop parts that would contradict the template: Word 2010's stylesWithEffects and the thumbnail."""
    part = doc.part
    for rid, rel in list(part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            part.drop_rel(rid)
    package = part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rid]


def set_core_properties(doc: Document) -> None:
    """Fixed metadata so the template's content is the same on every build."""
    props = doc.core_properties
    props.author = props.last_modified_by = props.comments = props.title = ""
    props.created = props.modified = FIXED_TIME
    props.revision = 1


def build() -> bytes:
    """The template as .docx bytes."""
    doc = docx.Document()
    set_doc_defaults(doc)
    set_styles(doc)
    set_section(doc)
    set_settings(doc)
    set_font_table(doc)
    drop_extras(doc)
    set_core_properties(doc)
    body = doc.element.body
    for child in list(body)[:-1]:
        body.remove(child)
    body.insert(0, parse_xml(f"<w:p {nsdecls('w')}/>"))
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(build())


if __name__ == "__main__":
    main()
