"""The records every stage passes on: the ledger as data, and findings about it.

Those made once a row are slotted: without a __dict__ each is about a third the size, and at 100,000 measures
every stage that walks them runs faster for touching less memory.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date


class Level(str, enum.Enum):
    """How serious a finding is; errors block the notice."""

    ERROR = "错误"
    WARNING = "警告"
    HINT = "提示"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the user should know about their workbook, pointing at a cell."""

    level: Level
    sheet: str
    row: int | None  # the row number the user sees in Excel
    column: str  # the header as the user wrote it ("" when the finding is about a whole row or sheet)
    message: str
    hint: str = ""

    def __str__(self) -> str:
        place = " ".join(part for part in (self.sheet, f"第{self.row}行" if self.row else "") if part)
        what = f"{self.column}：{self.message}" if self.column else self.message
        text = f"[{self.level.value}] {place} {what}" if place else f"[{self.level.value}] {what}"
        return f"{text} —— {self.hint}" if self.hint else text


class Status(str, enum.Enum):
    """A measure's state, as published notices count it."""

    DONE = "已完成"
    IN_PROGRESS = "正在推进"
    ONGOING = "长期坚持"
    NOT_STARTED = "未启动"


class Light(str, enum.Enum):
    """The three-colour warning tracking systems show for an open measure."""

    RED = "红灯"
    YELLOW = "黄灯"
    GREEN = "绿灯"


@dataclass(frozen=True, slots=True)
class Deadline:
    """A 整改时限 as written, with what it means."""

    text: str
    due: date | None  # the last day; None for 立行立改 alone or 长期坚持 alone
    immediate: bool = False  # 立行立改
    ongoing: bool = False  # 长期坚持 / 持续整改, alone or after a date


@dataclass(slots=True)
class Measure:
    """One row of the ledger: a rectification measure of a problem."""

    row: int
    text: str  # 整改措施
    leader: str  # 责任领导
    department: str  # 责任部门
    person: str  # 责任人
    deadline: Deadline | None
    status: Status | None
    completed_on: date | None
    progress: str  # 整改进展: what the notice reports, its lines joined by \n
    completion_written: str = ""  # 完成时间 as written, kept to tell a blank cell from an unreadable one
    evidence: str = ""  # 佐证材料: a done measure without it cannot be closed off (销号)


@dataclass(slots=True)
class Aspect:
    """One 具体表现 of a problem and the measures written against it."""

    row: int
    detail: str  # "" when the ledger gives none
    measures: list[Measure] = field(default_factory=list)


@dataclass(slots=True)
class Problem:
    """A problem the inspection found, with its measures in ledger order."""

    row: int  # first ledger row of the problem
    number: str  # 序号 as written in the ledger
    category: str
    title: str  # 问题
    detail: str  # 问题具体表现 of its first row
    measures: list[Measure] = field(default_factory=list)
    aspects: list[Aspect] = field(default_factory=list)  # its 具体表现 in order, each with its measures


@dataclass
class NoticeInfo:
    """The 基本信息 sheet: who publishes what, and the narrative parts."""

    issuer: str  # 发文机关
    inspection_round: str  # 巡察轮次, e.g. 区委第九轮巡察
    inspection_group: str  # 巡察组
    inspection_mode: str  # 巡察方式, e.g. 常规巡察
    # The three dates below are a date, or text kept as written when approximate ("2024年4月上旬"),
    # or "" when the unit's format does not print them and they were left blank.
    inspection_start: date | str
    inspection_end: date | str
    feedback_date: date | str
    issue_date: date  # 发文日期
    phone: str
    address: str
    postcode: str
    leadership: list[str]  # 组织领导情况, one string a paragraph
    results: list[str]  # 阶段性成效
    next_steps: list[str]  # 下一步工作安排
    title: str = ""  # 标题: overrides the generated title when set
    recipients: str = ""  # 收件人, as written: the .eml's To
    cc: str = ""  # 抄送, as written: the .eml's Cc
    inspected: str = ""  # 被巡察单位, when it is not the issuer (a 市委 reporting on the city)
    extra: dict[str, str] = field(default_factory=dict)  # the unit's own 基本信息 keys, for placeholders
    rows: dict[str, int] = field(default_factory=dict)  # the 基本信息 row of each key (for messages)


@dataclass(frozen=True)
class Roster:
    """The optional 人员名单 sheet: who may own a measure."""

    sheet: str
    people: tuple[str, ...]
    departments: tuple[str, ...]
    # The optional 邮箱 column: (姓名, 部门, 邮箱); a row with no 姓名 is the department's own mailbox.
    emails: tuple[tuple[str, str, str], ...] = ()

    def person_email(self, name: str) -> str:
        return next((e for n, _, e in self.emails if n and n == name), "")

    def department_email(self, department: str) -> str:
        return next((e for n, d, e in self.emails if not n and d == department), "")


OWNER_SEPARATORS = re.compile(r"[、，,；;/／]+")


def owners(text: str) -> list[str]:
    """Several names in one owner cell: 王明、李华 / 王明，李华 / 王明 李华; “李　华” is one padded name."""
    names: list[str] = []
    for piece in OWNER_SEPARATORS.split(text):
        words = piece.split()
        if len(words) > 1 and all(len(w) >= 2 for w in words):
            names += words
        elif words:
            names.append("".join(words))
    return names


@dataclass
class Ledger:
    """The whole workbook as records: what the checks and writers read."""

    info: NoticeInfo | None  # None when 基本信息 has errors
    problems: list[Problem]
    ledger_sheet: str = "整改台账"
    info_sheet: str = "基本信息"
    headers: dict[str, str] = field(default_factory=dict)  # canonical column -> header as written
    roster: Roster | None = None

    @property
    def measures(self) -> list[Measure]:
        return [m for p in self.problems for m in p.measures]


class Verdict(str, enum.Enum):
    """What a run made of a ledger that could be read."""

    PRODUCED = "已生成"  # notice and summary written
    BLOCKED = "有错误"  # errors (or, with --strict, warnings) kept the notice back
    CHECKED = "已检查"  # --check-only: the summary alone
