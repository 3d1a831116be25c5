"""Parts a parser reads are checked whatever their names: a worksheet stored as a picture gets no pass."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from conftest import write_ledger

DOCTYPE = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE worksheet [<!ENTITY x "x">]>'


def moved_sheet(path: Path, new_name: str, head: bytes) -> Path:
    """The ledger with its first worksheet stored under new_name (relationships and content types follow)."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
                target.writestr(new_name, head + body)
                continue
            if item.filename in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                data = data.replace(b"worksheets/sheet1.xml", new_name.removeprefix("xl/").encode())
            target.writestr(item.filename, data)
    return path


def test_a_doctype_in_a_worksheet_named_like_a_picture_is_refused(run_cli, tmp_path):
    path = moved_sheet(write_ledger(tmp_path / "台账.xlsx"), "xl/media/image1.png", DOCTYPE)
    run = run_cli(str(path))
    assert run.exit_code == 2, run.output
    assert "含有不安全的 XML 内容（DOCTYPE/ENTITY 声明）" in run.output
    assert not list(run.out_dir.glob("*.docx"))


def test_a_worksheet_named_like_a_picture_without_a_doctype_is_read(run_cli, tmp_path):
    path = moved_sheet(write_ledger(tmp_path / "台账.xlsx"), "xl/media/image1.png", b"")
    run = run_cli(str(path))
    assert run.exit_code == 0, run.output


def test_real_pictures_are_not_searched_for_declarations(run_cli, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx")
    with zipfile.ZipFile(path, "a") as archive:  # bytes that merely contain the mark, as compressed data may
        archive.writestr("xl/media/image9.png", b"\x89PNG\r\n\x1a\n" + b"<!DOCTYPE" + bytes(range(256)))
        archive.writestr(
            "xl/media/image10.svg",
            b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd"><svg/>',
        )
    run = run_cli(str(path))
    assert run.exit_code == 0, run.output
