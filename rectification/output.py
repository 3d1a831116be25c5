"""Deliver files whole or not at all, even when Word or Excel holds the old one open."""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .report import Report

UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
MAX_NAME_CHARS = 120  # leaves room for the folder within Windows' 260-character paths
MAX_NAME_BYTES = 200  # leaves room for “(2)”, “_汇总” and the extension
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
    """A file name Windows accepts: no reserved characters, no trailing dots or spaces."""
    name = UNSAFE_IN_NAMES.sub("_", text).strip(" .")[:MAX_NAME_CHARS]
    while len(name.encode("utf-8")) > MAX_NAME_BYTES:  # Linux and macOS count bytes: 255 a name
        name = name[:-1]
    return name.rstrip(" .") or "通报"


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
            staged.append((target, _stage(target, data)))
        written = []
        for target, temporary in staged:
            path = _move_into_place(temporary, target)
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


def _stage(target: Path, data: bytes) -> str:
    """data in a temporary file beside target; returns its path."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix="~tmp-", suffix=target.suffix, dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
    except BaseException:
        os.unlink(temporary)
        raise
    return temporary


def _move_into_place(temporary: str, target: Path) -> Path:
    for candidate in _candidates(target):
        if _replace_with_retries(temporary, candidate):
            return candidate
    raise PermissionError(f"无法写入 {target}")


def _candidates(target: Path):
    yield target
    for n in range(2, 100):
        candidate = target.with_name(f"{target.stem}({n}){target.suffix}")
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
