"""Files made to crash, hang or fool the reader: each gets a Chinese answer in seconds and bounded memory.

Every hostile file is built here in code. Runs that could take the process down go through `bounded`, a fresh
process with a hard address-space limit and a timeout, which reports its own peak memory: the bounds are
generous (20 s, 500 MB) so that they catch a runaway, not a slow machine.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import INFO, ROOT, write_ledger
from hypothesis import given
from hypothesis import strategies as st
from test_hostile import rewrite_part, write_with_xlsxwriter

from rectification.core.names import MAX_FILE_NAME_BYTES, RESERVED_NAMES, fit_name, safe_file_name
from rectification.deliver.mail import MailConfig, MailError, build_message, load_config, send
from rectification.read import access
from rectification.read.package import MAX_PART_BYTES

SHEET = "xl/worksheets/sheet1.xml"
TIMEOUT_SECONDS = 20
MAX_RSS_MB = 500
ADDRESS_SPACE = 3 << 30  # a hard stop for a runaway: the test then fails instead of the machine

RUNNER = """
import atexit, json, re, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
sys.path.insert(0, {root!r})
def peak():  # VmHWM: this program's own peak (ru_maxrss would include the parent's before exec)
    with open("/proc/self/status") as status:
        sys.stderr.write("\\nPEAK=" + re.search(r"VmHWM:\\s*(\\d+)", status.read())[1] + "\\n")
atexit.register(peak)
sys.argv = ["generate.py", *json.loads(sys.argv[1])]
import generate
generate.cli()
"""


@dataclass
class Bounded:
    code: int
    output: str
    seconds: float
    peak_mb: float
    out_dir: Path


def bounded(*args: str, out_dir: Path) -> Bounded:
    """generate.py in a fresh process under a memory cap and a timeout; its exit code, output and peak RSS."""
    argv = [*args, "--out", str(out_dir), "--as-of", "2025-12-11"]
    code = RUNNER.format(limit=ADDRESS_SPACE, root=str(ROOT))
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(argv)], capture_output=True, timeout=TIMEOUT_SECONDS, env=env
    )
    seconds = time.monotonic() - started
    output = done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace")
    peak = re.search(r"PEAK=(\d+)", output)
    assert peak, f"the process died without reporting (exit {done.returncode}):\n{output[-2000:]}"
    return Bounded(done.returncode, output.replace(peak[0], "").strip(), seconds, int(peak[1]) / 1024, out_dir)


def assert_answered(run: Bounded, code: int, *words: str) -> None:
    assert run.code == code, run.output
    for word in words:
        assert word in run.output, run.output
    assert "Traceback" not in run.output and "程序遇到了意外问题" not in run.output, run.output
    assert run.peak_mb < MAX_RSS_MB, f"{run.peak_mb:.0f} MB"
    print(f"[{run.seconds:.1f} s, {run.peak_mb:.0f} MB]", end=" ")  # shown with pytest -s


def append_to_sheet(path: Path, rows: bytes = b"", after: bytes = b"", change=None) -> Path:
    """rows go at the end of sheetData, after right after it (merges); change rewrites the whole sheet."""

    def edit(xml: bytes) -> bytes:
        xml = xml.replace(b"</sheetData>", rows + b"</sheetData>" + after)
        return change(xml) if change else xml

    return rewrite_part(path, SHEET, edit)


FAR_VALUE = b'<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'


# -- 1. a far cell in any legal spelling -------------------------------------------------------------


@pytest.mark.parametrize(
    "far",
    [
        b"<row r='1048576'><c r='XFD1048576' t='inlineStr'><is><t>x</t></is></c></row>",
        b'<row r = "1048576"><c r = "XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
        b'<row r="1048576"><c t="inlineStr" s="0" r="XFD1048576"><is><t>x</t></is></c></row>',
        b'<row r="1048576"><c r="xfd1048576" t="inlineStr"><is><t>x</t></is></c></row>',
        b'<row r="1048576"><c r="XFD0001048576" t="inlineStr"><is><t>x</t></is></c></row>',
        b'<row r="1048576"><c r="XFD10485760" t="inlineStr"><is><t>x</t></is></c></row>',  # 8 digits
        b'<row r="1048576"><c r="XFD1048576" a="/>" t="inlineStr"><is><t>x</t></is></c></row>',
        b'<row r="1048576"><c r="&#88;FD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
        b'<x:row xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="1048576">'
        b'<x:c r="XFD1048576" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c></x:row>',
    ],
    ids=["single-quotes", "spaces", "r-last", "lower-case", "zero-padded", "8-digits", "slash", "entity", "prefix"],
)
def test_a_far_cell_in_any_spelling_never_aborts_the_process(tmp_path, far):
    path = append_to_sheet(write_ledger(tmp_path / "台账.xlsx"), far)
    run = bounded(str(path), out_dir=tmp_path / "out")
    assert run.code in (0, 2), run.output  # read (the stray cell is outside the table) or refused as damaged
    assert_answered(run, run.code)


@pytest.mark.parametrize(
    "far",
    [
        b'<row r="1048576"><c xmlns:x="urn:x" x:r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',  # no r=
        b'<row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row>',  # no r=: placed by the row
    ],
    ids=["prefixed-r", "no-r"],
)
def test_cells_placed_by_their_row_are_read_sparsely(tmp_path, far):
    path = append_to_sheet(write_ledger(tmp_path / "台账.xlsx"), far)
    run = bounded(str(path), out_dir=tmp_path / "out")
    assert run.code in (0, 1), run.output  # the cell lands in column A, row 1048576: a finding, not a crash
    assert_answered(run, run.code)
    assert list(run.out_dir.glob("*_汇总.xlsx"))


def test_a_swollen_dimension_is_not_trusted(tmp_path):
    path = append_to_sheet(
        write_ledger(tmp_path / "台账.xlsx"),
        change=lambda x: re.sub(rb"<dimension [^>]*/>", b"<dimension ref='A1:XFD1048576'/>", x),
    )
    assert_answered(bounded(str(path), out_dir=tmp_path / "out"), 0)


# -- 2. advisory counts --------------------------------------------------------------------------------


def test_a_shared_strings_count_larger_than_its_part_is_refused(tmp_path):
    path = write_with_xlsxwriter(tmp_path / "台账.xlsx", [])  # XlsxWriter writes shared strings
    rewrite_part(path, "xl/sharedStrings.xml", lambda d: re.sub(rb'uniqueCount="\d+"', b'uniqueCount="4000000000"', d))
    assert path.stat().st_size < 20_000
    run = bounded(str(path), out_dir=tmp_path / "out")
    assert_answered(run, 2, "已损坏或被改动过", "xl/sharedStrings.xml 声明有 4,000,000,000 项内容")
    assert run.seconds < TIMEOUT_SECONDS and not list(run.out_dir.glob("*.docx"))


# -- 3. more than the readers can parse in seconds -----------------------------------------------------


def formatted_empty_rows(megabytes: float, first_row: int = 10) -> bytes:
    """Rows of 14 formatted empty cells each, as a sheet formatted far below the ledger holds them."""
    row, size, pieces = first_row, 0, []
    columns = [bytes([65 + c]) for c in range(14)]
    while size < megabytes * (1 << 20):
        piece = b'<row r="%d">' % row + b"".join(b'<c r="%s%d" s="0"/>' % (c, row) for c in columns) + b"</row>"
        pieces.append(piece)
        size += len(piece)
        row += 1
    return b"".join(pieces)


@pytest.mark.slow
def test_a_sheet_beyond_the_reading_budget_is_refused_before_parsing(tmp_path):
    path = append_to_sheet(write_ledger(tmp_path / "台账.xlsx"), formatted_empty_rows(MAX_PART_BYTES / (1 << 20) + 1))
    run = bounded(str(path), out_dir=tmp_path / "out")
    assert_answered(run, 2, "内容过多", f"单个部分 {MAX_PART_BYTES >> 20} MB", "删除台账下方和右侧多余的行列")


@pytest.mark.slow
def test_too_many_formatted_cells_are_refused_before_parsing(tmp_path):
    path = append_to_sheet(write_ledger(tmp_path / "台账.xlsx"), formatted_empty_rows(64))  # 2.7 million cells
    run = bounded(str(path), out_dir=tmp_path / "out")
    assert_answered(run, 2, "单元格（多为只有格式的空白单元格），超过本工具能在几秒内读完的上限（2,500,000 个）")


@pytest.mark.slow
def test_a_sheet_within_the_budget_reads_in_bounded_time_and_memory(tmp_path):
    path = append_to_sheet(write_ledger(tmp_path / "台账.xlsx"), formatted_empty_rows(30))
    run = bounded(str(path), out_dir=tmp_path / "out")
    assert_answered(run, 0, "已生成通报")


@pytest.mark.slow
def test_a_sheet_the_tool_does_not_read_cannot_block_it(tmp_path):
    """A 附表 formatted far down (2.7 million cells, past the reading budget) before the ledger: never parsed."""
    import openpyxl

    path = write_ledger(tmp_path / "台账.xlsx")
    book = openpyxl.load_workbook(path)
    book.create_sheet("附表", 0)["A1"] = "说明"
    book.save(path)
    append_to_sheet(path, formatted_empty_rows(64))  # sheet1.xml is now 附表
    run = bounded(str(path), out_dir=tmp_path / "out")
    assert_answered(run, 0, "已生成通报")


# -- 4. merges checked in total ------------------------------------------------------------------------


def test_many_large_merges_with_a_far_cell_are_refused_at_once(tmp_path):
    merges = b"".join(b'<mergeCell ref="P%d:AZ%d"/>' % (1000 * i + 1, 1000 * i + 1000) for i in range(300))
    path = append_to_sheet(
        write_ledger(tmp_path / "台账.xlsx"),
        b'<row r="1048576">' + FAR_VALUE + b"</row>",
        b"<mergeCells>" + merges + b"</mergeCells>",
    )
    assert_answered(bounded(str(path), out_dir=tmp_path / "out"), 2, "合并单元格的范围异常巨大")


def test_copies_of_one_merge_count_once(tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx")
    append_to_sheet(path, after=b'<mergeCells count="60000">' + b'<mergeCell ref="F2:F4"/>' * 60_000 + b"</mergeCells>")
    run = bounded(str(path), out_dir=tmp_path / "out")
    assert_answered(run, 0, "已生成通报")


def test_overlapping_merges_beyond_the_total_are_refused(tmp_path):
    merges = b"".join(b'<mergeCell ref="A%d:N%d"/>' % (2 + i % 5, 200_000) for i in range(60))
    far_row = b'<row r="200000"><c r="N200000" t="inlineStr"><is><t>x</t></is></c></row>'
    path = append_to_sheet(write_ledger(tmp_path / "台账.xlsx"), far_row, b"<mergeCells>" + merges + b"</mergeCells>")
    assert_answered(bounded(str(path), out_dir=tmp_path / "out"), 2, "合并单元格的范围异常巨大")


# -- 5. formatting to the last row ----------------------------------------------------------------------


@pytest.mark.slow
def test_row_styles_down_to_the_last_row_read_fast(tmp_path):
    rows = b"".join(b'<row r="%d" s="0" customFormat="1" ht="20" customHeight="1"/>' % r for r in range(5, 1_048_577))
    path = append_to_sheet(write_ledger(tmp_path / "台账.xlsx"), rows)
    run = bounded(str(path), out_dir=tmp_path / "out")
    assert_answered(run, 0, "已生成通报")


@pytest.mark.slow
def test_row_styles_and_a_far_value_take_the_sparse_path_fast(tmp_path):
    rows = b"".join(b'<row r="%d" s="0" customFormat="1"/>' % r for r in range(5, 1_048_576))
    path = append_to_sheet(write_ledger(tmp_path / "台账.xlsx"), rows + b'<row r="1048576">' + FAR_VALUE + b"</row>")
    run = bounded(str(path), out_dir=tmp_path / "out")
    assert_answered(run, 0, "已生成通报")


# -- 6. paths that are no regular file -----------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "台账.xlsx"
    os.mkfifo(fifo)
    assert_answered(bounded(str(fifo), out_dir=tmp_path / "out"), 2, "不是普通文件（而是命名管道）")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_refused(tmp_path):
    assert_answered(bounded("/dev/zero", out_dir=tmp_path / "out"), 2, "不是普通文件（而是设备）")


def test_a_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "台账.xlsx"
    with path.open("wb") as stream:
        stream.truncate(4 << 30)  # sparse: 4 GB to stat, nothing on disk
    run = bounded(str(path), out_dir=tmp_path / "out")
    assert_answered(run, 2, "有 4,096 MB，超过台账文件的上限（100 MB）")
    assert run.peak_mb < 100


def test_a_path_that_stops_answering_gets_a_sentence(run_cli, ledger_path, monkeypatch):
    monkeypatch.setattr(access, "READ_TIMEOUT_SECONDS", 0.2)
    real = access._read_regular_file
    monkeypatch.setattr(access, "_read_regular_file", lambda path: (time.sleep(1), real(path))[1])
    run = run_cli(str(ledger_path))
    assert run.exit_code == 2
    assert "超过 0.2 秒仍未完成：它所在的网络共享盘或移动硬盘没有响应" in run.output
    assert "复制到本机" in run.output and not list(run.out_dir.glob("*.docx"))


# -- 8, 9. control and invisible characters --------------------------------------------------------------

C1 = "\x85\x9b\x9f"
BIDI = "\u202e\u2066\u2069\u200b\u200f\u2060\ufeff"


def docx_and_xlsx_text(run) -> str:
    texts = []
    for output in run.out_dir.glob("*.*x"):
        with zipfile.ZipFile(output) as archive:
            texts += [archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")]
    return "".join(texts)


def test_c1_controls_never_reach_the_outputs(run_cli, tmp_path):
    from conftest import sample_rows

    rows = sample_rows()
    rows[0]["整改进展"] = f"召开{C1}了会议"
    rows[1]["整改措施"] = f"开展{C1}专题研讨"
    path = write_with_xlsxwriter(tmp_path / "台账.xlsx", rows)
    run = run_cli(str(path))
    assert run.exit_code == 0, run.output
    text = docx_and_xlsx_text(run)
    assert not re.search("[\x80-\x9f]", text) and "_x008" not in text and "_x009" not in text
    assert "召开了会议" in text


def test_bidi_and_zero_width_characters_leave_names_and_text(run_cli, tmp_path):
    issuer = f"中共某某区{BIDI}某某局党组"
    path = write_ledger(tmp_path / "台账.xlsx", info={**INFO, "发文机关": issuer})
    run = run_cli(str(path))
    assert run.exit_code == 0, run.output
    names = [p.name for p in run.out_dir.iterdir()]
    assert names and not any(re.search(f"[{BIDI}]", name) for name in names), names
    assert any(name.startswith("中共某某区某某局党组关于") for name in names)
    assert not re.search(f"[{BIDI}]", docx_and_xlsx_text(run))
    paragraphs = [p.text for p in docx.Document(run.files(".docx")[0]).paragraphs]
    assert "中共某某区某某局党组" in paragraphs
    assert "[提示] 基本信息 第3行 发文机关：含有看不见的特殊字符（U+202E、U+2066" in run.output
    assert "可用来颠倒或隐藏文字），已删除" in run.output


def test_invisible_characters_in_a_ledger_cell_are_named_by_row_and_column(run_cli, tmp_path):
    from conftest import sample_rows

    rows = sample_rows()
    rows[2]["整改措施"] = "修订\u202e度制"
    run = run_cli(str(write_ledger(tmp_path / "台账.xlsx", rows=rows)))
    assert run.exit_code == 0
    assert "[提示] 整改台账 第4行 整改措施：含有看不见的特殊字符（U+202E" in run.output


def test_a_sheet_name_with_escapes_is_cleaned(run_cli, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx", rows=[])
    rewrite_part(
        path,
        "xl/workbook.xml",
        lambda d: d.replace(
            b'name="\xe6\x95\xb4\xe6\x94\xb9\xe5\x8f\xb0\xe8\xb4\xa6"',
            b'name="&#x1b;[2J&#x1b;]0;pwned&#x7;\xe6\x95\xb4\xe6\x94\xb9\xe5\x8f\xb0\xe8\xb4\xa6"',
        ),
    )
    run = run_cli(str(path))
    assert "\x1b" not in run.output and "\x07" not in run.output and "Traceback" not in run.output
    assert "[2J]0;pwned整改台账" in run.output


# -- 7, 12. the console ---------------------------------------------------------------------------------

TERMINAL_TRICKS = "\x1b[2J\x1b]0;标题\x07\x9b31m\u202e"


def test_terminal_escapes_never_reach_the_console(run_cli, tmp_path):
    path = tmp_path / f"{TERMINAL_TRICKS}台账.xlsx"  # echoed back in “找不到台账文件”
    run = run_cli(str(path))
    assert run.exit_code == 2
    assert "找不到台账文件" in run.output and "0;标题31m台账.xlsx" in run.output
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]", run.output), repr(run.output)


def test_a_gbk_console_gets_question_marks_not_a_traceback(tmp_path):
    from conftest import measure

    path = write_ledger(tmp_path / "台账.xlsx", rows=[measure(整改状态="已完成😀𠮷")])
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    env.pop("PYTHONUTF8", None)
    command = [
        sys.executable,
        str(ROOT / "generate.py"),
        str(path),
        "--out",
        str(tmp_path / "out"),
        "--as-of",
        "2025-12-11",
    ]
    done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, env=env)
    output = done.stdout.decode("gbk") + done.stderr.decode("gbk")
    assert done.returncode == 1, output
    assert "整改状态：无法识别“已完成??”" in output and "Traceback" not in output


def test_the_console_filter_itself():
    from rectification.cli.console import SafeStream

    class Sink(io.StringIO):
        encoding = "gbk"

    sink = Sink()
    stream = SafeStream(sink)
    assert stream.write(f"第{TERMINAL_TRICKS}5行😀\r\n") == len(f"第{TERMINAL_TRICKS}5行😀\r\n")
    assert sink.getvalue() == "第[2J]0;标题31m5行?\r\n"
    with pytest.raises(TypeError):
        stream.write(b"")  # click then treats it as the text stream it is
    with pytest.raises(io.UnsupportedOperation):
        stream.fileno()  # click would otherwise write past the filter


def test_help_describes_the_ledger_argument(run_cli):
    from click.testing import CliRunner

    import generate

    result = CliRunner().invoke(generate.cli, ["--help"])
    assert result.exit_code == 0
    assert "参数：\n  台账.xlsx" in result.output and "要读取的整改台账" in result.output
    assert "[LEDGER]" not in result.output


# -- 10, 11. names valid everywhere, within 255 bytes -------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("CON", "CON_"),
        ("nul", "nul_"),
        ("AUX.2025", "AUX_.2025"),
        ("COM1 ", "COM1_"),
        ("LPT9.", "LPT9_"),
        ("CONIN$", "CONIN$_"),
        ("CONSOLE", "CONSOLE"),
        ("~$通报", "_$通报"),
        ("关于\u202e的\u200b通报\x9b", "关于的通报"),
    ],
)
def test_names_windows_reserves_or_hides_are_changed(title, expected):
    assert safe_file_name(title) == expected


def windows_accepts(name: str) -> bool:
    first = name.partition(".")[0].rstrip(" ").upper()
    return (
        first not in RESERVED_NAMES
        and not re.search(r'[\\/:*?"<>|\x00-\x1f]', name)
        and not name.endswith((" ", "."))
        and name not in ("", ".", "..")
    )


@given(
    st.text(min_size=0, max_size=400),
    st.sampled_from(["", ".docx", "_汇总.xlsx", "（2）.docx", "（上半年台账）（3）_汇总.xlsx"]),
)
def test_any_text_gives_a_name_every_file_system_takes(text, suffix):
    name = fit_name(text, suffix)
    assert len(name.encode("utf-8")) <= MAX_FILE_NAME_BYTES - len("(99)")
    assert name.endswith(suffix) and windows_accepts(name)
    assert windows_accepts(safe_file_name(text)) and len(safe_file_name(text).encode()) <= 200


def test_two_long_ledgers_of_one_unit_fit_in_255_bytes():
    stem = "中共某某市某某区某某街道某某社区某某委员会" * 5 + "关于区委第九轮巡察反馈意见整改进展情况的通报"
    tag = "（" + "某某街道某某社区2025年上半年巡察整改台账终稿修订版" * 2 + "）"
    for suffix in (f"{tag}.docx", f"{tag}_汇总.xlsx", f"{tag}（2）_汇总.xlsx"):
        name = fit_name(stem, suffix)
        assert name.endswith(suffix) and len(name.encode()) <= 251, len(name.encode())


def test_a_device_name_as_title_gives_usable_files(run_cli, tmp_path):
    run = run_cli(str(write_ledger(tmp_path / "台账.xlsx", info={**INFO, "标题": "CON"})))
    assert run.exit_code == 0, run.output
    assert sorted(p.name for p in run.out_dir.iterdir()) == ["CON_.docx", "CON__汇总.xlsx"]


def test_a_device_name_as_unit_gives_a_usable_folder(run_cli, tmp_path):
    folder = tmp_path / "各单位"
    folder.mkdir()
    write_ledger(folder / "甲.xlsx", info={**INFO, "发文机关": "AUX"})
    run = run_cli("--batch", str(folder))
    assert run.exit_code == 0, run.output
    assert (run.out_dir / "AUX_").is_dir()


# -- 16. file modes ---------------------------------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_outputs_follow_the_umask_and_keep_a_replaced_files_mode(run_cli, ledger_path):
    old = os.umask(0o022)
    try:
        first = run_cli(str(ledger_path))
        [notice], [summary] = first.files(".docx"), first.files(".xlsx")
        assert (notice.stat().st_mode & 0o777, summary.stat().st_mode & 0o777) == (0o644, 0o644)
        notice.chmod(0o640)
        os.umask(0o077)
        run_cli(str(ledger_path))
        assert notice.stat().st_mode & 0o777 == 0o640  # kept when replaced
        summary.unlink()
        run_cli(str(ledger_path))
        assert summary.stat().st_mode & 0o777 == 0o600  # a new file follows the umask
    finally:
        os.umask(old)


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_the_copy_replacing_a_private_file_is_never_more_open_than_it(tmp_path, monkeypatch):
    """Its data is written only once the temporary file has the replaced file's mode (0600 here, umask 022)."""
    from rectification.files import write as output

    target = tmp_path / "通报.docx"
    target.write_bytes(b"old")
    target.chmod(0o600)
    modes = []
    real_fdopen = os.fdopen

    def fdopen(handle, *args, **kwargs):
        stream = real_fdopen(handle, *args, **kwargs)
        real_write = stream.write

        def write(data):
            modes.append(os.fstat(handle).st_mode & 0o777)  # as the data goes in
            return real_write(data)

        stream.write = write
        return stream

    old = os.umask(0o022)
    monkeypatch.setattr(output.os, "fdopen", fdopen)
    try:
        output.write_atomically(target, b"new")
    finally:
        os.umask(old)
    assert modes == [0o600] and target.stat().st_mode & 0o777 == 0o600 and target.read_bytes() == b"new"


# -- 20. Excel's row height limit ---------------------------------------------------------------------------


def test_summary_rows_stay_within_excels_409_points(run_cli, tmp_path):
    from conftest import measure

    long_text = "加强学习，" * 120  # 600 characters
    run = run_cli(str(write_ledger(tmp_path / "台账.xlsx", rows=[measure(整改措施=long_text, 整改进展=long_text)])))
    assert run.exit_code == 0
    with zipfile.ZipFile(run.files("_汇总.xlsx")[0]) as archive:
        heights = [
            float(h)
            for name in archive.namelist()
            if name.startswith("xl/worksheets/sheet")
            for h in re.findall(rb'<row [^>]*\sht="([0-9.]+)"', archive.read(name))
        ]
    assert 400 < max(heights) <= 409  # XlsxWriter writes 409 pt as 408.75 (whole pixels)


# -- 18. SMTP servers that stall, settings that hold a password ----------------------------------------------


class StallingServer:
    """A server on 127.0.0.1 that accepts and then says nothing, or drips one byte at a time; gone after 20 s."""

    def __init__(self, drip_every: float | None = None) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.drip_every = drip_every
        self.stop = threading.Event()
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        self.listener.settimeout(20)
        with contextlib.suppress(OSError), self.listener:
            connection, _ = self.listener.accept()
            with connection:
                ends = time.monotonic() + 20
                while not self.stop.is_set() and time.monotonic() < ends:
                    if self.drip_every is None:
                        self.stop.wait(0.1)
                    else:
                        connection.sendall(b"2")  # “220 …” never finished: each byte resets a per-reply timeout
                        self.stop.wait(self.drip_every)

    def __enter__(self) -> StallingServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()


def timed_send(config: MailConfig) -> tuple[str, float]:
    started = time.monotonic()
    with pytest.raises(MailError) as caught:
        send(b"Subject: x\r\n\r\nx\r\n", ["a@x.cn"], config, "")
    return str(caught.value), time.monotonic() - started


@pytest.mark.slow
def test_a_server_that_accepts_and_says_nothing_is_a_timeout():
    with StallingServer() as server:
        message, seconds = timed_send(MailConfig("127.0.0.1", server.port, "starttls", sender="a@x.cn", timeout=1))
    assert f"邮件服务器 127.0.0.1:{server.port} 超过 1 秒没有应答（超时）。未发送" in message
    assert "意外断开" not in message and seconds < 10


@pytest.mark.slow
def test_a_server_that_drips_is_stopped_by_one_deadline():
    with StallingServer(drip_every=0.2) as server:
        config = MailConfig("127.0.0.1", server.port, "starttls", sender="a@x.cn", timeout=1, deadline=2)
        message, seconds = timed_send(config)
    assert "的通信超过 2 秒仍未完成（服务器响应太慢），已停止" in message
    assert seconds < 10  # 2 s, not the 20 s the server would drip for


def test_a_password_in_mail_ini_must_be_deleted(tmp_path):
    path = tmp_path / "mail.ini"
    path.write_text("[smtp]\nserver = smtp.example.gov.cn\nuser = a@x.cn\npassword = s3cret\n", encoding="utf-8")
    with pytest.raises(MailError) as caught:
        load_config(path)
    assert "“password”一行：为保护密码，本工具不使用写在文件里的密码。请删除这一行并保存后重试" in str(caught.value)
    assert "s3cret" not in str(caught.value)


def test_a_password_line_is_exit_3_with_the_notice_kept(run_cli, tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx", info={**INFO, "收件人": "a@x.cn"})
    ini = tmp_path / "mail.ini"
    ini.write_text("[smtp]\nserver = 127.0.0.1\nuser = a@x.cn\n授权码 = abc\n", encoding="utf-8")
    run = run_cli(str(path), "--send", "--mail-config", str(ini))
    assert run.exit_code == 3 and "请删除这一行" in run.output and "abc" not in run.output
    assert len(run.files(".docx")) == 1


@pytest.mark.parametrize("key", ["user", "from"])
def test_an_overlong_address_in_mail_ini_is_explained(tmp_path, key):
    path = tmp_path / "mail.ini"
    path.write_text(f"[smtp]\nserver = smtp.example.gov.cn\n{key} = {'a' * 1000}@x.cn\n", encoding="utf-8")
    with pytest.raises(MailError, match=f"{key} 太长（1,005 个字符）：邮箱地址最多 254 个字符"):
        load_config(path)


def test_an_overlong_server_name_is_explained(tmp_path):
    path = tmp_path / "mail.ini"
    path.write_text(f"[smtp]\nserver = {'a' * 300}.cn\nuser = a@x.cn\n", encoding="utf-8")
    with pytest.raises(MailError, match="不是有效的服务器地址"):
        load_config(path)


def test_an_overlong_header_line_is_a_mail_error_not_an_assert():
    with pytest.raises(MailError, match="过长（1,005 个字符，最多 254 个）"):
        build_message("标题", "正文", [], [f"{'a' * 1000}@x.cn"])


# -- 19. what Word, WPS and Excel validate ---------------------------------------------------------------------


def test_settings_zoom_has_the_percent_the_schema_requires(run_cli, ledger_path):
    from rectification.render.docx_writer import DEFAULT_TEMPLATE

    run = run_cli(str(ledger_path))
    for path in (DEFAULT_TEMPLATE, run.files(".docx")[0]):
        with zipfile.ZipFile(path) as archive:
            zooms = re.findall(rb"<w:zoom\b[^>]*>", archive.read("word/settings.xml"))
        assert zooms and all(b'w:percent="' in zoom for zoom in zooms), (path, zooms)


def test_generated_documents_validate_against_the_open_xml_schemas(run_cli, tmp_path):
    """openxml-audit carries the Open XML SDK's schemas and semantic rules (document, styles, settings,
    numbering, footers, core properties; sheets, styles, shared strings, charts, drawings)."""
    audit = pytest.importorskip("openxml_audit", reason="openxml-audit is in requirements-dev.txt")
    # The new documents too (issue 23): the report, the plan, and the 党内 version with its 红头 and 版记.
    ledger = tmp_path / "台账.xlsx"
    book = openpyxl.load_workbook(ROOT / "workbook_template.xlsx")
    formal = {"红头文件": "全部", "发文字号": "某局党组〔2025〕12号", "份号": "000001", "版记抄送": "区纪委"}
    for row in book["通报格式"].iter_rows(min_row=2):
        if row[0].value in formal:
            row[1].value = formal[row[0].value]
    book.save(ledger)
    run = run_cli(str(ledger), "--report", "--plan")
    assert run.exit_code == 0, run.output
    files = run.files(".docx") + run.files(".xlsx")
    assert len(files) == 5, run.output
    for path in files:
        result = audit.OpenXmlValidator(file_format=audit.FileFormat.OFFICE_2019, max_errors=20).validate(str(path))
        problems = [f"{e.path}: {e.description}" for e in result.errors]
        assert result.is_valid, f"{path.name}:\n" + "\n".join(problems)


# -- 21. styles found by name ------------------------------------------------------------------------------------


def styles_xml_without(template: Path, target: Path, name: str) -> Path:
    """A copy of the template with the style named name deleted."""
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/styles.xml":
                pattern = rb'<w:style [^>]*>(?:(?!</w:style>).)*<w:name w:val="' + name.encode() + rb'"/>.*?</w:style>'
                data, count = re.subn(pattern, b"", data, count=1, flags=re.DOTALL)
                assert count == 1
            copy.writestr(item, data)
    return target


def sample_notice():
    from rectification.render.notice import Block, BlockKind, Notice

    return Notice(
        "关于某某的通报",
        (
            Block(BlockKind.TITLE, "关于某某的通报"),
            Block(BlockKind.HEADING, "一、组织领导情况"),
            Block(BlockKind.ITEM, "细节。", lead="1.关于“学习不深入”的问题。"),
            Block(BlockKind.BODY, "正文。"),
            Block(BlockKind.SIGNATURE, "中共某某区某某局党组"),
            Block(BlockKind.DATE, "2025年12月1日"),
        ),
    )


EXPECTED_STYLES = ["公文标题", "一级标题", "Normal", "Normal", "发文机关署名", "成文日期"]


@pytest.mark.skipif(
    not shutil.which("soffice"), reason="LibreOffice (soffice) not installed: needed to re-save the template"
)
@pytest.mark.slow
def test_a_template_resaved_by_libreoffice_keeps_every_style(tmp_path):
    from rectification.render.docx_writer import DEFAULT_TEMPLATE, render_docx

    profile = (tmp_path / "profile").as_uri()
    command = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "docx:MS Word 2007 XML"]
    subprocess.run(
        [*command, "--outdir", str(tmp_path / "out"), str(DEFAULT_TEMPLATE)], capture_output=True, timeout=120
    )
    resaved = tmp_path / "out" / "notice.docx"
    with zipfile.ZipFile(resaved) as archive:
        assert b'w:styleId="ItemLead"' not in archive.read("word/styles.xml")  # LibreOffice renamed the ids
    document = docx.Document(io.BytesIO(render_docx(sample_notice(), template=resaved)))
    assert [p.style.name for p in document.paragraphs] == EXPECTED_STYLES
    lead = document.paragraphs[2].runs[0]
    assert lead.style.name == "条目标题" and lead.text == "1.关于“学习不深入”的问题。"


def test_a_template_missing_a_style_is_refused_with_its_name(tmp_path):
    from rectification.render.docx_writer import DEFAULT_TEMPLATE, TemplateStyleMissing, render_docx

    broken = styles_xml_without(DEFAULT_TEMPLATE, tmp_path / "模板.docx", "一级标题")
    with pytest.raises(TemplateStyleMissing) as caught:
        render_docx(sample_notice(), template=broken)
    message = str(caught.value)
    assert f"通报模板 {broken} 中缺少样式 “一级标题”" in message and "build_docx_template.py" in message


def assert_template_refused(run_cli, ledger_path, monkeypatch, template: Path, *words: str) -> None:
    """A run with this notice template: exit 2, a sentence with these words, no file written."""
    from rectification.render import docx_writer

    monkeypatch.setattr(docx_writer, "DEFAULT_TEMPLATE", template)
    run = run_cli(str(ledger_path))
    assert run.exit_code == 2, run.output
    assert all(word in run.output for word in ("无法生成通报：通报模板", *words)), run.output
    assert "Traceback" not in run.output and "意外" not in run.output
    assert not list(run.out_dir.glob("*.docx")) and not list(run.out_dir.glob("*.xlsx"))


def test_a_template_missing_a_style_is_exit_2_and_writes_nothing(run_cli, ledger_path, tmp_path, monkeypatch):
    from rectification.render import docx_writer

    broken = styles_xml_without(docx_writer.DEFAULT_TEMPLATE, tmp_path / "模板.docx", "成文日期")
    assert_template_refused(run_cli, ledger_path, monkeypatch, broken, "缺少样式 “成文日期”")


def test_the_factory_template_renders_each_kind_in_its_style():
    from rectification.render.docx_writer import render_docx

    document = docx.Document(io.BytesIO(render_docx(sample_notice())))
    assert [p.style.name for p in document.paragraphs] == EXPECTED_STYLES


def template_copy(template: Path, target: Path, change) -> Path:
    """A copy of the template with change(name, data) -> data | None applied to each part (None: left out)."""
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            data = change(item.filename, source.read(item))
            if data is not None:
                copy.writestr(item.filename, data)
    return target


def test_a_template_saved_with_body_text_and_without_properties_still_renders(tmp_path):
    """A unit's template edited in Word: sample paragraphs left in its body, no docProps/core.xml."""
    from rectification.render.docx_writer import DEFAULT_TEMPLATE, render_docx

    def change(name: str, data: bytes) -> bytes | None:
        if name == "word/document.xml":
            return data.replace(b"<w:body><w:p/>", "<w:body><w:p><w:r><w:t>模板样文</w:t></w:r></w:p>".encode())
        if name == "[Content_Types].xml":
            return re.sub(rb'<Override PartName="/docProps/core.xml"[^>]*/>', b"", data)
        if name == "_rels/.rels":
            return re.sub(rb"<Relationship [^>]*core-properties[^>]*/>", b"", data)
        return None if name == "docProps/core.xml" else data

    edited = template_copy(DEFAULT_TEMPLATE, tmp_path / "模板.docx", change)
    data = render_docx(sample_notice(), template=edited)
    document = docx.Document(io.BytesIO(data))
    assert [p.style.name for p in document.paragraphs] == EXPECTED_STYLES  # the sample text is not kept
    assert document.core_properties.author == "中共某某区某某局党组"
    assert document.sections[0].page_height == docx.Document(str(DEFAULT_TEMPLATE)).sections[0].page_height
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None and len(package.namelist()) == len(set(package.namelist()))


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short, as a broken copy
        lambda data: b"PK\x03\x04" + b"\0" * 200,  # a zip in name only
        lambda data: "这不是文档".encode(),
    ],
)
def test_a_damaged_template_is_exit_2_with_a_sentence(run_cli, ledger_path, tmp_path, monkeypatch, damage):
    from rectification.render import docx_writer

    broken = tmp_path / "模板.docx"
    broken.write_bytes(damage(docx_writer.DEFAULT_TEMPLATE.read_bytes()))
    assert_template_refused(
        run_cli, ledger_path, monkeypatch, broken, "已损坏或不是 Word 文档", "build_docx_template.py"
    )
    said = run_cli(str(ledger_path)).output.replace(str(broken), "")
    assert not any(english in said for english in ("zip", "magic", "Error", "header")), said  # no library text


def test_a_template_replaced_on_disk_is_read_again(tmp_path):
    """The template is read once a process, but a changed file (a clerk fixing it between batch runs) is re-read."""
    from rectification.render.docx_writer import DEFAULT_TEMPLATE, TemplateStyleMissing, render_docx

    template = tmp_path / "模板.docx"
    shutil.copy(DEFAULT_TEMPLATE, template)
    render_docx(sample_notice(), template=template)
    styles_xml_without(DEFAULT_TEMPLATE, tmp_path / "坏.docx", "一级标题").replace(template)
    with pytest.raises(TemplateStyleMissing):
        render_docx(sample_notice(), template=template)


# -- 22. document properties ----------------------------------------------------------------------------------


def test_core_properties_name_the_issuer_and_the_real_time(run_cli, ledger_path):
    from datetime import datetime, timezone

    before = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
    run = run_cli(str(ledger_path))
    props = docx.Document(run.files(".docx")[0]).core_properties
    assert props.author == props.last_modified_by == INFO["发文机关"]
    assert props.title.startswith(INFO["发文机关"])
    for moment in (props.created, props.modified):
        assert before <= moment.replace(tzinfo=None) <= datetime.now(timezone.utc).replace(tzinfo=None)


# -- 20. budgets count what costs time and memory, not how a writer spells it ----------------------------------


def openpyxl_rows(count: int, first_row: int = 5) -> bytes:
    """Measures as openpyxl writes them: inline strings, each Chinese character a &#NNNNN; reference."""

    def cell(column: str, row: int, text: str) -> bytes:
        spelled = "".join(f"&#{ord(c)};" if ord(c) > 127 else c for c in text)
        return f'<c r="{column}{row}" t="inlineStr"><is><t>{spelled}</t></is></c>'.encode()

    progress = "对照问题清单逐项研究，明确了责任分工和完成时限，形成了阶段性成果，下一步将持续跟踪问效、巩固提升。" * 14
    pieces = []
    for row in range(first_row, first_row + count):
        values = ["", "", "学习不深入", "", f"第{row}项措施：制定学习计划", "王明", "综合科", "李华"]  # from 序号 on
        values += ["2025-09-30", "已完成", "2025-09-20", progress, "学习计划"]
        cells = [cell(chr(65 + c), row, v) for c, v in enumerate(values) if v]
        pieces.append(b'<row r="%d"><c r="A%d" t="n"><v>1</v></c>' % (row, row) + b"".join(cells) + b"</row>")
    return b"".join(pieces)


@pytest.mark.slow
def test_a_ledger_written_by_openpyxl_is_budgeted_by_its_text_not_its_references(tmp_path):
    """A sheet over 100 MB only because every character is spelled &#NNNNN; is read: its text is a third of that."""
    path = append_to_sheet(write_ledger(tmp_path / "台账.xlsx"), openpyxl_rows(19_000))
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo(SHEET).file_size > MAX_PART_BYTES
    run = bounded(str(path), out_dir=tmp_path / "out")
    assert_answered(run, 0, "已生成通报", "19003项措施")
