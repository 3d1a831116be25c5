"""--since: the earlier copy of a ledger (a folder of them for a batch), read once, and what changed since.

A batch reads every earlier copy once, in parallel, before the round (`load_earlier`); each worker process is handed
them at its start (`EARLIER_COPIES`), so no earlier ledger is read twice. A single earlier copy is read alongside the
ledger itself, in a forked child, where forking is safe (`EarlierReading`).
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections import Counter
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from rectification.analyse.analysis import Analysis
from rectification.analyse.compare import Progress
from rectification.analyse.report import Options, Since
from rectification.core.model import Finding, Ledger, Level
from rectification.core.text import key
from rectification.read.reader import RawWorkbook, WorkbookUnusable


class SinceUnusable(WorkbookUnusable):
    """The earlier copy named by --since cannot be used (exit 2); the message names it and says what is wrong."""

    lead = ""

    def user_text(self) -> str:
        return self.message.rstrip("。") + "。"


@dataclass(frozen=True)
class EarlierCopy:
    """An earlier ledger as read: its records and the day it stood for, or why it cannot be used."""

    path: Path
    issuer: str = ""
    ledger: Ledger | None = None
    day: date | None = None
    problem: str = ""


PR_SET_PDEATHSIG = 1  # linux/prctl.h
STOPPING = {signal.SIGINT, signal.SIGTERM}
EARLIER_COPIES: dict[Path, EarlierCopy] = {}  # a batch's earlier copies, read once (see install_earlier)


def read_earlier(path: Path) -> EarlierCopy:
    """One earlier copy, read; a file that cannot be used says why (it is reported when a ledger pairs with it)."""
    from rectification.core.text import clean
    from rectification.read.reader import read_workbook
    from rectification.records.records import build_ledger

    try:
        raw = read_workbook(path)
    except WorkbookUnusable as error:
        return EarlierCopy(path, problem=str(error))
    row = raw.info.get("发文机关")
    ledger, _ = build_ledger(raw)
    return EarlierCopy(path, clean(row[1]) if row else "", ledger, _date_of(raw, path))


class EarlierReading:
    """--since with one file: its reading, started before the ledger's own.

    On Linux, in a process with no other thread (the command line; the window works in a thread, and forking a
    threaded process can deadlock the child), a forked child reads it on the second core and hands it back pickled;
    at 10,000 measures that takes about 0.2 s off a 1.2 s run. Elsewhere, or if the child fails, it is read here.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._child: tuple[int, int] | None = None  # (pid, read end of its pipe) while a child reads

    def start(self) -> None:
        """Fork the child where that is safe. Ctrl+C and SIGTERM wait until it is recorded (so close() stops it),
        and in the child until it is inside its own handling (so the parent's clean-up never runs there)."""
        if not _may_fork():
            return
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
        try:
            self._child = _fork_reader(self.path, mask)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)

    def result(self) -> EarlierCopy:
        if self._child is not None:
            with os.fdopen(self._child[1], "rb", closefd=False) as pipe:
                data = pipe.read()  # Ctrl+C or SIGTERM while waiting here: close() still stops the child
            self.close()  # it has written all it will
            try:
                copy = pickle.loads(data) if data else None
            except Exception:  # a child cut short: read it here, whatever that says
                copy = None
            if isinstance(copy, EarlierCopy):
                return copy
        return read_earlier(self.path)

    def close(self) -> None:
        """A run that ended before it had the answer (an unusable ledger, Ctrl+C): the child is stopped and reaped."""
        child, self._child = self._child, None
        if child is not None:
            pid, fd = child
            os.close(fd)
            os.kill(pid, signal.SIGKILL)  # not reaped yet, so the pid is still the child's, finished or not
            os.waitpid(pid, 0)


def _may_fork() -> bool:
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _fork_reader(path: Path, mask: set[int | signal.Signals]) -> tuple[int, int] | None:
    """(pid, read end of its pipe) of a child that writes the pickled EarlierCopy and exits; None if no fork.
    mask: the signal mask to restore in the child once it handles them itself."""
    read_end, write_end = os.pipe()
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: nothing of the parent's (its buffered output, its exit handlers) runs here
        status = 1
        try:
            _die_with(parent)
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            os.close(read_end)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(pickle.dumps(read_earlier(path), protocol=pickle.HIGHEST_PROTOCOL))
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def _die_with(parent: int) -> None:
    """The child ends when the parent does, even killed outright (SIGKILL, a closed session): no reading left behind.

    The parent forks only with one thread (_may_fork), so the death signal, tied to the forking thread, is tied to it.
    """
    import ctypes

    # A libc without prctl (AttributeError) or a refusal (it returns -1): the child then ends when its read does.
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent was gone before the signal was asked for
        os._exit(1)


def install_earlier(copies: Iterable[EarlierCopy]) -> None:
    """Make a batch's earlier copies known to this process (the parent's, or a worker's at its start)."""
    EARLIER_COPIES.clear()
    EARLIER_COPIES.update((copy.path, copy) for copy in copies)


def since_index(copies: Iterable[EarlierCopy]) -> Since:
    """--since with --batch: the earlier copies, by 发文机关 (as their 基本信息 says) and by file name."""
    copies = list(copies)
    by_issuer = tuple((key(c.issuer), c.path) for c in copies if c.issuer)  # keyed once, not once a ledger
    return Since(by_issuer=by_issuer, by_name=tuple((c.path.name, c.path) for c in copies))


def _issuers(ledgers: list[Path]) -> list[tuple[str, Path]]:
    """(发文机关, ledger) of each ledger whose 基本信息 names one; the others are paired by file name."""
    from rectification.read.reader import WorkbookUnusable, read_issuer

    found = []
    for path in ledgers:
        try:
            issuer = read_issuer(path)
        except WorkbookUnusable:
            continue  # reported when its ledger is processed
        if issuer:
            found.append((issuer, path))
    return found


def with_shared_issuers(options: Options, ledgers: list[Path]) -> Options:
    """--since with --batch: note the 发文机关 several of this round's ledgers share, which cannot pair them."""
    if options.since is None or options.since.single is not None:
        return options
    counts = Counter(key(issuer) for issuer, _ in _issuers(ledgers))
    shared = frozenset(issuer for issuer, count in counts.items() if count > 1)
    return replace(options, since=replace(options.since, shared=shared))


def compare_with_earlier(
    path: Path, ledger: Ledger, analysis: Analysis, options: Options, reading: EarlierReading | None = None
) -> tuple[Progress | None, list[Finding]]:
    """--since: the changes from the earlier copy, and findings about it (a moved deadline is a warning).

    Problems with a file named on the command line raise SinceUnusable; with a folder they are warnings.
    """
    from rectification.analyse.analysis import analyse
    from rectification.analyse.compare import Change, compare

    assert options.since is not None
    issuer = ledger.info.issuer if ledger.info else ""
    old_path, paired = options.since.pick(issuer, path.name)
    required = options.since.single is not None
    sheet = ledger.ledger_sheet

    def trouble(message: str) -> tuple[None, list[Finding]]:
        if required:
            raise SinceUnusable(message)
        return None, [Finding(Level.WARNING, sheet, None, "", message, "本期进展对比从略")]

    if old_path is None:
        return None, [
            Finding(Level.HINT, sheet, None, "", "--since 文件夹中没有这个单位上次的台账", "本期进展对比从略")
        ]
    if old_path.resolve() == path.resolve():
        return trouble(f"--since 指定的 {old_path.name} 就是本次的台账，请指定上次报送的台账")
    earlier = EARLIER_COPIES.get(old_path)
    if earlier is None:
        earlier = reading.result() if reading is not None and reading.path == old_path else read_earlier(old_path)
    if earlier.ledger is None or earlier.day is None:
        return trouble(f"上次的台账 {old_path.name} 无法使用：{earlier.problem}")
    old_ledger, old_date = earlier.ledger, earlier.day
    if old_date > options.as_of:
        return trouble(
            f"上次的台账 {old_path.name} 的日期（{old_date.isoformat()}）晚于本次的统计日期（{options.as_of.isoformat()}），"
            "请确认 --since 指定的是较早的一份台账，或用 --as-of 指定本次的统计日期"
        )
    progress = compare(analyse(old_ledger, old_date, options.warn_days), analysis, old_path.name, old_date)
    findings = [
        Finding(
            Level.WARNING,
            sheet,
            row.new.measure.row,
            ledger.headers.get("整改时限", "整改时限"),
            f"整改时限由“{row.before}”调整为“{row.after}”（{row.note}，与上次的台账 {old_path.name} 相比）",
            "推迟时限须有依据，请在备注中写明；如属误填请改回原时限",
        )
        for row in progress.rows
        if row.change is Change.DEADLINE_MOVED and row.new is not None
    ]
    old_issuer = old_ledger.info.issuer if old_ledger.info else ""
    how = (
        f"按序号与措施相同匹配{progress.matched_same}项，按文字相近匹配{progress.matched_similar}项，"
        f"新增{progress.count(Change.ADDED)}项，删除{progress.count(Change.REMOVED)}项"
    )
    if old_issuer and issuer and key(old_issuer) != key(issuer):
        findings.append(
            Finding(
                Level.WARNING,
                sheet,
                None,
                "",
                f"上次的台账 {old_path.name} 的发文机关是“{old_issuer}”，与本台账的“{issuer}”不同（{how}）",
                "请确认 --since 指定的是本单位上次的台账",
            )
        )
    else:
        where = f"（{paired}配对）" if paired else ""
        findings.append(
            Finding(Level.HINT, sheet, None, "", f"与上次的台账 {old_path.name}{where} 相比：{how}", "无需处理")
        )
    return progress, findings


def _date_of(raw: RawWorkbook, path: Path) -> date:
    """The day an earlier copy stood for: its 发文日期 when filled in, else the day the file was last saved."""
    from rectification.core.dates import DateError, read_date

    try:
        written = read_date(raw.info.get("发文日期", (0, None))[1], raw.epoch)
    except DateError:
        written = None
    return written or date.fromtimestamp(path.stat().st_mtime)
