"""The notice as .docx: one paragraph per block, each naming a style of the template."""

from __future__ import annotations

import posixpath
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree

from rectification.core.names import os_error_text
from rectification.core.text import escape_xml, plain, xml_safe
from rectification.render.docx_table import table_xml
from rectification.render.keeping import kept_with_next
from rectification.render.notice import Block, BlockKind, Notice
from rectification.render.template import TemplateStyleMissing, TemplateUnusable
from rectification.render.title_break import break_title
from rectification.render.zip_writer import Packed, ZipWriter, pack

__all__ = ["TemplateStyleMissing", "TemplateUnusable", "render_docx", "pdf_ready_copy"]

DEFAULT_TEMPLATE = Path(__file__).resolve().parents[2] / "docx_templates" / "notice.docx"

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
W = f"{{{W_NS}}}"  # ElementTree's spelling of the w: prefix
BODY_START = re.compile(rb"<w:body(?:\s[^>]*)?/?>")
SELF_CLOSING_SECT = re.compile(rb"<w:sectPr\b[^>]*/>")
ZOOM_WITHOUT_PERCENT = re.compile(rb"(<w:zoom\b(?![^>]*\bw:percent=)[^>]*?)(?=\s*/?>)")
CORE_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"
CORE_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
CORE_NAMESPACES = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
for _prefix, _uri in CORE_NAMESPACES.items():
    ElementTree.register_namespace(_prefix, _uri)  # core.xml written back with the prefixes Word uses
BLANK_CORE = f'<cp:coreProperties xmlns:cp="{CORE_NAMESPACES["cp"]}"/>'.encode()
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
ONCE_LEVEL = zlib.Z_DEFAULT_COMPRESSION  # the template's own parts, deflated once a process: smaller files
REPAIR = "请运行 python tools/build_docx_template.py 恢复出厂模板"
# Word's own hint for Chinese runs: “” and — then take the eastAsia font, not Times New Roman.
RUN_FONTS = '<w:rFonts w:hint="eastAsia"/>'


def clean_text(text: str) -> str:
    """Text fit for a w:t: no control characters (raw or as _x000B_), CR LF and CR as LF."""
    if plain(text, lines=True):  # no CR, no surrogate either: nothing to do
        return text
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


def paragraph_xml(block: Block, right_chars: float | None, styles: StyleIds, keep: bool = False) -> str:
    """The block's w:p (a TABLE block's w:tbl): its style (id), a computed right indent if any, and its runs.

    keep: the paragraph stays on the page of the next one (w:keepNext): the closing text, signature and date.
    """
    if block.kind is BlockKind.TABLE:
        rows = [tuple(clean_text(cell) for cell in row) for row in block.rows]
        cell_style = styles.paragraph[BlockKind.TABLE]
        return table_xml(rows, cell_style, styles.table_header, groups=block.groups, merged=block.merged)
    ind = ""
    if right_chars is not None:
        twips, hundredths = round(right_chars * BODY_CHAR_TWIPS), round(right_chars * 100)
        ind = f'<w:ind w:right="{twips}" w:rightChars="{hundredths}"/>'
    lead = clean_text(block.lead)
    text = clean_text(block.text)
    if block.kind is BlockKind.TITLE:
        text = break_title(text)
    runs = (run_xml(lead, styles.lead.get(block.kind, "")) if lead else "") + (run_xml(text) if text else "")
    kind = BlockKind.BODY if block.kind is BlockKind.SUBHEADING and lead and text else block.kind
    style = styles.paragraph[kind]
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{"<w:keepNext/>" if keep else ""}{ind}</w:pPr>{runs}</w:p>'


def body_xml(notice: Notice, styles: StyleIds) -> str:
    """Every block's XML in order, the closing kept together."""
    indents = right_indents(notice)
    kept = kept_with_next(notice.blocks)
    return "".join(paragraph_xml(b, indents.get(b.kind), styles, n in kept) for n, b in enumerate(notice.blocks))


def right_indents(notice: Notice) -> dict[BlockKind, float]:
    """The signature's and date's right indents, from the first of each in the notice."""
    closing = (BlockKind.SIGNATURE, BlockKind.DATE)
    texts = {b.kind: clean_text(b.text) for b in reversed(notice.blocks) if b.kind in closing}
    signature, date = texts.get(BlockKind.SIGNATURE), texts.get(BlockKind.DATE)
    if signature is None or date is None:
        return {BlockKind.SIGNATURE: SIGNATURE_RIGHT_CHARS, BlockKind.DATE: SIGNATURE_RIGHT_CHARS}
    sig_right, date_right = closing_indents(signature, date)
    return {BlockKind.SIGNATURE: sig_right, BlockKind.DATE: date_right}


@dataclass(frozen=True)
class StyleIds:
    """The template's style ids (escaped for an attribute) for what a document uses, found by name."""

    paragraph: dict[BlockKind, str]
    lead: dict[BlockKind, str]  # character styles of leads, as they are (run_xml escapes)
    table_header: str = ""


@dataclass(frozen=True)
class Template:
    """A notice template read once a process: every part but the body and the properties, ready to copy.

    parts are the package's parts but document.xml and core.xml, its settings mended, each deflated once: a
    notice is these with the two parts added (styles.xml alone is 350 KB).
    """

    path: Path
    parts: tuple[Packed, ...]
    document_part: str
    head: bytes  # document.xml up to and including <w:body>
    tail: bytes  # the body's own w:sectPr (the page setup), </w:body> and the rest
    core_part: str
    core: bytes  # the template's core.xml, or a blank one
    styles: dict[tuple[str, str], str]  # (type, name as _style_key() has it) -> style id

    def style_ids(self, kinds: set[BlockKind] | None = None) -> StyleIds:
        """The style ids for the block kinds a document uses (all when kinds is None); found by name.

        Raises TemplateStyleMissing naming every style the template lacks, rather than render a notice whose
        title and headings quietly come out in body text.
        """
        kinds = set(PARAGRAPH_STYLES) if kinds is None else kinds | {BlockKind.BODY}

        def find(name: str, kind: str) -> str | None:
            for candidate in (name, *NAME_ALIASES.get(name.lower(), ())):
                if (found := self.styles.get((kind, _style_key(candidate)))) is not None:
                    return found
            return None

        paragraph = {kind: find(name, "paragraph") for kind, name in PARAGRAPH_STYLES.items() if kind in kinds}
        lead = {kind: find(name, "character") for kind, name in LEAD_STYLES.items() if kind in kinds}
        header = find(TABLE_HEADER_STYLE, "paragraph") if BlockKind.TABLE in kinds else ""
        missing: list[str] = [PARAGRAPH_STYLES[k] for k, v in paragraph.items() if v is None]
        missing += [LEAD_STYLES[k] for k, v in lead.items() if v is None]
        missing += [TABLE_HEADER_STYLE] if header is None else []
        if missing:
            shown = "、".join(f"“{'正文（Normal）' if n == 'Normal' else n}”" for n in dict.fromkeys(missing))
            raise TemplateStyleMissing(
                f"通报模板 {self.path} 中缺少样式 {shown}，按它排出的通报会不合公文格式，因此未生成通报。"
                f"{REPAIR}；或用 Word 打开该模板，按 README“修改通报样式”一节新建同名样式（名称一字不差）后保存，再重新运行"
            )
        return StyleIds(
            {k: escape_xml(v, quote=True) for k, v in paragraph.items() if v is not None},
            {k: v for k, v in lead.items() if v is not None},  # run_xml escapes it
            escape_xml(header or "", quote=True),
        )


def _style_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().casefold()


def load_template(path: Path) -> Template:
    """The template at path, read once a process (again if the file changes); raises TemplateUnusable."""
    try:
        info = path.stat()
    except OSError as error:
        raise TemplateUnusable(f"无法读取通报模板 {path}（{os_error_text(error)}）。{REPAIR}") from None
    return _read_template(str(path), info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=4)
def _read_template(path: str, mtime_ns: int, size: int) -> Template:
    try:
        with zipfile.ZipFile(path) as source:
            return _template_of(Path(path), source)
    except OSError as error:
        raise TemplateUnusable(f"无法读取通报模板 {path}（{os_error_text(error)}）。{REPAIR}") from None
    except (zipfile.BadZipFile, KeyError, ValueError, ElementTree.ParseError):  # their texts are English
        raise TemplateUnusable(f"通报模板 {path} 已损坏或不是 Word 文档（.docx）。{REPAIR}") from None


def _template_of(path: Path, source: zipfile.ZipFile) -> Template:
    package_rels = _relationships(source, "_rels/.rels", "")
    document_part = package_rels.get("officeDocument", "word/document.xml")
    core_part = package_rels.get("core-properties", "")
    document = source.read(document_part)
    head, tail = _split_body(document)
    folder = document_part.rpartition("/")[0]
    rels_part = f"{folder}/_rels/{document_part.rpartition('/')[2]}.rels"
    document_rels = _relationships(source, rels_part, folder) if rels_part in source.NameToInfo else {}
    styles_part = document_rels.get("styles", f"{folder}/styles.xml")
    settings_part = document_rels.get("settings", "")
    replaced: dict[str, bytes] = {}
    if settings_part in source.NameToInfo:
        replaced[settings_part] = ZOOM_WITHOUT_PERCENT.sub(rb'\1 w:percent="100"', source.read(settings_part))
    if not core_part:  # a template without properties: add the part as python-docx would
        core_part = "docProps/core.xml"
        replaced["[Content_Types].xml"] = source.read("[Content_Types].xml").replace(
            b"</Types>", f'<Override PartName="/{core_part}" ContentType="{CORE_TYPE}"/></Types>'.encode()
        )
        replaced["_rels/.rels"] = source.read("_rels/.rels").replace(
            b"</Relationships>",
            f'<Relationship Id="rIdCoreProperties" Type="{CORE_REL}" Target="{core_part}"/></Relationships>'.encode(),
        )
    core = source.read(core_part) if core_part in source.NameToInfo else BLANK_CORE
    ElementTree.fromstring(core)  # each notice rewrites it: a damaged one is the template's fault, said now
    parts = tuple(
        pack(item.filename, replaced.get(item.filename) or source.read(item), item.date_time, ONCE_LEVEL)
        for item in source.infolist()
        if item.filename not in (document_part, core_part) and not item.is_dir()
    )
    styles = _styles(source.read(styles_part)) if styles_part in source.NameToInfo else {}
    return Template(path, parts, document_part, head, tail, core_part, core, styles)


def _relationships(source: zipfile.ZipFile, part: str, folder: str) -> dict[str, str]:
    """The part's relationships by the last word of their type (styles, officeDocument…): target part names."""
    found: dict[str, str] = {}
    for element in ElementTree.fromstring(source.read(part)):
        kind, target = element.get("Type", "").rpartition("/")[2], element.get("Target", "")
        if kind and target and element.get("TargetMode") != "External":
            name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            found.setdefault(kind, name)
    return found


def _split_body(document: bytes) -> tuple[bytes, bytes]:
    """document.xml around its body's content: (up to <w:body>, from the body's last w:sectPr on)."""
    if f'xmlns:w="{W_NS}"'.encode() not in document[: document.find(b">", document.find(b"<w:document"))]:
        raise ValueError("document.xml 的根元素未按常规声明 w 前缀")
    body = BODY_START.search(document)
    if body is None:
        raise ValueError("document.xml 中没有正文（w:body）")
    if body[0].endswith(b"/>"):  # an empty body written <w:body/>
        return document[: body.start()] + b"<w:body>", b"</w:body>" + document[body.end() :]
    end = document.rfind(b"</w:body>")
    last = document.rfind(b"<w:sectPr", body.end(), end)
    content = document[last:end].rstrip() if last >= 0 else b""
    # The body's own section properties are its last child; a w:sectPr inside a paragraph's w:pPr is not it.
    own = content.endswith(b"</w:sectPr>") and b"</w:p>" not in content or SELF_CLOSING_SECT.fullmatch(content)
    return document[: body.end()], document[last if own else end :]


def _styles(styles_xml: bytes) -> dict[tuple[str, str], str]:
    """(type, name or alias) -> style id, for every style in styles.xml; the first of a name wins."""
    ids: dict[tuple[str, str], str] = {}
    for element in ElementTree.fromstring(styles_xml).iter(W + "style"):
        style_id, kind = element.get(W + "styleId"), element.get(W + "type", "paragraph")
        names = [n.get(W + "val", "") for n in element.iter(W + "name")]
        names += [a for n in element.iter(W + "aliases") for a in n.get(W + "val", "").split(",")]
        for name in names:
            if style_id:
                ids.setdefault((kind, _style_key(name)), style_id)
    return ids


def render_docx(notice: Notice, template: Path | None = None, now: datetime | None = None) -> bytes:
    """The notice as .docx bytes, laid out by the template's styles and section.

    The properties say who wrote it (the 发文机关 of the signature) and when (now, or the given time).
    """
    loaded = load_template(template or DEFAULT_TEMPLATE)
    styles = loaded.style_ids({b.kind for b in notice.blocks})
    return package_docx(loaded, notice, body_xml(notice, styles), now)


def package_docx(loaded: Template, notice: Notice, body: str, now: datetime | None, tail: bytes | None = None) -> bytes:
    """The template's parts with this body (and, if given, a body tail of its own: the last section) and properties."""
    when = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)
    stamp = when.timetuple()[:6]
    package = ZipWriter(loaded.parts)
    package.add(
        pack(loaded.document_part, loaded.head + body.encode() + (loaded.tail if tail is None else tail), stamp)
    )
    package.add(pack(loaded.core_part, core_properties(loaded.core, notice, when), stamp))
    return package.getvalue()


def core_properties(core: bytes, notice: Notice, when: datetime) -> bytes:
    """core.xml saying who wrote the notice and when: title, author and times; the template's other fields kept."""
    issuer = next((clean_text(b.text) for b in notice.blocks if b.kind is BlockKind.SIGNATURE), "")
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")  # W3CDTF, UTC
    root = ElementTree.fromstring(core)
    values = {
        "dc:title": clean_text(notice.title).replace("\n", "")[:255],  # python-docx's limit, kept
        "dc:creator": issuer[:255],
        "cp:lastModifiedBy": issuer[:255],
        "cp:revision": "1",
        "dcterms:created": stamp,
        "dcterms:modified": stamp,
    }
    for name, value in values.items():
        prefix, local = name.split(":")
        tag = f"{{{CORE_NAMESPACES[prefix]}}}{local}"
        element = root.find(tag)
        if element is None:
            element = ElementTree.SubElement(root, tag)
        element.text = value
        if prefix == "dcterms":
            element.set(f"{{{CORE_NAMESPACES['xsi']}}}type", "dcterms:W3CDTF")
    return XML_DECLARATION + ElementTree.tostring(root, encoding="unicode").encode()


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
    from lxml import etree  # for the PDF copy only: it keeps every namespace prefix as written

    root = etree.fromstring(document_xml)
    for grid in root.iter(W + "docGrid"):
        grid.set(W + "type", "lines")
        grid.attrib.pop(W + "charSpace", None)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
