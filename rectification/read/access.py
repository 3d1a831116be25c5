"""A ledger file's bytes, read once and safely: no hang on a FIFO, a device or a share that stops answering."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

from rectification.core.errors import RectificationError
from rectification.core.names import os_error_text
from rectification.read.package import MAX_FILE_BYTES, MB, Package, UnsafePackage, inspect

READ_TIMEOUT_SECONDS = 30  # a network share or USB disk that stops answering
NOT_REGULAR = {stat.S_IFIFO: "命名管道", stat.S_IFCHR: "设备", stat.S_IFBLK: "设备", stat.S_IFSOCK: "套接字"}


class WorkbookUnusable(RectificationError):
    """The file cannot be read as a ledger at all (exit 2); the message is for the user."""

    lead = "无法使用台账："


def read_bytes(path: Path) -> tuple[bytes, Package]:
    """The file's bytes, read once (the user's file is never opened for writing), and what the package check found
    (its kind, the parts it unpacked); a FIFO, a device, a huge file or a path that stops answering get a sentence instead of a hang
    or a MemoryError."""
    outcome: list[bytes | BaseException] = []

    def read() -> None:
        try:
            outcome.append(_read_regular_file(path))
        except BaseException as error:  # handed to the caller's thread
            outcome.append(error)

    reader = threading.Thread(target=read, name="read-ledger", daemon=True)
    reader.start()
    reader.join(READ_TIMEOUT_SECONDS)
    if not outcome:
        raise WorkbookUnusable(
            f"读取 {path} 超过 {READ_TIMEOUT_SECONDS} 秒仍未完成：它所在的网络共享盘或移动硬盘没有响应。"
            "请把台账复制到本机（如桌面）后重试。"
        )
    result = outcome[0]
    if isinstance(result, WorkbookUnusable):
        raise WorkbookUnusable(str(result)) from None
    if isinstance(result, OSError):
        raise WorkbookUnusable(
            f"无法打开 {path.name}：{os_error_text(result)}。如果它正在别的程序中编辑，请先保存关闭。"
        ) from None
    if isinstance(result, BaseException):
        raise result
    try:
        package = inspect(result, path.name)
    except UnsafePackage as error:
        raise WorkbookUnusable(str(error)) from None
    return result, package


def _read_regular_file(path: Path) -> bytes:
    """Check the path's type and size first (stat does not block on a FIFO; open would), then read."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise WorkbookUnusable(f"找不到台账文件：{path}。请检查文件名和位置。") from None
    if stat.S_ISDIR(info.st_mode):
        raise WorkbookUnusable(f"{path} 是一个文件夹，不是台账文件。请指定 .xlsx 台账文件。")
    _check_regular(path, info)
    # O_NONBLOCK: should the path become a FIFO after stat, open returns at once instead of waiting for a writer.
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    descriptor = os.open(path, flags)
    with os.fdopen(descriptor, "rb") as stream:
        _check_regular(path, os.fstat(descriptor))
        data = stream.read(MAX_FILE_BYTES + 1)  # never more, even if the file grows meanwhile
    if len(data) > MAX_FILE_BYTES:
        raise _too_big(path, len(data))
    return data


def _check_regular(path: Path, info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        kind = NOT_REGULAR.get(stat.S_IFMT(info.st_mode), "特殊文件")
        raise WorkbookUnusable(f"{path} 不是普通文件（而是{kind}），不能作为台账读取。请指定 .xlsx 台账文件。")
    if info.st_size > MAX_FILE_BYTES:
        raise _too_big(path, info.st_size)


def _too_big(path: Path, size: int) -> WorkbookUnusable:
    return WorkbookUnusable(
        f"{path.name} 有 {size / MB:,.0f} MB，超过台账文件的上限（{MAX_FILE_BYTES // MB} MB），不予读取。"
        "正常的台账即使有十万行也只有几 MB：请确认选对了文件；如台账中插入了大量图片，请删除图片或另存一份不含图片的台账后重试。"
    )
