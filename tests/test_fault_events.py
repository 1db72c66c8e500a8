"""Events out survive a SIGKILL (issue 13, item 5): `debtdesk run` is killed while its POST of an
event is in flight, before the receiver answered; the next start sends the same event again
(same webhook-id, signed afresh), it is recorded delivered once, and no log line carries the
debtor's personal data."""

from __future__ import annotations

import asyncio

from db_kit import database
from event_receiver import SECRET, Receiver
from fault_kit import BotProcess, environment, leaks, query, secrets_of, seeded

from store import outbox
from store.db import Store
from store.notice_payloads import from_dict


async def enqueue_legacy(db, kind: str, ref: str | None, payload: dict, now) -> int:
    """A notice written as its JSON payload (the record is read from it, as from an old outbox row)."""
    return await outbox.enqueue(db, from_dict(kind, payload, ref), now)



async def enqueue_promise(db_path: str, ref: str) -> int:
    """An event written by another process (as `debtdesk approvals` or `sweep` would)."""
    from datetime import UTC, datetime

    store = await Store.open(db_path)
    try:
        async with store.unit() as db:
            return await enqueue_legacy(db, "promise", ref, {
                "kind": "promise", "account_ref": ref, "stage": "M2", "amount": "300.00", "currency": "GBP",
                "due": "2026-12-10"}, datetime.now(UTC))
    finally:
        await store.close()


async def test_an_event_in_flight_when_the_bot_is_killed_goes_again_after_the_restart(api, tmp_path):
    db_path = database(tmp_path, "kill.db")
    [(someone, _token)] = await seeded(db_path, 1)
    receiver = await Receiver().start()
    env = environment(api, db_path, DEBTDESK_EVENTS_URL=receiver.url, DEBTDESK_EVENTS_SECRET=SECRET,
                      DEBTDESK_EVENTS_BACKOFF="0.1")
    bot = BotProcess(api, env, tmp_path / "stderr.log")
    receiver.hang_up = lambda got: bot.kill_now() or True  # killed mid-POST: no answer ever read
    try:
        await bot.start()
        event_id = await enqueue_promise(db_path, someone["account_ref"])
        for _ in range(200):
            if receiver.received:
                break
            await asyncio.sleep(0.05)
        await bot.process.wait()
        assert len(receiver.received) == 1 and not receiver.accepted
        assert query(db_path, "SELECT state, attempts FROM event_deliveries") == [("pending", 0)]

        receiver.hang_up = None
        await bot.start()
        [again] = await receiver.wait_for(1)
        for _ in range(100):
            if query(db_path, "SELECT state FROM event_deliveries") == [("delivered",)]:
                break
            await asyncio.sleep(0.05)
        assert query(db_path, "SELECT state, attempts FROM event_deliveries") == [("delivered", 1)]
        assert again.headers["webhook-id"] == receiver.received[0].headers["webhook-id"] == f"evt_{event_id}"
        assert again.signature_ok() and receiver.received[0].signature_ok()
        assert again.body == receiver.received[0].body
        assert await bot.terminate() == 0
    finally:
        await bot.kill()
        await receiver.stop()
    assert leaks(bot.stderr(), secrets_of([someone])) == []
