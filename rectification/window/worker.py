"""A job off the window's thread: the front door runs in a worker thread and posts what happens to a queue.

The window polls the queue (tkinter may be touched from its own thread only). Closing the window sets the
cancel event: the front door stops at its next checkpoint, before any file is written, or once the file being
written is whole; a PDF conversion under way is ended with its LibreOffice.
"""

from __future__ import annotations

import queue
import threading
import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rectification.core.errors import RectificationError

if TYPE_CHECKING:
    from rectification.window.form import Job


@dataclass(frozen=True)
class Heard:
    """progress: (share, text); done: the result; refused: a RectificationError; crashed: a traceback."""

    kind: str
    share: float = 0.0
    text: str = ""
    result: object = None
    error: RectificationError | None = None


class Worker:
    """One job at a time, in a daemon thread; what it hears goes to `messages`."""

    def __init__(self) -> None:
        self.messages: queue.Queue[Heard] = queue.Queue()
        self.cancel = threading.Event()
        self.thread: threading.Thread | None = None

    @property
    def busy(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def start(self, job: Job, password: str) -> None:
        self.cancel = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(job, password, self.cancel), daemon=True)
        self.thread.start()

    def _run(self, job: Job, password: str, cancel: threading.Event) -> None:
        from rectification.app import generate, generate_batch

        def progress(share: float, text: str) -> None:
            self.messages.put(Heard("progress", share, text))

        def ask(config) -> str:
            return _password(password, config)

        try:
            if job.batch:
                result: object = generate_batch(job.request, progress=progress, cancel=cancel)
            elif job.action.startswith("split"):
                from rectification.app.departments import split_ledger

                result = split_ledger(job.request, "责任领导" if job.action == "split_leader" else "责任部门")
            elif job.action == "merge" and job.returned is not None:
                from rectification.app.departments import merge_returns

                result = merge_returns(job.request, [job.returned], progress, ask, cancel)
            else:
                result = generate(job.request, progress, ask, cancel)
        except RectificationError as error:
            self.messages.put(Heard("refused", error=error))
        except BaseException:  # a bug: the window shows a sentence and keeps the traceback in the error log
            self.messages.put(Heard("crashed", text=traceback.format_exc()))
        else:
            self.messages.put(Heard("done", result=result))


def _password(typed: str, config) -> str:
    """The password typed in the window's masked field, for this send only; none typed is a mail error."""
    from rectification.deliver.mail import PASSWORD_ENV, MailError

    if not typed:
        raise MailError(f"未输入邮箱密码，邮件未发送。请在窗口的“密码”一栏输入，或先设置环境变量 {PASSWORD_ENV}")
    return typed
