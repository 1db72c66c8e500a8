"""Webhook against long polling: `python -m bench.webhook_journeys MODE JOURNEYS CONCURRENCY DB`.

The same journeys as bench.journeys_http (seven updates each, CONCURRENCY debtors at once), the
bot in a child process (bench.webhook_bot). Over long polling the updates wait in the stand-in
Bot API until the bot fetches them; over the webhook this process posts each one to the bot's
POST /telegram, as Telegram would, and the bot answers once it is handled. A step's latency
runs from the update's posting (or queueing) to the last message the bot sends for it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import sys
import time

import httpx

from bench.child import peak_rss_mb, report
from bench.journey_script import FIRST_CHAT, STEPS, FakeBotAPI, push, seed
from bench.journeys_http import STEP_TIMEOUT, _stop, _warm_up
from bench.stats import summarise
from bench.webhook_bot import HOOK_SECRET


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Door:
    """How an update reaches the bot: queued for getUpdates, or posted to the webhook."""

    def __init__(self, api: FakeBotAPI, client: httpx.AsyncClient | None) -> None:
        self.api, self.client = api, client

    async def deliver(self, chat: int, step, token: str) -> None:
        if self.client is None:
            push(self.api, chat, step, token, self.api.to(chat), False)
            return
        update = push(self.api, chat, step, token, self.api.to(chat), False)
        self.api._queue.clear()  # noqa: SLF001 - nobody polls: the stand-in need not keep it
        answer = await self.client.post("/telegram", content=json.dumps(update),
                                        headers={"X-Telegram-Bot-Api-Secret-Token": HOOK_SECRET,
                                                 "Content-Type": "application/json"})
        answer.raise_for_status()


async def _journey(door: Door, chat: int, token: str, counts: list[int], latencies: list[float]) -> None:
    for step, count in zip(STEPS, counts, strict=True):
        started = time.perf_counter()
        await door.deliver(chat, step, token)
        await door.api.wait_for_messages(chat, count, timeout=STEP_TIMEOUT)
        latencies.append(time.perf_counter() - started)


async def run_debtors(
    door: Door, tokens: list[str], counts: list[int], journeys: int, concurrency: int
) -> tuple[list[float], float]:
    """Journeys 1..`journeys` by `concurrency` debtors at once: each step's latency, and the seconds."""
    latencies: list[float] = []
    waiting = list(range(journeys, 0, -1))

    async def debtor() -> None:
        while waiting:
            n = waiting.pop()
            await _journey(door, FIRST_CHAT + n, tokens[n], counts, latencies)

    started = time.perf_counter()
    await asyncio.gather(*(debtor() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started


async def _start(mode: str, api: FakeBotAPI, db_path: str, port: int) -> asyncio.subprocess.Process:
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.webhook_bot", mode, api.base_url, db_path, str(port),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    if mode == "polling":
        while (line := await asyncio.wait_for(bot.stderr.readline(), 60)) and line.strip() != b"ready":
            pass
        return bot
    async with httpx.AsyncClient() as client:
        for _ in range(600):
            try:
                if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                    return bot
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the webhook bot never became healthy")


async def drive(mode: str, journeys: int, concurrency: int, db_path: str) -> dict:
    tokens = await seed(db_path, journeys + 1)
    api = await FakeBotAPI().start()
    port = _free_port()
    bot = await _start(mode, api, db_path, port)
    client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=STEP_TIMEOUT,
                               limits=httpx.Limits(max_connections=concurrency))
    door = Door(api, client if mode == "webhook" else None)
    try:
        if mode == "webhook":
            counts = []
            for step in STEPS:  # the webhook answers once the replies are out: count them then
                before = len(api.to(FIRST_CHAT))
                await door.deliver(FIRST_CHAT, step, tokens[0])
                counts.append(len(api.to(FIRST_CHAT)) - before)
                await api.wait_for_messages(FIRST_CHAT, counts[-1])
        else:
            counts = await _warm_up(api, tokens[0], False)
        latencies, elapsed = await run_debtors(door, tokens, counts, journeys, concurrency)
    finally:
        peak_mb = peak_rss_mb(bot.pid)
        await client.aclose()
        await _stop(bot)
        await api.stop()
    return {**summarise(latencies, elapsed), "messages_per_step": counts, "bot_peak_rss_mb": peak_mb}


def main(argv: list[str]) -> None:
    mode, journeys, concurrency, db_path = argv
    logging.getLogger("tornado.access").setLevel(logging.CRITICAL)
    result = asyncio.run(drive(mode, int(journeys), int(concurrency), db_path))
    report(mode=mode, journeys=int(journeys), concurrency=int(concurrency), **result)


if __name__ == "__main__":
    main(sys.argv[1:])
