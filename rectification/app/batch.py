"""A whole inspection round: every ledger in a folder, in parallel, each into OUT/<发文机关>/, plus the roll-up.

Workers run `pipeline.run` and send back the report's outputs as bytes with a few figures (`Outcome`); only the
parent writes. It stages each unit's files in its folder as soon as they arrive (so it never holds more than one
unit's bytes, however many ledgers the round has) and, once every ledger is done, moves them to their names in
input order, so names never depend on which worker finished first.
"""

from __future__ import annotations

import itertools
import os
import re
import threading
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from rectification.analyse.analysis import Figures
from rectification.analyse.remind import FOLDER
from rectification.analyse.report import Options, Output
from rectification.analyse.round import UnitLine
from rectification.app.since import with_shared_issuers
from rectification.core.errors import EXIT_LEDGER_ERRORS, EXIT_OK, EXIT_UNUSABLE, RectificationError
from rectification.core.model import Finding, Verdict
from rectification.core.names import MAX_NAME_CHARS, fit_name, safe_file_name
from rectification.files.write import move_into_place, remove_round_leftovers, stage, write_together
from rectification.read.package import READ_SUFFIXES
from rectification.render.registry import BY_KEY
from rectification.render.xlsx_tables import Cell

if TYPE_CHECKING:
    from rectification.app.since import EarlierCopy

WORKBOOK_SUFFIXES = (*READ_SUFFIXES, ".et")  # .et is read only to say how to convert it
LOCK_PREFIX = "~$"
OWN_ROLLUP = re.compile(r"各单位整改进展汇总_\d{4}-\d{2}-\d{2}(?:\(\d+\))?\.xlsx")  # rollup_name(), perhaps renamed
ROUND_SUFFIXES = (".docx", ".xlsx")  # the roll-up's and the round notice's, in OUT/ beside the units' folders
TAG_CHARS = 40  # at most this much of a ledger's file name goes into a shared folder's file names


class FolderUnusable(RectificationError):
    """The batch folder cannot be scanned (exit 2); the message is for the user."""

    lead = "无法使用文件夹："


@dataclass(frozen=True)
class Skipped:
    """A file in the folder that is not a ledger, and why."""

    path: Path
    reason: str


@dataclass(frozen=True)
class Scan:
    ledgers: list[Path]  # sorted by name
    skipped: list[Skipped]


class Staged(NamedTuple):
    """An output written in full under a temporary name in its folder, waiting for its own name."""

    key: str
    name: str
    temporary: str


@dataclass
class Outcome:
    """One ledger's result as plain, picklable data: what the console and the roll-up show."""

    path: Path  # the ledger
    verdict: Verdict | None  # None when the ledger could not be read
    unit: str = ""  # 发文机关; "" when 基本信息 could not be read
    message: str = ""  # why the ledger could not be read
    detail: str = ""  # a traceback for the maintainer when the program itself failed
    figures: Figures | None = None  # None when the ledger could not be read
    counts: tuple[int, int, int] = (0, 0, 0)  # errors, warnings, hints
    red: tuple[tuple[Cell, ...], ...] = ()  # summary.overdue_cells() of each red-light measure
    since: str = ""  # --since: the earlier copy's file name
    changes: tuple[int, ...] = ()  # --since: the count of each compare.Change
    outputs: tuple[Output, ...] = ()  # rendered by the worker, written by the parent
    staged: list[Staged] = field(default_factory=list)  # the outputs, written to temporary files in their folder
    files: list[Path] = field(default_factory=list)  # the files in place: notice (if any), then summary
    folder: Path | None = None  # the unit's folder, OUT/<发文机关>/
    renamed: list[tuple[Path, Path]] = field(default_factory=list)
    inspection_round: str = ""  # 巡察轮次: the round notice's title and signature name the round

    @property
    def errors(self) -> int:
        return self.counts[0]

    def line(self) -> UnitLine:
        return UnitLine(
            self.path.name,
            self.unit,
            self.verdict,
            self.figures,
            self.errors,
            self.red,
            self.message,
            self.since,
            self.changes,
            self.inspection_round,
        )


@dataclass
class BatchResult:
    outcomes: list[Outcome]  # in file-name order
    skipped: list[Skipped]
    rollup_path: Path | None = None
    round_path: Path | None = None  # the round's summary notice
    round_findings: list[Finding] = field(default_factory=list)  # what is wrong with --format's round keys
    renamed: list[tuple[Path, Path]] = field(default_factory=list)

    def tally(self) -> Counter[Verdict | None]:
        return Counter(o.verdict for o in self.outcomes)

    @property
    def exit_code(self) -> int:
        """0 every ledger produced; 1 some need the clerk (or the round's keys are wrong); 2 none usable."""
        tally = self.tally()
        unreadable, blocked = tally[None], tally[Verdict.BLOCKED]
        if unreadable == len(self.outcomes):  # no ledger at all, or none readable
            return EXIT_UNUSABLE
        return EXIT_LEDGER_ERRORS if unreadable or blocked or self.round_findings else EXIT_OK


def scan(folder: Path) -> Scan:
    """The ledgers in a folder (not its subfolders), sorted by name, and the files passed over."""
    if folder.is_file():
        raise FolderUnusable(
            f"{folder} 是一个文件，不是文件夹。批量处理请指定各单位台账所在的文件夹；只处理这一份台账时，直接指定它（不加 --batch）。"
        )
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
        elif OWN_ROLLUP.fullmatch(path.name):
            skipped.append(Skipped(path, "本程序以前生成的各单位汇总表"))
        else:
            ledgers.append(path)
    return Scan(ledgers, skipped)


def load_earlier(folder: Path, workers: int | None = None) -> list[EarlierCopy]:
    """--since with --batch: every earlier copy in the folder read once, in parallel; each ledger pairs with one."""
    from rectification.app.since import read_earlier

    paths = scan(folder).ledgers
    workers = min(workers or os.cpu_count() or 1, len(paths))
    if workers <= 1:
        return [read_earlier(path) for path in paths]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers, initializer=_die_with_parent) as pool:
        return list(pool.map(read_earlier, paths, chunksize=8))


def run_batch(
    found: Scan,
    out_dir: Path,
    options: Options,
    progress: Callable[[float, str], None] | None = None,
    workers: int | None = None,
) -> BatchResult:
    """Process every ledger found; writes each unit's files and the roll-up; never raises for one ledger."""
    result = BatchResult([], found.skipped)
    if not found.ledgers:
        return result
    remove_round_leftovers(out_dir, FOLDER)
    options = with_shared_issuers(options, found.ledgers)
    arrived: list[Outcome] = []

    def stage_outputs(outcome: Outcome) -> None:
        arrived.append(outcome)
        _stage_outputs(outcome, out_dir)

    placed = False
    try:
        result.outcomes = _process_all(found.ledgers, options, progress, workers, stage_outputs)
        _place(result.outcomes, out_dir)
        placed = True
    finally:  # a failed write or Ctrl-C: no temporary file stays behind
        for staged in (s for outcome in arrived for s in outcome.staged) if not placed else ():
            if os.path.exists(staged.temporary):
                os.unlink(staged.temporary)
    _write_round(result, found, out_dir, options)
    return result


def _write_round(result: BatchResult, found: Scan, out_dir: Path, options: Options) -> None:
    """The round's outputs (the registry's ROUND_RENDERERS: roll-up, round notice) rendered, then written together."""
    from rectification.analyse.round import analyse_round
    from rectification.render.registry import ROLLUP, ROUND_NOTICE, render_round
    from rectification.render.round_notice import round_budget_findings

    lines = [o.line() for o in result.outcomes]
    round_ = analyse_round(lines, [(s.path.name, s.reason) for s in found.skipped], options)
    if not round_.findings:  # the round notice's filled text within its budget, or no round notice
        round_ = replace(round_, findings=tuple(round_budget_findings(round_)))
    result.round_findings = list(round_.findings)
    outputs = render_round(round_)
    written = write_together([(out_dir / o.name, o.data) for o in outputs], result.renamed)
    paths = {o.key: path for o, path in zip(outputs, written, strict=True)}
    result.rollup_path, result.round_path = paths.get(ROLLUP), paths.get(ROUND_NOTICE)


def _process_all(
    ledgers: list[Path],
    options: Options,
    progress: Callable[[float, str], None] | None,
    workers: int | None,
    arrived: Callable[[Outcome], None],
) -> list[Outcome]:
    """Every ledger's outcome in input order; arrived() hears of each as it comes, then progress()."""
    workers = min(workers or os.cpu_count() or 1, len(ledgers))
    done: dict[int, Outcome] = {}

    def take(n: int, outcome: Outcome) -> None:
        done[n] = outcome
        arrived(outcome)
        if progress:
            progress(len(done) / len(ledgers), f"已处理{len(done)}/{len(ledgers)}个台账（{outcome.path.name}）")

    if workers <= 1:
        for n, path in enumerate(ledgers):
            take(n, process_one(path, options))
        return [done[n] for n in range(len(ledgers))]

    from concurrent.futures import ProcessPoolExecutor, as_completed

    from rectification.app.since import EARLIER_COPIES

    pool = ProcessPoolExecutor(
        max_workers=workers, initializer=_start_worker, initargs=(tuple(EARLIER_COPIES.values()),)
    )
    try:
        futures = {pool.submit(process_one, path, options): n for n, path in enumerate(ledgers)}
        for future in as_completed(futures):
            n = futures[future]
            try:
                outcome = future.result()
            except Exception:  # the worker process itself died (killed, out of memory)
                outcome = Outcome(ledgers[n], None, message="处理时程序意外退出", detail=traceback.format_exc())
            take(n, outcome)
    except BaseException:  # a write failed, or Ctrl-C: drop the ledgers not yet started
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    return [done[n] for n in range(len(ledgers))]


def _start_worker(earlier: tuple[EarlierCopy, ...]) -> None:
    """A worker's start: the batch's earlier copies (read once by the parent's pool), and an exit with the parent."""
    from rectification.app.since import install_earlier

    install_earlier(earlier)
    _die_with_parent()


def _die_with_parent() -> None:
    """In a worker: exit as soon as the parent is gone (killed, or its console window closed)."""
    import multiprocessing
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def process_one(path: Path, options: Options) -> Outcome:
    """One ledger in a worker: run the pipeline, return plain data; every failure becomes an Outcome."""
    from rectification.analyse.compare import Change
    from rectification.app.pipeline import run
    from rectification.core.model import Light
    from rectification.read.reader import WorkbookUnusable
    from rectification.render.summary import overdue_cells
    from rectification.render.template import TemplateUnusable

    try:
        report = run(path, options)
    except (WorkbookUnusable, TemplateUnusable) as error:
        return Outcome(path, None, message=str(error))
    except Exception:  # one ledger's failure must not stop the round; detail names it for the maintainer
        return Outcome(path, None, message="程序意外出错", detail=traceback.format_exc())
    info = report.ledger.info
    progress = report.progress
    counts = progress.counts() if progress else None
    return Outcome(
        path,
        report.verdict,
        unit=info.issuer if info else "",
        inspection_round=info.inspection_round if info else "",
        figures=report.analysis.figures,
        counts=report.counts,
        red=tuple(overdue_cells(t) for t in report.analysis.with_light(Light.RED)),
        since=progress.old_name if progress else "",
        changes=tuple(counts[c] for c in Change) if counts is not None else (),
        outputs=report.outputs,
    )


def _folder(outcome: Outcome) -> str:
    """OUT/<发文机关>/, or the ledger's name when 基本信息 could not be read.

    Never named like a file the round writes beside the units' folders (a 发文机关 of “本轮整改进展情况汇总通报.docx”
    would take the round notice's place): a name ending in .docx or .xlsx gets “（单位）” after it.
    """
    name = safe_file_name(outcome.unit or outcome.path.stem)
    return f"{name}（单位）" if name.lower().endswith(ROUND_SUFFIXES) else name


def _stage_outputs(outcome: Outcome, out_dir: Path) -> None:
    """Write a unit's outputs in full under temporary names in its folder, and let go of their bytes."""
    folder = out_dir / _folder(outcome)
    for output in outcome.outputs:
        outcome.staged.append(Staged(output.key, output.name, stage(folder / output.name, output.data)))
    outcome.outputs = ()


def _place(outcomes: list[Outcome], out_dir: Path) -> None:
    """Move each unit's staged files to their names in OUT/<发文机关>/; units sharing a folder get the ledger's
    file name in theirs. A name already given in this batch (a.xlsx and a.xlsm; long titles cut to one name)
    gets （2）, （3）…; a name Word or Excel keeps locked gets “name(2).ext”, noted in the outcome's renamed.
    """
    folders = [_folder(o) for o in outcomes]
    shared = Counter(folder for folder, o in zip(folders, outcomes, strict=True) if o.staged)
    used: set[str] = set()
    for folder, outcome in zip(folders, outcomes, strict=True):
        tag = f"（{safe_file_name(outcome.path.stem)[:TAG_CHARS]}）" if shared[folder] > 1 else ""
        names = _free_names(folder, outcome.staged, tag, used)
        outcome.folder = out_dir / folder
        for name, staged in zip(names, outcome.staged, strict=True):
            target = out_dir / folder / name
            path = move_into_place(staged.temporary, target)
            if path != target:
                outcome.renamed.append((target, path))
            outcome.files.append(path)


def _free_names(folder: str, outputs: list[Staged], tag: str, used: set[str]) -> list[str]:
    """The outputs' names tagged, plus the first counter that frees them all: a unit's files keep one counter.

    used holds “folder/name” casefolded (Windows and macOS do not tell A from a) and is updated.
    """
    for n in itertools.count(1):
        tagged = [_tagged(o, tag + (f"（{n}）" if n > 1 else "")) for o in outputs]
        keys = {f"{folder}/{name}".casefold() for name in tagged}
        if not keys & used:
            used |= keys
            return tagged
    raise AssertionError("unreachable")  # pragma: no cover


def _tagged(output: Staged, tag: str) -> str:
    """“标题.docx” → “标题（台账）.docx”; “标题_汇总.xlsx” → “标题（台账）_汇总.xlsx”; a long title is cut, not the tag.

    Files not named after the title (督办/综合科.docx) take the tag before their extension.
    """
    if not tag:
        return output.name
    suffix = BY_KEY[output.key].suffix
    if not (suffix and output.name.endswith(suffix)):
        suffix = os.path.splitext(output.name)[1]
    folder, _, name = output.name.rpartition("/")
    stem = name[: len(name) - len(suffix)]
    fitted = fit_name(stem[: MAX_NAME_CHARS - len(tag)], tag + suffix)  # within 255 bytes, tag and suffix whole
    return f"{folder}/{fitted}" if folder else fitted
