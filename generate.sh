#!/bin/sh
# 巡察整改通报：macOS / Linux 上的 generate.bat。双击运行（macOS 上复制为 generate.command）打开窗口，
# 或在终端运行 ./generate.sh [台账.xlsx] [选项]。第一次运行时在本文件夹创建 .venv 并安装 requirements.txt。
# Same steps as generate.bat: find Python 3.10+, create .venv, install requirements.txt when it changed
# (from wheels/ when that folder holds wheels for this machine), then: no argument → the window (where a display
# exists; else the example as before); only paths → generate.py --drop each (it opens the output folder);
# any option → generate.py with the arguments as given. GENERATE_PYTHON names the Python to create the venv
# with; GENERATE_NO_OPEN=1 keeps the output folder closed.
cd "$(dirname "$0")" || exit 2
export PYTHONUTF8=1 PIP_DISABLE_PIP_VERSION_CHECK=1 GENERATE_LAUNCHER=1  # the last line is this script's
VENV_PY=.venv/bin/python
MSG=tools/launcher_messages.py
MARKER=.venv/requirements.installed

# Only this file, not the folder it came in (a file opened inside a zip): nothing to run, say so in Chinese.
if [ ! -f generate.py ] || [ ! -f requirements.txt ] || [ ! -f "$MSG" ] || [ ! -f rectification/__init__.py ]; then
    echo "请先把压缩包完整解压：在压缩包上点右键，选“全部解压缩”，再双击解压出来的文件夹里的 generate.bat。不要在压缩包里直接运行。" >&2
    exit 2
fi

pause() {
    if [ -t 0 ] && [ -t 1 ]; then
        "$1" "$MSG" press_enter
        read -r _ || true
    fi
}

probe() {  # 0 for Python 3.10 or later
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 3)' >/dev/null 2>&1
}

# A .venv is trusted when it imports pip and the libraries; a half-made one (window closed during the first run,
# antivirus, full disk) is rebuilt. One made by the README's own commands has no marker: the install below runs
# in it (pip has nothing to do when requirements.txt is met) and writes the marker.
say=creating_venv
if [ -e .venv ]; then
    say=rebuilding_venv
    if [ -x "$VENV_PY" ] && "$VENV_PY" "$MSG" check_venv >/dev/null 2>&1; then say=""; fi
fi
if [ -n "$say" ]; then
    PY=""
    for candidate in ${GENERATE_PYTHON:-} python3 python; do
        if probe "$candidate"; then PY=$candidate; break; fi
    done
    if [ -z "$PY" ]; then
        echo "本电脑上没有找到 Python 3.10 或更高版本。请从 https://www.python.org/downloads/ 安装后重新运行。" >&2
        echo "（macOS 也可在终端运行 xcode-select --install 或用 Homebrew 安装 python3。）" >&2
        if [ -t 0 ] && [ -t 1 ]; then printf '按回车键关闭本窗口……'; read -r _ || true; fi
        exit 9
    fi
    "$PY" "$MSG" "$say"
    rm -rf .venv
    if ! "$PY" -m venv .venv || [ ! -x "$VENV_PY" ]; then
        "$PY" "$MSG" venv_failed >&2
        pause "$PY"
        exit 2
    fi
fi

if ! cmp -s requirements.txt "$MARKER"; then  # first run, rebuilt, or requirements.txt changed
    installed=""
    if ls wheels/*.whl >/dev/null 2>&1; then  # the offline bundle's wheels are for Windows: try, then go online
        "$VENV_PY" "$MSG" installing_offline
        if "$VENV_PY" -m pip install --quiet --no-index --find-links wheels -r requirements.txt 2>/dev/null; then
            installed=yes
        fi
    fi
    if [ -z "$installed" ]; then
        "$VENV_PY" "$MSG" installing_online
        if ! "$VENV_PY" -m pip install -r requirements.txt; then
            "$VENV_PY" "$MSG" install_failed_online >&2
            pause "$VENV_PY"
            exit 2
        fi
    fi
    if ! "$VENV_PY" "$MSG" check_venv; then  # the marker is written only once the libraries import
        "$VENV_PY" "$MSG" install_broken >&2
        pause "$VENV_PY"
        exit 2
    fi
    cp requirements.txt "$MARKER"
fi

has_display() {  # macOS always has one; Linux and the BSDs only with X11 or Wayland
    [ "$(uname)" = Darwin ] || [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]
}

only_paths=yes
for arg in "$@"; do
    case $arg in -*) only_paths="" ;; esac
done

echo
if [ $# -eq 0 ] && has_display; then
    "$VENV_PY" generate.py --window
    code=$?
    if [ "$code" = 0 ]; then exit 0; fi  # the window said everything; closing it ends here
elif [ $# -gt 0 ] && [ -n "$only_paths" ]; then
    windowed=""
    for arg do  # each dropped path as --drop PATH: generate.py decides what they mean
        shift
        set -- "$@" --drop "$arg"
        if [ ! -e "$arg" ]; then windowed=yes; fi  # not there: generate.py opens the window
    done
    "$VENV_PY" generate.py "$@"
    code=$?
    if [ "$code" = 0 ] && [ -n "$windowed" ]; then exit 0; fi  # the window closed normally: nothing to add
else
    "$VENV_PY" generate.py "$@"
    code=$?
fi
echo
if [ "$code" = 4 ]; then rm -f "$MARKER"; fi  # generate.py found its libraries missing: rebuild next time
"$VENV_PY" "$MSG" result "$code"
pause "$VENV_PY"
exit "$code"
