"""The one exception base and the exit codes: every error the package raises says which code it means.

A client (the command line, the window) catches `RectificationError`, shows `user_text()` and exits with
`exit_code`; anything else is a bug, shown as "意外问题" with a log for the maintainer.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_LEDGER_ERRORS = 1  # the ledger (or a returned copy, or the round) needs the clerk: no notice written
EXIT_UNUSABLE = 2  # a file, folder or option cannot be used at all
EXIT_DELIVERY = 3  # the notice was written, but its PDF or e-mail failed
EXIT_BROKEN_INSTALL = 4  # the program's own components are missing (generate.py checks before any import)


class RectificationError(Exception):
    """An error whose message is for the user, in Chinese; `lead` says what could not be done."""

    exit_code = EXIT_UNUSABLE
    lead = ""  # e.g. "无法使用台账：", put before the message by user_text()

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""

    def user_text(self) -> str:
        return f"{self.lead}{self.message}"


class OutputUnwritable(RectificationError):
    """The output folder or a file in it cannot be written (the message names it and says what to do)."""
