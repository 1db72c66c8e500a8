"""Journeys through several `debtdesk serve` instances on one database:
`python -m bench.cluster_journeys INSTANCES JOURNEYS CONCURRENCY DB`.

The same journeys as bench.webhook_journeys (seven updates each, CONCURRENCY debtors at once),
each update posted to one of the INSTANCES bots at random, as a load balancer in front of them
would; the bots (bench.webhook_bot, webhook mode) share DB, a SQLite file or a PostgreSQL URL.
A step's latency runs from the update's posting to the last message the bot sends for it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import sys

import httpx

from bench.child import peak_rss_mb, report
from bench.journey_script import FIRST_CHAT, STEPS, FakeBotAPI, push, seed
from bench.journeys_http import STEP_TIMEOUT, _stop
from bench.stats import summarise
from bench.webhook_bot import HOOK_SECRET
from bench.webhook_journeys import _free_port, _start, run_debtors


class Balancer:
    """Posts each update to one instance, picked at random (webhook_journeys.Door's interface)."""

    def __init__(self, api: FakeBotAPI, clients: list[httpx.AsyncClient]) -> None:
        self.api, self.clients = api, clients
        self.pick = random.Random(14)

    async def deliver(self, chat: int, step, token: str) -> None:
        update = push(self.api, chat, step, token, self.api.to(chat), False)
        self.api._queue.clear()  # noqa: SLF001 - nobody polls: the stand-in need not keep it
        answer = await self.pick.choice(self.clients).post(
            "/telegram", content=json.dumps(update),
            headers={"X-Telegram-Bot-Api-Secret-Token": HOOK_SECRET, "Content-Type": "application/json"})
        answer.raise_for_status()


async def drive(instances: int, journeys: int, concurrency: int, db: str) -> dict:
    tokens = await seed(db, journeys + 1)
    api = await FakeBotAPI().start()
    ports = [_free_port() for _ in range(instances)]
    bots = [await _start("webhook", api, db, port) for port in ports]
    clients = [httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=STEP_TIMEOUT,
                                 limits=httpx.Limits(max_connections=concurrency)) for port in ports]
    door = Balancer(api, clients)
    try:
        counts = []
        for step in STEPS:  # the webhook answers once the replies are out: count them then
            before = len(api.to(FIRST_CHAT))
            await door.deliver(FIRST_CHAT, step, tokens[0])
            counts.append(len(api.to(FIRST_CHAT)) - before)
        latencies, elapsed = await run_debtors(door, tokens, counts, journeys, concurrency)
    finally:
        peak_mb = max(peak_rss_mb(bot.pid) for bot in bots)
        for client in clients:
            await client.aclose()
        for bot in bots:
            await _stop(bot)
        await api.stop()
    return {**summarise(latencies, elapsed), "messages_per_step": counts, "bot_peak_rss_mb": peak_mb}


def main(argv: list[str]) -> None:
    instances, journeys, concurrency, db = argv
    logging.getLogger("tornado.access").setLevel(logging.CRITICAL)
    result = asyncio.run(drive(int(instances), int(journeys), int(concurrency), db))
    report(instances=int(instances), journeys=int(journeys), concurrency=int(concurrency), **result)


if __name__ == "__main__":
    main(sys.argv[1:])
