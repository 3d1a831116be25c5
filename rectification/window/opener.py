"""Open a file or folder the way a double-click would: Word for a .docx, Explorer or Finder for a folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def open_path(path: Path) -> str:
    """Open path with the system's own program; "" when it was handed over, else a Chinese reason."""
    if not path.exists():
        return f"找不到 {path}"
    try:
        if sys.platform == "win32":
            os.startfile(str(path))  # type: ignore[attr-defined]  # Windows only
        elif sys.platform == "darwin":
            subprocess.Popen(["open", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        else:
            subprocess.Popen(["xdg-open", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        return f"无法打开 {path}，请在文件夹中双击打开"
    return ""
