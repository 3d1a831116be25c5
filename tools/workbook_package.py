"""The template's .xlsx bytes as Excel saves them: one shared-string table, fonts in schema order, fixed times."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

BUILD_TIME = datetime(2025, 12, 11, 9, 0, 0)  # fixed, so rebuilding gives the same file


def workbook_bytes(wb: Workbook) -> bytes:
    """The .xlsx as bytes, its text as Excel saves it, with fixed document and zip timestamps (openpyxl's
    save() stamps the time)."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    with zipfile.ZipFile(raw) as source:
        parts = as_excel_writes({item.filename: source.read(item.filename) for item in source.infolist()})
    fixed = io.BytesIO()
    with zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=BUILD_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, data)
    return fixed.getvalue()


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# A font's properties in the order Excel writes them (and the Open XML SDK's validator expects).
FONT_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz", "color")
FONT_ORDER += ("name", "family", "charset", "scheme")


def as_excel_writes(parts: dict[str, bytes]) -> dict[str, bytes]:
    """The package as Excel and WPS save it: its text in one shared-string table, UTF-8; fonts in schema order.

    openpyxl writes every text as an inline string with each Chinese character as a &#NNNNN; reference, which
    makes the sheets three times the size a clerk's own saved ledger has (and slower to read for every tool),
    and Excel rewrites them into a shared-string table on its first save.
    """
    from lxml import etree

    styles = etree.fromstring(parts["xl/styles.xml"])
    for font in styles.iter(f"{{{MAIN}}}font"):
        font[:] = sorted(font, key=lambda child: FONT_ORDER.index(etree.QName(child).localname))
    parts["xl/styles.xml"] = etree.tostring(styles, xml_declaration=True, encoding="UTF-8", standalone=True)
    return with_shared_strings(parts)


def with_shared_strings(parts: dict[str, bytes]) -> dict[str, bytes]:
    """Every inline string of the sheets moved to xl/sharedStrings.xml, as Excel stores text."""
    from lxml import etree

    strings: dict[bytes, int] = {}  # each distinct <is> content, serialised, -> its index
    table = etree.Element(f"{{{MAIN}}}sst", nsmap={None: MAIN})
    uses = 0
    for name in [n for n in parts if n.startswith("xl/worksheets/") and n.endswith(".xml")]:
        root = etree.fromstring(parts[name])
        for cell in root.iter(f"{{{MAIN}}}c"):
            inline = cell.find(f"{{{MAIN}}}is")
            if cell.get("t") != "inlineStr" or inline is None:
                continue
            content = b"".join(etree.tostring(child) for child in inline)
            if content not in strings:
                strings[content] = len(strings)
                item = etree.SubElement(table, f"{{{MAIN}}}si")
                item.extend(list(inline))  # <t> or rich-text runs, as written
            cell.remove(inline)
            cell.set("t", "s")
            etree.SubElement(cell, f"{{{MAIN}}}v").text = str(strings[content])
            uses += 1
        parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if not strings:
        return parts
    table.set("count", str(uses))
    table.set("uniqueCount", str(len(strings)))
    parts["xl/sharedStrings.xml"] = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/></Types>'.encode()
    )
    relation = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rIdSharedStrings" Type="{relation}" Target="sharedStrings.xml"/></Relationships>'.encode(),
    )
    return parts
