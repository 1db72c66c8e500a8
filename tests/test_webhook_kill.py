"""`debtdesk serve` killed with SIGKILL in the middle of a webhook update, and the update posted
again as Telegram would (it got no 200): exactly one promise, one confirmation to the debtor,
one notice to the collectors and one promise event to the bank's receiver (after dedupe by its
id, as at-least-once delivery asks of a receiver), wherever the kill fell.

The kill points are store/faults.py's, inert unless DEBTDESK_FAULT_POINT names one:
- flow_before_commit: the flow ran (the promise, its notice and the update id are written)
  but its transaction has not committed;
- webhook_before_answer: the transaction committed and the replies went out, but the 200 did not.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from decimal import Decimal

import httpx
import pytest
from db_kit import database
from event_receiver import SECRET as EVENTS_SECRET
from event_receiver import Receiver
from fakeapi import FakeBotAPI, Sent
from fault_kit import COLLECTORS, integrity, query, seeded
from serve_kit import ServeProcess, serve_environment

CHAT = 7401
PROMISED = "Your promise to pay"


def one(messages: list[Sent], fragment: str) -> Sent:
    found = [m for m in messages if fragment in m.text]
    assert len(found) == 1, [m.text for m in messages]
    return found[0]


async def confirmation_pending(api: FakeBotAPI, bot: ServeProcess, person: dict, token: str) -> dict:
    """Verify, promise £25 by a date, and return (unposted) the press of "Yes, I promise"."""
    one(await bot.say(CHAT, api.push_command(CHAT, "start", token)), "First, let us confirm it is you")
    one(await bot.say(CHAT, api.push_text(CHAT, person["date_of_birth"])), "You are confirmed")
    one(await bot.say(CHAT, api.push_command(CHAT, "promise")), "How much will you pay?")
    dates = one(await bot.say(CHAT, api.push_text(CHAT, "25")), "By which date will you pay")
    choice = next(data for _, data in dates.buttons if "date:" in data)
    asked = one(await bot.say(CHAT, api.push_button(CHAT, choice)), "Is that right?")
    return api.push_button(CHAT, asked.data_for("Yes, I promise"))


@pytest.mark.parametrize("point", ["flow_before_commit", "webhook_before_answer"])
async def test_sigkill_mid_webhook_update_then_redelivery_makes_one_promise_and_one_notice(
        api, tmp_path, point):
    db_path = database(tmp_path, "bot.db")
    [(person, token)] = await seeded(db_path, 1)
    receiver = await Receiver().start()
    env = serve_environment(api, db_path, DEBTDESK_EVENTS_URL=receiver.url,
                            DEBTDESK_EVENTS_SECRET=EVENTS_SECRET, DEBTDESK_EVENTS_BACKOFF="0.1")
    bot = ServeProcess(api, env, tmp_path / "serve.stderr")
    try:
        await bot.start()
        confirm = await confirmation_pending(api, bot, person, token)
        assert await bot.terminate() == 0

        await bot.start(DEBTDESK_FAULT_POINT=point)
        with pytest.raises(httpx.TransportError):  # the connection dies with the process: no answer
            await bot.post(confirm)
        assert await bot.wait_dead() == -9  # SIGKILL
        committed = query(db_path, "SELECT count(*) FROM processed_updates WHERE update_id = ?",
                          confirm["update_id"])[0][0]
        assert committed == (1 if point == "webhook_before_answer" else 0)

        await bot.start()  # Telegram posts the update again until it gets its 200
        assert (await bot.post(confirm)).status_code == 200
        async with asyncio.timeout(30):  # the notifier drains every few seconds
            while query(db_path, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")[0][0]:
                await asyncio.sleep(0.1)
        await receiver.wait_for(len(query(db_path, "SELECT id FROM outbox")), timeout=30)
        assert await bot.terminate() == 0
    finally:
        await bot.close()
        await receiver.stop()

    promises = query(db_path, "SELECT amount FROM promises WHERE source = 'chat'")
    assert [Decimal(amount) for (amount,) in promises] == [Decimal("25.00")]
    assert len([m for m in api.to(CHAT) if PROMISED in m.text]) == 1
    outbox = query(db_path, "SELECT id, kind, sent_at FROM outbox")
    assert Counter(kind for _, kind, _ in outbox)["promise"] == 1
    assert all(sent_at for _, _, sent_at in outbox)
    delivered = Counter(int(re.search(r"#(\d+)$", m.text).group(1)) for m in api.to(COLLECTORS))
    assert delivered == Counter({row_id: 1 for row_id, _, _ in outbox})  # each notice once
    events = {r.event["id"]: r.event["type"] for r in receiver.accepted if r.signature_ok()}
    assert len(receiver.accepted) >= len(events) == len(outbox)  # every event signed, none lost
    assert list(events.values()).count("promise.made") == 1
    assert integrity(db_path) == "ok"
    assert "Traceback" not in bot.stderr()
