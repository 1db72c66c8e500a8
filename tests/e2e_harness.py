"""The whole bot, for end-to-end tests: the real Application polling the fake Bot API over
loopback HTTP, a real SQLite file, the real catalogs and a clock the test can move.

`await bot.text(chat, "hello")` pushes an update, waits until the Application has finished
with it (its process_update returned), and returns the messages it sent.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from db_kit import database
from fakeapi import FakeBotAPI, Sent
from flows_kit import SECRET, START, Clock, link, seed
from telegram import Update
from telegram.ext import Application

from bot.config import load_config
from bot.i18n import translator
from bot.serve import running
from bot.telegram_app import build_application
from flows.engine import Flows
from store.db import Store


class BotUnderTest:
    def __init__(self, tmp_path: Path) -> None:
        self.db_path = database(tmp_path, "debtdesk.db")
        self.api = FakeBotAPI()
        self.clock = Clock(START)
        self.store: Store | None = None
        self.app: Application | None = None
        self._running = None
        self._done: dict[int, asyncio.Event] = {}
        self.env: dict[str, str] = {}  # more DEBTDESK_* settings for the next start

    # --- life cycle -----------------------------------------------------------------------
    async def start(self) -> BotUnderTest:
        if not self.api.port:
            await self.api.start()
        env = {
            "DEBTDESK_BOT_TOKEN": self.api.token,
            "DEBTDESK_BOT_API_URL": self.api.base_url,
            "DEBTDESK_DB": self.db_path,
            "DEBTDESK_POLICY": "uk",
            "DEBTDESK_SECRET": SECRET.decode(),
            **self.env,
        }
        self.config = load_config(env=env)
        self.store = await Store.open(self.db_path)
        flows = Flows(self.store, self.config.policy, SECRET, self.clock, translator,
                      pay_now=self.config.pay_now)
        self.app = build_application(self.config, flows, now=self.clock)
        self._observe_processing(self.app)
        self._running = running(self.app, poll_timeout=1)
        await self._running.__aenter__()
        return self

    async def stop(self, *, api_too: bool = True) -> None:
        if self._running is not None:
            await self._running.__aexit__(None, None, None)
            self._running = None
        if self.store is not None:
            await self.store.close()
            self.store = None
        if api_too:
            await self.api.stop()

    async def restart(self) -> None:
        """A new process in all but name: new Store, Flows and Application on the same file."""
        await self.stop(api_too=False)
        await self.start()

    def _observe_processing(self, app: Application) -> None:
        """Tell the test when the bot has finished with an update, whichever handler took it
        (the collectors' handlers end an update early, so a marker handler would never run)."""
        process_update = app.process_update

        async def process_and_mark(update: object) -> None:
            try:
                await process_update(update)
            finally:
                if isinstance(update, Update):
                    self._done.setdefault(update.update_id, asyncio.Event()).set()

        app.process_update = process_and_mark

    # --- seeding ---------------------------------------------------------------------------
    async def seed_account(self, **changes: str) -> str:
        """accounts_kit's GBP card (2400.00 owed) with changes; returns its reference."""
        return await seed(self.store, self.clock, **changes)

    async def link(self, ref: str) -> str:
        return await link(self.store, self.clock, ref)

    # --- talking ---------------------------------------------------------------------------
    async def deliver(self, update: dict, chat_id: int, timeout: float = 5.0) -> list[Sent]:
        done = self._done.setdefault(update["update_id"], asyncio.Event())
        await asyncio.wait_for(done.wait(), timeout)
        done.clear()  # a redelivery of the same id is waited for afresh
        replies = self.api.unread(chat_id)
        if replies:
            await self.api.wait_for_messages(chat_id, len(replies))
        return replies

    async def text(self, chat_id: int, text: str, **kw) -> list[Sent]:
        return await self.deliver(self.api.push_text(chat_id, text, **kw), chat_id)

    async def command(self, chat_id: int, command: str, args: str = "", **kw) -> list[Sent]:
        return await self.deliver(self.api.push_command(chat_id, command, args, **kw), chat_id)

    async def press(self, chat_id: int, data: str, **kw) -> list[Sent]:
        return await self.deliver(self.api.push_button(chat_id, data, **kw), chat_id)

    async def contact(self, chat_id: int, phone: str, owner: int | None) -> list[Sent]:
        return await self.deliver(self.api.push_contact(chat_id, phone, contact_user_id=owner), chat_id)

    async def raw(self, update: dict, chat_id: int) -> list[Sent]:
        return await self.deliver(self.api.push_raw(update), chat_id)

    # --- paying in the chat ------------------------------------------------------------------
    async def precheckout(self, chat_id: int, invoice: dict, **kw) -> dict:
        """Telegram's pre-checkout query for an invoice the bot sent; the bot's answer."""
        update = self.api.push_pre_checkout(chat_id, invoice, **kw)
        await self.deliver(update, chat_id)
        return await self.api.wait_for_precheckout_answer(update["pre_checkout_query"]["id"])

    async def paid(self, chat_id: int, invoice: dict, charge_id: str) -> list[Sent]:
        """Telegram's successful payment of the invoice; what the bot said."""
        return await self.raw(self.api.successful_payment(chat_id, invoice, charge_id), chat_id)


def texts(messages: list[Sent]) -> str:
    """Every text, one after another: what the person read."""
    return "\n---\n".join(m.text for m in messages)


def with_buttons(messages: list[Sent]) -> Sent:
    """The one message that carries inline buttons."""
    found = [m for m in messages if m.buttons]
    assert len(found) == 1, f"{len(found)} messages with buttons: {texts(messages)}"
    return found[0]
