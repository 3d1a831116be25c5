"""The notice's words: from ledger records to titled, ordered blocks of text (no layout here)."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from rectification.analyse.analysis import Analysis, Category, ReportedAspect, ReportedProblem
from rectification.analyse.compare import PLACEHOLDERS, Progress
from rectification.core.model import Measure, NoticeInfo, Problem
from rectification.read.columns import INFO_KEYS
from rectification.render.wording import (
    FIRST_LEVEL,
    SECOND_LEVEL,
    TYPED_NUMBER,
    category_name,
    chinese_ordinal,
    date_text,
    inspecting_body,
    percent,
    period_text,
    phrase,
    problem_name,
    sentences,
    single_quoted,
    strip_leading_ordinal,
    written_date,
)
from rectification.settings import NoticeFormat, Pattern, PatternError, default_format

# Placeholders derived from 基本信息 that a unit may set there itself, by a key of the same name.
OWN_WINS = ("巡察机关", "巡察时间")
# The narrative cells of 基本信息, which may hold placeholders too.
NARRATIVE = {"组织领导情况": "leadership", "阶段性成效": "results", "下一步工作安排": "next_steps"}
# No single filled text (a title, a narrative paragraph) is built longer than this; render.budget says why.
FILL_CAP = 1_000_000


class BlockKind(str, enum.Enum):
    """What a paragraph is; the writer gives each kind its named style."""

    TITLE = "title"
    HEADING = "heading"  # 一、二、三、
    SUBHEADING = "subheading"  # （一）（二）: a headline (lead), perhaps followed by text in the same paragraph
    ITEM = "item"  # 1.关于“……”的问题。 (lead) + the problem's detail (text)
    BODY = "body"
    BLANK = "blank"
    SIGNATURE = "signature"
    DATE = "date"
    ADDRESSEE = "addressee"  # 主送机关: flush left, ends with ：
    TABLE = "table"  # rows of cells, the first the header


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str = ""
    lead: str = ""  # ITEM and SUBHEADING: the numbered heading sentence before the text
    rows: tuple[tuple[str, ...], ...] = ()  # TABLE only


@dataclass(frozen=True)
class Notice:
    title: str
    blocks: tuple[Block, ...]

    @property
    def paragraphs(self) -> list[str]:
        """Every paragraph's full text, as a reader sees it."""
        return [b.lead + b.text for b in self.blocks]


def notice_values(
    info: NoticeInfo, analysis: Analysis, fmt: NoticeFormat, progress: Progress | None = None
) -> dict[str, str]:
    """Every notice-wide placeholder's text: the 基本信息 keys (the unit's own too), the derived ones, the figures."""
    f, places = analysis.figures, fmt.places
    values = dict.fromkeys(INFO_KEYS, "")
    if progress is not None:
        values.update({name: str(progress.count(change)) for name, change in PLACEHOLDERS.items()})
        values["上次统计日期"] = date_text(progress.old_date)
    values.update(info.extra)
    values.update(
        {
            "标题": info.title,
            "发文机关": info.issuer,
            "巡察轮次": info.inspection_round,
            "巡察组": info.inspection_group,
            "巡察方式": info.inspection_mode,
            "巡察开始日期": written_date(info.inspection_start),
            "巡察结束日期": written_date(info.inspection_end),
            "反馈日期": written_date(info.feedback_date),
            "发文日期": date_text(info.issue_date),
            "联系电话": info.phone,
            "邮政地址": info.address,
            "邮编": info.postcode,
            "组织领导情况": "".join(info.leadership),
            "阶段性成效": "".join(info.results),
            "下一步工作安排": "".join(info.next_steps),
            "收件人": info.recipients,
            "抄送": info.cc,
            "被巡察单位": info.inspected or info.issuer,
            "巡察": fmt.choice("称谓"),
            "巡察机关": inspecting_body(info.inspection_round),
            "巡察时间": period_text(info.inspection_start, info.inspection_end),
            "统计日期": date_text(analysis.as_of),
            "预警天数": str(analysis.warn_days),
            "问题数": str(f.problems),
            "已完成问题数": str(f.problems_done),
            "正在整改问题数": str(f.problems_open),
            "长期坚持问题数": str(f.problems_long_term),
            "措施数": str(f.measures),
            "已完成措施数": str(f.done),
            "正在推进措施数": str(f.in_progress),
            "长期坚持措施数": str(f.ongoing),
            "未启动措施数": str(f.not_started),
            "问题完成率": percent(f.problem_rate, places),
            "措施完成率": percent(f.completion_rate, places),
            "类别数": str(f.categories),
            "责任部门数": str(f.departments),
            "红灯数": str(f.red),
            "黄灯数": str(f.yellow),
        }
    )
    values.update({name: info.extra[name] for name in OWN_WINS if info.extra.get(name)})
    values.update({name: "".join(texts) for name, texts in narratives(info, values).items()})
    return values


def narratives(info: NoticeInfo, values: Mapping[str, str]) -> dict[str, list[str]]:
    """组织领导情况, 阶段性成效 and 下一步工作安排, their placeholders filled (render.notice_checks checks them).

    A text whose braces do not pair is kept as written; once the filled texts pass FILL_CAP together, the rest
    are kept as written too (render.budget reports it, and the notice is held back).
    """
    filled: dict[str, list[str]] = {}
    total = 0
    for name, field in NARRATIVE.items():
        texts = filled[name] = []
        for text in getattr(info, field):
            pattern = _parsed(text)
            if pattern is not None:
                total += pattern.filled_length(values)
            texts.append(pattern.fill(values) if pattern is not None and total <= FILL_CAP else text)
    return filled


def _parsed(text: str) -> Pattern | None:
    """A 基本信息 text as a pattern, when it has braces that pair."""
    if "{" not in text and "}" not in text:
        return None
    try:
        return Pattern.parse(text)
    except PatternError:
        return None


def notice_title(info: NoticeInfo, values: Mapping[str, str], fmt: NoticeFormat | None = None) -> str:
    """基本信息's 标题 when given, else the format's 标题 pattern filled with the notice's values."""
    fmt = fmt or default_format()
    pattern = fmt.pattern("标题")
    if info.title or pattern is None:
        return info.title
    if pattern.filled_length(values) > FILL_CAP:  # reported by render.budget; the notice is held back
        return pattern.text.replace("\n", "")
    return pattern.fill(values).replace("\n", "")


def closing_blocks(signature: str, day: date) -> list[Block]:
    """A blank line, the signature and the date (GB/T 9704's unsealed closing); nothing without a signature."""
    if not signature:
        return []
    return [Block(BlockKind.BLANK), Block(BlockKind.SIGNATURE, signature), Block(BlockKind.DATE, date_text(day))]


def numbered(index: int) -> dict[str, str]:
    return {"序号": str(index), "中文序号": chinese_ordinal(index)}


def category_values(category: Category, index: int) -> dict[str, str]:
    """The placeholders of one category's heading and count sentence (scope ITEM, Where.CATEGORY)."""
    return {
        **numbered(index),
        "问题类别": category_name(category.name),
        "本类问题数": str(category.problems),
        "本类已完成问题数": str(category.problems_done),
        "本类正在整改问题数": str(category.problems - category.problems_done),
    }


def item_values(problem: Problem, index: int) -> dict[str, str]:
    """The placeholders of one problem's lead, 条目标题 (scope ITEM, Where.ITEM)."""
    return {**numbered(index), "问题": problem_name(problem.title), "问题类别": category_name(problem.category)}


def aspect_values(detail: str, index: int) -> dict[str, str]:
    """The placeholders of one 具体表现's lead, 子条目标题 (scope ITEM, Where.SUBITEM)."""
    return {**numbered(index), "具体表现": detail}


def lead_kind(lead: str) -> BlockKind:
    """An item led by （一） is a second-level headline (楷体); 1. and （1） leads are items (仿宋)."""
    return BlockKind.SUBHEADING if SECOND_LEVEL.match(lead) else BlockKind.ITEM


def details(problem: Problem) -> str:
    """Every 具体表现 of a problem, each once, as sentences: what follows its lead when they are not listed apart."""
    texts = [a.detail for a in problem.aspects if a.detail] or [problem.detail]
    return "".join(dict.fromkeys(sentences(text) for text in texts if text))


class _Composer:
    """Fills one notice's patterns; each method returns the blocks of one part."""

    def __init__(
        self,
        info: NoticeInfo,
        analysis: Analysis,
        fmt: NoticeFormat,
        progress: Progress | None,
        values: Mapping[str, str] | None,
    ) -> None:
        self.info, self.analysis, self.fmt, self.progress = info, analysis, fmt, progress
        self.values = values if values is not None else notice_values(info, analysis, fmt, progress)
        self.narratives = narratives(info, self.values)
        self.sections = 0  # first-level headings so far: 一、二、三、

    def fill(self, name: str, extra: Mapping[str, str] | None = None) -> str:
        pattern = self.fmt.pattern(name)
        if pattern is None:
            return ""
        return pattern.fill({**self.values, **extra} if extra else self.values)

    def paragraphs(self, name: str) -> list[Block]:
        """A pattern whose lines are paragraphs (开头, 统计句, 结束语)."""
        return [Block(BlockKind.BODY, line) for line in self.fmt.lines(name, self.values)]

    def heading(self, name: str) -> list[Block]:
        """A section's first-level heading, numbered on from the ones before; none for a blank title."""
        text = TYPED_NUMBER.sub("", self.fill(name)).strip()
        if not text:
            return []
        self.sections += 1
        return [Block(BlockKind.HEADING, f"{chinese_ordinal(self.sections)}、{text}")]

    def narrative(self, texts: Sequence[str]) -> list[Block]:
        """Paragraphs typed in 基本信息; one starting （一） is a headline, its first sentence the lead."""
        blocks = []
        for text in texts:
            if SECOND_LEVEL.match(text):
                headline, stop, rest = text.partition("。")
                blocks.append(Block(BlockKind.SUBHEADING, rest, headline + stop))
            else:
                blocks.append(Block(BlockKind.BODY, text))
        return blocks

    def leadership(self) -> list[Block]:
        """组织领导情况, then 阶段性成效 (optional) as paragraphs of their own or run on after the last one."""
        leadership, results = self.narratives["组织领导情况"], self.narratives["阶段性成效"]
        if leadership and results and self.fmt.choice("阶段性成效写法") == "接在组织领导情况之后":
            return self.narrative([*leadership[:-1], leadership[-1] + results[0], *results[1:]])
        return self.narrative(leadership + results)

    def progress_blocks(self, measures: Sequence[Measure]) -> list[Block]:
        """整改情况: the measures' progress as one labelled paragraph (一是……二是……) or a paragraph each."""
        texts: list[str] = []
        for measure in measures:
            text = sentences(strip_leading_ordinal(measure.progress))
            if text and (not texts or text != texts[-1]):  # a progress cell merged over measures is said once
                texts.append(text)
        if not texts:
            return []
        parts = texts if len(texts) == 1 else [f"{chinese_ordinal(i)}是{t}" for i, t in enumerate(texts, 1)]
        label = self.fill("整改情况标签")
        if self.fmt.choice("整改情况写法") == "合并":
            return [Block(BlockKind.BODY, label + "".join(parts))]
        return [Block(BlockKind.BODY, (label if i == 0 else "") + part) for i, part in enumerate(parts)]

    def problem(self, item: ReportedProblem, index: int) -> list[Block]:
        problem = item.problem
        lead = self.fill("条目标题", item_values(problem, index))
        mode = self.fmt.choice("具体表现")
        if mode == "分条" and len(item.aspects) > 1:
            blocks = [Block(lead_kind(lead), "", lead)]
            for n, aspect in enumerate(item.aspects, 1):
                blocks += self.aspect(aspect, n)
            return blocks
        detail = details(problem) if mode != "不写" else ""
        return [Block(lead_kind(lead), detail, lead), *self.progress_blocks(item.measures)]

    def aspect(self, aspect: ReportedAspect, n: int) -> list[Block]:
        pattern = self.fmt.pattern("子条目标题")
        lead = self.fill("子条目标题", aspect_values(single_quoted(phrase(aspect.detail)), n))
        text = "" if pattern is not None and "具体表现" in pattern.names else sentences(aspect.detail)
        return [Block(lead_kind(lead), text, lead), *self.progress_blocks(aspect.measures)]

    def items(self) -> list[Block]:
        """The problems, grouped under their categories' headings when the format says so.

        Headings of the 一、 form are first-level: they are numbered on from the sections before them.
        """
        if not self.fmt.grouped:
            return [b for item in self.analysis.reported_problems for b in self.problem(item, item.index)]
        blocks: list[Block] = []
        restart = self.fmt.choice("条目编号") == "每类重新编号"
        shown = [c for c in self.analysis.categories if c.reported]
        first_level = bool(shown) and FIRST_LEVEL.match(self.fill("分类标题", category_values(shown[0], 1)))
        offset = self.sections if first_level else 0
        count = 0
        for k, category in enumerate(shown, 1):
            context = category_values(category, offset + k)
            heading = self.fill("分类标题", context)
            blocks.append(Block(BlockKind.HEADING if FIRST_LEVEL.match(heading) else BlockKind.SUBHEADING, heading))
            if self.fmt.pattern("分类统计句") is not None:
                blocks.append(Block(BlockKind.BODY, self.fill("分类统计句", context)))
            for j, item in enumerate(category.reported, 1):
                count += 1
                blocks += self.problem(item, j if restart else count)
        self.sections += len(shown) if first_level else 0
        return blocks

    def compose(self) -> Notice:
        info, fmt = self.info, self.fmt
        title = notice_title(info, self.values, fmt)
        blocks = [Block(BlockKind.TITLE, title), Block(BlockKind.BLANK), *self.paragraphs("开头")]
        count = self.paragraphs("统计句")
        early = fmt.choice("统计句位置") == "开头之后"
        if early:
            blocks += count
        if fmt.pattern("组织领导标题") is not None:
            blocks += self.heading("组织领导标题") + self.leadership()
        blocks += self.heading("整改情况标题") + ([] if early else count) + self.items()
        if fmt.pattern("下一步标题") is not None:
            blocks += self.heading("下一步标题") + self.narrative(self.narratives["下一步工作安排"])
        blocks += self.paragraphs("结束语")
        if fmt.pattern("落款") is not None:
            blocks += closing_blocks(self.fill("落款"), info.issue_date)
        return Notice(title, tuple(blocks))


def compose(
    info: NoticeInfo,
    analysis: Analysis,
    fmt: NoticeFormat | None = None,
    progress: Progress | None = None,
    values: Mapping[str, str] | None = None,
) -> Notice:
    """The notice's paragraphs in order, for a ledger that passed the checks, written in the unit's format.

    values: the notice's placeholder values as the report keeps them (computed once a ledger); made here if None.
    """
    return _Composer(info, analysis, fmt or default_format(), progress, values).compose()
