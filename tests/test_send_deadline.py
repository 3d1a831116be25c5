"""--send's promise (README): at most 90 s for the whole send, however many letters, against a silent server."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from test_hardening import StallingServer

from rectification.analyse.remind import Reminder
from rectification.deliver import delivery
from rectification.deliver.mail import MailConfig


def letters(tmp_path: Path, count: int) -> list[delivery.ReminderLetter]:
    return [
        delivery.ReminderLetter(
            Reminder(f"第{n}科", (), f"督办/第{n}科.docx", to=(f"k{n}@example.cn",), red=1),
            tmp_path / f"第{n}科.docx",
            b"docx",
        )
        for n in range(count)
    ]


@pytest.mark.slow
def test_four_letters_to_a_silent_server_share_one_deadline(tmp_path, monkeypatch):
    with StallingServer() as server:
        config = MailConfig("127.0.0.1", server.port, "starttls", sender="a@x.cn", timeout=1.5, deadline=2)
        monkeypatch.setattr(delivery, "load_config", lambda path: config)
        extras = delivery.Extras(send=True, mail_config=tmp_path / "mail.ini")
        started = time.monotonic()
        done = delivery.deliver_reminders(letters(tmp_path, 4), "某局", "2025年12月11日", extras, lambda c: "")
        seconds = time.monotonic() - started
    assert done.status == {f"第{n}科": "发送失败" for n in range(4)}
    assert seconds < 4  # one 2 s deadline for the whole send; each letter on its own took 1.5 s, 6 s in all
    assert all("超过 2 秒仍未完成" in failure for failure in done.failures[1:])
