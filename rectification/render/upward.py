"""The documents a unit sends upward: the 整改情况报告 (the ledger attached) and the 整改方案 (the three lists
attached), and the 党内 (红头) version of the notice. Words only: render.docx_official lays them out."""

from __future__ import annotations

from rectification.analyse.analysis import Analysis
from rectification.analyse.compare import Progress
from rectification.core.model import NoticeInfo
from rectification.render.ledger_table import chosen_columns, deadline_words, ledger_attachment
from rectification.render.notice import Block, BlockKind, Notice, _Composer, closing_blocks, notice_values
from rectification.render.official import Attachment, OfficialDocument, attachment_note, formal_of
from rectification.render.wording import category_name, chinese_ordinal
from rectification.settings import NoticeFormat
from rectification.settings.document_keys import FORMAL_CHOICES

FORMAL_ALL = FORMAL_CHOICES[2]  # the report and the plan under the 红头 too
LISTS = ("问题清单", "任务清单", "责任清单")


def party_notice(notice: Notice, info: NoticeInfo, analysis: Analysis, fmt: NoticeFormat) -> OfficialDocument:
    """The notice as a 党内通报: the same words under the 红头, with the 版记."""
    values = notice_values(info, analysis, fmt)
    return OfficialDocument(notice, formal=formal_of(fmt, values, info.issue_date))


class _Upward(_Composer):
    """The report's and the plan's parts, from the notice's composer (its fill, narrative and items)."""

    def __init__(self, info: NoticeInfo, analysis: Analysis, fmt: NoticeFormat, progress: Progress | None) -> None:
        super().__init__(info, analysis, fmt, progress, None)
        self.sections = 0

    def heading(self, text: str) -> list[Block]:
        self.sections += 1
        return [Block(BlockKind.HEADING, f"{chinese_ordinal(self.sections)}、{text}")]

    def head(self, title_key: str, opening_key: str, addressee: bool) -> list[Block]:
        title = self.fill(title_key)
        blocks = [Block(BlockKind.TITLE, title), Block(BlockKind.BLANK)]
        to = self.fill("报告主送").strip().rstrip("：:") if addressee else ""
        if to:
            blocks.append(Block(BlockKind.ADDRESSEE, f"{to}："))
        return blocks + self.paragraphs(opening_key)

    def count_sentence(self) -> str:
        v = self.values
        text = f"截至{v['统计日期']}，{v['巡察']}反馈的{v['问题数']}个问题已完成整改{v['已完成问题数']}个"
        if v["正在整改问题数"] != "0":
            text += f"、正在整改{v['正在整改问题数']}个"
        text += f"，问题整改完成率{v['问题完成率']}；制定整改措施{v['措施数']}项，已完成{v['已完成措施数']}项"
        return text + f"，措施完成率{v['措施完成率']}。"

    def by_category(self, plan: bool) -> list[Block]:
        """One paragraph a category: its problems and measures counted (概述, and the plan's tasks)."""
        blocks = []
        for n, category in enumerate(self.analysis.categories, 1):
            name = category_name(category.name) or "其他"
            problems = [t for t in self.analysis.tracked if t.problem.category == category.name]
            measures = len(problems)
            if plan:
                text = f"反馈问题{category.problems}个，制定整改措施{measures}项。"
            else:
                text = f"反馈问题{category.problems}个，已完成整改{category.problems_done}个。"
            aspect = name if name.endswith("方面") else f"{name}方面"
            blocks.append(Block(BlockKind.SUBHEADING, text, f"（{chinese_ordinal(n)}）{aspect}的问题。"))
        return blocks

    def closing(self, titles: list[str]) -> list[Block]:
        blocks = attachment_note(titles)
        if self.fmt.pattern("落款") is not None:
            blocks += closing_blocks(self.fill("落款"), self.info.issue_date)
        return blocks

    def report(self, attachment_title: str) -> list[Block]:
        blocks = self.head("报告标题", "报告开头", addressee=True)
        blocks += self.heading("整改工作组织领导情况") + self.narrative(self.info.leadership + self.info.results)
        blocks += self.heading("反馈问题整改落实情况") + [Block(BlockKind.BODY, self.count_sentence())]
        blocks += self.by_category(plan=False) if self.fmt.choice("报告写法") == "概述" else self.items()
        if self.info.next_steps:
            blocks += self.heading("下一步整改工作安排") + self.narrative(self.info.next_steps)
        blocks += self.paragraphs("报告结束语")
        return blocks + self.closing([attachment_title])

    def plan(self, titles: list[str]) -> list[Block]:
        blocks = self.head("方案标题", "方案开头", addressee=False)
        v = self.values
        blocks += self.heading("整改任务") + [
            Block(
                BlockKind.BODY,
                f"{v['巡察']}反馈问题{v['问题数']}个，制定整改措施{v['措施数']}项，"
                f"明确责任部门{v['责任部门数']}个，逐项明确整改措施、责任领导、责任部门、责任人和整改时限"
                f"（见附件），实行清单管理、对账销号。",
            )
        ]
        blocks += self.by_category(plan=True)
        if self.info.leadership:
            blocks += self.heading("组织领导") + self.narrative(self.info.leadership)
        return blocks + self.closing(titles)


def compose_report(
    info: NoticeInfo, analysis: Analysis, fmt: NoticeFormat, progress: Progress | None = None
) -> OfficialDocument:
    """The 整改情况报告 to the 领导小组办公室, the ledger attached on landscape pages."""
    upward = _Upward(info, analysis, fmt, progress)
    attachment = ledger_attachment(upward.fill("附件标题"), analysis, chosen_columns(upward.fill("附件列")))
    blocks = upward.report(attachment.title)
    formal = formal_of(fmt, upward.values, info.issue_date) if fmt.choice("红头文件") == FORMAL_ALL else None
    return OfficialDocument(Notice(blocks[0].text.replace("\n", ""), tuple(blocks)), (attachment,), formal)


def compose_plan(info: NoticeInfo, analysis: Analysis, fmt: NoticeFormat) -> OfficialDocument:
    """The 整改方案: the problems, their measures, owners and deadlines, as the three lists attached."""
    upward = _Upward(info, analysis, fmt, None)
    issuer = info.issuer
    titles = [f"{issuer}{upward.values['巡察']}反馈问题{name}" for name in LISTS]
    blocks = upward.plan(titles)
    formal = formal_of(fmt, upward.values, info.issue_date) if fmt.choice("红头文件") == FORMAL_ALL else None
    notice = Notice(blocks[0].text.replace("\n", ""), tuple(blocks))
    return OfficialDocument(notice, three_lists(titles, analysis), formal)


def three_lists(titles: list[str], analysis: Analysis) -> tuple[Attachment, ...]:
    """问题清单 (a problem a row), 任务清单 (a measure a row, its problem once), 责任清单 (who answers for each)."""
    seen: dict[int, int] = {}
    problems = []
    for t in analysis.tracked:
        if t.problem.row not in seen:
            seen[t.problem.row] = len(seen) + 1
            p = t.problem
            problems.append((p.number or str(seen[p.row]), category_name(p.category), p.title, p.detail))
    groups = tuple(str(t.problem.row) for t in analysis.tracked)
    tasks = tuple(
        (t.problem.number, t.problem.title, t.measure.text, deadline_words(t.measure.deadline))
        for t in analysis.tracked
    )
    owners = tuple(
        (t.problem.number, t.measure.text, t.measure.leader, t.measure.department, t.measure.person)
        for t in analysis.tracked
    )
    return (
        Attachment(titles[0], (("序号", "问题类别", "问题", "问题具体表现"), *problems)),
        Attachment(titles[1], (("序号", "问题", "整改措施", "整改时限"), *tasks), groups, (0, 1)),
        Attachment(titles[2], (("序号", "整改措施", "责任领导", "责任部门", "责任人"), *owners), groups, (0,)),
    )
