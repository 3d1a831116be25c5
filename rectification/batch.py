"""A whole inspection round: every ledger in a folder, in parallel, each into OUT/<发文机关>/, plus the roll-up.

Workers run `pipeline.run` into a private staging folder and send back plain data (`Outcome`); the parent
then moves each unit's files into place in input order, so names never depend on which worker finished first.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .model import Level
from .output import MAX_NAME_CHARS, safe_file_name, write_noting_renames
from .pipeline import SUMMARY_SUFFIX, Options

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")  # .xls is read only to say how to convert it
LOCK_PREFIX = "~$"
PRODUCED, BLOCKED, CHECKED, UNREADABLE = "已生成", "有错误", "已检查", "无法读取"
TAG_CHARS = 40  # at most this much of a ledger's file name goes into a shared folder's file names

if TYPE_CHECKING:
    from .summary import Cell, Figures


class FolderUnusable(Exception):
    """The batch folder cannot be scanned (exit 2); the message is for the user."""


@dataclass(frozen=True)
class Skipped:
    """A file in the folder that is not a ledger, and why."""

    path: Path
    reason: str


@dataclass
class Outcome:
    """One ledger's result as plain, picklable data: what the console and the roll-up show."""

    path: Path  # the ledger
    state: str  # PRODUCED, BLOCKED, CHECKED or UNREADABLE
    unit: str = ""  # 发文机关; "" when 基本信息 could not be read
    message: str = ""  # why the ledger could not be read
    detail: str = ""  # a traceback for the maintainer when the program itself failed
    figures: Figures | None = None  # None when the ledger could not be read
    counts: tuple[int, int, int] = (0, 0, 0)  # errors, warnings, hints
    # summary.red_rows(): the roll-up's 红灯事项 (rollup.RED_COLUMNS) without 单位
    red_rows: list[tuple[Cell, ...]] = field(default_factory=list)
    staged: list[Path] = field(default_factory=list)  # files written by the worker, to be moved into place
    files: list[Path] = field(default_factory=list)  # the files in place: notice (if any), then summary
    renamed: list[tuple[Path, Path]] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return self.counts[0]


@dataclass
class BatchResult:
    outcomes: list[Outcome]  # in file-name order
    skipped: list[Skipped]
    rollup_path: Path | None = None
    renamed: list[tuple[Path, Path]] = field(default_factory=list)

    def tally(self) -> Counter[str]:
        return Counter(o.state for o in self.outcomes)


def scan(folder: Path) -> tuple[list[Path], list[Skipped]]:
    """The ledgers in a folder (not its subfolders), sorted by name, and the files passed over."""
    if not folder.is_dir():
        raise FolderUnusable(f"找不到文件夹：{folder}。请检查 --batch 后的文件夹路径。")
    try:
        entries = sorted((p for p in folder.iterdir() if p.is_file()), key=lambda p: p.name)
    except OSError as error:
        raise FolderUnusable(f"无法读取文件夹 {folder}：{error.strerror or error}") from error
    ledgers: list[Path] = []
    skipped: list[Skipped] = []
    for path in entries:
        if path.name.startswith(LOCK_PREFIX):
            skipped.append(Skipped(path, "Excel/WPS 打开文件时生成的临时锁定文件"))
        elif path.suffix.lower() not in WORKBOOK_SUFFIXES:
            skipped.append(Skipped(path, "不是 Excel 工作簿"))
        else:
            ledgers.append(path)
    return ledgers, skipped


def run_batch(
    folder: Path,
    out_dir: Path,
    options: Options,
    progress: Callable[[Outcome], None] | None = None,
    workers: int | None = None,
) -> BatchResult:
    """Process every ledger in folder; writes each unit's files and the roll-up; never raises for one ledger."""
    from .rollup import build_rollup, rollup_name

    ledgers, skipped = scan(folder)
    result = BatchResult([], skipped)
    if not ledgers:
        return result
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="~batch-", dir=out_dir))
    try:
        result.outcomes = _process_all(ledgers, staging, options, progress, workers)
        _place(result.outcomes, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    rollup = build_rollup(result.outcomes, result.skipped, options.as_of)
    result.rollup_path = write_noting_renames(out_dir / rollup_name(options.as_of), rollup, result.renamed)
    return result


def _process_all(
    ledgers: list[Path],
    staging: Path,
    options: Options,
    progress: Callable[[Outcome], None] | None,
    workers: int | None,
) -> list[Outcome]:
    jobs = [(path, staging / str(n), options) for n, path in enumerate(ledgers)]
    workers = min(workers or os.cpu_count() or 1, len(jobs))
    if workers <= 1:
        outcomes = []
        for job in jobs:
            outcomes.append(process_one(*job))
            if progress:
                progress(outcomes[-1])
        return outcomes

    from concurrent.futures import ProcessPoolExecutor, as_completed

    from . import pipeline  # noqa: F401  (imported before the workers fork, so that they start warm)

    done: dict[int, Outcome] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(process_one, *job): n for n, job in enumerate(jobs)}
        for future in as_completed(futures):
            n = futures[future]
            try:
                done[n] = future.result()
            except Exception:  # the worker process itself died (killed, out of memory)
                done[n] = Outcome(ledgers[n], UNREADABLE, message="处理时程序意外退出", detail=traceback.format_exc())
            if progress:
                progress(done[n])
    return [done[n] for n in range(len(jobs))]


def process_one(path: Path, out_dir: Path, options: Options) -> Outcome:
    """One ledger in a worker: run the pipeline, return plain data; every failure becomes an Outcome."""
    from .pipeline import run
    from .reader import WorkbookUnusable
    from .summary import figures, red_rows

    try:
        result = run(path, out_dir, options)
    except WorkbookUnusable as error:
        return Outcome(path, UNREADABLE, message=str(error))
    except Exception:  # one ledger's failure must not stop the round; detail names it for the maintainer
        return Outcome(path, UNREADABLE, message="程序意外出错", detail=traceback.format_exc())
    ledger = result.ledger
    state = BLOCKED if result.blocked else CHECKED if options.check_only else PRODUCED
    return Outcome(
        path,
        state,
        unit=ledger.info.issuer if ledger.info else "",
        figures=figures(ledger, options.as_of, options.warn_days),
        counts=(result.count(Level.ERROR), result.count(Level.WARNING), result.count(Level.HINT)),
        red_rows=red_rows(ledger, options.as_of, options.warn_days),
        staged=[p for p in (result.notice_path, result.summary_path) if p is not None],
    )


def _place(outcomes: list[Outcome], out_dir: Path) -> None:
    """Move staged files to OUT/<发文机关>/; units sharing a folder get the ledger's file name in theirs.

    A name already given in this batch (a.xlsx and a.xlsm; long titles cut to one name) gets （2）, （3）…
    """
    folders = [safe_file_name(o.unit or o.path.stem) for o in outcomes]
    shared = Counter(folder for folder, o in zip(folders, outcomes, strict=True) if o.staged)
    used: set[str] = set()
    for folder, outcome in zip(folders, outcomes, strict=True):
        tag = f"（{safe_file_name(outcome.path.stem)[:TAG_CHARS]}）" if shared[folder] > 1 else ""
        names = _free_names(folder, [staged.name for staged in outcome.staged], tag, used)
        for staged, name in zip(outcome.staged, names, strict=True):
            target = out_dir / folder / name
            outcome.files.append(write_noting_renames(target, staged.read_bytes(), outcome.renamed))
        outcome.staged = []


def _free_names(folder: str, names: list[str], tag: str, used: set[str]) -> list[str]:
    """names tagged, plus the first counter that frees them all: a unit's notice and summary keep one counter.

    used holds “folder/name” casefolded (Windows and macOS do not tell A from a) and is updated.
    """
    for n in itertools.count(1):
        tagged = [_tagged(name, tag + (f"（{n}）" if n > 1 else "")) for name in names]
        keys = {f"{folder}/{name}".casefold() for name in tagged}
        if not keys & used:
            used |= keys
            return tagged
    raise AssertionError("unreachable")  # pragma: no cover


def _tagged(name: str, tag: str) -> str:
    """“标题.docx” → “标题（台账）.docx”; “标题_汇总.xlsx” → “标题（台账）_汇总.xlsx”; a long title is cut, not the tag."""
    if not tag:
        return name
    stem, suffix = os.path.splitext(name)
    ending = SUMMARY_SUFFIX if stem.endswith(SUMMARY_SUFFIX) else ""
    stem = stem[: len(stem) - len(ending)]
    return f"{stem[: MAX_NAME_CHARS - len(tag)]}{tag}{ending}{suffix}"
