"""A 督办 reminder as a letter: title, addressee, the request, the table of measures, what to do by when."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from rectification.analyse.analysis import Analysis, Tracked
from rectification.analyse.remind import Reminder
from rectification.core.model import NoticeInfo
from rectification.render.notice import Block, BlockKind, Notice, closing_blocks, notice_values
from rectification.render.wording import date_text
from rectification.settings import NoticeFormat

TABLE_HEADER = ("序号", "问题", "整改措施", "责任领导", "责任人", "整改时限", "状态", "逾期/剩余天数")


def reminder_values(reminder: Reminder, analysis: Analysis, fmt: NoticeFormat) -> dict[str, str]:
    """The letter's own placeholders (scope REMINDER), beside the notice-wide ones."""
    return {
        "督办对象": reminder.addressee,
        "本单措施数": str(len(reminder.tracked)),
        "本单红灯数": str(reminder.red),
        "本单黄灯数": str(reminder.yellow),
        "反馈期限": date_text(analysis.as_of + timedelta(days=fmt.reply_days)),
    }


def compose_reminder(
    reminder: Reminder,
    info: NoticeInfo,
    analysis: Analysis,
    fmt: NoticeFormat,
    notice_wide: Mapping[str, str] | None = None,
) -> Notice:
    """The letter's blocks: title, addressee, the request, the table of measures, what to do by when, signature."""
    if notice_wide is None:  # the report keeps them, computed once a ledger
        notice_wide = notice_values(info, analysis, fmt)
    values = {**notice_wide, **reminder_values(reminder, analysis, fmt)}

    def fill(name: str) -> list[str]:
        return fmt.lines(name, values)

    title = "".join(fill("督办标题"))
    blocks = [
        Block(BlockKind.TITLE, title),
        Block(BlockKind.BLANK),
        Block(BlockKind.ADDRESSEE, f"{reminder.addressee}："),
    ]
    blocks += [Block(BlockKind.BODY, line) for line in fill("督办正文")]
    blocks.append(Block(BlockKind.TABLE, rows=(TABLE_HEADER, *map(table_row, reminder.tracked))))
    blocks += [Block(BlockKind.BODY, line) for line in fill("督办要求")]
    blocks += closing_blocks("".join(fill("督办落款")), analysis.as_of)
    return Notice(title, tuple(blocks))


def table_row(t: Tracked) -> tuple[str, ...]:
    m = t.measure
    status = m.status.value if m.status else ""
    deadline = m.deadline.text if m.deadline else ""
    return (t.problem.number, t.problem.title, m.text, m.leader, m.person, deadline, status, t.assessment.days_text)
