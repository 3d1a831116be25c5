"""Look at a file's bytes before any parser does: what it really is, and whether it is safe to open."""

from __future__ import annotations

import io
import zipfile
import zlib

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc, and password-protected .xlsx
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")  # a stream only encrypted OOXML files hold
STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
MAX_UNPACKED_BYTES = 300 * 1024 * 1024  # a 100,000-row ledger unpacks to well under 100 MB
MAX_RATIO = 200  # real sheets compress about 10:1; bombs 1000:1 and more
RATIO_FLOOR_BYTES = 10 * 1024 * 1024  # small parts may compress well without harm
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg")  # never parsed
DTD_MARKS = tuple(
    mark.encode(encoding) for mark in ("<!DOCTYPE", "<!ENTITY") for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)

RESAVE = "请在 Excel 或 WPS 中打开它，“另存为”选择“Excel 工作簿（*.xlsx）”后重试。"


class UnsafePackage(ValueError):
    """The bytes are not an .xlsx we can safely read; the message says what they are and what to do."""


def inspect(data: bytes, name: str) -> None:
    """Raise UnsafePackage unless data is a plain, reasonably sized .xlsx package."""
    if not data:
        raise UnsafePackage(f"{name} 是空文件（0 字节）。请确认选对了文件，或重新从原处复制一份。")
    if data.startswith(OLE2_MAGIC):
        if ENCRYPTED_MARK in data:
            raise UnsafePackage(
                f"{name} 设置了打开密码，无法读取。请在 Excel 或 WPS 中打开，取消密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后保存再试。"
            )
        raise UnsafePackage(f"{name} 是旧版 Excel 97-2003 文件（.xls）。{RESAVE}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UnsafePackage(f"{name} 不是 Excel 工作簿（.xlsx），或文件已损坏、不完整。{RESAVE}") from None
    with archive:
        names = {m.filename for m in members}
        if "word/document.xml" in names:
            raise UnsafePackage(f"{name} 是 Word 文档，不是 Excel 台账。请选择台账所在的 .xlsx 文件。")
        if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
            raise UnsafePackage(f"{name} 不是 Excel 工作簿（.xlsx）。{RESAVE}")
        _check_sizes(members, name)
        _check_parts(archive, members, name)


def _check_sizes(members: list[zipfile.ZipInfo], name: str) -> None:
    total = sum(m.file_size for m in members)
    swollen = any(
        m.file_size > RATIO_FLOOR_BYTES and m.file_size > MAX_RATIO * max(m.compress_size, 1) for m in members
    )
    if total > MAX_UNPACKED_BYTES or swollen:
        raise UnsafePackage(
            f"{name} 解压后异常巨大（{total // (1024 * 1024)} MB），不像正常的台账，为安全起见不予读取。"
            "请确认文件来源；如确为台账，请在 Excel 或 WPS 中删除多余内容后另存再试。"
        )


def _check_parts(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse DTDs (entity expansion, external entities) and Strict Open XML before parsing."""
    for member in members:
        if member.filename.lower().endswith(PICTURE_SUFFIXES) or member.is_dir():
            continue  # every other part may be handed to a parser, whatever its name
        try:
            head = archive.read(member)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
            raise UnsafePackage(f"{name} 已损坏或不完整（{member.filename} 无法解压）。{RESAVE}") from None
        if any(mark in head for mark in DTD_MARKS):
            raise UnsafePackage(
                f"{name} 含有不安全的 XML 内容（DOCTYPE/ENTITY 声明），正常的 Excel 文件不会有，为安全起见不予读取。"
                f"请确认文件来源，{RESAVE}"
            )
        if member.filename == "xl/workbook.xml" and STRICT_NAMESPACE in head:
            raise UnsafePackage(f"{name} 是“Strict Open XML”格式，本工具无法读取。{RESAVE}")
