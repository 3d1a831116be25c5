"""The packages zip_writer builds read back part for part with zipfile, whatever the names and contents."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rectification.render import zip_writer
from rectification.render.zip_writer import PackageTooLarge, ZipWriter, pack, pack_pieces

names = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=30)
contents = st.binary(max_size=3000) | st.sampled_from([b"", b"<a/>" * 10_000, bytes(range(256)) * 100])


@given(st.dictionaries(names, contents, max_size=8))
def test_every_part_reads_back_as_written(parts: dict[str, bytes]) -> None:
    package = ZipWriter()
    for name, data in parts.items():
        package.add(pack(name, data))
    with zipfile.ZipFile(io.BytesIO(package.getvalue())) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == list(parts)
        assert {name: archive.read(name) for name in parts} == parts


def test_a_part_in_pieces_is_the_part_from_its_bytes() -> None:
    data = "整改措施".encode() * 600_000
    pieces = (data[n : n + 100_003] for n in range(0, len(data), 100_003))
    assert pack_pieces("xl/worksheets/sheet1.xml", pieces) == pack("xl/worksheets/sheet1.xml", data)


def test_parts_added_again_keep_their_stamp_and_the_packages_stay_apart() -> None:
    when = datetime(2025, 12, 11, 9, 30, 58).timetuple()[:6]
    shared = pack("word/styles.xml", b"<w:styles/>", when)
    first, second = ZipWriter([shared]), ZipWriter([shared])
    second.add(pack("word/document.xml", "通报".encode()))
    with zipfile.ZipFile(io.BytesIO(first.getvalue())) as one, zipfile.ZipFile(io.BytesIO(second.getvalue())) as two:
        assert one.namelist() == ["word/styles.xml"]
        assert two.namelist() == ["word/styles.xml", "word/document.xml"]
        assert two.getinfo("word/styles.xml").date_time == when
        assert two.getinfo("word/document.xml").date_time == zip_writer.EPOCH
        assert two.read("word/document.xml").decode() == "通报"


def test_a_part_past_what_a_plain_zip_records_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(zip_writer, "ZIP32_LIMIT", 100)
    with pytest.raises(PackageTooLarge):
        pack("big.xml", b"x" * 101)
