"""A table as WordprocessingML: borders, a repeated header row, explicit grid columns (WPS reads w:gridCol only)."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence

from rectification.core.text import escape_xml

TEXT_WIDTH_TWIPS = 8844  # GB/T 9704's 156 mm type area
LANDSCAPE_WIDTH_TWIPS = 12756  # the same type area turned sideways: 225 mm
CHAR_TWIPS = 210  # one 五号 (10.5 pt) character
CELL_MARGINS_TWIPS = 2 * 57 + 40  # the cell's left and right margins, and a little air
HEADER_CHAR_TWIPS = 250  # one header character of an attached table: 小四 (12 pt) and bold
SHORT_WORD_HARD = 4  # a cell this short (序号, a name, 正在推进) is never broken
SHORT_WORD = 8  # a cell this short (序号, 已完成, a date) is never broken: its column is at least this wide
SOFT_FLOOR_SHARE = 0.6  # ...while such columns take at most this much of the table's width
BORDER = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
BORDERS = "".join(BORDER.format(side=s) for s in ("top", "left", "bottom", "right", "insideH", "insideV"))


def text_chars(text: str) -> float:
    """Width in characters of the longest line: CJK and full-width count 1, ASCII ½."""
    lines = text.split("\n") or [""]
    return max(sum(0.5 if unicodedata.east_asian_width(c) in ("Na", "H") else 1.0 for c in line) for line in lines)


def column_widths(
    rows: Sequence[Sequence[str]],
    total: int = TEXT_WIDTH_TWIPS,
    char: int = CHAR_TWIPS,
    header_char: int = CHAR_TWIPS,
) -> list[int]:
    """Widths in twips measured from the content: headers and short words (序号, a name, 已完成) never break.

    Three floors, each kept when the table has room for it: the header and every cell of at most SHORT_WORD_HARD
    characters on one line; then every cell of at most SHORT_WORD (a date) too; then all of it. What a floor
    leaves goes to the columns that must wrap, by the square root of what they would need.
    """

    def longest(c: int) -> float:
        return max((text_chars(r[c]) for r in rows[1:] if c < len(r)), default=0.0)

    def typical(c: int) -> float:
        """The column's average text (its blank cells too): what the long columns share the spare width by."""
        texts = [text_chars(r[c]) if c < len(r) else 0.0 for r in rows[1:]]
        return sum(texts) / len(texts) if texts else 0.0

    def fit(chars: float) -> int:
        return round(chars * char) + CELL_MARGINS_TWIPS

    hard, soft, want = [], [], []
    for c in range(len(rows[0])):
        body = longest(c)
        hard.append(
            max(
                round(text_chars(rows[0][c]) * header_char) + CELL_MARGINS_TWIPS,
                fit(body if body <= SHORT_WORD_HARD else 1),
            )
        )
        soft.append(max(hard[-1], fit(body) if body <= SHORT_WORD else 0))
        want.append(max(soft[-1], fit(body)))
    # Dates kept on one line only while that leaves the wrapping columns (措施, 进展) a fair share of the page.
    floor = soft if sum(soft) <= total * SOFT_FLOOR_SHARE else hard
    if sum(want) <= total:  # everything fits on one line: the spare width shared by need
        widths = [int(w * total / sum(want)) for w in want]
    elif sum(floor) >= total:  # too many columns even for their headers: share by the floors
        widths = [int(total * f / sum(floor)) for f in floor]
    else:
        widths = _share(floor, want, [typical(c) for c in range(len(want))], total)
    widths[-1] += total - sum(widths)
    return widths


def _share(floor: list[int], want: list[int], typical: list[float], total: int) -> list[int]:
    """The floors, plus what they leave shared by each column's typical text, none past its want: a column of
    long paragraphs takes the room, a column of short or mostly blank cells little more than its floor."""
    widths = [float(f) for f in floor]
    for _ in range(len(floor)):  # a column given more than it wants hands the rest on
        spare = total - sum(widths)
        need = [t if w > x else 0.0 for w, x, t in zip(want, widths, typical, strict=True)]
        if spare < 1 or not any(need):
            break
        widths = [min(x + spare * n / sum(need), float(w)) for x, n, w in zip(widths, need, want, strict=True)]
    return [int(w) for w in widths]


def table_xml(
    rows: Sequence[Sequence[str]],
    style: str,
    header_style: str,
    total: int = TEXT_WIDTH_TWIPS,
    groups: Sequence[object] = (),
    merged: Collection[int] = (),
    header_char: int = CHAR_TWIPS,
) -> str:
    """A w:tbl with the first row as its header (repeated on every page); cell paragraphs take style.

    groups holds a key per body row: in the merged columns, a row of the same group as the row above continues
    its cell (w:vMerge), so a problem with several measures is written once.
    """
    widths = column_widths(rows, total, header_char=header_char)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    body = [_row(rows[0], widths, header_style, header=True)]
    for n, row in enumerate(rows[1:]):
        same = bool(groups) and n > 0 and groups[n] == groups[n - 1]
        starts = bool(groups) and not same and n + 1 < len(groups) and groups[n + 1] == groups[n]
        merge = {c: ("continue" if same else "restart") for c in merged} if same or starts else {}
        body.append(_row(row, widths, style, header=False, merge=merge))
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{BORDERS}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(body)}</w:tbl>"
    )


def _row(
    cells: Sequence[str], widths: Sequence[int], style: str, header: bool, merge: dict[int, str] | None = None
) -> str:
    # A body row may run over a page (a long 整改进展 would otherwise leave most of a page empty); the header not.
    props = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else ""
    merge = merge or {}
    tcs = "".join(
        _cell(text, width, style, merge.get(c, "")) for c, (text, width) in enumerate(zip(cells, widths, strict=False))
    )
    return f"<w:tr>{props}{tcs}</w:tr>"


def _cell(text: str, width: int, style: str, merge: str) -> str:
    vmerge = {"restart": '<w:vMerge w:val="restart"/>', "continue": "<w:vMerge/>"}.get(merge, "")
    shown = "" if merge == "continue" else text
    runs = "".join(
        (f'<w:r><w:t xml:space="preserve">{escape_xml(line)}</w:t></w:r>' if line else "")
        + ("<w:r><w:br/></w:r>" if i < len(shown.split("\n")) - 1 else "")
        for i, line in enumerate(shown.split("\n"))
    )
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{vmerge}<w:vAlign w:val="center"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{runs}</w:p></w:tc>'
    )
