"""generate.bat (by its bytes), generate.sh (end to end, first run and a half-made .venv included), the
messages script and the offline bundle's zip. generate.bat's control flow: test_launchers_bat_flow.py."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import launcher_messages  # noqa: E402
import make_offline_bundle  # noqa: E402

BAT = ROOT / "generate.bat"
SH = ROOT / "generate.sh"
TITLE = "中共武汉市东西湖区红十字会党组关于区委第九轮巡察反馈意见整改进展情况的通报"


# --- generate.bat -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bat() -> bytes:
    return BAT.read_bytes()


def bat_lines(data: bytes) -> list[str]:
    return data.decode("ascii").split("\r\n")


def test_bat_is_ascii_crlf_without_bom(bat):
    assert not bat.startswith(b"\xef\xbb\xbf")
    assert bat.isascii(), "cmd reads .bat files in the console code page: Chinese text must come from Python"
    assert bat.count(b"\n") == bat.count(b"\r\n") > 50, "LF-only lines break goto and call labels"
    assert b"\r\r" not in bat and bat.endswith(b"\r\n")


def test_gitattributes_keeps_crlf():
    rules = (ROOT / ".gitattributes").read_text(encoding="ascii").splitlines()
    assert "*.bat text eol=crlf" in rules and "*.sh text eol=lf" in rules


def test_bat_runs_from_its_folder_with_the_venv_python(bat):
    lines = [line.strip() for line in bat_lines(bat)]
    assert lines[0] == "@echo off"
    assert any(line.startswith("setlocal") for line in lines[:10])
    assert 'pushd "%~dp0"' in lines and "popd" in lines
    assert 'set "PYTHONUTF8=1"' in lines
    assert '"%VENV_PY%" generate.py --window' in lines and '"%VENV_PY%" generate.py --drop "%LEDGER%"' in lines
    assert '"%VENV_PY%" generate.py --drop "%LEDGER%" --drop "%~2" --drop "%~3"' in lines
    assert 'set "LEDGER=%~1"' in lines
    assert 'set "VENV_PY=.venv\\Scripts\\python.exe"' in lines  # never "activate"
    assert "pause" in lines or "pause >nul" in lines


def test_bat_finds_python_and_installs_like_the_notes_say(bat):
    text = bat.decode("ascii")
    assert text.index("call :probe py -3") < text.index("call :probe python")
    assert "%* -c " in text and ">nul 2>&1" in text  # always with arguments, quietly: the Store stub exits 9009
    assert '%PY% -m venv ".venv"' in text
    assert '-m pip install --no-index --find-links "wheels" -r "requirements.txt"' in text
    assert '-m pip install -r "requirements.txt"' in text
    assert 'set "MARKER=.venv\\requirements.installed"' in text
    assert 'fc /b "requirements.txt" "%MARKER%"' in text and 'copy /y "requirements.txt" "%MARKER%"' in text
    assert '"%VENV_PY%" "%MSG%" check_venv' in text  # a half-made .venv is not trusted
    assert "start" not in text.replace('start "" notepad.exe', "")  # generate.py opens the output folder itself
    assert "tools\\python_missing.txt" in text


def test_bat_labels_exist(bat):
    lines = [line.strip() for line in bat_lines(bat)]
    labels = {line[1:].split()[0].lower() for line in lines if line.startswith(":")}
    targets = set()
    for line in lines:
        if line.lower().startswith("rem "):
            continue
        targets |= {t.lower() for t in re.findall(r"\bgoto\s+:?(\w+)", line, re.IGNORECASE)}
        targets |= {t.lower() for t in re.findall(r"\bcall\s+:(\w+)", line, re.IGNORECASE)}
    assert targets and targets <= labels, f"missing labels: {targets - labels}"


def test_bat_messages_exist_in_python(bat):
    """Every message key the scripts ask for is one launcher_messages.py knows, and it is Chinese."""
    text = bat.decode("ascii") + SH.read_text(encoding="utf-8")
    keys = set(re.findall(r'"\$?%?MSG%?"\s+(?!goto)(\w+)', text)) | set(re.findall(r'\b(?:SAY|say)="?(\w+)', text))
    assert {"creating_venv", "rebuilding_venv", "installing_online", "installing_offline", "result"} <= keys
    assert {"press_any_key", "install_broken", "check_venv"} <= keys
    for key in keys - {"result", "check_venv"}:
        assert key in launcher_messages.MESSAGES, key
        assert re.search(r"[\u4e00-\u9fff]", launcher_messages.MESSAGES[key])
    for code in ("0", "1", "2", "3", "4", "9"):
        assert re.search(r"[\u4e00-\u9fff]", launcher_messages.message("result", code))
        assert launcher_messages.message("result", code).splitlines()[-1] == launcher_messages.WINDOW_HINT


def test_the_window_hint_is_the_same_words_as_after_a_drop():
    from rectification.cli.drops import WINDOW_HINT

    assert launcher_messages.WINDOW_HINT == WINDOW_HINT


def test_no_python_help_opens_in_any_notepad():
    data = (ROOT / "tools" / "python_missing.txt").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Notepad before Windows 10 1903 needs the BOM to see UTF-8
    assert data.count(b"\n") == data.count(b"\r\n")
    text = data.decode("utf-8-sig")
    assert "python.org" in text and "Add python.exe to PATH" in text and "generate.bat" in text


# --- tools/launcher_messages.py and generate.py's first lines -------------------------------------------


def test_venv_check_imports_every_runtime_library():
    """check_venv imports pip and each library requirements.txt names (by its import name).

    A requirement for one platform only (pywin32 on Windows: PDF through Word or WPS) is optional: without it
    the PDF is made by LibreOffice, so a venv lacking it is still usable.
    """
    import_names = {"python-calamine": "python_calamine", "python-docx": "docx", "xlsxwriter": "xlsxwriter"}
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if line and not line.startswith("#") and "sys_platform" not in line]
    wanted = {re.split(r"[<>=\s]", line, maxsplit=1)[0].lower() for line in lines}
    modules = set(launcher_messages.VENV_MODULES)
    assert {import_names.get(name, name) for name in wanted} <= modules
    assert any(name.startswith("pip") for name in modules)
    assert launcher_messages.check_venv() == 0  # this venv has them all
    assert launcher_messages.check_venv(("json", "no_such_module_14")) == 1


def test_messages_script_takes_an_argument():
    assert launcher_messages.main(["result", "9"]) == 0
    assert "9" in launcher_messages.message("result", "9")
    assert launcher_messages.main([]) == 2


def without_pip_venv(target: Path) -> Path:
    """A venv with no pip and no libraries: what a closed window leaves behind. Fast: nothing installed."""
    try:
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(target)], check=True, capture_output=True)
    except (subprocess.CalledProcessError, OSError) as error:
        pytest.skip(f"cannot create a venv here: {error}")
    python = target / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    return python


def test_generate_py_without_its_libraries_exits_4_not_1(tmp_path):
    """1 tells the clerk the ledger has errors; a broken .venv must say something else."""
    python = without_pip_venv(tmp_path / "venv")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    done = subprocess.run(
        [str(python), str(ROOT / "generate.py")], capture_output=True, text=True, encoding="utf-8", env=env
    )
    assert done.returncode == 4, done.stderr
    assert "程序组件不完整（缺少 click" in done.stderr and "请删除 .venv 文件夹后重新双击运行" in done.stderr
    assert "Traceback" not in done.stderr


# --- generate.sh, end to end ------------------------------------------------------------------------


def repo_copy(target: Path) -> Path:
    """The working tree's files (tracked, and new ones not ignored) copied to target: no .venv, no output."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8")
    for name in filter(None, listing.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def sh_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "DISPLAY", "WAYLAND"))}
    env["GENERATE_NO_OPEN"] = "1"
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    return env


def run_sh(script: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(script), *args],
        cwd=cwd,
        env=sh_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )


def skip_if_offline(done: subprocess.CompletedProcess[str]) -> None:
    if done.returncode == 2 and launcher_messages.MESSAGES["install_failed_online"] in done.stderr:
        pytest.skip("pip could not install requirements.txt here (no package index reachable?)")


def test_sh_is_an_executable_lf_script():
    data = SH.read_bytes()
    assert data.startswith(b"#!/bin/sh\n") and b"\r" not in data
    assert os.access(SH, os.X_OK) or sys.platform == "win32"


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="the shell twin is for macOS and Linux")
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to list the repository's files")
def test_sh_twin_end_to_end(tmp_path):
    """First run creates .venv and installs requirements.txt; the second skips the install; a dragged ledger works."""
    repo = repo_copy(tmp_path / "通报 工具")  # a space and Chinese characters in the path

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return run_sh(repo / "generate.sh", *args, cwd=tmp_path)  # the script moves to its own folder

    first = run("--as-of", "2025-12-11")
    skip_if_offline(first)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "第一次运行：正在创建运行环境" in first.stdout
    assert "正在联网安装所需组件" in first.stdout
    assert (repo / ".venv" / "requirements.installed").read_bytes() == (repo / "requirements.txt").read_bytes()
    assert (repo / "output" / f"{TITLE}.docx").is_file()
    assert first.stdout.rstrip().endswith(launcher_messages.message("result", "0"))  # its last line: the window

    ledger = repo / "output" / "拖进来的 台账.xlsx"
    shutil.copy2(repo / "workbook_template.xlsx", ledger)
    second = run(str(ledger), "--check-only")  # an option: the arguments go to generate.py as given
    assert second.returncode == 0, second.stdout + second.stderr
    assert "正在" not in second.stdout  # no venv, no install: requirements.txt did not change
    assert second.stdout.lstrip().startswith("检查完成（仅检查，未生成通报）")

    round_dir = tmp_path / "第三轮 各单位"
    round_dir.mkdir()
    shutil.copy2(ledger, round_dir / "甲.xlsx")
    dropped = run(str(round_dir))  # paths only: dropped, generate.py --drop decides
    assert dropped.returncode == 0, dropped.stdout + dropped.stderr
    assert f"输出到 {tmp_path / '第三轮 各单位_通报'}" in dropped.stdout
    assert (tmp_path / "第三轮 各单位_通报" / "本轮整改进展情况汇总通报.docx").is_file()
    assert dropped.stdout.count(launcher_messages.WINDOW_HINT) == 1  # the script's last line only

    with (repo / "requirements.txt").open("a", encoding="utf-8") as requirements:
        requirements.write("\n")
    third = run(str(repo / "没有这个文件.xlsx"))  # no display here: no window, the explanation instead
    assert third.returncode == 2
    assert "正在联网安装所需组件" in third.stdout and "正在创建运行环境" not in third.stdout
    assert "找不到拖入的台账文件" in third.stderr and "未能处理台账，请看上面的说明。" in third.stdout


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX sh")
def test_sh_alone_says_extract_the_zip_first(tmp_path):
    """Only the script, as when a file is opened inside a zip: a Chinese sentence, no .venv."""
    folder = tmp_path / "压缩包 临时"
    folder.mkdir()
    shutil.copy2(SH, folder / "generate.sh")
    done = run_sh(folder / "generate.sh", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == launcher_messages.MESSAGES["not_extracted"]
    assert sorted(p.name for p in folder.iterdir()) == ["generate.sh"]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="the shell twin is for macOS and Linux")
@pytest.mark.skipif(shutil.which("sh") is None or shutil.which("git") is None, reason="needs sh and git")
def test_sh_heals_a_half_made_venv_slow(tmp_path):
    """Slow (two real installs, about 15 s here): a .venv without pip, then one missing a library, is rebuilt."""
    repo = repo_copy(tmp_path / "通报 工具")
    without_pip_venv(repo / ".venv")  # the first run's window was closed while the venv was being made
    (repo / ".venv" / "requirements.installed").write_bytes((repo / "requirements.txt").read_bytes())

    first = run_sh(repo / "generate.sh", "--check-only", cwd=tmp_path)
    skip_if_offline(first)
    assert first.returncode == 0, first.stdout + first.stderr
    assert launcher_messages.MESSAGES["rebuilding_venv"] in first.stdout
    assert "检查完成（仅检查，未生成通报）" in first.stdout
    assert (repo / ".venv" / "requirements.installed").read_bytes() == (repo / "requirements.txt").read_bytes()

    site = next((repo / ".venv" / "lib").glob("python3*/site-packages"))
    shutil.rmtree(site / "openpyxl")  # antivirus, later: the marker is still there, a library is not
    second = run_sh(repo / "generate.sh", "--check-only", cwd=tmp_path)
    skip_if_offline(second)
    assert second.returncode == 0, second.stdout + second.stderr
    assert launcher_messages.MESSAGES["rebuilding_venv"] in second.stdout and (site / "openpyxl").is_dir()

    third = run_sh(repo / "generate.sh", "--check-only", cwd=tmp_path)
    assert third.returncode == 0 and "正在" not in third.stdout  # healed: trusted again, nothing installed


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="the shell twin is for macOS and Linux")
@pytest.mark.skipif(shutil.which("sh") is None or shutil.which("git") is None, reason="needs sh and git")
def test_sh_keeps_the_venv_the_readme_makes(tmp_path):
    """The README's two commands make a .venv with no marker (and the dev tools): install into it, mark it, keep it."""
    repo = repo_copy(tmp_path / "通报 工具")
    try:
        subprocess.run([sys.executable, "-m", "venv", str(repo / ".venv")], check=True, capture_output=True)
    except (subprocess.CalledProcessError, OSError) as error:
        pytest.skip(f"cannot create a venv here: {error}")
    python = repo / ".venv" / "bin" / "python"
    env = sh_env()
    made = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "-r", "requirements.txt"], cwd=repo, env=env, capture_output=True
    )
    if made.returncode != 0:
        pytest.skip("pip could not install requirements.txt here (no package index reachable?)")
    dev_tool = next((repo / ".venv" / "lib").glob("python3*/site-packages")) / "readme_dev_tool.py"
    dev_tool.write_text("# stands for pytest, ruff and the rest of requirements-dev.txt\n", encoding="utf-8")

    first = run_sh(repo / "generate.sh", "--check-only", cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert launcher_messages.MESSAGES["rebuilding_venv"] not in first.stdout
    assert launcher_messages.MESSAGES["creating_venv"] not in first.stdout
    assert "正在联网安装所需组件" in first.stdout  # pip, with nothing to do
    assert dev_tool.is_file()  # the same .venv
    assert (repo / ".venv" / "requirements.installed").read_bytes() == (repo / "requirements.txt").read_bytes()

    second = run_sh(repo / "generate.sh", "--check-only", cwd=tmp_path)
    assert second.returncode == 0 and "正在" not in second.stdout  # marked: trusted, nothing installed


# --- the offline bundle -----------------------------------------------------------------------------


def test_bundle_zip_holds_the_repo_and_the_wheels(tmp_path):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    fake = wheels / "lxml-6.0.0-cp312-cp312-win_amd64.whl"
    fake.write_bytes(b"PK fake wheel")
    (wheels / "notes.txt").write_text("not a wheel", encoding="utf-8")
    files = ["generate.bat", "generate.sh", "generate.py", "requirements.txt", "tools/python_missing.txt"]
    target = make_offline_bundle.build_zip(ROOT, files, wheels, tmp_path / "dist" / "bundle.zip")
    assert not list(target.parent.glob("*.partial"))
    with zipfile.ZipFile(target) as bundle:
        names = bundle.namelist()
        assert sorted(names) == sorted(
            [f"rectification-notice/{name}" for name in files] + [f"rectification-notice/wheels/{fake.name}"]
        )
        assert bundle.read("rectification-notice/generate.bat") == BAT.read_bytes()  # CRLF kept
        assert bundle.read(f"rectification-notice/wheels/{fake.name}") == b"PK fake wheel"
        mode = bundle.getinfo("rectification-notice/generate.sh").external_attr >> 16
        assert mode & 0o111 or sys.platform == "win32"
        assert bundle.testzip() is None


def test_bundle_lists_tracked_files_only(tmp_path):
    """Untracked .venv, output and wheels files, and a tracked file deleted since, stay out of the bundle."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    for name in ("generate.py", "requirements.txt", "output/.gitkeep", "gone.txt"):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text("x", encoding="utf-8")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    (repo / "gone.txt").unlink()
    for name in (".venv/bin/python", "output/通报.docx", "wheels/a.whl", "dist/b.zip"):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text("x", encoding="utf-8")
    assert sorted(make_offline_bundle.repo_files(repo)) == ["generate.py", "output/.gitkeep", "requirements.txt"]


def test_bundle_downloads_windows_wheels_for_each_python(monkeypatch, tmp_path):
    """The pip commands, without the network: 64-bit Windows, binary only, each version, colorama named."""
    commands: list[list[str]] = []
    monkeypatch.setattr(make_offline_bundle.subprocess, "run", lambda command, check: commands.append(command))
    make_offline_bundle.download_wheels(ROOT / "requirements.txt", tmp_path / "wheels")
    assert [c[c.index("--python-version") + 1] for c in commands] == ["3.10", "3.11", "3.12", "3.13", "3.14"]
    for command in commands:
        assert command[command.index("--platform") + 1] == "win_amd64"
        assert "--only-binary=:all:" in command and "colorama" in command and "pywin32" in command
        assert command[command.index("-r") + 1] == str(ROOT / "requirements.txt")
