"""File names safe on every system, and file-system errors in Chinese: for every stage."""

from __future__ import annotations

import re
import unicodedata

from rectification.core.text import CONTROL_CHARS, INVISIBLE_CHARS

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
    (CON, NUL, COM1…, with or without an extension), not starting like an Office lock file (~$) or like the
    files this tool stages (~tmp-…, which a later run may remove as its own leftovers).
    """
    name = unicodedata.normalize("NFC", DROPPED_FROM_NAMES.sub("", text))  # macOS stores names composed
    name = UNSAFE_IN_NAMES.sub("_", name).strip(" .")[:MAX_NAME_CHARS]
    name = _cut_to_bytes(name, MAX_NAME_BYTES).rstrip(" .")
    if name.startswith(("~$", "~tmp-")):
        name = "_" + name[1:]  # Word, Excel and the batch scan take ~$… for a lock file; ~tmp-… is staging
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


def unique_name(name: str, used: set[str], folder: str, suffix: str) -> str:
    """<folder>/<name><suffix>, safe on every system; names that come out alike (case aside) get （2）, （3）.

    used holds the names given so far, casefolded, and is updated.
    """
    stem = safe_file_name(name)
    candidate, n = stem, 1
    while candidate.casefold() in used:
        n += 1
        candidate = f"{stem}（{n}）"
    used.add(candidate.casefold())
    return f"{folder}/{candidate}{suffix}"
