"""督办 reminders: for each department (or leader) with red or yellow measures, a one-page letter and its addresses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from rectification.analyse.analysis import Analysis, Tracked
from rectification.core.model import Light, NoticeInfo, Roster, owners
from rectification.core.names import safe_file_name
from rectification.render.notice import Block, BlockKind, Notice, closing_blocks, notice_values
from rectification.render.wording import date_text
from rectification.settings import NoticeFormat

FOLDER = "督办"
TABLE_HEADER = ("序号", "问题", "整改措施", "责任领导", "责任人", "整改时限", "状态", "逾期/剩余天数")


@dataclass(frozen=True)
class Reminder:
    """One letter: whom it goes to, the measures it lists (red first), where it is filed, whom it is mailed to."""

    addressee: str  # the department or leader; "" when the cell was left blank (no letter then)
    tracked: tuple[Tracked, ...]
    file_name: str  # "督办/<addressee>.docx"; "" when no letter is written
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    red: int = 0
    yellow: int = 0
    oldest_overdue: int | None = None  # the most days overdue among its red measures
    mail: str = field(default="", compare=False)  # 督办清单's 邮件 column, set once delivery is known


def reminders(analysis: Analysis, fmt: NoticeFormat, roster: Roster | None) -> tuple[Reminder, ...]:
    """A reminder per addressee with red or yellow measures, in order of first appearance in the ledger."""
    by_leader = fmt.choice("督办对象") == "责任领导"
    groups: dict[str, list[Tracked]] = {}
    for t in analysis.overdue:  # red then yellow, each in ledger order
        groups.setdefault(t.measure.leader if by_leader else t.measure.department, []).append(t)
    first_row = {name: min(t.measure.row for t in group) for name, group in groups.items()}
    used: set[str] = set()
    letters = []
    for name in sorted(groups, key=lambda n: first_row[n]):
        group = groups[name]
        red = [t for t in group if t.light is Light.RED]
        to, cc = _addresses(name, group, by_leader, roster)
        letters.append(
            Reminder(
                addressee=name,
                tracked=tuple(group),
                file_name=_file_name(name, used) if name else "",
                to=to,
                cc=cc,
                red=len(red),
                yellow=len(group) - len(red),
                oldest_overdue=max((d for t in red if (d := t.assessment.days_overdue) is not None), default=None),
            )
        )
    return tuple(letters)


def _file_name(name: str, used: set[str]) -> str:
    """督办/<name>.docx, safe on every system; two names that come out alike get （2）, （3）."""
    stem = safe_file_name(name)
    candidate, n = stem, 1
    while candidate.casefold() in used:
        n += 1
        candidate = f"{stem}（{n}）"
    used.add(candidate.casefold())
    return f"{FOLDER}/{candidate}.docx"


def _addresses(
    name: str, group: list[Tracked], by_leader: bool, roster: Roster | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """To: the department's own mailbox, else its 责任人; a leader's own address. Cc: the 责任领导."""
    if roster is None or not name:
        return (), ()
    if by_leader:
        return _unique(roster.person_email(n) for n in owners(name)), ()
    own = roster.department_email(name)
    people = _unique(roster.person_email(n) for t in group for n in owners(t.measure.person))
    leaders = _unique(roster.person_email(n) for t in group for n in owners(t.measure.leader))
    to = (own,) if own else people
    return to, tuple(a for a in leaders if a not in to)


def _unique(addresses) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a for a in addresses if a))


def reminder_values(reminder: Reminder, analysis: Analysis, fmt: NoticeFormat) -> dict[str, str]:
    """The letter's own placeholders (scope REMINDER), beside the notice-wide ones."""
    return {
        "督办对象": reminder.addressee,
        "本单措施数": str(len(reminder.tracked)),
        "本单红灯数": str(reminder.red),
        "本单黄灯数": str(reminder.yellow),
        "反馈期限": date_text(analysis.as_of + timedelta(days=fmt.reply_days)),
    }


def compose_reminder(reminder: Reminder, info: NoticeInfo, analysis: Analysis, fmt: NoticeFormat) -> Notice:
    """The letter's blocks: title, addressee, the request, the table of measures, what to do by when, signature."""
    values = {**notice_values(info, analysis, fmt), **reminder_values(reminder, analysis, fmt)}

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
