"""The notice's words: from ledger records to titled, ordered blocks of text (no layout here)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date

from .analysis import Analysis, ReportedProblem
from .model import NoticeInfo


class BlockKind(str, enum.Enum):
    """What a paragraph is; the writer gives each kind its named style."""

    TITLE = "title"
    HEADING = "heading"  # 一、二、三、
    ITEM = "item"  # 1.关于“……”的问题。 (lead) + the problem's detail (text)
    BODY = "body"
    BLANK = "blank"
    SIGNATURE = "signature"
    DATE = "date"


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str = ""
    lead: str = ""  # ITEM only: the numbered heading sentence before the detail


@dataclass(frozen=True)
class Notice:
    title: str
    blocks: tuple[Block, ...]

    @property
    def paragraphs(self) -> list[str]:
        """Every paragraph's full text, as a reader sees it."""
        return [b.lead + b.text for b in self.blocks]


CHINESE_DIGITS = "零一二三四五六七八九"
SENTENCE_END = re.compile(r"(?:[。！？；…]|[。！？][”’）)])$")  # a closing bracket alone ends no sentence
LEADING_ORDINAL = re.compile(r"^\s*(?:[一二三四五六七八九十]+是|\d+(?:[、．]|\.(?!\d))|[（(]\d+[)）])\s*")


def chinese_ordinal(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 21 → 二十一 (for 一是, 二是, …)."""
    if n < 10:
        return CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    if tens >= 10:
        return str(n)
    head = "" if tens == 1 else CHINESE_DIGITS[tens]
    return head + "十" + (CHINESE_DIGITS[ones] if ones else "")


def date_text(d: date) -> str:
    """2025年12月11日: Arabic digits, no leading zeros, as GB/T 9704 writes dates."""
    return f"{d.year}年{d.month}月{d.day}日"


def date_range_text(start: date, end: date) -> str:
    """2025年4月16日至6月15日: the second date drops a repeated year."""
    tail = f"{end.month}月{end.day}日" if end.year == start.year else date_text(end)
    return f"{date_text(start)}至{tail}"


def default_title(info: NoticeInfo) -> str:
    return f"{info.issuer}关于{info.inspection_round}反馈意见整改进展情况的通报"


def notice_title(info: NoticeInfo) -> str:
    return info.title or default_title(info)


def inspecting_body(inspection_round: str) -> str:
    """区委第九轮巡察 → 区委: the body that ran the round."""
    head = inspection_round.split("第", 1)[0]
    return head or inspection_round


def with_full_stop(text: str) -> str:
    text = text.strip()
    if not text or SENTENCE_END.search(text):
        return text
    return text.rstrip("，,、;") + "。"


def sentences(text: str) -> str:
    """A cell's lines as one run of sentences: each line closed with a full stop."""
    return "".join(with_full_stop(line) for line in text.split("\n") if line.strip())


def problem_name(title: str) -> str:
    """The words inside 关于“……”的问题: a title typed as 关于……的问题。 is not wrapped twice."""
    name = title.strip().rstrip("。.；;，,")
    if name.startswith("关于"):
        name = name[2:]
        name = name[: -len("的问题")] if name.endswith("的问题") else name.removesuffix("问题")
    elif name.endswith("的问题"):
        name = name[: -len("的问题")]
    if name.startswith(("“", '"')) and name.endswith(("”", '"')) and len(name) > 2:
        name = name[1:-1]
    return single_quoted(name.strip())


def single_quoted(text: str) -> str:
    """Double quotes inside a quoted title become single: “一岗双责” → ‘一岗双责’."""
    return text.replace("“", "‘").replace("”", "’").replace('"', "'")


def strip_leading_ordinal(text: str) -> str:
    """Drop an 一是/1./（1） the clerk typed, since the notice numbers measures itself."""
    return LEADING_ORDINAL.sub("", text)


def problem_blocks(item: ReportedProblem) -> list[Block]:
    problem = item.problem
    lead = f"{item.index}.关于“{problem_name(problem.title)}”的问题。"
    texts: list[str] = []
    for measure in item.measures:
        text = sentences(strip_leading_ordinal(measure.progress))
        if text and (not texts or text != texts[-1]):  # a progress cell merged over measures is said once
            texts.append(text)
    numbered = (f"{chinese_ordinal(i)}是{t}" for i, t in enumerate(texts, 1))
    progress = texts[0] if len(texts) == 1 else "".join(numbered)
    blocks = [Block(BlockKind.ITEM, sentences(problem.detail), lead)]
    if progress:
        blocks.append(Block(BlockKind.BODY, f"整改情况：{progress}"))
    return blocks


def compose(info: NoticeInfo, analysis: Analysis) -> Notice:
    """The notice's paragraphs in order, for a ledger that passed the checks."""
    title = notice_title(info)
    body = inspecting_body(info.inspection_round)
    opening = (
        f"根据{body}巡察工作统一部署，{date_range_text(info.inspection_start, info.inspection_end)}，"
        f"{info.inspection_group}对{info.issuer}开展了{info.inspection_mode}，"
        f"并于{date_text(info.feedback_date)}反馈了巡察意见。"
        "根据《中国共产党党内监督条例》和《中国共产党巡视工作条例》有关规定，现将巡察整改情况予以公布。"
    )
    closing = (
        "欢迎广大干部群众对巡察整改落实情况进行监督。如有意见建议，请及时向我们反映。"
        f"联系电话：{info.phone}；邮政地址：{info.address}；邮编：{info.postcode}。"
    )
    blocks: list[Block] = [
        Block(BlockKind.TITLE, title),
        Block(BlockKind.BLANK),
        Block(BlockKind.BODY, opening),
        Block(BlockKind.HEADING, "一、整改工作组织领导情况"),
        *(Block(BlockKind.BODY, p) for p in info.leadership + info.results),
        Block(BlockKind.HEADING, "二、整改任务落实完成情况"),
    ]
    for item in analysis.reported_problems:
        blocks += problem_blocks(item)
    blocks += [
        Block(BlockKind.HEADING, "三、下一步整改工作安排"),
        *(Block(BlockKind.BODY, p) for p in info.next_steps),
        Block(BlockKind.BODY, closing),
        Block(BlockKind.BLANK),
        Block(BlockKind.SIGNATURE, info.issuer),
        Block(BlockKind.DATE, date_text(info.issue_date)),
    ]
    return Notice(title, tuple(blocks))
