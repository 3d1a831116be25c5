"""The round's summary notice (--batch): one draft for the inspection office, from every unit's figures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rectification.analyse.compare import PLACEHOLDERS, Change
from rectification.core.model import Finding, Verdict
from rectification.render.notice import Block, BlockKind, Notice, closing_blocks, notice_values
from rectification.render.rollup import UnitLine, round_figures
from rectification.render.wording import percent
from rectification.settings import FormatSource, NoticeFormat, default_format, parse_format, round_rows


def round_format(source: FormatSource | None, with_since: bool) -> tuple[NoticeFormat, list[Finding]]:
    """--format's keys for the round notice (the defaults without one); the units' keys are not checked here."""
    if source is None:
        return default_format(), []
    return parse_format(round_rows(source.rows), source.sheet, (), with_since)


def round_values(lines: Sequence[UnitLine], fmt: NoticeFormat, as_of: date, warn_days: int) -> dict[str, str]:
    """The round-level placeholders, the summed figures filling the notice-wide ones."""
    from rectification.analyse.analysis import Analysis
    from rectification.core.model import NoticeInfo

    figures = round_figures(lines)
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


def round_budget_findings(fmt: NoticeFormat, values: dict[str, str], source: FormatSource | None) -> list[Finding]:
    """An error when the round's keys, filled, would pass the budget on filled text (render.budget)."""
    from rectification.render.budget import round_budget
    from rectification.settings import FORMAT_SHEET, KEYS, Where

    keys = [k.name for k in KEYS if k.where is Where.ROUND]
    return round_budget(fmt, values, source.sheet if source else FORMAT_SHEET, keys)


def round_file_name(fmt: NoticeFormat, values: dict[str, str]) -> str:
    from rectification.core.names import safe_file_name

    pattern = fmt.pattern("汇总通报名称")
    return safe_file_name(pattern.fill(values) if pattern else "本轮整改进展情况汇总通报") + ".docx"


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
