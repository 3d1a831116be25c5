"""The round's summary notice (--batch): one draft for the inspection office, from every unit's figures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rectification.analyse.compare import PLACEHOLDERS, Change
from rectification.analyse.round import Round, UnitLine
from rectification.core.model import Finding, Verdict
from rectification.render.notice import Block, BlockKind, Notice, closing_blocks, notice_values
from rectification.render.wording import percent
from rectification.settings import NoticeFormat


def round_values(round_: Round) -> dict[str, str]:
    """The round-level placeholders, the summed figures filling the notice-wide ones."""
    from rectification.analyse.analysis import Analysis
    from rectification.core.model import NoticeInfo

    lines, fmt, figures = round_.lines, round_.notice_format, round_.figures
    as_of, warn_days = round_.options.as_of, round_.options.warn_days
    blank = NoticeInfo("", "", "", "", "", "", "", as_of, "", "", "", [], [], [])
    values = notice_values(blank, Analysis(as_of, warn_days, (), figures, (), (), (), ()), fmt)
    read = [line for line in lines if line.figures is not None]
    red_by_unit: dict[str, int] = {}
    for line in read:
        if line.figures and line.figures.red:
            red_by_unit[line.name] = red_by_unit.get(line.name, 0) + line.figures.red
    red = [f"{name}（{count}项）" for name, count in red_by_unit.items()]
    open_units = list(dict.fromkeys(line.name for line in read if line.figures and line.figures.problems_open))
    compared = [line.changes for line in lines if line.since]
    if compared:  # --since: every compared unit's changes added up
        totals = [sum(column) for column in zip(*compared, strict=True)]
        values.update({name: str(totals[list(Change).index(change)]) for name, change in PLACEHOLDERS.items()})
    values.update(
        {
            "单位数": str(len(read)),
            "红灯单位名单": "、".join(red) or "无",
            "未完成单位名单": "、".join(open_units) or "无",
            "已生成单位数": str(sum(1 for line in lines if line.verdict is Verdict.PRODUCED)),
            "有错误单位数": str(sum(1 for line in lines if line.verdict is Verdict.BLOCKED)),
            "无法读取单位数": str(sum(1 for line in lines if line.verdict is None)),
        }
    )
    return values


def round_budget_findings(round_: Round) -> list[Finding]:
    """An error when the round's keys, filled, would pass the budget on filled text (render.budget)."""
    from rectification.render.budget import round_budget
    from rectification.settings import FORMAT_SHEET, KEYS, Where

    source = round_.options.notice_format
    keys = [k.name for k in KEYS if k.where is Where.ROUND]
    return round_budget(round_.notice_format, round_values(round_), source.sheet if source else FORMAT_SHEET, keys)


def round_file_name(fmt: NoticeFormat, values: dict[str, str]) -> str:
    from rectification.core.names import safe_file_name

    pattern = fmt.pattern("汇总通报名称")
    return safe_file_name(pattern.fill(values) if pattern else "本轮整改进展情况汇总通报") + ".docx"


def render_round_notice(round_: Round) -> list[tuple[str, bytes]]:
    """The round notice's file: its name and body filled from the round's values, computed once here."""
    from rectification.render.docx_writer import render_docx

    values = round_values(round_)
    notice = compose_round(round_.lines, round_.notice_format, values, round_.options.as_of)
    return [(round_file_name(round_.notice_format, values), render_docx(notice))]


def compose_round(lines: Sequence[UnitLine], fmt: NoticeFormat, values: dict[str, str], as_of: date) -> Notice:
    """Title, the body paragraphs, a paragraph per unit, signature and the as-of date."""

    def fill(name: str) -> list[str]:
        return fmt.lines(name, values)

    title = "".join(fill("汇总通报标题"))
    blocks = [
        Block(BlockKind.TITLE, title),
        Block(BlockKind.BLANK),
        *(Block(BlockKind.BODY, p) for p in fill("汇总通报正文")),
    ]
    blocks.append(Block(BlockKind.BODY, "各单位整改进展情况如下："))
    places = fmt.places
    for n, line in enumerate(lines, 1):
        f = line.figures
        if f is None:
            text = f"{line.name}（{line.file}）：台账无法读取，未纳入统计。"
        else:
            rate = percent(f.problem_rate, places)
            text = (
                f"{line.name}：问题{f.problems}个，已完成整改{f.problems_done}个，完成率{rate}；"
                f"整改措施{f.measures}项，红灯{f.red}项、黄灯{f.yellow}项。"
            )
            if line.verdict is Verdict.BLOCKED:
                text += "台账有错误，尚未生成通报。"
        blocks.append(Block(BlockKind.BODY, f"{n}.{text}"))
    blocks += closing_blocks("".join(fill("汇总通报落款")), as_of)
    return Notice(title, tuple(blocks))
