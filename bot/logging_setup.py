"""Logging for every command: plain text for a terminal, JSON lines for a log collector.

Callers never log personal data (names, dates of birth, ID digits, phone numbers, tokens).
As a second line of defence, international phone numbers are masked, and the HTTP client's
request lines are silenced: they carry the bot token in the URL.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from datetime import UTC, datetime

_PHONE = re.compile(r"\+\d[\d ()-]{5,}\d")  # international numbers, as the bank's files carry them
_HANDLER = "debtdesk"
# httpx logs every Bot API URL, token included; at DEBUG, aiosqlite logs SQL parameters and PTB every
# update and message text (names, dates of birth, shared phone numbers): WARNING and up only.
_NOISY = ("httpx", "httpcore", "apscheduler", "aiosqlite", "telegram", "tornado", "uvicorn")


def mask(text: str) -> str:
    """International phone numbers (+ and 7 or more digits) become '***'; chat ids stay readable."""
    return _PHONE.sub("***", text)


class MaskingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask(record.getMessage())
        record.args = None
        return True


class UnreadableUpdateFilter(logging.Filter):
    """PTB logs a webhook update it cannot parse at CRITICAL with the whole update in the message
    (names, phone numbers, what the person typed), past the libraries' WARNING cap. The record
    stays, so an operator sees that an update was dropped; its content and traceback go."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.CRITICAL and "Received data was" in str(record.msg):
            error = record.exc_info[1] if record.exc_info else None
            record.msg = "an update posted to the webhook could not be read and was dropped (%s)"
            record.args = (type(error).__name__ if error else "unknown error",)
            record.exc_info, record.exc_text = None, None
        return True


# PTB's webhook server logs through "telegram.ext.Updater" (telegram/_utils/logging.get_logger).
_UNREADABLE = UnreadableUpdateFilter()
_WEBHOOK_LOGGER = "telegram.ext.Updater"


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message (and where an error was raised)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            frames = traceback.extract_tb(error.__traceback__)
            # The type and the place, not the message: a message may quote the bad value.
            entry["error"] = type(error).__name__
            if frames:
                entry["where"] = f"{frames[-1].filename}:{frames[-1].lineno}"
        return json.dumps(entry, ensure_ascii=False)


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (test runners and daemons swap it)."""

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def setup_logging(format: str = "text", level: int = logging.INFO) -> None:  # noqa: A002 - the brief's name
    """`level` (DEBTDESK_LOG_LEVEL) is debtdesk's own; the libraries log WARNING and up whatever it
    is (and less when it asks for less): their DEBUG lines carry updates, SQL parameters, tokens."""
    handler = _Stderr()
    handler.addFilter(MaskingFilter())
    if format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.set_name(_HANDLER)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER]:  # calling twice: one handler
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in _NOISY:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    logging.getLogger(_WEBHOOK_LOGGER).addFilter(_UNREADABLE)  # a logger's filters are a set: once
