"""Telegram posts webhook updates over several connections at once: `debtdesk serve` keeps one
chat's updates in the order they came and lets other chats go by meanwhile."""

from __future__ import annotations

import asyncio

import pytest
from db_kit import database
from fakeapi import FakeBotAPI
from fault_kit import seeded
from serve_kit import ServeProcess, serve_environment

SLOW, QUICK = 7501, 7502
SLOW_SEND_SECONDS = 2.0


@pytest.fixture
async def api():
    fake = await FakeBotAPI().start()
    real_call = fake.call

    fake.slow_sends = []  # ("asked" | "done", text) for the slow chat, as they happened

    async def call(method: str, args: dict):
        if method == "sendMessage" and args.get("chat_id") == SLOW:
            fake.slow_sends.append(("asked", args.get("text", "")))
            await asyncio.sleep(SLOW_SEND_SECONDS)  # a slow network to this one person
            fake.slow_sends.append(("done", args.get("text", "")))
        return await real_call(method, args)

    fake.call = call
    yield fake
    await fake.stop()


async def test_one_chats_updates_run_in_order_while_other_chats_go_by(api, tmp_path):
    db_path = database(tmp_path, "bot.db")
    [(person, token), (_, other_token)] = await seeded(db_path, 2)
    bot = ServeProcess(api, serve_environment(api, db_path), tmp_path / "serve.stderr")
    try:
        await bot.start()
        start = asyncio.create_task(bot.post(api.push_command(SLOW, "start", token)))
        async with asyncio.timeout(30):  # the /start is in hand, its reply on its slow way
            while not api.slow_sends:
                await asyncio.sleep(0.01)
        answer = asyncio.create_task(bot.post(api.push_text(SLOW, person["date_of_birth"])))
        other = await bot.post(api.push_command(QUICK, "start", other_token))
        assert other.status_code == 200
        assert not start.done() and not answer.done()  # the other chat did not wait for them
        assert [r.status_code for r in await asyncio.gather(start, answer)] == [200, 200]
        # The answer's first reply was asked for only after every reply to /start had gone out.
        events = api.slow_sends
        first_answer = next(i for i, (what, text) in enumerate(events)
                            if what == "asked" and "You are confirmed" in text)
        start_done = [i for i, (what, text) in enumerate(events) if what == "done" and i < first_answer]
        assert len(start_done) == len([e for e in events[:first_answer] if e[0] == "asked"]), events
        texts = [m.text for m in api.to(SLOW)]
        assert "First, let us confirm it is you" in texts[0]
        assert await bot.terminate() == 0
    finally:
        await bot.close()
