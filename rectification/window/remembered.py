"""The window's fields remembered between runs, in a small JSON file beside the tool; never the password.

The file is data the clerk may open or delete: read with a budget, every value checked, anything unusable
ignored (the window then starts from its defaults and says so). Nothing in it is evaluated.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import Any

from rectification.window.form import Form

FILE_NAME = "window_settings.json"
MAX_BYTES = 64 * 1024
MAX_TEXT = 1000  # characters a remembered path or number may have
NOT_REMEMBERED = frozenset({"as_of"})  # the 统计日期 is today's unless typed again


def load(path: Path) -> tuple[Form, str]:
    """The remembered form, and a Chinese sentence when the file could not be used ("" otherwise)."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return Form(), f"{path.name} 过大，已忽略，使用默认设置"
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Form(), ""
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return Form(), f"上次的设置（{path.name}）无法读取，已使用默认设置"
    if not isinstance(data, dict):
        return Form(), f"上次的设置（{path.name}）格式不对，已使用默认设置"
    kept: dict[str, Any] = {}
    for field in fields(Form):
        value = data.get(field.name)
        if field.name in NOT_REMEMBERED or value is None:
            continue
        if isinstance(getattr(Form(), field.name), bool):
            if isinstance(value, bool):
                kept[field.name] = value
        elif isinstance(value, str) and len(value) <= MAX_TEXT and value.isprintable():
            kept[field.name] = value
    return replace(Form(), **kept), ""


def save(path: Path, form: Form) -> str:
    """Remember the form (not the 统计日期; a password is never part of it); a sentence if it could not be saved."""
    from rectification.files.write import write_atomically

    data = {k: v for k, v in asdict(form).items() if k not in NOT_REMEMBERED}
    try:
        write_atomically(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
    except OSError:
        return "本次的设置未能保存（程序所在文件夹不可写），下次需重新选择"
    return ""
