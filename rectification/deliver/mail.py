"""The notice as an e-mail, in one import: the message (message.py), mail.ini (mail_settings.py), SMTP (smtp.py)."""

from __future__ import annotations

from rectification.deliver.mail_settings import PASSWORD_ENV, MailConfig, load_config
from rectification.deliver.message import (
    Attachment,
    MailError,
    bare_address,
    build_message,
    default_body,
    parse_addresses,
)
from rectification.deliver.smtp import send

__all__ = [
    "PASSWORD_ENV",
    "Attachment",
    "MailConfig",
    "MailError",
    "bare_address",
    "build_message",
    "default_body",
    "load_config",
    "parse_addresses",
    "send",
]
