"""The window for clerks who never type a command: `open_window()` shows it and returns when it is closed.

tkinter ships with Python on Windows and macOS; on Linux it is the distribution's python3-tk package.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from rectification.core.errors import EXIT_OK, EXIT_UNUSABLE, RectificationError


class WindowUnavailable(RectificationError):
    """No window can be shown here: tkinter is missing, or there is no display."""

    lead = "无法打开窗口："


def open_window(here: Path, source: Path | None = None, out_dir: Path | None = None, status: str = "") -> int:
    """Show the window (a ledger or folder preselected when given) until the clerk closes it; 0, or 2 if unavailable.

    status: the first line the window shows (why a dropped file was not found), instead of the usual prompt.
    """
    try:
        import tkinter as tk
    except ImportError:
        raise WindowUnavailable(
            "本机的 Python 没有安装 tkinter（Linux 上请安装 python3-tk）。也可以在命令行中使用本工具：python generate.py --help"
        ) from None
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise WindowUnavailable("没有可用的图形界面（未设置 DISPLAY）。请在命令行中使用：python generate.py --help")
    from rectification.window.form import Form
    from rectification.window.view import MainWindow

    try:
        root = tk.Tk()
    except tk.TclError as error:
        raise WindowUnavailable(f"图形界面无法启动（{error}）。请在命令行中使用：python generate.py --help") from None
    preset = None
    if source is not None or out_dir is not None:
        from rectification.window import remembered

        remembered_form, _ = remembered.load(here / remembered.FILE_NAME)
        changes = {"source": str(source) if source else remembered_form.source}
        if out_dir is not None:
            changes["out_dir"] = str(out_dir)
        preset = Form(**{**remembered_form.__dict__, **changes})
    MainWindow(root, here, preset, status=status)
    root.mainloop()
    return EXIT_OK


__all__ = ["EXIT_UNUSABLE", "WindowUnavailable", "open_window"]
