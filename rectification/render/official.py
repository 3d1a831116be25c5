"""A document with more than a notice's parts: the formal (红头) head and 版记, and attachments (附件) on their own pages.

Words only, as render.notice's blocks are: render.docx_official lays them out (GB/T 9704-2012, figures in
shared/notes/format.md).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from rectification.render.notice import Block, BlockKind, Notice
from rectification.render.title_break import TITLE_CHARS_PER_LINE, break_title, width
from rectification.render.wording import date_text
from rectification.settings import NoticeFormat

LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
FORMAL_HEAD_LINES = 9  # 35 mm down, the 发文机关标志, a blank line, the 发文字号 and the red rule, a blank line
RECORD_LINES = 4  # the 版记: 抄送 and 印发, with room for their rules
YEAR_IN_BRACKETS = re.compile(r"[\[［(（〔【]\s*(\d{4})\s*[\]］)）〕】]")


@dataclass(frozen=True)
class Formal:
    """What turns a document into a formal one: the 红头 and the 版记."""

    masthead: str  # 发文机关标志
    number: str  # 发文字号, 机关代字〔2025〕12号
    copy_number: str = ""  # 份号
    secrecy: str = ""  # 密级和保密期限
    urgency: str = ""  # 紧急程度
    copied_to: str = ""  # 版记's 抄送, ending in 。
    printed_by: str = ""  # 印发机关
    printed_on: str = ""  # 印发日期, 2025年12月11日印发


@dataclass(frozen=True)
class Attachment:
    """One attached table: on a page turned sideways, 附件 (with its number) flush left, its title, the table."""

    title: str
    rows: tuple[tuple[str, ...], ...]  # the first is the header
    groups: tuple[str, ...] = ()  # a key per body row: rows of one problem share its cells in merged columns
    merged: tuple[int, ...] = ()


@dataclass(frozen=True)
class OfficialDocument:
    notice: Notice  # title, body, 附件说明, signature and date
    attachments: tuple[Attachment, ...] = ()
    formal: Formal | None = None


def document_number(written: str) -> str:
    """发文字号 as GB/T 9704 writes it: the year in 〔〕, no 第, no leading zeros (某财〔2025〕012号 → 某财〔2025〕12号)."""
    text = YEAR_IN_BRACKETS.sub(r"〔\1〕", written.strip())
    return re.sub(r"〕\s*第?\s*0*(\d+)\s*号", r"〕\1号", text)


def copied_to(names: str) -> str:
    """抄送 names separated by 、 and ending in 。 (区纪委监委，区委组织部 → 区纪委监委、区委组织部。)."""
    parts = [p.strip() for p in re.split(r"[，,、;；\n]+", names.strip().rstrip("。.")) if p.strip()]
    return "、".join(parts) + "。" if parts else ""


def formal_of(fmt: NoticeFormat, values: Mapping[str, str], issue_date: date) -> Formal:
    """The 红头 and 版记 from the 通报格式 keys (settings.document_keys), filled with the notice's values."""

    def fill(name: str) -> str:
        return "".join(fmt.lines(name, values))

    return Formal(
        masthead=fill("发文机关标志"),
        number=document_number(fill("发文字号")),
        copy_number=fill("份号"),
        secrecy=fill("密级"),
        urgency=fill("紧急程度"),
        copied_to=copied_to(fill("版记抄送")),
        printed_by=fill("印发机关"),
        printed_on=f"{date_text(issue_date)}印发",
    )


def attachment_note(titles: list[str]) -> list[Block]:
    """附件说明: a blank line, then 附件：×××, or 附件：1.×××, 2.××× on lines of their own; no closing punctuation."""
    if not titles:
        return []
    if len(titles) == 1:
        return [Block(BlockKind.BLANK), Block(BlockKind.BODY, f"附件：{titles[0]}")]
    lines = [f"附件：1.{titles[0]}", *(f"\u3000\u3000\u3000{n}.{t}" for n, t in enumerate(titles[1:], 2))]
    return [Block(BlockKind.BLANK), *(Block(BlockKind.BODY, line) for line in lines)]


def estimated_lines(blocks: tuple[Block, ...]) -> int:
    """How many grid lines the blocks fill: 28 characters a body line, 20 a title line, tables by their rows."""
    total = 0
    for block in blocks:
        if block.kind is BlockKind.TITLE:
            total += sum(
                max(1, math.ceil(width(line) / TITLE_CHARS_PER_LINE)) for line in break_title(block.text).split("\n")
            )
        elif block.kind is BlockKind.TABLE:
            total += math.ceil(len(block.rows) * 1.5)
        else:
            indent = 2 if block.kind in (BlockKind.BODY, BlockKind.ITEM) else 0
            total += max(1, math.ceil((width(block.lead + block.text) + indent) / CHARS_PER_LINE))
    return total


def ends_on_even_page_with_room(document: OfficialDocument) -> bool:
    """Whether the body (with the 红头) seems to end on an even page with room left for the 版记 below it.

    An estimate on the 22 × 28 grid; when in doubt (a page nearly full) the answer is no, and the 版记 goes to a
    page of its own on the next even page: never on an odd one.
    """
    lines = estimated_lines(document.notice.blocks) + (FORMAL_HEAD_LINES if document.formal else 0)
    pages, used = divmod(lines, LINES_PER_PAGE)
    if used == 0:
        pages, used = pages - 1, LINES_PER_PAGE
    last_page = pages + 1
    return last_page % 2 == 0 and used + RECORD_LINES + 2 <= LINES_PER_PAGE
