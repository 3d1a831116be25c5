"""The notice as PDF, made by LibreOffice (soffice) from a copy of the .docx on a line-only grid."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from rectification.core.errors import EXIT_DELIVERY, RectificationError
from rectification.render.docx_writer import pdf_ready_copy

FONTCONFIG = Path(__file__).resolve().parents[2] / "fonts" / "fonts.conf"
TIMEOUT_SECONDS = 180  # a first run on a slow office PC builds LibreOffice's caches
SOFFICE_ENV = "SOFFICE"  # names the soffice program when it is somewhere unusual
END_WAIT_SECONDS = 5  # after SIGKILL a process is gone at once; a process in the kernel (D state) is not waited for
OUTPUT_KEPT_BYTES = 64 * 1024  # the end of soffice's messages is the part that says what went wrong
MAX_PDF_BYTES = 300 << 20  # the largest notices (100,000 measures) make a PDF of a few tens of MB
RUN_MARK = "RECTIFICATION_PDF_RUN"  # in the environment of every process one conversion starts


CANCEL_POLL_SECONDS = 0.2


class PdfError(RectificationError):
    """The PDF could not be made; the message is for the user (Chinese)."""

    exit_code = EXIT_DELIVERY


class PdfCancelled(PdfError):
    """The conversion was stopped on request (the window was closed); LibreOffice was ended with it."""


def soffice_candidates() -> list[Path]:
    """Where LibreOffice usually lives on Windows and macOS, besides PATH."""
    if sys.platform == "win32":
        roots = [os.environ.get(name) for name in ("ProgramFiles", "ProgramFiles(x86)", "ProgramW6432")]
        local = os.environ.get("LOCALAPPDATA")
        folders = [Path(root) / "LibreOffice" / "program" for root in roots if root]
        if local:
            folders.append(Path(local) / "Programs" / "LibreOffice" / "program")
        return [folder / "soffice.exe" for folder in folders]
    if sys.platform == "darwin":
        app = Path("LibreOffice.app") / "Contents" / "MacOS" / "soffice"
        return [Path("/Applications") / app, Path.home() / "Applications" / app]
    return [Path("/usr/bin/soffice"), Path("/usr/local/bin/soffice"), Path("/opt/libreoffice/program/soffice")]


def find_soffice() -> Path | None:
    """The soffice program: $SOFFICE, then PATH, then the usual install folders."""
    named = os.environ.get(SOFFICE_ENV)
    if named:
        return Path(named) if Path(named).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return Path(found)
    return next((path for path in soffice_candidates() if path.is_file()), None)


def docx_to_pdf(
    docx_bytes: bytes,
    soffice: Path | None = None,
    timeout: float = TIMEOUT_SECONDS,
    cancel: threading.Event | None = None,
) -> bytes:
    """The PDF of a notice's .docx bytes; raises PdfError with a message for the user.

    cancel, when set during the conversion (the window was closed), ends LibreOffice and raises PdfCancelled.
    """
    program = soffice or find_soffice()
    if program is None:
        raise PdfError(
            "未找到 LibreOffice，未生成 PDF。"
            "请从 https://zh-cn.libreoffice.org 下载安装 LibreOffice 后重试，或用 Word/WPS 打开通报另存为 PDF。"
        )
    # A helper that escaped the group may still hold the folder open (Windows): leave it rather than fail.
    with tempfile.TemporaryDirectory(prefix="notice-pdf-", ignore_cleanup_errors=True) as work:
        folder = Path(work)
        source = folder / "notice.docx"  # a fixed ASCII name: the PDF then is notice.pdf
        source.write_bytes(pdf_ready_copy(docx_bytes))
        profile = folder / "profile"  # a private profile: a running LibreOffice or a stale lock cannot interfere
        command = [
            str(program),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(folder),
            str(source),
        ]
        code, output = _run(command, timeout, cancel)
        pdf = folder / "notice.pdf"
        data = read_written_pdf(pdf, "LibreOffice")
    if not data.startswith(b"%PDF"):
        detail = output.strip().splitlines()[-1] if output.strip() else f"退出码 {code}"
        raise PdfError(f"LibreOffice 未能生成 PDF（{detail}）。可用 Word/WPS 打开通报后另存为 PDF")
    return data


def read_written_pdf(pdf: Path, program: str) -> bytes:
    """The PDF a converter wrote, b"" when it wrote none (or a link, a folder: not a file it wrote). A PDF over
    MAX_PDF_BYTES is no notice's (a runaway or hostile converter): refused before reading, not read into memory."""
    try:
        info = pdf.lstat()
    except OSError:
        return b""
    if not stat.S_ISREG(info.st_mode):
        return b""
    if info.st_size > MAX_PDF_BYTES:
        raise PdfError(
            f"{program} 写出的 PDF 异常巨大（{info.st_size >> 20} MB），未使用。可用 Word/WPS 打开通报后另存为 PDF"
        )
    return pdf.read_bytes()


def _environment(token: str) -> dict[str, str]:
    env = dict(os.environ)
    env[RUN_MARK] = token  # inherited by everything soffice starts, even what leaves its process group
    if sys.platform not in ("win32", "darwin") and FONTCONFIG.is_file():
        env["FONTCONFIG_FILE"] = str(FONTCONFIG)  # the official font names mapped to installed CJK faces
    return env


def _run(command: list[str], timeout: float, cancel: threading.Event | None = None) -> tuple[int, str]:
    """Run soffice in its own process group; on timeout or Ctrl+C, end the group and everything it started.

    Its output goes to a file, not a pipe: a helper that outlives soffice and keeps a pipe open would
    otherwise keep us waiting after the time limit.
    """
    posix = os.name == "posix"
    flags = (
        0 if posix else getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0) | getattr(subprocess, "CREATE_NO_WINDOW", 0)
    )
    token = uuid.uuid4().hex
    with tempfile.TemporaryFile() as log:
        process: subprocess.Popen | None = None
        try:  # one block from the start to the end of the wait: Ctrl+C anywhere in it ends the group
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=_environment(token),
                start_new_session=posix,
                creationflags=flags,
            )
            code = _wait(process, timeout, cancel)
        except OSError as error:
            raise PdfError(f"无法启动 LibreOffice（{command[0]}：{error.strerror or error}）") from error
        except subprocess.TimeoutExpired:
            assert process is not None, "only the wait times out"
            _end(process, token)
            raise PdfError(f"LibreOffice 转换 PDF 超过 {timeout:.0f} 秒未完成，已停止，可稍后重试") from None
        except BaseException:  # Ctrl+C or a signal: LibreOffice must not stay behind
            if process is not None:
                _end(process, token)
            raise
        _end(process, token)  # soffice has exited; anything it left in its group (or outside it) goes too
        log.seek(0)
        output = log.read()[-OUTPUT_KEPT_BYTES:]
    return code, output.decode("utf-8", "replace")


def _marked(token: str) -> list[int]:
    """Processes whose environment holds this conversion's mark (Linux: /proc; elsewhere none are found)."""
    mark = f"{RUN_MARK}={token}".encode() + b"\0"
    found = []
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if entry.name.isdigit() and int(entry.name) != os.getpid():
                with contextlib.suppress(OSError), open(f"/proc/{entry.name}/environ", "rb") as environ:
                    if mark in environ.read():
                        found.append(int(entry.name))
    return found


def _wait(process: subprocess.Popen, timeout: float, cancel: threading.Event | None) -> int:
    """process.wait(timeout), looking at cancel every CANCEL_POLL_SECONDS: a closed window does not wait 180 s."""
    if cancel is None:
        return process.wait(timeout=timeout)
    deadline = time.monotonic() + timeout
    while True:
        try:
            return process.wait(timeout=min(CANCEL_POLL_SECONDS, max(deadline - time.monotonic(), 0.0)))
        except subprocess.TimeoutExpired:
            if cancel.is_set():
                raise PdfCancelled("已取消：PDF 未生成") from None
            if time.monotonic() >= deadline:
                raise


def _end(process: subprocess.Popen, token: str) -> None:
    """Kill the process group (POSIX) or tree (Windows), and on Linux any process that left the group (setsid)
    but carries this conversion's mark; wait a little, never on a pipe."""
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError, PermissionError):  # already gone
            os.killpg(process.pid, signal.SIGKILL)
        for pid in _marked(token):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
    elif process.poll() is None:
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True, check=False)
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=END_WAIT_SECONDS)
