"""Sends under a burst of debtors: `python -m bench.send_rate RATE DEBTORS DB`.

In process, as bench.journeys_inproc, but with python-telegram-bot's AIORateLimiter in place
at DEBTDESK_SEND_RATE=RATE messages a second. DEBTORS debtors start their journeys at the same
moment, each waiting for the bot's answer to one step before the next, different chats side by
side (as long polling runs them). Every message the limiter lets through is timed as it reaches
the stand-in. The limiter's bucket starts full (RATE messages go at once), so the rate is
measured from the message after those to the last: when it comes to the configured rate, the
limiter, not the bot, is the ceiling.
"""

from __future__ import annotations

import asyncio
import sys
import time

from telegram import Update

from bench.child import report
from bench.journey_bot import debtdesk_application
from bench.journey_script import FIRST_CHAT, STEPS, FakeBotAPI, push, seed
from bench.journeys_inproc import API_URL, InProcessRequest
from store.db import Store


class TimedRequest(InProcessRequest):
    """InProcessRequest that notes when each message (a call with a chat) arrives."""

    def __init__(self, api: FakeBotAPI) -> None:
        super().__init__(api)
        self.arrivals: list[float] = []

    async def do_request(self, url, method, request_data=None, *timeouts, **named):
        if request_data is not None and "chat_id" in request_data.parameters:
            self.arrivals.append(time.perf_counter())
        return await super().do_request(url, method, request_data, *timeouts, **named)


async def _journey(application, api: FakeBotAPI, chat: int, token: str) -> None:
    for step in STEPS:
        data = push(api, chat, step, token, api.to(chat), False)
        await application.process_update(Update.de_json(data, application.bot))


def steady_rate(arrivals: list[float], burst: int) -> float:
    """Messages a second after the first `burst` (the limiter's full bucket)."""
    after = sorted(arrivals)[burst:]
    if len(after) < 2:
        raise ValueError("too few messages beyond the limiter's first burst to measure a rate")
    return (len(after) - 1) / (after[-1] - after[0])


async def drive(rate: float, debtors: int, db_path: str) -> dict:
    tokens = await seed(db_path, debtors)
    api = FakeBotAPI()
    store = await Store.open(db_path)
    application = debtdesk_application(API_URL, store, limited=True, send_rate=rate)
    request = TimedRequest(api)
    application.bot._request = (request, request)  # private, but the only way in after build
    try:
        async with application:
            await application.start()
            started = time.perf_counter()
            await asyncio.gather(*(_journey(application, api, FIRST_CHAT + n, tokens[n])
                                   for n in range(debtors)))
            seconds = time.perf_counter() - started
            notifier = application.bot_data.get("notifier")
            if notifier is not None:
                await notifier.stop()
            await application.stop()
    finally:
        await store.close()
    measured = steady_rate(request.arrivals, int(rate))
    return {"configured_per_second": rate, "messages": len(request.arrivals), "seconds": round(seconds, 2),
            "measured_per_second": round(measured, 2), "share": round(measured / rate, 3)}


def main(argv: list[str]) -> None:
    rate, debtors, db_path = argv
    result = asyncio.run(drive(float(rate), int(debtors), db_path))
    report(debtors=int(debtors), **result)


if __name__ == "__main__":
    main(sys.argv[1:])
