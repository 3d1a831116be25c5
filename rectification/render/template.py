"""The notice template's contract with the CLI, kept light: generate.py imports it before the renderers load."""

from __future__ import annotations

from rectification.core.errors import RectificationError


class TemplateUnusable(RectificationError):
    """The notice template cannot be used (exit 2): missing, damaged, or lacking styles; the message is Chinese."""

    lead = "无法生成通报："


class TemplateStyleMissing(TemplateUnusable):
    """The notice template lacks styles the notice needs."""
