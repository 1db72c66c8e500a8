"""The collectors' chat for tests: the real collectors' handlers on a PTB Application against
tests/fakeapi.py, with a stand-in for the debtor flow that records which chats reached it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, TypeHandler

from bot.collectors import collector_handlers
from bot.config import load_config

STAFF_USER = 555


def collectors_app(api, store, chat_id: int, now: Callable[[], datetime], locale: str = "en") -> Application:
    """Not yet initialised: `async with` it."""
    config = load_config(env={"DEBTDESK_POLICY": "cn", "DEBTDESK_COLLECTORS_CHAT": str(chat_id),
                              "DEBTDESK_COLLECTORS_LOCALE": locale, "DEBTDESK_DB": store.path})
    application = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
    application.add_handlers(collector_handlers(config, store, now), group=-1)
    application.debtor_updates = []  # what the debtor flow (group 0) received

    async def debtor_flow(update: Update, _context) -> None:
        application.debtor_updates.append(update.effective_chat.id)

    application.add_handler(TypeHandler(Update, debtor_flow))
    return application


async def command(app, api, chat_id: int, name: str, args: str = "") -> list[str]:
    """A command typed in a chat (by a staff member in a group); the texts the bot sent back."""
    before = len(api.sent)
    update = api.push_command(chat_id, name, args, user_id=STAFF_USER if chat_id < 0 else None)
    await app.process_update(Update.de_json(update, app.bot))
    return [m.text for m in api.sent[before:]]
