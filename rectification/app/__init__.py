"""The front door every client calls: `generate()` for a ledger, `generate_batch()` for a folder of them.

    from rectification.app import Request, generate
    result = generate(Request(Path("台账.xlsx"), Path("output"), date.today(), pdf=True))
    result.exit_code, result.saved.paths("notice"), [note.text for note in result.notes]

Nothing here prints: progress comes through a callback, a cancel request through a threading.Event, and every
error the user can act on is a `RectificationError` carrying its exit code and Chinese message.
"""

from rectification.app.follow_up import Note
from rectification.app.jobs import EarlierUnusable, FormatUnusable, Generated, generate, generate_batch
from rectification.app.request import AskPassword, Cancelled, OnProgress, Request

__all__ = [
    "AskPassword",
    "Cancelled",
    "EarlierUnusable",
    "FormatUnusable",
    "Generated",
    "Note",
    "OnProgress",
    "Request",
    "generate",
    "generate_batch",
]
