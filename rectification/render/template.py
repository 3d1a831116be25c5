"""The notice template's contract with the CLI, kept light: generate.py imports it before the renderers load."""

from __future__ import annotations


class TemplateUnusable(Exception):
    """The notice template cannot be used (exit 2): missing, damaged, or lacking styles; the message is Chinese."""


class TemplateStyleMissing(TemplateUnusable):
    """The notice template lacks styles the notice needs."""
