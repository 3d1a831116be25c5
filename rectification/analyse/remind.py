"""督办 reminders: for each department (or leader) with red or yellow measures, a one-page letter and its addresses."""

from __future__ import annotations

from dataclasses import dataclass, field

from rectification.analyse.analysis import Analysis, Tracked
from rectification.core.model import Light, Roster, owners
from rectification.core.names import unique_name
from rectification.settings import NoticeFormat

FOLDER = "督办"


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
        to, cc = addresses(name, group, by_leader, roster)
        letters.append(
            Reminder(
                addressee=name,
                tracked=tuple(group),
                file_name=unique_name(name, used, FOLDER, ".docx") if name else "",
                to=to,
                cc=cc,
                red=len(red),
                yellow=len(group) - len(red),
                oldest_overdue=max((d for t in red if (d := t.assessment.days_overdue) is not None), default=None),
            )
        )
    return tuple(letters)


def addresses(
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
