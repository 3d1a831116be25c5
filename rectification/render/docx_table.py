"""A table as WordprocessingML: borders, a repeated header row, explicit grid columns (WPS reads w:gridCol only)."""

from __future__ import annotations

from collections.abc import Sequence

from rectification.core.text import escape_xml

TEXT_WIDTH_TWIPS = 8844  # GB/T 9704's 156 mm type area
BORDER = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
BORDERS = "".join(BORDER.format(side=s) for s in ("top", "left", "bottom", "right", "insideH", "insideV"))


def column_widths(rows: Sequence[Sequence[str]], total: int = TEXT_WIDTH_TWIPS) -> list[int]:
    """Widths in twips, shared out by each column's longest text (square roots, so long columns do not starve short ones)."""
    columns = len(rows[0])
    weights = [max(max((len(r[c]) for r in rows if c < len(r)), default=1), 2) ** 0.5 for c in range(columns)]
    widths = [int(total * w / sum(weights)) for w in weights]
    widths[-1] += total - sum(widths)
    return widths


def table_xml(rows: Sequence[Sequence[str]], style: str, header_style: str) -> str:
    """A w:tbl with the first row as its header (bold, repeated on every page); cell paragraphs take style."""
    widths = column_widths(rows)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    body = "".join(_row(row, widths, header_style if n == 0 else style, header=n == 0) for n, row in enumerate(rows))
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{BORDERS}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>"
    )


def _row(cells: Sequence[str], widths: Sequence[int], style: str, header: bool) -> str:
    props = "<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>" if header else "<w:trPr><w:cantSplit/></w:trPr>"
    return (
        f"<w:tr>{props}{''.join(_cell(text, width, style) for text, width in zip(cells, widths, strict=False))}</w:tr>"
    )


def _cell(text: str, width: int, style: str) -> str:
    runs = f'<w:r><w:t xml:space="preserve">{escape_xml(text)}</w:t></w:r>' if text else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{runs}</w:p></w:tc>'
    )
