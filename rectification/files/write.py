"""Deliver files whole or not at all, even when Word or Excel holds the old one open."""

from __future__ import annotations

import hashlib
import os
import re
import socket
import stat
import time
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rectification.analyse.report import Output, Report

from rectification.core.names import MAX_FILE_NAME_BYTES, fit_name

RETRIES = 5
RETRY_PAUSE = 0.2


@dataclass
class Saved:
    """Where a report's outputs went."""

    files: list[tuple[str, Path]] = field(default_factory=list)  # (renderer key, the file written), in output order
    renamed: list[tuple[Path, Path]] = field(default_factory=list)  # (intended, written) when the target was locked
    # (label, file) an earlier run left, which this run did not replace
    stale: list[tuple[str, Path]] = field(default_factory=list)

    def paths(self, key: str) -> list[Path]:
        return [path for k, path in self.files if k == key]


def save_report(report: Report, folder: Path, pending: frozenset[str] = frozenset()) -> Saved:
    """Write a report's outputs into folder, all or none; note earlier outputs this run did not replace.

    pending: renderers' keys whose outputs come later (save_outputs), not to be taken for stale.
    """
    from rectification.render.registry import RENDERERS

    saved = Saved()
    for place in dict.fromkeys((folder / o.name).parent for o in report.outputs):
        remove_leftovers(place)
    save_outputs(report.outputs, folder, saved)
    made = {key for key, _ in saved.files} | pending
    for renderer in RENDERERS:
        earlier = folder / renderer.file_name(report.stem)
        if renderer.suffix and renderer.key not in made and earlier.exists():
            saved.stale.append((renderer.label, earlier))
    return saved


def save_outputs(outputs: Sequence[Output], folder: Path, saved: Saved) -> None:
    """Write outputs into folder, all or none, adding them (and any renamed for a lock) to saved."""
    written = write_together([(folder / o.name, o.data) for o in outputs], saved.renamed)
    saved.files += [(o.key, path) for o, path in zip(outputs, written, strict=True)]


def write_together(files: Sequence[tuple[Path, bytes]], renamed: list[tuple[Path, Path]]) -> list[Path]:
    """Write every file or none: each is first written in full beside its target, then moved into place.

    A target Word or Excel keeps locked gets “name(2).ext”, recorded in renamed as (intended, written).
    Returns the paths written, in order.
    """
    staged: list[tuple[Path, str]] = []
    try:
        for target, data in files:  # a full disk fails here, before any file is replaced
            staged.append((target, stage(target, data)))
        written = []
        for target, temporary in staged:
            path = move_into_place(temporary, target)
            if path != target:
                renamed.append((target, path))
            written.append(path)
        return written
    finally:
        for _, temporary in staged:
            if os.path.exists(temporary):
                os.unlink(temporary)


def write_atomically(target: Path, data: bytes) -> Path:
    """Write data to target via a temporary file; if target stays locked, use “name(2).ext”.

    Returns the path actually written.
    """
    return write_together([(target, data)], [])[0]


def write_noting_renames(target: Path, data: bytes, renamed: list[tuple[Path, Path]]) -> Path:
    """write_atomically, recording (intended, written) in renamed when the target was locked."""
    return write_together([(target, data)], renamed)[0]


def stage(target: Path, data: bytes) -> str:
    """data in a temporary file beside target; returns its path.

    The file is made with a new file's mode (what the umask gives; tempfile.mkstemp's 0600 would keep others in
    the unit out), or the mode of the file it will replace. A batch stages two files a unit, and on some disks
    each change of a file's metadata costs a millisecond: a new file's takes none.
    """
    if not target.parent.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
    kept: int | None = None  # the mode of the file replaced (POSIX modes only)
    if os.name == "posix":
        with suppress(OSError):
            kept = stat.S_IMODE(os.stat(target).st_mode)
    handle, temporary = _create_beside(target, 0o666 if kept is None else 0o600)
    try:
        with os.fdopen(handle, "wb") as stream:
            if kept is not None:  # the replaced file's mode, set while the file is still empty: never more open
                os.fchmod(handle, kept)
            stream.write(data)
    except BaseException:
        os.unlink(temporary)
        raise
    return temporary


CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)


def _create_beside(target: Path, mode: int) -> tuple[int, str]:
    """A new file in target's folder, opened for writing, made with mode (the umask applied).

    Its name says whose it is (STAGED: this tool, this computer, this process), so that a later run can prove a
    leftover its own and remove it, and never touches a user's file such as ~tmp-会议记录.docx.
    """
    for _ in range(100):
        temporary = str(
            target.parent / f"~tmp-rectification.{_host()}.{os.getpid()}.{os.urandom(4).hex()}{target.suffix}"
        )
        try:
            return os.open(temporary, CREATE, mode), temporary
        except FileExistsError:
            continue
    raise FileExistsError(f"无法在 {target.parent} 中创建临时文件")


STAGED = re.compile(r"~tmp-rectification\.([0-9a-f]{6})\.([0-9]{1,10})\.[0-9a-f]{8}(?:\.[A-Za-z]{1,5})?")
LEFTOVER_AGE = 600  # seconds: another computer's staged file this old is no run in progress (none takes that long)
RUN_MAX_AGE = 24 * 3600  # no run of this computer stages a file for a day


@cache
def _host() -> str:
    """This computer, in six hex digits: a network folder may be written from several."""
    return hashlib.blake2s(socket.gethostname().encode("utf-8", "replace"), digest_size=3).hexdigest()


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the files a run of this tool staged in folder and left when it was killed outright (SIGKILL, a power
    cut): named by STAGED, from this computer, by a process no longer running (whatever their age) or a day old, or
    from another computer and older than LEFTOVER_AGE. Nothing else is touched. Returns what was removed."""
    removed = []
    now = time.time()
    with suppress(OSError):
        for entry in os.scandir(folder):
            found = STAGED.fullmatch(entry.name)
            if found is None or not entry.is_file(follow_symlinks=False):
                continue
            with suppress(OSError):
                age = now - entry.stat(follow_symlinks=False).st_mtime
                if found[1] == _host():
                    if age <= RUN_MAX_AGE and (int(found[2]) == os.getpid() or _running(int(found[2]))):
                        continue  # a run in progress (a process reusing a dead run's id lets it stay a day at most)
                elif age <= LEFTOVER_AGE:
                    continue
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def remove_round_leftovers(out_dir: Path, subfolder: str) -> None:
    """remove_leftovers() in a round's folder, each unit's folder in it, and each unit's subfolder (督办)."""
    remove_leftovers(out_dir)
    with suppress(OSError):
        for unit in (p for p in out_dir.iterdir() if p.is_dir() and not p.is_symlink()):
            remove_leftovers(unit)
            remove_leftovers(unit / subfolder)


def _running(pid: int) -> bool:
    """Whether a process with this id runs on this computer (when unsure, yes: then nothing is removed)."""
    if not 0 < pid < 2**31:
        return False  # no process has this id (os.kill would raise OverflowError, not OSError)
    if os.name == "nt":
        import ctypes

        kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel.GetLastError() != 87  # ERROR_INVALID_PARAMETER: no such process
        code = ctypes.c_ulong()
        kernel.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)  # signal 0: only asks whether it exists
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: another user's process
        return True
    return True


def move_into_place(temporary: str, target: Path) -> Path:
    for candidate in _candidates(target):
        if _replace_with_retries(temporary, candidate):
            return candidate
    raise PermissionError(f"无法写入 {target}")


def unused_path(target: Path) -> Path:
    """target, or “name(2).ext”, “name(3).ext”… when a file of that name exists: an earlier result is never replaced."""
    return next((candidate for candidate in _candidates(target) if not candidate.exists()), target)


def _candidates(target: Path):
    yield target
    for n in range(2, 100):
        candidate = target.with_name(fit_name(target.stem, f"({n}){target.suffix}", MAX_FILE_NAME_BYTES))
        if not candidate.exists():
            yield candidate


def _replace_with_retries(temporary: str, target: Path) -> bool:
    for attempt in range(RETRIES):
        try:
            os.replace(temporary, target)
            return True
        except PermissionError:  # Word/WPS/Excel locks an open file on Windows
            if attempt + 1 < RETRIES:
                time.sleep(RETRY_PAUSE)
    return False
