"""Deliver files whole or not at all, even when Word or Excel holds the old one open."""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

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


def write_atomically(target: Path, data: bytes) -> Path:
    """Write data to target via a temporary file; if target stays locked, use “name(2).ext”.

    Returns the path actually written.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix="~tmp-", suffix=target.suffix, dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        for candidate in _candidates(target):
            if _replace_with_retries(temporary, candidate):
                return candidate
        raise PermissionError(f"无法写入 {target}")
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def write_noting_renames(target: Path, data: bytes, renamed: list[tuple[Path, Path]]) -> Path:
    """write_atomically, recording (intended, written) in renamed when the target was locked."""
    written = write_atomically(target, data)
    if written != target:
        renamed.append((target, written))
    return written


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
