"""The error log a client writes when the program itself failed: the user sends it to the maintainer."""

from __future__ import annotations

import traceback
from datetime import datetime
from pathlib import Path


def write_crash_log(out_dir: Path, text: str | None = None) -> Path | None:
    """错误日志-<time>.log in out_dir holding text (by default the exception being handled); None if unwritable."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        log = out_dir / f"错误日志-{datetime.now():%Y%m%d-%H%M%S}.log"
        log.write_text(traceback.format_exc() if text is None else text, encoding="utf-8")
        return log
    except OSError:
        return None
