"""--pdf: the notice as LibreOffice prints it, read back with pdftotext; and what happens without LibreOffice."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, Run

from rectification.deliver import pdf
from rectification.deliver.pdf import PdfError, docx_to_pdf, find_soffice
from rectification.render.docx_writer import DEFAULT_TEMPLATE, text_width

TITLE = "中共武汉市东西湖区红十字会党组关于区委第九轮巡察反馈意见整改进展情况的通报"
LINES_PER_PAGE = 22
# The faces fonts/fonts.conf maps the official fonts to: the line and page counts below are theirs.
LAYOUT_FONTS = {"Noto Serif CJK SC": "fonts-noto-cjk", "Noto Sans CJK SC": "fonts-noto-cjk"}


def require_pdf_tools() -> None:
    missing = [
        name
        for name, found in (("LibreOffice (soffice)", find_soffice()), ("pdftotext", shutil.which("pdftotext")))
        if not found
    ]
    if not missing:
        return
    reason = f"{' and '.join(missing)} not installed (Debian: libreoffice-writer-nogui poppler-utils fonts-noto-cjk)"
    if os.environ.get("REQUIRE_PDF"):  # .ci/run installs them: there the PDF must be tested
        pytest.fail(reason)
    pytest.skip(reason)


def require_layout_fonts() -> None:
    """The layout assertions hold for the faces LAYOUT_FONTS names; other faces break lines elsewhere."""
    listing = subprocess.run(["fc-list", ":", "family"], capture_output=True, check=False).stdout.decode()
    families = {name.strip() for line in listing.splitlines() for name in line.split(",")}
    missing = sorted({package for family, package in LAYOUT_FONTS.items() if family not in families})
    if not missing:
        return
    reason = f"fonts for the PDF layout not installed (Debian: {' '.join(missing)})"
    if os.environ.get("REQUIRE_PDF"):
        pytest.fail(reason)
    pytest.skip(reason)


def page_text(path: Path, page: int) -> str:
    command = ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-"]
    return subprocess.run(command, check=True, capture_output=True).stdout.decode("utf-8")


def page_count(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True).stdout.decode()
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def example_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path]:
    """The example ledger through the real command with --pdf, once for the module."""
    require_pdf_tools()
    if shutil.which("fc-list"):
        require_layout_fonts()
    from click.testing import CliRunner

    import generate

    out = tmp_path_factory.mktemp("pdf") / "output"
    argv = [str(ROOT / "workbook_template.xlsx"), "--out", str(out), "--as-of", "2025-12-11", "--pdf"]
    result = CliRunner().invoke(generate.cli, argv, catch_exceptions=False)
    run = Run(result.exit_code, result.output, out)
    assert run.exit_code == 0, run.output
    pdfs = run.files(".pdf")
    assert [p.name for p in pdfs] == [f"{TITLE}.pdf"]
    return run, pdfs[0]


@pytest.mark.slow
def test_pdf_is_reported_beside_the_notice(example_pdf):
    run, path = example_pdf
    assert f"PDF（用 LibreOffice 生成）：{path}" in run.output
    assert path.read_bytes().startswith(b"%PDF")
    assert path.with_suffix(".docx").is_file()
    assert not list(run.out_dir.glob("~tmp-*"))


@pytest.mark.slow
def test_page_count_title_and_page_numbers(example_pdf):
    _, path = example_pdf
    pages = page_count(path)
    assert 6 <= pages <= 10  # 8 with LibreOffice 7.4 and the Noto/AR PL faces
    first = lines_of(page_text(path, 1))
    assert flat("".join(first[:2])) == TITLE  # the title, over two lines
    for number in range(1, pages + 1):  # “— 1 —” or “—1—”: pdftotext's spacing depends on the dash's face
        assert flat(lines_of(page_text(path, number))[-1]) == f"—{number}—", f"page {number}"


@pytest.mark.slow
def test_signature_and_date_on_the_last_page(example_pdf):
    _, path = example_pdf
    last = lines_of(page_text(path, page_count(path)))
    assert last[-3:-1] == ["中共武汉市东西湖区红十字会党组", "2025 年 12 月 11 日"]
    assert "欢迎广大干部群众" in flat("".join(last))


@pytest.mark.slow
def test_full_body_page_holds_22_lines_of_27_to_28_characters(example_pdf):
    _, path = example_pdf
    body = lines_of(page_text(path, 2))[:-1]  # without the page number
    assert len(body) == LINES_PER_PAGE
    widths = [text_width(flat(line)) for line in body]
    assert 27 <= max(widths) <= 28  # the 28-character line of GB/T 9704, within LibreOffice's rounding


@pytest.mark.slow
def test_each_conversion_has_its_own_profile(example_pdf):
    """A second conversion, with a fresh private profile, gives a PDF again."""
    _, path = example_pdf
    again = docx_to_pdf(path.with_suffix(".docx").read_bytes())
    assert again.startswith(b"%PDF")


# --- without LibreOffice: exit 3, a Chinese message, the .docx stays -------------------------------------


def test_no_libreoffice_is_exit_3_and_the_notice_stays(run_cli, ledger_path, monkeypatch):
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    run = run_cli(str(ledger_path), "--pdf")
    assert run.exit_code == 3, run.output
    assert "未找到 LibreOffice，未生成 PDF" in run.output
    assert "Word 通报已生成，但上述 PDF 或邮件步骤未完成。" in run.output
    assert len(run.files(".docx")) == 1 and run.files(".pdf") == []


def test_soffice_named_by_env_must_exist(monkeypatch, tmp_path):
    monkeypatch.setenv("SOFFICE", str(tmp_path / "nowhere" / "soffice"))
    assert find_soffice() is None


def fake_soffice(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "soffice"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return script


@pytest.mark.skipif(sys.platform == "win32", reason="fake soffice is a shell script")
def test_soffice_that_writes_nothing_is_reported(tmp_path):
    soffice = fake_soffice(tmp_path, "echo 'Error: source file could not be loaded'; exit 0")
    with pytest.raises(PdfError, match="LibreOffice 未能生成 PDF（Error: source file could not be loaded）"):
        docx_to_pdf(DEFAULT_TEMPLATE.read_bytes(), soffice=soffice)


@pytest.mark.skipif(sys.platform == "win32", reason="fake soffice is a shell script")
def test_soffice_that_hangs_is_stopped(tmp_path):
    soffice = fake_soffice(tmp_path, "sleep 30 & wait")
    with pytest.raises(PdfError, match="超过 1 秒未完成"):
        docx_to_pdf(DEFAULT_TEMPLATE.read_bytes(), soffice=soffice, timeout=1)


# The pids are written once Python waits for this script (a wait with a time limit polls: its wchan is a sleep,
# do_wait without one): Ctrl+C then always finds it inside the wait, however loaded the machine (before, the
# signal could land between the start and the wait).
SPAWNING_SOFFICE = """#!/bin/sh
sleep 60 &
n=0
until case "$(cat /proc/$PPID/wchan 2>/dev/null)" in do_wait|*nanosleep) true;; *) [ $n -ge 200 ];; esac; do
    sleep 0.05; n=$((n+1))
done
echo "$$ $!" > "{pids}.tmp" && mv "{pids}.tmp" "{pids}"
wait
"""


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead, only not yet reaped
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_during_the_conversion_ends_libreoffice_too(tmp_path):
    pids = tmp_path / "pids"
    soffice = fake_soffice(tmp_path, SPAWNING_SOFFICE.format(pids=pids).split("\n", 1)[1])
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
        "from rectification.deliver.pdf import docx_to_pdf\n"
        f"docx_to_pdf(open({str(DEFAULT_TEMPLATE)!r}, 'rb').read(), soffice=__import__('pathlib').Path({str(soffice)!r}))\n"
    )
    python = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while not (pids.exists() and len(pids.read_text().split()) == 2) and time.monotonic() < deadline:
        time.sleep(0.05)
    shell, child = map(int, pids.read_text().split())
    python.send_signal(signal.SIGINT)  # what Ctrl+C sends
    _, err = python.communicate(timeout=20)
    assert b"KeyboardInterrupt" in err
    while (alive(shell) or alive(child)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(shell) and not alive(child)


HELPER_KEEPS_OUTPUT_OPEN = """setsid sh -c 'echo $$ > "{pid}"; exec sleep 30' &
sleep 30
"""


@pytest.mark.skipif(sys.platform == "win32" or not shutil.which("setsid"), reason="fake soffice is a shell script")
def test_a_helper_that_keeps_the_output_open_does_not_keep_us_waiting(tmp_path):
    helper = tmp_path / "helper.pid"
    soffice = fake_soffice(tmp_path, HELPER_KEEPS_OUTPUT_OPEN.format(pid=helper))
    code = (
        f"import sys, pathlib; sys.path.insert(0, {str(ROOT)!r})\n"
        "from rectification.deliver.pdf import PdfError, docx_to_pdf\n"
        "try:\n"
        f"    docx_to_pdf(pathlib.Path({str(DEFAULT_TEMPLATE)!r}).read_bytes(), soffice=pathlib.Path({str(soffice)!r}), timeout=1)\n"
        "except PdfError as error:\n"
        "    print(error)\n"
    )
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=20)
    finally:
        if helper.exists():  # the helper left our process group on purpose: end it here
            with __import__("contextlib").suppress(ProcessLookupError, ValueError):
                os.kill(int(helper.read_text()), signal.SIGKILL)
    assert "超过 1 秒未完成，已停止" in done.stdout.decode("utf-8")
    assert time.monotonic() - started < 15  # 1 s limit + at most END_WAIT_SECONDS, never the helper's 30 s


HELPER_LEAVES_THE_GROUP = """setsid sh -c 'echo $$ > "{pid}.tmp"; mv "{pid}.tmp" "{pid}"; exec sleep 30' &
while [ ! -s "{pid}" ]; do sleep 0.05; done
"""


@pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("setsid"), reason="reads /proc")
def test_a_helper_that_left_the_process_group_does_not_stay_running(tmp_path):
    helper = tmp_path / "helper.pid"
    soffice = fake_soffice(tmp_path, HELPER_LEAVES_THE_GROUP.format(pid=helper))
    try:
        with pytest.raises(PdfError, match="未能生成 PDF"):  # soffice exits at once, its helper lives on
            docx_to_pdf(DEFAULT_TEMPLATE.read_bytes(), soffice=soffice, timeout=20)
        pid = int(helper.read_text())
        deadline = time.monotonic() + 5
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(pid)
    finally:
        if helper.exists():
            with __import__("contextlib").suppress(ProcessLookupError, ValueError):
                os.kill(int(helper.read_text()), signal.SIGKILL)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_cancel_during_the_conversion_ends_libreoffice_at_once(tmp_path):
    """The window was closed while the PDF was being made: LibreOffice and what it started end within a second."""
    import threading

    from rectification.deliver.pdf import PdfCancelled

    pids = tmp_path / "pids"
    soffice = fake_soffice(tmp_path, SPAWNING_SOFFICE.format(pids=pids).split("\n", 1)[1])
    cancel = threading.Event()

    def close_the_window() -> None:
        deadline = time.monotonic() + 20
        while not (pids.exists() and len(pids.read_text().split()) == 2) and time.monotonic() < deadline:
            time.sleep(0.05)
        cancel.set()

    threading.Thread(target=close_the_window, daemon=True).start()
    started = time.monotonic()
    with pytest.raises(PdfCancelled):
        docx_to_pdf(DEFAULT_TEMPLATE.read_bytes(), soffice=soffice, cancel=cancel)
    assert time.monotonic() - started < 15
    shell, child = map(int, pids.read_text().split())
    deadline = time.monotonic() + 5
    while (alive(shell) or alive(child)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(shell) and not alive(child)
