"""Which paragraphs stay on one page: a closing is never parted from the text it closes (w:keepNext)."""

from __future__ import annotations

from rectification.render.notice import Block, BlockKind

NOTE_LINE = ("附件：", "\u3000\u3000\u3000")  # 附件说明's lines: kept with the closing below them


def kept_with_next(blocks: tuple[Block, ...]) -> set[int]:
    """The closing's paragraphs that must not be parted: the last text paragraph, the blank, the signature."""
    kept: set[int] = set()
    for n, block in enumerate(blocks):
        if block.kind is BlockKind.SIGNATURE and n + 1 < len(blocks) and blocks[n + 1].kind is BlockKind.DATE:
            kept.add(n)
            before = n - 1
            while before >= 0 and (blocks[before].kind is BlockKind.BLANK or blocks[before].text.startswith(NOTE_LINE)):
                kept.add(before)
                before -= 1
            if before >= 0 and blocks[before].kind is not BlockKind.TABLE:
                kept.add(before)
    return kept
