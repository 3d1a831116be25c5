"""generate.bat's control flow, run by a small model of cmd against a fake Windows (no wine needed).

The model knows only what generate.bat uses: set, if, goto, call :label, exit, setlocal/endlocal, a for
over one quoted item, %VAR% / %~1 %~2 %~3 / %~nx0 / %* expansion before & splits a line, and !VAR! with
:*x=, :~a,b and :x= after it. A line it does not know fails the test, so the script stays inside it.
It checks which commands run in which order and with which arguments, not cmd's quirks: the byte-level
tests in test_launchers.py and a real Windows run cover those.
"""

from __future__ import annotations

import fnmatch
import re
import sys
from dataclasses import dataclass, field

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import launcher_messages  # noqa: E402

BAT_LINES = (ROOT / "generate.bat").read_bytes().decode("ascii").split("\r\n")
HERE = "C:\\Users\\clerk\\Desktop\\通报 工具\\"  # the .bat's folder: a space and Chinese characters
VENV_PY = ".venv\\Scripts\\python.exe"
REQUIREMENTS = "requirements v1"
PROJECT = ("generate.py", "requirements.txt", "tools\\launcher_messages.py", "rectification\\__init__.py")


class Stop(Exception):
    def __init__(self, code: int, hard: bool):
        self.code, self.hard = code, hard


@dataclass
class FakeWindows:
    """The folder, the Pythons on PATH and what each command does; every command run is logged."""

    files: set[str] = field(default_factory=lambda: {name.lower() for name in PROJECT})
    py: tuple[int, int] | None = None  # the py launcher's Python 3; None: no launcher (9009)
    python: tuple[int, int] | None = (3, 12)  # None: the Microsoft Store stub (9009)
    venv: dict[str, bool] | None = None  # {"pip": ..., "libs": ...} once .venv\Scripts\python.exe exists
    marker: str | None = None
    wheels: bool = False
    install_ok: bool = True
    libs_after_install: bool = True
    generate_code: int = 0
    log: list[list[str]] = field(default_factory=list)
    said: list[str] = field(default_factory=list)  # launcher_messages keys (and arguments), in order

    def exists(self, path: str) -> bool:
        path = path.lower().removeprefix(HERE.lower())
        if path == ".venv":
            return self.venv is not None or any(f.startswith(".venv\\") for f in self.files)
        if path == VENV_PY.lower():
            return self.venv is not None
        if path == ".venv\\requirements.installed":
            return self.marker is not None
        if path == "wheels\\*.whl":
            return self.wheels
        return any(fnmatch.fnmatch(f, path) for f in self.files)

    def run(self, argv: list[str]) -> int:
        self.log.append(argv)
        name, args = argv[0].lower(), argv[1:]
        if name in ("py", "python"):
            version = self.py if name == "py" else self.python
            if version is None or (name == "py" and args[:1] != ["-3"]):
                return 9009
            return self.python_run(args[1:] if name == "py" else args, version >= (3, 10), in_venv=False)
        if name == VENV_PY.lower():
            return self.python_run(args, self.venv is not None, in_venv=True)
        if name == "fc":
            return 2 if self.marker is None else int(self.marker != REQUIREMENTS)
        if name == "copy":
            self.marker = REQUIREMENTS
        elif name == "del" and args[-1].lower() == ".venv\\requirements.installed":
            self.marker = None
        elif name == "rmdir" and args[-1] == ".venv":
            self.venv, self.marker = None, None
            self.files = {f for f in self.files if not f.startswith(".venv\\")}
        elif name not in ("start", "pause", "mshta.exe"):
            raise AssertionError(f"unexpected command {argv}")
        return 0

    def python_run(self, args: list[str], works: bool, in_venv: bool) -> int:
        if not works:
            return 1 if in_venv else 3
        if args[:1] == ["-c"]:
            return 0  # the probe
        if args[:1] == ["tools\\launcher_messages.py"]:
            if args[1] == "check_venv":
                return int(not (self.venv["pip"] and self.venv["libs"]))
            self.said.append(" ".join(args[1:]))
            return 0
        if args[:2] == ["-m", "venv"]:
            self.venv = {"pip": True, "libs": False}
            return 0
        if args[:3] == ["-m", "pip", "install"] and in_venv:
            offline_ok = "--no-index" not in args or self.wheels
            if not (self.venv["pip"] and self.install_ok and offline_ok):
                return 1
            self.venv["libs"] = self.libs_after_install
            return 0
        if args[:1] == ["generate.py"] and in_venv:
            return self.generate_code if self.venv["libs"] else 4
        raise AssertionError(f"unexpected python {args}")


class Cmd:
    """Runs generate.bat's lines against a FakeWindows."""

    def __init__(self, world: FakeWindows, args: list[str], cmdcmdline: str):
        self.world, self.args = world, args
        self.env = {"CMDCMDLINE": cmdcmdline}
        self.dde = False
        self.saved: list[tuple[dict[str, str], bool]] = []
        self.errorlevel = 0
        self.labels = {line[1:].strip().lower(): i for i, line in enumerate(BAT_LINES) if line.startswith(":")}
        self.echoed: list[str] = []
        self.depth = 0

    # -- expansion --
    def percent(self, line: str, call_args: list[str]) -> str:
        def one(match: re.Match[str]) -> str:
            token = match.group(0)
            if token == "%%":
                return "%"
            if token == "%*":
                return " ".join(call_args)
            if token in ("%~1", "%~2", "%~3"):
                n = int(token[-1])
                return self.args[n - 1].strip('"') if len(self.args) >= n else ""
            if token == "%~nx0":
                return "generate.bat"
            if token == "%~dp0":
                return HERE
            return self.variable(token[1:-1])

        return re.sub(r"%%|%\*|%~(?:[1-3]|nx0|dp0)|%[A-Za-z_][^%]*%", one, line)

    def variable(self, spec: str) -> str:
        name, _, edit = spec.partition(":")
        if name.upper() == "ERRORLEVEL":
            return str(self.errorlevel)
        value = self.env.get(name.upper())
        if value is None:
            return ""
        if not edit:
            return value
        if edit.startswith("~"):
            start, _, length = edit[1:].partition(",")
            value = value[int(start) :]
            return value[: int(length)] if length else value
        find, _, replace = edit.partition("=")
        if find.startswith("*"):
            at = value.lower().find(find[1:].lower())
            return value if at < 0 else replace + value[at + len(find) - 1 :]
        return re.sub(re.escape(find), replace, value, flags=re.IGNORECASE)

    def delayed(self, text: str) -> str:
        if not self.dde or "!" not in text:
            return text
        return re.sub(r"!([^!]+)!", lambda m: self.variable(m.group(1)), text)

    # -- running --
    def main(self) -> tuple[int, bool]:
        try:
            self.block(0, [])
        except Stop as stop:
            return stop.code, stop.hard
        raise AssertionError("the script ran off its end")

    def block(self, pc: int, call_args: list[str]) -> None:
        """Runs from line pc until exit /b returns (Stop for the script's own end)."""
        while pc < len(BAT_LINES):
            line = BAT_LINES[pc].strip()
            pc += 1
            if not line or line.startswith(":") or line.lower().startswith(("rem ", "@echo off")):
                continue
            line = self.percent(line, call_args)
            for command in [line] if line.lower().startswith("for ") else split_ampersands(line):
                jump = self.command(command, call_args)
                if jump == "return":
                    return
                if jump is not None:
                    pc = self.labels[jump]
                    break

    def command(self, command: str, call_args: list[str]) -> str | None:
        word, _, rest = command.partition(" ")
        word = word.lower()
        if word == "for":
            match = re.fullmatch(r'for %(\w) in \("([^"]*)"\) do (.*)', command)
            assert match, command
            item = self.delayed(match.group(2))
            for part in split_ampersands(match.group(3)):  # parsed before the variable is put in
                self.command(part.replace(f"%~{match.group(1)}", item), call_args)
            return None
        command = self.delayed(command) if word != "if" else command
        word, _, rest = command.partition(" ")
        word = word.lower()
        if word == "if":
            return self.if_command(rest, call_args)
        if word in ("echo", "echo."):
            self.echoed.append(rest)
            return None
        if word == "setlocal":
            self.saved.append((dict(self.env), self.dde))
            self.dde = "enabledelayedexpansion" in rest.lower() or (self.dde and "disable" not in rest.lower())
            return None
        if word == "endlocal":
            self.env, self.dde = self.saved.pop()
            return None
        if word in ("pushd", "popd"):
            return None
        if word == "set":
            assert rest.startswith('"') and rest.count('"') >= 2, command
            name, _, value = rest[1 : rest.rindex('"')].partition("=")
            if value:
                self.env[name.upper()] = value
            else:
                self.env.pop(name.upper(), None)
            return None
        if word == "goto":
            return rest.strip().lower()
        if word == "call":
            label, *args = split_words(rest)
            assert label.startswith(":"), command
            self.depth += 1
            self.block(self.labels[label[1:].lower()] + 1, args)
            self.depth -= 1
            return None
        if word == "exit":
            soft = rest.lower().startswith("/b")
            code = int(rest.split()[-1])
            if soft and self.depth:  # the end of a call :label
                self.errorlevel = code
                return "return"
            raise Stop(code, hard=not soft)
        argv = split_words(re.sub(r"\s*(?:2>&1|>nul)", "", command))
        self.errorlevel = self.world.run(argv)
        return None

    def if_command(self, rest: str, call_args: list[str]) -> str | None:
        negate = rest.lower().startswith("not ")
        rest = rest[4:] if negate else rest
        keyword, _, tail = rest.partition(" ")
        if keyword.lower() == "defined":
            name, _, then = tail.partition(" ")
            result = name.upper() in self.env
        elif keyword.lower() == "exist":
            match = re.match(r'"([^"]*)"\s+(.*)', tail)
            result, then = self.world.exists(self.delayed(match.group(1))), match.group(2)
        elif keyword.lower() == "errorlevel":
            number, _, then = tail.partition(" ")
            result = self.errorlevel >= int(number)
        else:
            match = re.match(r'"([^"]*)"=="([^"]*)"\s+(.*)', rest)
            assert match, rest
            result = self.delayed(match.group(1)) == self.delayed(match.group(2))
            then = match.group(3)
        if result != negate:
            return self.command(then, call_args)
        return None


def split_ampersands(line: str) -> list[str]:
    """Splits at & outside quotes (not the one in 2>&1), as cmd does after percent expansion."""
    parts, current, quoted = [], "", False
    for i, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        if char == "&" and not quoted and not line[:i].endswith(">"):
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [part for part in [*parts, current.strip()] if part]


def split_words(text: str) -> list[str]:
    return [word.replace('"', "") for word in re.findall(r'(?:"[^"]*"|\S)+', text)]


def run_bat(world: FakeWindows, *args: str, cmdcmdline: str | None = None) -> tuple[int, bool, Cmd]:
    if cmdcmdline is None:  # a double-click, or a drop of a path Explorer quoted
        cmdcmdline = f'C:\\WINDOWS\\system32\\cmd.exe /c ""{HERE}generate.bat" {" ".join(args)}"'
    cmd = Cmd(world, list(args), cmdcmdline)
    code, hard = cmd.main()
    return code, hard, cmd


def ready_world(**changes) -> FakeWindows:
    """A folder whose .venv finished installing requirements.txt."""
    world = FakeWindows(venv={"pip": True, "libs": True}, marker=REQUIREMENTS)
    for key, value in changes.items():
        setattr(world, key, value)
    return world


def commands(world: FakeWindows) -> list[str]:
    return [" ".join(argv) for argv in world.log]


# --- the normal path -------------------------------------------------------------------------------

WINDOW = [VENV_PY, "generate.py", "--window"]


def test_first_run_creates_the_venv_installs_and_opens_the_window():
    world = FakeWindows()
    code, hard, _ = run_bat(world)
    assert (code, hard) == (0, False)
    assert world.said == ["creating_venv", "installing_online"]  # the window closed normally: no key to press
    assert world.marker == REQUIREMENTS and world.log[-1] == WINDOW
    ran = commands(world)
    assert ran.index("python -m venv .venv") < ran.index(f"{VENV_PY} -m pip install -r requirements.txt")
    assert ran.index(f"{VENV_PY} tools\\launcher_messages.py check_venv") < ran.index(
        "copy /y requirements.txt .venv\\requirements.installed"
    )


def test_a_ready_venv_opens_the_window_at_once():
    world = ready_world()
    code, _, _ = run_bat(world)
    assert code == 0 and world.said == [] and world.log[-1] == WINDOW
    assert not any("-m venv" in c or "pip install" in c or "rmdir" in c or "pause" in c for c in commands(world))


def test_a_window_that_cannot_open_says_so_and_waits_for_a_key():
    world = ready_world(generate_code=2)  # no tkinter: generate.py --window printed why
    code, _, _ = run_bat(world)
    assert code == 2 and world.said == ["result 2", "press_any_key"] and ["pause"] in world.log


def test_changed_requirements_install_into_the_same_venv():
    world = ready_world(marker="requirements v0")
    run_bat(world)
    assert world.said[0] == "installing_online" and "rebuilding_venv" not in world.said
    assert world.marker == REQUIREMENTS


def test_the_readme_venv_is_kept_installed_into_and_marked():
    """python -m venv .venv && pip install -r requirements.txt (the README): no marker, every library imports."""
    world = ready_world(marker=None)
    code, _, _ = run_bat(world)
    assert code == 0 and world.said == ["installing_online"]
    assert not any("rmdir" in c or "-m venv" in c for c in commands(world))  # the dev tools stay
    assert f"{VENV_PY} -m pip install -r requirements.txt" in commands(world) and world.marker == REQUIREMENTS


def test_offline_bundle_installs_from_wheels():
    world = FakeWindows(wheels=True)
    run_bat(world)
    assert f"{VENV_PY} -m pip install --no-index --find-links wheels -r requirements.txt" in commands(world)
    world = FakeWindows(wheels=True, install_ok=False)
    code, _, _ = run_bat(world)
    assert code == 2 and "install_failed_offline" in world.said and world.marker is None


# --- item 1: a half-made .venv is rebuilt ----------------------------------------------------------


@pytest.mark.parametrize(
    "venv, marker",
    [
        ({"pip": False, "libs": False}, None),  # window closed while ensurepip ran
        ({"pip": True, "libs": False}, None),  # window closed during pip install
        ({"pip": True, "libs": False}, REQUIREMENTS),  # antivirus removed a library later
        ({"pip": False, "libs": True}, REQUIREMENTS),  # antivirus removed pip
    ],
)
def test_half_made_venv_is_rebuilt(venv, marker):
    world = FakeWindows(venv=venv, marker=marker, wheels=True)
    code, _, _ = run_bat(world)
    assert code == 0, world.said
    assert world.said[:2] == ["rebuilding_venv", "installing_offline"]
    ran = commands(world)
    assert ran.index("rmdir /s /q .venv") < ran.index("python -m venv .venv")
    assert world.venv == {"pip": True, "libs": True} and world.marker == REQUIREMENTS


def test_venv_folder_without_python_is_rebuilt():
    world = FakeWindows(files={*(n.lower() for n in PROJECT), ".venv\\pyvenv.cfg"})
    run_bat(world)
    assert world.said[0] == "rebuilding_venv"


def test_libraries_that_do_not_import_after_install_leave_no_marker():
    world = FakeWindows(libs_after_install=False)
    code, _, _ = run_bat(world)
    assert code == 2 and world.said[-2:] == ["install_broken", "press_any_key"]
    assert world.marker is None  # so the next run rebuilds
    world.libs_after_install = True
    world.log.clear(), world.said.clear()
    assert run_bat(world)[0] == 0 and world.said[0] == "rebuilding_venv"


# --- item 2: opened inside the zip -----------------------------------------------------------------


@pytest.mark.parametrize("missing", PROJECT)
def test_run_inside_a_zip_says_extract_first_and_builds_nothing(missing):
    world = FakeWindows(files={name.lower() for name in PROJECT if name != missing})
    code, _, cmd = run_bat(world)
    assert code == 2
    assert world.venv is None and world.said == []  # no Python asked, no .venv
    assert [argv[0] for argv in world.log] == ["mshta.exe", "pause"]
    assert any("Extract All" in line for line in cmd.echoed)


def test_the_message_box_says_the_chinese_message():
    text = "\r\n".join(BAT_LINES)
    escaped = re.search(r"alert\('([^']*)'\)", text).group(1)
    assert escaped.isascii()
    assert escaped.encode("ascii").decode("unicode_escape") == launcher_messages.MESSAGES["not_extracted"]


# --- item 3: dropped files, and a name with & ^ % in it -------------------------------------------------


def drop_command(*paths: str) -> list[str]:
    return [VENV_PY, "generate.py", *(a for p in paths for a in ("--drop", p))]


@pytest.mark.parametrize(
    "name, cut",
    [
        ("台账&终稿.xlsx", "台账"),  # cmd splits at the &
        ("台账^终稿.xlsx", "台账终稿.xlsx"),  # cmd drops the ^
        ("进度%USERNAME%.xlsx", "进度clerk.xlsx"),  # cmd /c expands %...%
        ("a!b&c.xlsx", "a!b"),  # and a ! must survive the delayed expansion
    ],
)
def test_dropped_name_with_special_characters_is_read_from_cmdcmdline(name, cut):
    path = "C:\\data\\" + name
    world = ready_world()
    world.files.add(path.lower())
    cmdline = f'C:\\WINDOWS\\system32\\cmd.exe /c ""{HERE}generate.bat" {path}"'  # unquoted: no space
    code, hard, _ = run_bat(world, "C:\\data\\" + cut, cmdcmdline=cmdline)
    assert code == 0 and drop_command(path) in world.log
    assert hard  # exit, not exit /b: cmd /c would run the rest after the & as a command


def test_dropped_name_with_a_space_is_taken_as_given():
    path = "C:\\data\\台账 终稿.xlsx"
    world = ready_world()
    world.files.add(path.lower())
    code, hard, _ = run_bat(world, f'"{path}"')
    assert code == 0 and drop_command(path) in world.log and not hard
    assert world.said == ["result 0", "press_any_key"]  # the clerk reads the result, then presses a key
    assert not any(argv[0] == "start" for argv in world.log)  # generate.py opens the output folder itself


@pytest.mark.parametrize("count", [2, 3, 4])
def test_up_to_three_dropped_paths_go_to_generate_py(count):
    paths = [f"C:\\data\\第{n}份 台账.xlsx" for n in range(1, count + 1)]
    world = ready_world()
    world.files |= {p.lower() for p in paths}
    code, _, _ = run_bat(world, *(f'"{p}"' for p in paths))
    assert code == 0 and drop_command(*paths[:3]) in world.log  # a fourth: generate.py refuses three anyway


def test_a_dropped_folder_goes_to_generate_py():
    world = ready_world()
    world.files.add("c:\\data\\第三轮")
    run_bat(world, "C:\\data\\第三轮")
    assert drop_command("C:\\data\\第三轮") in world.log


def test_a_name_still_missing_goes_to_generate_py_which_opens_the_window():
    world = ready_world()
    cmdline = f'C:\\WINDOWS\\system32\\cmd.exe /c ""{HERE}generate.bat" C:\\data\\gone&away.xlsx"'
    code, hard, _ = run_bat(world, "C:\\data\\gone", cmdcmdline=cmdline)
    assert code == 0 and drop_command("C:\\data\\gone") in world.log and hard
    assert world.said == [] and ["pause"] not in world.log  # the window closed normally: no "完成", no key


def test_one_of_several_dropped_names_missing_is_the_window_too():
    world = ready_world()
    world.files.add("c:\\data\\甲.xlsx")
    code, _, _ = run_bat(world, "C:\\data\\甲.xlsx", "C:\\data\\乙")
    assert code == 0 and drop_command("C:\\data\\甲.xlsx", "C:\\data\\乙") in world.log and world.said == []
    world = ready_world(generate_code=2)  # the window could not open: generate.py printed why
    world.files.add("c:\\data\\甲.xlsx")
    assert run_bat(world, "C:\\data\\甲.xlsx", "C:\\data\\乙")[0] == 2
    assert world.said == ["result 2", "press_any_key"]


def test_started_from_a_console_the_command_line_is_not_ours():
    world = ready_world(generate_code=2)  # no window here: generate.py printed what to rename
    code, hard, _ = run_bat(world, "nothere.xlsx", cmdcmdline='"C:\\WINDOWS\\system32\\cmd.exe" ')
    assert code == 2 and drop_command("nothere.xlsx") in world.log and not hard
    assert world.said == ["result 2", "press_any_key"]


# --- item 4: each exit code gets its own message -----------------------------------------------------


@pytest.mark.parametrize("code", [0, 1, 2, 3, 4, 7])
def test_exit_codes_of_generate_py(code):
    world = ready_world(generate_code=code)
    world.files.add("c:\\data\\台账.xlsx")
    assert run_bat(world, "C:\\data\\台账.xlsx")[0] == code
    assert world.said == [f"result {code}", "press_any_key"]
    assert not any(argv[0] == "start" for argv in world.log)
    assert (world.marker is None) == (code == 4)  # exit 4: libraries missing, rebuild next time


def test_result_messages_say_the_right_thing():
    assert "台账有错误" in launcher_messages.message("result", "1")
    for code in ("0", "2", "3", "4", "7"):
        assert "台账有错误" not in launcher_messages.message("result", code)
    assert "组件不完整" in launcher_messages.message("result", "4") and "台账没有问题" in launcher_messages.message(
        "result", "4"
    )
    assert "7" in launcher_messages.message("result", "7")


# --- item 5: py -3 first, then python ------------------------------------------------------------------


@pytest.mark.parametrize(
    "py, python, chosen",
    [
        ((3, 12), (3, 12), "py"),  # the launcher wins; python is not even asked
        (None, (3, 11), "python"),  # no launcher (9009)
        ((3, 8), (3, 11), "python"),  # the launcher's Python 3 is too old (exit 3)
        (None, None, None),  # only the Microsoft Store stub
        ((3, 9), None, None),
    ],
)
def test_py_launcher_is_tried_first(py, python, chosen):
    world = FakeWindows(py=py, python=python)
    code, _, _ = run_bat(world)
    probes = [argv[0] for argv in world.log if "-c" in argv]
    if chosen == "py":
        assert probes == ["py"] and ["py", "-3", "-m", "venv", ".venv"] in world.log
    elif chosen == "python":
        assert probes == ["py", "python"] and ["python", "-m", "venv", ".venv"] in world.log
    else:
        assert code == 9009 and world.venv is None
        assert any("python_missing.txt" in " ".join(argv) for argv in world.log)
    if chosen:
        assert code == 0 and world.said[0] == "creating_venv" and world.log[-1] == WINDOW
