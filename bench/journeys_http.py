"""Journeys over HTTP: `python -m bench.journeys_http KIND JOURNEYS CONCURRENCY DB`.

This process runs the stand-in Bot API (tests/fakeapi.py) and plays the debtors; the bot runs
in a child process (bench.journey_bot) and long-polls it over loopback HTTP, as it would poll
Telegram. CONCURRENCY debtors are mid-journey at any moment; each waits for the bot's answer
to one step before taking the next. A step's latency runs from the moment its update is queued
to the moment the last message the bot sends for it arrives.

How many messages answer each step is learned from one warm-up journey (waiting until the
bot falls quiet), which is not timed; every timed journey is the same and must match it.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
import time

from bench.child import peak_rss_mb, report
from bench.journey_script import COLLECTORS, FIRST_CHAT, STEPS, FakeBotAPI, push, seed
from bench.stats import summarise

QUIET_SECONDS = 0.5
STEP_TIMEOUT = 60.0
STOP_GRACE_SECONDS = 30.0  # TimeoutStopSec in debtdesk.service, stop_grace_period in compose


async def _warm_up(api: FakeBotAPI, token: str, echo: bool) -> list[int]:
    counts = []
    for step in STEPS:
        push(api, FIRST_CHAT, step, token, api.to(FIRST_CHAT), echo)
        got = len(await api.wait_for_messages(FIRST_CHAT, 1, timeout=STEP_TIMEOUT))
        while True:
            try:
                got += len(await api.wait_for_messages(FIRST_CHAT, 1, timeout=QUIET_SECONDS))
            except AssertionError:
                break
        counts.append(got)
    return counts


async def _journey(api: FakeBotAPI, chat: int, token: str, counts: list[int], echo: bool,
                   latencies: list[float]) -> None:
    for step, count in zip(STEPS, counts, strict=True):
        started = time.perf_counter()
        push(api, chat, step, token, api.to(chat), echo)
        await api.wait_for_messages(chat, count, timeout=STEP_TIMEOUT)
        latencies.append(time.perf_counter() - started)


async def _start_bot(kind: str, api: FakeBotAPI, db_path: str) -> asyncio.subprocess.Process:
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.journey_bot", kind, api.base_url, db_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    while True:
        line = await asyncio.wait_for(bot.stderr.readline(), 60)
        if not line:
            raise RuntimeError(f"the {kind} bot exited before it was ready")
        if line.strip() == b"ready":
            return bot


async def drive(kind: str, journeys: int, concurrency: int, db_path: str) -> dict:
    tokens = await seed(db_path, journeys + 1)
    api = await FakeBotAPI().start()
    bot = await _start_bot(kind, api, db_path)
    echo = kind == "echo"
    try:
        counts = await _warm_up(api, tokens[0], echo)
        latencies: list[float] = []
        waiting = asyncio.Queue()
        for n in range(1, journeys + 1):
            waiting.put_nowait(n)

        async def debtor() -> None:
            while not waiting.empty():
                n = waiting.get_nowait()
                await _journey(api, FIRST_CHAT + n, tokens[n], counts, echo, latencies)

        started = time.perf_counter()
        await asyncio.gather(*(debtor() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    finally:
        peak_mb = peak_rss_mb(bot.pid)  # before SIGTERM: it may have to be killed
        stop_seconds = await _stop(bot)
        await api.stop()
    return {**summarise(latencies, elapsed), "messages_per_step": counts, "bot_peak_rss_mb": peak_mb,
            "stop_seconds": stop_seconds, "collectors_messages": len(api.to(COLLECTORS))}


async def _stop(bot: asyncio.subprocess.Process) -> float | None:
    """SIGTERM, then SIGKILL after the grace period docker and systemd give (deploy/): the
    seconds it took to exit by itself, or None when it had to be killed."""
    bot.send_signal(signal.SIGTERM)
    started = time.perf_counter()
    try:
        await asyncio.wait_for(bot.communicate(), STOP_GRACE_SECONDS)
    except TimeoutError:
        bot.kill()
        await bot.communicate()
        return None
    return round(time.perf_counter() - started, 1)


def main(argv: list[str]) -> None:
    kind, journeys, concurrency, db_path = argv
    # The stand-in logs a 500 for the long poll the bot abandons when it stops: not news.
    logging.getLogger("tornado.access").setLevel(logging.CRITICAL)
    result = asyncio.run(drive(kind, int(journeys), int(concurrency), db_path))
    report(kind=kind, journeys=int(journeys), concurrency=int(concurrency), **result)


if __name__ == "__main__":
    main(sys.argv[1:])
