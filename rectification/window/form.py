"""What the window's fields mean: the form as plain data, checked and turned into a Request for the front door.

No tkinter here: the window fills a Form from its widgets, and the logic is tested without a display.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

from rectification.analyse.analysis import DEFAULT_WARN_DAYS
from rectification.app.request import AS_OF_HINT, MAX_WARN_DAYS, Request, parse_as_of, parse_warn_days
from rectification.core.text import UNSAFE, quoted

MAX_PATH_CHARS = 4096  # more than any path Windows or Linux opens; a longer one was pasted by mistake
SHOWN_PATH_CHARS = 160  # a path quoted in a problem beyond this is shortened in the middle
QUOTED_CHARS = 20  # a typed date or number quoted back: enough to recognise it
LINE_BREAKS = frozenset("\t\r\n\u2028\u2029")  # besides UNSAFE's: no path holds them, a paste of several lines does


@dataclass(frozen=True)
class Choice:
    """A check box of the window: the Request field it sets, its label, and a line of help."""

    field: str
    label: str
    help: str


# What to make, beyond the notice and the summary (always made). A new option is one line here.
CHOICES: tuple[Choice, ...] = (
    Choice("check_only", "只检查，不生成通报", "只检查台账、生成汇总表"),
    Choice("strict", "严格模式", "有警告也不生成通报"),
    Choice("report", "整改情况报告（附整改台账）", "向巡察工作领导小组办公室报送的整改情况报告"),
    Choice("plan", "整改方案（附三张清单）", "问题清单、任务清单、责任清单"),
    Choice("pdf", "PDF", "同时生成 PDF 版通报（用 Word、WPS 或 LibreOffice）"),
    Choice("remind", "督办提醒函", "为有红灯、黄灯措施的部门生成督办提醒函"),
    Choice("eml", "邮件草稿", "生成邮件草稿（.eml），双击即可在邮件程序中打开"),
    Choice("send", "直接发送邮件", "按邮件设置发送；密码只在本次使用，不会保存"),
)


# What the 生成 button does: (the value kept in the form, what the clerk reads).
ACTIONS: tuple[tuple[str, str], ...] = (
    ("generate", "生成通报和汇总表"),
    ("split_department", "拆分给各部门填报（每个责任部门一份）"),
    ("split_leader", "拆分给各责任领导填报（每位责任领导一份）"),
    ("merge", "合并各部门交回的填报表，再生成通报"),
)


@dataclass(frozen=True)
class Form:
    """Every field of the window as text and ticks, exactly as the clerk left them."""

    source: str = ""  # a ledger file, or a folder for a whole round
    out_dir: str = ""
    as_of: str = ""  # "" is today
    warn_days: str = str(DEFAULT_WARN_DAYS)
    since: str = ""  # the earlier ledger (a folder of them for a round)
    format_path: str = ""  # a workbook whose 通报格式 sheet words the notice
    mail_config: str = ""
    action: str = "generate"  # one of ACTIONS
    returned: str = ""  # --merge: the returned copies' folder (or one copy)
    check_only: bool = False
    strict: bool = False
    report: bool = False
    plan: bool = False
    pdf: bool = False
    remind: bool = False
    eml: bool = False
    send: bool = False

    def ticked(self, name: str) -> bool:
        return bool(getattr(self, name))


@dataclass(frozen=True)
class Problem:
    """A field the clerk must fix before anything runs: which one, and what to do."""

    field: str
    message: str


@dataclass(frozen=True)
class Job:
    """A checked form: the front door's request, whether it is a whole round (a folder), and what to do."""

    request: Request
    batch: bool
    action: str = "generate"
    returned: Path | None = None  # the copies to merge


def to_job(form: Form, today: date | None = None) -> Job | list[Problem]:
    """The form as a Request, or what is wrong with it, each problem naming its field in Chinese."""
    problems: list[Problem] = []
    source = _typed_path(form.source, "source", "台账（或文件夹）", problems)
    if source is None and not problems:
        problems.append(Problem("source", "请选择台账文件（或一轮巡察各单位台账所在的文件夹）"))
    elif source is not None and not _found(source):
        problems.append(Problem("source", f"找不到 {_shown(source)}，请重新选择台账文件或文件夹"))
        source = None
    out = _typed_path(form.out_dir, "out_dir", "输出文件夹", problems)
    if out is None and not any(p.field == "out_dir" for p in problems):
        problems.append(Problem("out_dir", "请选择输出文件夹"))
    as_of = _day(form.as_of, today or date.today(), problems)
    warn_days = _days(form.warn_days, problems)
    since = _optional_path(form.since, "since", "上次的台账", problems)
    format_path = _optional_path(form.format_path, "format_path", "通报格式工作簿", problems)
    mail_config = _optional_path(form.mail_config, "mail_config", "邮件设置文件", problems) if form.send else None
    if form.send and mail_config is None and not any(p.field == "mail_config" for p in problems):
        problems.append(Problem("mail_config", "直接发送邮件需要邮件设置文件（mail.ini），请选择"))
    batch = source is not None and source.is_dir()
    action = form.action if form.action in dict(ACTIONS) else "generate"
    returned = _optional_path(form.returned, "returned", "交回的填报表", problems) if action == "merge" else None
    if action != "generate" and batch:
        problems.append(Problem("source", "拆分和合并针对一份台账：请选择台账文件，而不是文件夹"))
    if action == "merge" and returned is None and not any(p.field == "returned" for p in problems):
        problems.append(Problem("returned", "请选择各部门交回的填报表所在的文件夹"))
    if batch and since is not None and since.is_file():
        problems.append(Problem("since", "整轮处理时，“上次的台账”应为上次各单位台账所在的文件夹"))
    if not batch and since is not None and since.is_dir():
        problems.append(Problem("since", "处理一个台账时，“上次的台账”应为上次报送的那一份台账文件"))
    if problems or source is None or out is None or as_of is None or warn_days is None:
        return problems
    ticks = {c.field: form.ticked(c.field) for c in CHOICES}
    request = Request(
        source,
        out,
        as_of,
        warn_days,
        format_path=format_path,
        since_path=since,
        mail_config=mail_config,
        **ticks,
    )
    return Job(request, batch, action, returned)


def _day(text: str, today: date, problems: list[Problem]) -> date | None:
    if not text.strip():
        return today
    day = parse_as_of(text)
    if day is None:
        problems.append(Problem("as_of", f"统计日期“{quoted(text.strip(), QUOTED_CHARS)}”{AS_OF_HINT}"))
    return day


def _days(text: str, problems: list[Problem]) -> int | None:
    days = parse_warn_days(text)
    if days is None:
        problems.append(
            Problem("warn_days", f"预警天数“{quoted(text.strip(), QUOTED_CHARS)}”应为 0 到 {MAX_WARN_DAYS} 之间的整数")
        )
    return days


def _optional_path(text: str, name: str, what: str, problems: list[Problem]) -> Path | None:
    path = _typed_path(text, name, what, problems)
    if path is not None and not _found(path):
        problems.append(Problem(name, f"找不到{what} {_shown(path)}，请重新选择，或清空这一项"))
        return None
    return path


def _typed_path(text: str, name: str, what: str, problems: list[Problem]) -> Path | None:
    """A path as typed or pasted; None when empty or unusable (a problem then says why): a control or invisible
    character, or thousands of characters, would reach a file name, the screen or an OS call that refuses it."""
    text = text.strip()
    if not text:
        return None
    if len(text) > MAX_PATH_CHARS:
        problems.append(Problem(name, f"{what}的路径过长（{len(text):,} 个字符），请点“选择”按钮重新选择"))
        return None
    if UNSAFE.search(text) is not None or not LINE_BREAKS.isdisjoint(text):  # 巡察　资料, zhang_xm/ are paths
        problems.append(
            Problem(name, f"{what}的路径中有换行、控制字符或看不见的字符，请点“选择”按钮重新选择，不要粘贴")
        )
        return None
    return Path(text)


def _found(path: Path) -> bool:
    """Whether the path names something; a name the system refuses (too long a part, no access) is not found."""
    try:
        path.stat()
    except (OSError, ValueError):
        return False
    return True


def _shown(path: Path) -> str:
    text = str(path)
    half = SHOWN_PATH_CHARS // 2
    return text if len(text) <= SHOWN_PATH_CHARS else f"{text[:half]}…{text[-half:]}"


FORM_FIELDS = tuple(f.name for f in fields(Form))
