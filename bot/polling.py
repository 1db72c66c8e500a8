"""Long polling that loses nothing when the process dies.

PTB's Updater confirms updates to Telegram (the next getUpdates carries a higher offset) as soon
as they are queued, before any handler ran: a crash then drops every update it had fetched. Here
the offset moves only after the whole batch has been processed, so Telegram sends an unfinished
update again after a restart, and flows skip the update ids they already committed.

Updates of one chat run one after another in order; different chats run side by side, so one
person's slow send does not hold up everybody else.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

from telegram import Update
from telegram.error import RetryAfter, TelegramError
from telegram.ext import Application

from bot.notifier import retry_after_delay

log = logging.getLogger("debtdesk.polling")

BACKOFF_START, BACKOFF_CAP = 1.0, 30.0


def chat_key(update: Update) -> int | None:
    chat = update.effective_chat
    return chat.id if chat else None


async def _in_order(application: Application, updates: list[Update]) -> None:
    for update in updates:
        await application.process_update(update)


async def process_batch(application: Application, updates: list[Update]) -> None:
    """Every update of the batch, each chat's in order, different chats concurrently."""
    by_chat: dict[int | None, list[Update]] = defaultdict(list)
    for update in updates:
        by_chat[chat_key(update)].append(update)
    results = await asyncio.gather(
        *(_in_order(application, chat_updates) for chat_updates in by_chat.values()),
        return_exceptions=True,
    )
    for result in results:
        if isinstance(result, Exception):  # handlers' errors go to the error handler; this is PTB's own
            log.error("an update could not be processed: %s", type(result).__name__)


class Poller:
    """Fetch, process, then confirm, until stopped. A stop lets the batch in hand finish first
    (up to FINISH_SECONDS) so that a graceful SIGTERM answers everyone it has heard."""

    FINISH_SECONDS = 10.0

    def __init__(self, application: Application, *, timeout: int, allowed_updates: list[str]) -> None:
        self.application, self.timeout, self.allowed_updates = application, timeout, allowed_updates
        self.task: asyncio.Task | None = None
        self._stopping = False
        self._batch: asyncio.Task | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self._run())

    def active(self) -> bool:
        return self.task is not None and not self.task.done()

    async def stop(self) -> None:
        self._stopping = True
        if self._batch is not None and not self._batch.done():
            await asyncio.wait({self._batch}, timeout=self.FINISH_SECONDS)
        if self.task is not None:
            # Cancelling is safe even mid-batch: the offset was not moved, so Telegram sends again.
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)

    async def _run(self) -> None:
        offset: int | None = None
        delay = BACKOFF_START
        while not self._stopping:
            try:
                updates = await self.application.bot.get_updates(
                    offset=offset, timeout=self.timeout, allowed_updates=self.allowed_updates
                )
            except RetryAfter as exc:
                await asyncio.sleep(retry_after_delay(exc).total_seconds())
                continue
            except TelegramError as exc:  # network down, Telegram busy: again, more slowly each time
                log.warning("getUpdates failed (%s); again in %.0f s", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, BACKOFF_CAP)
                continue
            delay = BACKOFF_START
            if updates:
                self._batch = asyncio.create_task(process_batch(self.application, list(updates)))
                await asyncio.shield(self._batch)
                offset = updates[-1].update_id + 1
