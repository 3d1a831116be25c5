"""What the paths dropped on generate.bat or generate.sh mean: one ledger, a whole round, or two copies to compare.

Pure: the command line looks at the paths (cli/drop_run.py: exists, folder, 发文日期, modification time) and hands
them here as `Dropped`; `decide()` returns a `Plan` — data the command line carries out and the tests read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path

# The last line after a drop: everything else is in the window. tools/launcher_messages.py ends with the same words.
WINDOW_HINT = "需要 PDF、督办提醒函、与上次比较等更多选项时，直接双击 generate.bat 打开窗口。"
ROUND_SUFFIX = "_通报"  # a dropped folder 各单位台账 writes into 各单位台账_通报 beside it
WHAT_DROPS_DO = (
    "拖入一个台账，生成通报；拖入两个台账，本次的与上次的比较；拖入一个文件夹，处理其中的全部台账（一轮巡察）。"
    "要一次处理多个台账，请把它们放进同一个文件夹，再把文件夹拖到 generate.bat 上。"
)


class Kind(Enum):
    FILE = "file"
    FOLDER = "folder"
    MISSING = "missing"  # not there: usually a name cmd cut at & or ^


class Action(Enum):
    ONE = "one"  # generate one ledger, as without --drop
    ROUND = "round"  # the batch, into <folder>_通报
    COMPARE = "compare"  # the newer ledger, --since the older
    WINDOW = "window"  # a path that is not there: the window, its file dialog starting in that folder
    REFUSE = "refuse"  # too many, or files and folders mixed: say what drops do (exit 2)


@dataclass(frozen=True)
class Dropped:
    """A dropped path as the command line found it."""

    path: Path
    kind: Kind
    issued: date | None = None  # 发文日期 in 基本信息 (read only when two ledgers are compared)
    modified: datetime | None = None  # the file's modification time


@dataclass(frozen=True)
class Plan:
    """What to do: the ledger or folder, the earlier ledger, where the output goes, and the first line to print."""

    action: Action
    source: Path | None = None
    since: Path | None = None
    out_dir: Path | None = None  # the round's folder; None: the command line's output folder
    says: str = ""


def decide(dropped: Sequence[Dropped]) -> Plan:
    """The plan for what was dropped (at most three paths reach here from generate.bat); a path given twice counts once."""
    dropped = list({d.path: d for d in dropped}.values())
    missing = [d for d in dropped if d.kind is Kind.MISSING]
    if missing:
        return Plan(Action.WINDOW, source=missing[0].path, says=cut_name_text(missing[0].path, window=True))
    files = [d for d in dropped if d.kind is Kind.FILE]
    folders = [d for d in dropped if d.kind is Kind.FOLDER]
    if len(files) == 1 and not folders:
        return Plan(Action.ONE, source=files[0].path)
    if len(folders) == 1 and not files:
        folder = folders[0].path
        out = round_folder(folder)
        return Plan(Action.ROUND, source=folder, out_dir=out, says=round_says(folder, out))
    if len(files) == 2 and not folders:
        newer, older, says = newer_first(files[0], files[1])
        return Plan(Action.COMPARE, source=newer.path, since=older.path, says=says)
    return Plan(Action.REFUSE, says=f"拖入了{_described(len(files), len(folders))}，无法确定要做什么。{WHAT_DROPS_DO}")


def round_says(folder: Path, out: Path) -> str:
    return f"处理文件夹 {folder} 中的全部台账，输出到 {out}"


def round_folder(folder: Path) -> Path:
    """Where a dropped folder's round goes: beside it, its name and _通报 (a drive's root: 本轮_通报 in it)."""
    name = folder.name or "本轮"
    return (folder.parent if folder.name else folder) / f"{name}{ROUND_SUFFIX}"


def newer_first(a: Dropped, b: Dropped) -> tuple[Dropped, Dropped, str]:
    """This time's ledger and the last one, by 发文日期 when both have different ones, else by modification time."""
    if a.issued and b.issued and a.issued != b.issued:
        newer, older = (a, b) if a.issued > b.issued else (b, a)
        why = ""
        shown = _issued
    else:
        ma, mb = a.modified or datetime.min, b.modified or datetime.min
        if ma != mb:
            newer, older = (a, b) if ma > mb else (b, a)
            why = "两份台账的发文日期相同，" if a.issued and a.issued == b.issued else "台账未都填写发文日期，"
            why += "按文件的修改时间区分"
            shown = _modified
        else:
            newer, older = (a, b) if a.path.name > b.path.name else (b, a)
            why = "两份台账的发文日期和修改时间都相同，按文件名的先后区分"
            shown = _named
    says = f"本次：{newer.path.name}（{shown(newer)}）；上次：{older.path.name}（{shown(older)}）"
    says += f"。{why}" if why else ""
    return newer, older, f"{says}。次序不对时，请双击 generate.bat，在窗口中选择台账和“上次的台账”。"


def cut_name_text(path: Path, window: bool) -> str:
    """Why a dropped file is not there (cmd cut its name at & or ^, or dropped a %), and how to rename it."""
    then = "，或在本窗口中点“选择台账…”选择它" if window else ""
    return (
        f"找不到拖入的台账文件：{path}\n"
        "文件名中有 &、^、% 等符号时，Windows 可能没有把完整的文件名交给本程序。"
        "请把台账文件改名，去掉这些符号（例如把“台账&终稿.xlsx”改为“台账终稿.xlsx”），"
        f"再拖到 generate.bat 上{then}。"
    )


def _issued(d: Dropped) -> str:
    return f"发文日期 {d.issued.isoformat()}" if d.issued else "未填写发文日期"


def _modified(d: Dropped) -> str:
    return f"修改时间 {d.modified:%Y-%m-%d %H:%M}" if d.modified else "修改时间不详"


def _named(d: Dropped) -> str:
    return _issued(d)


def _described(files: int, folders: int) -> str:
    parts = [f"{files}个台账" if files else "", f"{folders}个文件夹" if folders else ""]
    return "和".join(p for p in parts if p) or "空的路径"
