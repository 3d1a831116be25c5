"""Look at a file's bytes before any parser does: what it really is, and whether it is safe to open."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from rectification.core.errors import RectificationError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc, and password-protected .xlsx
READ_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")  # the workbooks the reader reads (Excel, WPS, LibreOffice save)
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")  # a stream only encrypted OOXML files hold
STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
MB = 1024 * 1024
MAX_FILE_BYTES = 100 * MB  # checked before reading: a 100,000-row ledger is about 4 MB, photos included rarely 50
MAX_UNPACKED_BYTES = 400 * MB  # every part, pictures included
# What the readers can parse within about 5 s on a desk PC (measured here: a 33 MB sheet of 100,000 rows
# reads in 2.7 s, 1,048,576 formatted rows in 100 MB of XML in about 4 s; cells are bounded in sheet_xml.py).
# Counted as text in UTF-8, the way Excel and WPS write it: openpyxl writes each Chinese character as a
# reference (&#25972;, 8 bytes for 3), and its 100,000-measure ledger has a 101–139 MB sheet holding what Excel
# writes in 40 MB. Parts are first bounded by their raw size (MAX_RAW_…), declared before anything is unpacked.
MAX_PART_BYTES = 100 * MB
MAX_PARSED_BYTES = 150 * MB  # all parts a parser reads (sheets, shared strings, styles…) together
MAX_RAW_PART_BYTES = 200 * MB  # however it is written (about 8 s to scan and parse)
MAX_RAW_PARSED_BYTES = 300 * MB
REFERENCE_SAVES = 5  # bytes a &#NNNNN; reference (8) takes beyond the character in UTF-8 (3)
# Advisory counts a reader may pre-allocate by (calamine reserves uniqueCount strings before reading one).
COUNT = re.compile(rb"""ount\s*=\s*["']\s*\+?([0-9]+)""")  # count= and uniqueCount=; a literal start is fast
MIN_ITEM_BYTES = 4  # the smallest element, <a/>: no part holds more items than its bytes / 4
MAX_RATIO = 200  # real sheets compress about 10:1; bombs 1000:1 and more
RATIO_FLOOR_BYTES = 10 * 1024 * 1024  # small parts may compress well without harm
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg")
# A part named like a picture is left unparsed only when its first bytes are a picture's: any other part may be
# handed to a parser (a worksheet stored as xl/media/image1.png is read), so it is checked like every other.
PICTURE_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"BM",
    b"II*\x00",
    b"MM\x00*",
    b"\xd7\xcd\xc6\x9a",
    b"\x01\x00\x09\x00",
)
EMF_MARK = (40, b" EMF")  # an EMF's header record carries this signature at byte 40
SVG_ROOT = re.compile(
    rb"(?s)\A(?:\xef\xbb\xbf)?\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*|<!DOCTYPE\s+svg[^>\[]*(?:\[.*?\])?\s*>\s*)*<(?:\w+:)?svg[\s/>]"
)
HEAD_BYTES = 4096
DTD_MARKS = tuple(
    mark.encode(encoding) for mark in ("<!DOCTYPE", "<!ENTITY") for encoding in ("utf-16-le", "utf-16-be")
)

RESAVE = "请在 Excel 或 WPS 中打开它，“另存为”选择“Excel 工作簿（*.xlsx）”后重试。"
RESAVE_WPS = "请在 WPS 或 Excel 中打开它，“另存为”选择“Excel 工作簿（*.xlsx）”后重试。"
OTHER_OFFICE = {  # by name: formats calamine cannot read (or, for .doc and .wps, no workbook at all)
    "et": "WPS 表格文件（.et）",
    "ett": "WPS 表格模板（.ett）",
    "wps": "WPS 文字文档（.wps），不是台账",
    "doc": "Word 文档（.doc），不是台账",
    "dps": "WPS 演示文稿（.dps），不是台账",
}
WORD_MARK = "WordDocument".encode("utf-16-le")  # the stream every Word (and WPS 文字) OLE2 file holds
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


class UnsafePackage(RectificationError, ValueError):
    """The bytes are not a workbook we can safely read; the message says what they are and what to do."""


@dataclass(frozen=True)
class Package:
    """What the bytes are ("xlsx", "xls" or "ods") and the parts already unpacked (worksheets, content.xml)."""

    kind: str
    unpacked: dict[str, bytes] = field(default_factory=dict)


def inspect(data: bytes, name: str) -> Package:
    """Raise UnsafePackage unless data is a plain, reasonably sized .xlsx, .xls or .ods; return what it is and the
    parts it unpacked to look at (the worksheets under xl/worksheets/, an .ods's content.xml), so that none is
    unpacked again."""
    if not data:
        raise UnsafePackage(f"{name} 是空文件（0 字节）。请确认选对了文件，或重新从原处复制一份。")
    suffix = name.rpartition(".")[2].lower() if "." in name else ""
    if suffix in OTHER_OFFICE:
        raise UnsafePackage(f"{name} 是{OTHER_OFFICE[suffix]}，本工具不能直接读取。{RESAVE_WPS}")
    if data.startswith(OLE2_MAGIC):
        if ENCRYPTED_MARK in data:
            raise UnsafePackage(
                f"{name} 设置了打开密码，无法读取。请在 Excel 或 WPS 中打开，取消密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后保存再试。"
            )
        if WORD_MARK in data:
            raise UnsafePackage(
                f"{name} 是 Word 或 WPS 文字文档，不是台账。请选择台账所在的 .xlsx、.xls 或 .ods 文件。"
            )
        return Package("xls")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UnsafePackage(f"{name} 不是 Excel 工作簿（.xlsx），或文件已损坏、不完整。{RESAVE}") from None
    with archive:
        names = {m.filename for m in members}
        twice = _repeated(members)
        if twice:  # Excel reads one copy, a reader may read the other: what we check would not be what it shows
            raise UnsafePackage(f"{name} 已损坏：其中的 {twice[:80]} 出现了两次。{RESAVE}")
        if "word/document.xml" in names:
            raise UnsafePackage(f"{name} 是 Word 文档，不是 Excel 台账。请选择台账所在的 .xlsx 文件。")
        kind = "xlsx"
        if "content.xml" in names and "mimetype" in names:
            if archive.read("mimetype")[:100].strip() != ODS_MIMETYPE:
                raise UnsafePackage(
                    f"{name} 是 OpenDocument 文本或演示文稿，不是电子表格。请选择台账所在的 .xlsx、.xls 或 .ods 文件。"
                )
            kind = "ods"
        elif "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
            raise UnsafePackage(f"{name} 不是 Excel 工作簿（.xlsx）。{RESAVE}")
        parsed = [m for m in members if _parsed(archive, m, name)]
        _check_sizes(members, parsed, name)
        return Package(kind, _check_parts(archive, members, parsed, name))


def _repeated(members: list[zipfile.ZipInfo]) -> str:
    """A part stored twice (part names are case-insensitive), or ""."""
    seen: set[str] = set()
    for member in members:
        folded = member.filename.casefold()
        if folded in seen:
            return member.filename
        seen.add(folded)
    return ""


def _parsed(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> bool:
    """Whether a parser may read this part: every part but folders and real pictures, whatever its name."""
    if member.is_dir():
        return False
    if not member.filename.lower().endswith(PICTURE_SUFFIXES):
        return True
    try:
        with archive.open(member) as stream:
            head = stream.read(HEAD_BYTES)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
        raise UnsafePackage(f"{name} 已损坏或不完整（{member.filename} 无法解压）。{RESAVE}") from None
    emf = head[:4] == b"\x01\x00\x00\x00" and head[EMF_MARK[0] : EMF_MARK[0] + 4] == EMF_MARK[1]
    return not (head.startswith(PICTURE_MAGIC) or emf or SVG_ROOT.match(head))


def _check_sizes(members: list[zipfile.ZipInfo], parsed: list[zipfile.ZipInfo], name: str) -> None:
    total = sum(m.file_size for m in members)
    swollen = any(
        m.file_size > RATIO_FLOOR_BYTES and m.file_size > MAX_RATIO * max(m.compress_size, 1) for m in members
    )
    if total > MAX_UNPACKED_BYTES or swollen:
        raise UnsafePackage(
            f"{name} 解压后异常巨大（{total // (1024 * 1024)} MB），不像正常的台账，为安全起见不予读取。"
            "请确认文件来源；如确为台账，请在 Excel 或 WPS 中删除多余内容后另存再试。"
        )
    biggest = max(parsed, key=lambda m: m.file_size, default=None)
    parsed_total = sum(m.file_size for m in parsed)
    if biggest is not None and (biggest.file_size > MAX_RAW_PART_BYTES or parsed_total > MAX_RAW_PARSED_BYTES):
        raise _too_much(
            name, parsed_total, biggest.filename, biggest.file_size, MAX_RAW_PART_BYTES, MAX_RAW_PARSED_BYTES
        )


def text_bytes(part: bytes) -> int:
    """The part's size with its character references counted as the characters they stand for (UTF-8)."""
    return len(part) - REFERENCE_SAVES * part.count(b"&#") if b"&#" in part else len(part)


def _too_much(name: str, total: int, part: str, size: int, part_limit: int, total_limit: int) -> UnsafePackage:
    return UnsafePackage(
        f"{name} 的内容过多：解压后共 {total / MB:.0f} MB（其中 {part} 有 {size / MB:.0f} MB），"
        f"超过本工具能在几秒内读完的上限（单个部分 {part_limit // MB} MB、合计 {total_limit // MB} MB，"
        "约 12 万行台账）。常见原因是格式或空白单元格一直延伸到很远的行列：请在 Excel 或 WPS 中删除台账下方和右侧多余的行列"
        "（或把台账拆成几个文件）后另存再试。"
    )


def _check_parts(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], parsed: list[zipfile.ZipInfo], name: str
) -> dict[str, bytes]:
    """Refuse DTDs (entity expansion, external entities) and Strict Open XML before parsing; the worksheets read."""
    total = sum(m.file_size for m in members)
    unpacked: dict[str, bytes] = {}
    sizes: dict[str, int] = {}  # each part's text_bytes()
    for member in parsed:  # every part that may be handed to a parser, whatever its name
        try:
            head = archive.read(member)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
            raise UnsafePackage(f"{name} 已损坏或不完整（{member.filename} 无法解压）。{RESAVE}") from None
        if _has_dtd(head):
            raise UnsafePackage(
                f"{name} 含有不安全的 XML 内容（DOCTYPE/ENTITY 声明），正常的 Excel 文件不会有，为安全起见不予读取。"
                f"请确认文件来源，{RESAVE}"
            )
        if member.filename == "xl/workbook.xml" and STRICT_NAMESPACE in head:
            raise UnsafePackage(f"{name} 是“Strict Open XML”格式，本工具无法读取。{RESAVE}")
        _check_counts(head, member.filename, total, name)
        sizes[member.filename] = text_bytes(head)
        if sizes[member.filename] > MAX_PART_BYTES or sum(sizes.values()) > MAX_PARSED_BYTES:
            biggest = max(sizes, key=sizes.__getitem__)
            raise _too_much(name, sum(sizes.values()), biggest, sizes[biggest], MAX_PART_BYTES, MAX_PARSED_BYTES)
        if member.filename.startswith("xl/worksheets/") or member.filename == "content.xml":
            unpacked[member.filename] = head
    return unpacked


def _has_dtd(head: bytes) -> bool:
    """A DOCTYPE or ENTITY declaration, in UTF-8 or (when the part is UTF-16) in UTF-16."""
    start = head.find(b"<!")
    while start >= 0:  # comments and CDATA start with <! too
        if head.startswith((b"<!DOCTYPE", b"<!ENTITY"), start):
            return True
        start = head.find(b"<!", start + 2)
    return b"\x00" in head[:512] and any(mark in head for mark in DTD_MARKS)


def _check_counts(head: bytes, part: str, total: int, name: str) -> None:
    """A count= larger than the part could hold is a lie a reader might allocate for: refuse it.

    uniqueCount counts the part's own items; count (in the shared strings: every use of a string) is bounded
    by the whole package.
    """
    for match in COUNT.finditer(head):
        if head.rfind(b"<", 0, match.start()) < head.rfind(b">", 0, match.start()):
            continue  # in text, not in a tag
        unique = head.endswith(b"uniqueC", 0, match.start())
        digits = match[1]
        if len(digits) > 20 or int(digits) > (len(head) if unique else total) // MIN_ITEM_BYTES:
            raise UnsafePackage(
                f"{name} 已损坏或被改动过：{part} 声明有 {int(digits):,} 项内容，而它实际只有 {len(head):,} 字节，"
                f"不可能装下，为安全起见不予读取。{RESAVE}"
            )
