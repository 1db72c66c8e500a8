"""The bot for the webhook benchmark, in a process of its own:
`python -m bench.webhook_bot MODE API_URL DB PORT`.

MODE `webhook` runs `debtdesk serve`'s own code (bot.web_serve.serve_web: FastAPI on uvicorn,
updates posted to POST /telegram and answered once handled); MODE `polling` runs `debtdesk
run`'s long polling (bot.serve.running). Both build the same Application with the same fixed
clock, and the same send rate, set far above what the journeys reach, so that what differs is
only how updates come in. Stops on SIGTERM, then prints its peak memory as JSON.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from dataclasses import replace

from bench.child import report
from bench.journey_script import COLLECTORS, SECRET, clock
from bot.config import load_config
from bot.i18n import translator
from bot.serve import running
from bot.telegram_app import build_application
from bot.web_serve import serve_web
from flows.engine import Flows
from store.db import Store

TOKEN = "123456:TEST-token"  # the stand-in's token
HOOK_SECRET = "bench_hook_secret"
SEND_RATE = "10000"  # messages a second: no ceiling the journeys meet


def config_for(api_url: str, db_path: str):
    env = {"DEBTDESK_BOT_TOKEN": TOKEN, "DEBTDESK_BOT_API_URL": api_url, "DEBTDESK_DB": db_path,
           "DEBTDESK_POLICY": "uk", "DEBTDESK_COLLECTORS_CHAT": str(COLLECTORS),
           "DEBTDESK_WEBHOOK_SECRET": HOOK_SECRET, "DEBTDESK_SEND_RATE": SEND_RATE}
    return replace(load_config(env=env), secret=SECRET)


async def poll(config) -> None:
    store = await Store.open(config.db_path)
    try:
        flows = Flows(store, config.policy, SECRET, clock, translator)
        application = build_application(config, flows, now=clock)
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        async with running(application, poll_timeout=1):
            print("ready", file=sys.stderr, flush=True)
            await stop.wait()
    finally:
        await store.close()


if __name__ == "__main__":
    mode, api_url, db_path, port = sys.argv[1:5]
    settings = config_for(api_url, db_path)
    if mode == "webhook":
        asyncio.run(serve_web(settings, "127.0.0.1", int(port), now=clock))
    else:
        asyncio.run(poll(settings))
    report(mode=mode)
