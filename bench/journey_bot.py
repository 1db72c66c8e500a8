"""The bot under test, in a process of its own: `python -m bench.journey_bot KIND API_URL DB`.

KIND is `echo` (a bare python-telegram-bot Application whose one MessageHandler echoes the text),
`debtdesk` (bot.telegram_app.build_application, as `debtdesk run` builds it), or
`debtdesk-nolimit` (the same with the rate limiter taken out, to show what it costs). Polls the
stand-in until SIGTERM, then prints its peak memory as JSON.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from dataclasses import replace

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bench.child import report
from bench.journey_script import COLLECTORS, SECRET, clock
from bot.config import load_config
from bot.serve import running
from bot.telegram_app import build_application
from flows.engine import Flows
from store.db import Store

TOKEN = "123456:TEST-token"  # the stand-in's token


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await context.bot.send_message(chat_id=update.effective_chat.id, text=update.effective_message.text or "")


def echo_application(api_url: str) -> Application:
    application = ApplicationBuilder().token(TOKEN).base_url(api_url).build()
    application.add_handler(MessageHandler(filters.ALL, _echo))
    return application


def debtdesk_application(api_url: str, store: Store, limited: bool,
                         send_rate: float | None = None) -> Application:
    env = {"DEBTDESK_BOT_TOKEN": TOKEN, "DEBTDESK_BOT_API_URL": api_url, "DEBTDESK_DB": store.path,
           "DEBTDESK_POLICY": "uk", "DEBTDESK_COLLECTORS_CHAT": str(COLLECTORS)}
    if send_rate is not None:
        env["DEBTDESK_SEND_RATE"] = str(send_rate)
    config = replace(load_config(env=env), secret=SECRET)
    application = build_application(config, Flows(store, config.policy, SECRET, clock), now=clock)
    if not limited:
        application.bot._rate_limiter = None  # private, but the only way in: build_application adds it
    return application


async def serve(kind: str, api_url: str, db_path: str) -> None:
    store = await Store.open(db_path)
    try:
        if kind == "echo":
            application = echo_application(api_url)
        else:
            application = debtdesk_application(api_url, store, limited=kind == "debtdesk")
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        async with running(application, poll_timeout=1):
            print("ready", file=sys.stderr, flush=True)
            await stop.wait()
    finally:
        await store.close()


if __name__ == "__main__":
    asyncio.run(serve(*sys.argv[1:4]))
    report(kind=sys.argv[1])
