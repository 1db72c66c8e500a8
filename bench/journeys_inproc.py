"""Journeys in process: `python -m bench.journeys_inproc KIND JOURNEYS DB`.

No HTTP at all: each update is handed to `Application.process_update`, and the bot's Bot API
calls (sendMessage, answerCallbackQuery) are answered in memory by the stand-in's own method
handlers through a BaseRequest that never opens a socket. The rate limiter is off (it would
only measure Telegram's 30 messages a second), so what is left is the bot's own cost per update:
parsing it, the flow and its SQLite transaction, rendering, and building the sends. Journeys
run one after another; a step's latency is its process_update call, update parsing included.
Beside the wall time, the CPU time the process spent in those calls (both threads): the bot's
own cost per update, which other work on a shared machine inflates far less than the wall time.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from telegram import Update
from telegram.request import BaseRequest, RequestData

from bench.child import report
from bench.journey_bot import debtdesk_application, echo_application
from bench.journey_script import FIRST_CHAT, STEPS, FakeBotAPI, push, seed
from bench.stats import summarise
from store.db import Store

API_URL = "http://in-process.invalid/bot"


class InProcessRequest(BaseRequest):
    """Bot API calls answered by FakeBotAPI's method handlers, without HTTP."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *_timeouts: object, **_named: object) -> tuple[int, bytes]:
        args = dict(request_data.parameters) if request_data else {}
        status, result = await self.api.call(url.rsplit("/", 1)[1], args)
        body = {"ok": True, "result": result} if status == 200 else {
            "ok": False, "error_code": status, "description": result}
        return status, json.dumps(body).encode()


async def drive(kind: str, journeys: int, db_path: str) -> dict:
    tokens = await seed(db_path, journeys + 1)
    api = FakeBotAPI()
    store = await Store.open(db_path)
    echo = kind == "echo"
    application = echo_application(API_URL) if echo else debtdesk_application(API_URL, store, limited=False)
    request = InProcessRequest(api)
    application.bot._request = (request, request)  # private, but the only way in after build
    latencies: list[float] = []
    cpu = 0.0  # CPU seconds of the whole process (the database thread too) in the timed steps
    try:
        async with application:
            await application.start()
            for n in range(journeys + 1):  # journey 0 warms up and is not counted
                chat = FIRST_CHAT + n
                for step in STEPS:
                    data = push(api, chat, step, tokens[n], api.to(chat), echo)
                    started, cpu_started = time.perf_counter(), time.process_time()
                    await application.process_update(Update.de_json(data, application.bot))
                    if n:
                        latencies.append(time.perf_counter() - started)
                        cpu += time.process_time() - cpu_started
            notifier = application.bot_data.get("notifier")
            if notifier is not None:  # as bot/serve.py does: no drain may outlive the store
                await notifier.stop()
            await application.stop()
    finally:
        await store.close()
    total = sum(latencies)
    return {**summarise(latencies, total), "cpu_ms_per_update": round(cpu * 1000 / len(latencies), 2),
            "sent": len(api.sent)}


def main(argv: list[str]) -> None:
    kind, journeys, db_path = argv
    result = asyncio.run(drive(kind, int(journeys), db_path))
    report(kind=kind, journeys=int(journeys), **result)


if __name__ == "__main__":
    main(sys.argv[1:])
