"""Deliver files whole or not at all, even when Word or Excel holds the old one open."""

from __future__ import annotations

import os
import re
import stat
import time
import unicodedata
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .report import Report

from .text import CONTROL_CHARS, INVISIBLE_CHARS

# Characters Windows refuses (macOS refuses : and /, Linux /), controls, invisible marks, lone surrogates.
UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
DROPPED_FROM_NAMES = re.compile(f"[{CONTROL_CHARS}{INVISIBLE_CHARS}\ud800-\udfff]")
# Names Windows keeps for devices, with any extension: CON.docx opens the console, not a file.
RESERVED_NAMES = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{device}{n}" for device in ("COM", "LPT") for n in "123456789¹²³"
}
MAX_NAME_CHARS = 120  # leaves room for the folder within Windows' 260-character paths
MAX_NAME_BYTES = 200  # leaves room for “(2)”, “_汇总” and the extension
MAX_FILE_NAME_BYTES = 255  # ext4, APFS and NTFS (NTFS counts UTF-16 units, never more than UTF-8 bytes)
LOCKED_COPY_ROOM = len("(99)")  # what write_atomically may add when the target is locked
RETRIES = 5
RETRY_PAUSE = 0.2


def os_error_text(error: OSError) -> str:
    """A Chinese reason for a file-system failure (strerror is English on most systems)."""
    if isinstance(error, PermissionError):
        return "没有权限，或文件正被其他程序占用"
    if isinstance(error, FileNotFoundError):
        return "路径不存在"
    if isinstance(error, (FileExistsError, NotADirectoryError)):
        return "同名的文件已存在，无法用作文件夹"
    if isinstance(error, IsADirectoryError):
        return "这是一个文件夹"
    if getattr(error, "errno", None) == 28:  # ENOSPC
        return "磁盘空间不足"
    return "系统无法完成读写"


def safe_file_name(text: str) -> str:
    """A file or folder name valid on Windows, macOS and Linux alike, at most MAX_NAME_BYTES bytes.

    No reserved or control characters, no invisible marks, no trailing dots or spaces, no device names
    (CON, NUL, COM1…, with or without an extension), not starting like an Office lock file (~$).
    """
    name = unicodedata.normalize("NFC", DROPPED_FROM_NAMES.sub("", text))  # macOS stores names composed
    name = UNSAFE_IN_NAMES.sub("_", name).strip(" .")[:MAX_NAME_CHARS]
    name = _cut_to_bytes(name, MAX_NAME_BYTES).rstrip(" .")
    if name.startswith("~$"):
        name = "_" + name[1:]  # Word, Excel and the batch scan take ~$… for a lock file
    return _not_a_device(name) or "通报"


def fit_name(stem: str, suffix: str = "", limit: int = MAX_FILE_NAME_BYTES - LOCKED_COPY_ROOM) -> str:
    """safe_file_name(stem) cut so that it plus suffix (kept whole: “（台账名）_汇总.xlsx”, “（2）.docx”) fits in
    limit bytes; by default room is left for the “(2)” a locked target gets."""
    room = limit - len(suffix.encode("utf-8"))
    if room < len("通报".encode()):
        raise ValueError(f"suffix {suffix!r} leaves no room for a name within {limit} bytes")
    name = _cut_to_bytes(safe_file_name(stem), room).rstrip(" .") or "通报"
    return _not_a_device(name + suffix)


def _cut_to_bytes(name: str, limit: int) -> str:
    """name cut, by whole characters, to at most limit UTF-8 bytes."""
    encoded = name.encode("utf-8")
    return encoded[:limit].decode("utf-8", "ignore") if len(encoded) > limit else name


def _not_a_device(name: str) -> str:
    """“CON.docx” → “CON_.docx”: Windows reads the part before the first dot, trailing spaces dropped."""
    first, dot, rest = name.partition(".")
    if first.rstrip(" ").upper() in RESERVED_NAMES:
        return f"{first.rstrip(' ')}_{dot}{rest}"
    return name


@dataclass
class Saved:
    """Where a report's outputs went."""

    files: list[tuple[str, Path]] = field(default_factory=list)  # (renderer key, the file written), in output order
    renamed: list[tuple[Path, Path]] = field(default_factory=list)  # (intended, written) when the target was locked
    # (label, file) an earlier run left, which this run did not replace
    stale: list[tuple[str, Path]] = field(default_factory=list)

    def paths(self, key: str) -> list[Path]:
        return [path for k, path in self.files if k == key]


def save_report(report: Report, folder: Path) -> Saved:
    """Write a report's outputs into folder, all or none; note earlier outputs this run did not replace."""
    from .renderers import RENDERERS

    saved = Saved()
    written = write_together([(folder / o.name, o.data) for o in report.outputs], saved.renamed)
    saved.files = [(o.key, path) for o, path in zip(report.outputs, written, strict=True)]
    made = {key for key, _ in saved.files}
    for renderer in RENDERERS:
        earlier = folder / renderer.file_name(report.stem)
        if renderer.suffix and renderer.key not in made and earlier.exists():
            saved.stale.append((renderer.label, earlier))
    return saved


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
    """A new file named ~tmp-…<suffix> in target's folder, opened for writing, made with mode (the umask applied)."""
    for _ in range(100):
        temporary = str(target.parent / f"~tmp-{os.urandom(4).hex()}{target.suffix}")
        try:
            return os.open(temporary, CREATE, mode), temporary
        except FileExistsError:
            continue
    raise FileExistsError(f"无法在 {target.parent} 中创建临时文件")


def move_into_place(temporary: str, target: Path) -> Path:
    for candidate in _candidates(target):
        if _replace_with_retries(temporary, candidate):
            return candidate
    raise PermissionError(f"无法写入 {target}")


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
