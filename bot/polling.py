"""Long polling that loses nothing when the process dies.

PTB's Updater confirms updates to Telegram (the next getUpdates carries a higher offset) as soon
as they are queued, before any handler ran: a crash then drops every update it had fetched. Here
the offset moves only after the whole batch has been processed, so Telegram sends an unfinished
update again after a restart, and flows skip the update ids they already committed.

Updates of one chat run one after another in order; different chats run side by side, so one
person's slow send does not hold up everybody else.

Updates are fetched as raw JSON and read one by one: PTB's get_updates reads the whole batch at
once, so a single update it cannot read (a schema change at Telegram, a damaged payload) raised
out of every fetch, stopped polling and, the offset never moving, came back after each restart.
Such an update is logged by id and kind of error only (it is full of a person) and confirmed.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections import defaultdict

from telegram import Update
from telegram.error import RetryAfter, TelegramError
from telegram.ext import Application
from telegram.warnings import PTBUserWarning

from bot.notifier import retry_after_delay

log = logging.getLogger("debtdesk.polling")

# PTB asks callers to prefer get_updates; the raw call is on purpose (see the docstring above).
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.getUpdates'", category=PTBUserWarning)

BACKOFF_START, BACKOFF_CAP = 1.0, 30.0
READ_MARGIN_SECONDS = 10.0


def chat_key(update: Update) -> int | None:
    """The chat an update belongs to; a pre-checkout query has none, but its payer's private chat
    has the payer's id, so it waits its turn behind that chat's updates."""
    chat, user = update.effective_chat, update.effective_user
    return chat.id if chat else (user.id if user and update.pre_checkout_query else None)


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
                raw = await self._fetch(offset)
            except RetryAfter as exc:
                await asyncio.sleep(retry_after_delay(exc).total_seconds())
                continue
            except TelegramError as exc:  # network down, Telegram busy: again, more slowly each time
                log.warning("getUpdates failed (%s); again in %.0f s", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, BACKOFF_CAP)
                continue
            delay = BACKOFF_START
            updates = readable(raw, self.application.bot)
            if updates:
                self._batch = asyncio.create_task(process_batch(self.application, updates))
                await asyncio.shield(self._batch)
            if raw:
                offset = max(item["update_id"] for item in raw) + 1

    async def _fetch(self, offset: int | None) -> list[dict]:
        """getUpdates' raw result: a list of update objects, unread."""
        api_kwargs = {"timeout": self.timeout, "allowed_updates": self.allowed_updates}
        if offset is not None:
            api_kwargs["offset"] = offset
        # As PTB's get_updates does: the long poll may take `timeout` seconds before it answers.
        result = await self.application.bot.do_api_request(
            "getUpdates", api_kwargs=api_kwargs, read_timeout=self.timeout + READ_MARGIN_SECONDS
        )
        return list(result or [])


def readable(raw: list[dict], bot) -> list[Update]:
    """The updates of a raw batch that PTB can read, in order; the others logged and dropped."""
    updates = []
    for item in raw:
        try:
            update = Update.de_json(item, bot)
        except Exception as exc:  # noqa: BLE001 - whatever the parser raises, polling must go on
            log.error("update %s could not be read and was dropped (%s)",
                      item.get("update_id"), type(exc).__name__)
            continue
        if update is not None:
            updates.append(update)
    return updates
