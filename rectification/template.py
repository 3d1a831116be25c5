"""The notice template's contract with the CLI, kept light: generate.py imports it before python-docx loads."""

from __future__ import annotations


class TemplateStyleMissing(Exception):
    """The notice template lacks styles the notice needs (exit 2); the message is for the user (Chinese)."""
