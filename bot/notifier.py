"""The notifier: drains the outbox into the collectors' chat, at least once, in id order.

A notice is marked sent only after Telegram accepted it, so a crash between the two sends it
again (each carries its id, so a repeat is visible). Failures never drop a notice:
- flood control (RetryAfter): hold every send until Telegram's retry_after has passed;
- network trouble (NetworkError, TimedOut): retry with exponential backoff, capped;
- a permanent refusal (chat not found, bot removed): log it and keep trying, rarely.
The rows are the state: a new Notifier on the same database picks up where the last one stopped.
Instances sharing a PostgreSQL database drain one at a time (the store's claim, an advisory lock
PostgreSQL releases when its holder dies), so each notice goes once, in id order, from one of them.
"""

from __future__ import annotations

import asyncio
import gettext
import logging
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter

from bot.i18n import translator
from bot.notice_text import render_notice
from store.db import Store
from store.outbox_drain import Notice, due_notices, mark_failed, mark_sent

log = logging.getLogger(__name__)

Send = Callable[[int, str], Awaitable[Any]]
BATCH = 50
BACKOFF_BASE = timedelta(seconds=5)
BACKOFF_CAP = timedelta(minutes=15)
PERMANENT_BASE = timedelta(minutes=10)
PERMANENT_CAP = timedelta(hours=6)
PERMANENT = (BadRequest, Forbidden, ChatMigrated, InvalidToken)
CLAIM = "notifier"  # one drain at a time across the instances sharing a PostgreSQL database


def backoff(attempts: int, base: timedelta, cap: timedelta) -> timedelta:
    """base * 2**(attempts-1), never above cap; attempts counts this failure too."""
    return min(cap, base * (2 ** min(max(attempts - 1, 0), 20)))


def retry_after_delay(exc: RetryAfter) -> timedelta:
    with warnings.catch_warnings():  # PTB 22 warns that the int will become a timedelta
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


def chat_level(exc: Exception) -> bool:
    """A refusal about the collectors' chat itself, not about one message's text."""
    return not isinstance(exc, BadRequest) or "chat not found" in str(exc).lower()


@dataclass(frozen=True)
class DrainResult:
    sent: int
    failed: int


class Notifier:
    """Sends due notices through `send(chat_id, text)`; one drain at a time per process."""

    def __init__(
        self,
        store: Store,
        send: Send,
        now: Callable[[], datetime],
        *,
        chat_id: int,
        locale: str = "en",
        tr: gettext.NullTranslations | None = None,
    ) -> None:
        self.store, self.send, self.now = store, send, now
        self.chat_id, self.locale = chat_id, locale
        self.tr = tr or translator(locale)
        self._lock = asyncio.Lock()
        self._hold_until: datetime | None = None  # set by flood control: no sends before it
        self._pending: asyncio.Task | None = None
        self._stopped = False

    async def stop(self) -> None:
        """No more sends from this process: whatever is left waits in the outbox for the next start.
        A drain cut off mid-send has not marked that notice sent, so it goes again after restart."""
        self._stopped = True
        if self._pending is not None and not self._pending.done():
            self._pending.cancel()
            await asyncio.gather(self._pending, return_exceptions=True)

    async def drain(self) -> DrainResult:
        """Send what is due, unless another instance on the same PostgreSQL is draining now (its
        drain reads to the end of the outbox, so nothing waits for long)."""
        async with self._lock, self.store.claim(CLAIM) as mine:
            return await self._drain() if mine else DrainResult(0, 0)

    def kick(self) -> None:
        """Drain soon, without waiting: call it right after a unit of work that enqueued notices."""
        if not self._stopped and (self._pending is None or self._pending.done()):
            self._pending = asyncio.get_running_loop().create_task(self.drain())

    async def _drain(self) -> DrainResult:
        sent = failed = 0
        last_id = 0
        while not self._held() and not self._stopped:
            rows = await self.store.run_read(due_notices, self.now(), last_id, BATCH)
            if not rows:
                break
            for row in rows:
                last_id = row.id
                if await self._deliver(row):
                    sent += 1
                    continue
                failed += 1
                if self._held():
                    break
            if self._stopped:
                break
        return DrainResult(sent, failed)

    def _held(self) -> bool:
        return self._hold_until is not None and self.now() < self._hold_until

    async def _deliver(self, row: Notice) -> bool:
        """One notice: True once Telegram took it and the row says so."""
        try:
            text = render_notice(row, self.locale, self.tr)
        except Exception as exc:  # a damaged payload must not block every later notice
            log.error("notice %s (%s) cannot be rendered: %s", row.id, row.kind, type(exc).__name__)
            await self._failed(row, exc, self.now() + PERMANENT_CAP)
            return False
        try:
            await self.send(self.chat_id, text)
        except RetryAfter as exc:
            self._hold_until = self.now() + retry_after_delay(exc)
            await self._failed(row, exc, self._hold_until)
            return False
        except PERMANENT as exc:
            # Kept, never dropped: the chat may be fixed (bot re-added, id corrected) later.
            retry_at = self.now() + backoff(row.attempts + 1, PERMANENT_BASE, PERMANENT_CAP)
            log.error("notice %s (%s) refused by Telegram: %s", row.id, row.kind, type(exc).__name__)
            if chat_level(exc):  # every notice goes to that chat: none can go before the retry
                self._hold_until = retry_at
            await self._failed(row, exc, retry_at)
            return False
        except NetworkError as exc:  # TimedOut is one; BadRequest was caught above
            delay = backoff(row.attempts + 1, BACKOFF_BASE, BACKOFF_CAP)
            # The connection is likely down for every notice: stop this drain until the retry.
            self._hold_until = self.now() + delay
            await self._failed(row, exc, self._hold_until)
            return False
        await self.store.run_unit(mark_sent, row.id, self.now())
        return True

    async def _failed(self, row: Notice, exc: Exception, retry_at: datetime) -> None:
        log.warning("notice %s not sent (%s); next try at %s", row.id, type(exc).__name__, retry_at)
        reason = f"{type(exc).__name__}: {getattr(exc, 'message', '')}"
        async with self.store.unit() as db:
            await mark_failed(db, row.id, reason, retry_at)


def telegram_send(bot: Any) -> Send:
    """`send` for a PTB Bot: plain text, no parse mode, so nothing in a payload can break markup."""

    async def send(chat_id: int, text: str) -> Any:
        return await bot.send_message(chat_id=chat_id, text=text)

    return send


async def notifier_job(context: Any) -> None:
    """For PTB's JobQueue.run_repeating(notifier_job, interval=5, data=notifier)."""
    notifier: Notifier = context.job.data
    result = await notifier.drain()
    if result.sent or result.failed:
        log.info("notifier: %d sent, %d failed", result.sent, result.failed)
