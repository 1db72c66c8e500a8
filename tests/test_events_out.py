"""Events out, signed (issue 13, item 5): every outbox event is POSTed to the bank's receiver,
signed the Standard Webhooks way, at least once, in order per account, surviving restarts, with
dead letters that `debtdesk events failed|retry` shows and replays. Receivers are plain asyncio
HTTP servers on 127.0.0.1 (tests/event_receiver.py) that check signatures with hmac alone."""

from __future__ import annotations

import asyncio
import base64

import httpx
import pytest
from db_kit import database
from event_receiver import KEY, SECRET, Receiver, closed_port_url

from bot.cli import main
from bot.config import ConfigError, EventsSettings, load_config
from ops.event_delivery import Deliverer
from store import event_deliveries as deliveries
from store import outbox
from store.db import Store
from store.notice_payloads import from_dict

REF_A, REF_B = "UK-A001", "UK-B002"
PHONE, NAME, BIRTH = "+447911000001", "Alice Example", "1985-04-12"

async def enqueue_legacy(db, kind: str, ref: str | None, payload: dict, now) -> int:
    """A notice written as its JSON payload (the record is read from it, as from an old outbox row)."""
    return await outbox.enqueue(db, from_dict(kind, payload, ref), now)



def events_settings(url: str, retries: int = 5, backoff: float = 0.05) -> EventsSettings:
    return EventsSettings(url, KEY, retries, backoff, 2.0)


def account(ref: str) -> dict:
    return {"account_ref": ref, "stage": "M2", "dpd": 45, "today": "2026-03-01", "balance": "2400.00",
            "overdue": "300.00", "currency": "GBP"}


async def enqueue(store: Store, now, kind: str, ref: str | None, **payload) -> int:
    async with store.unit() as db:
        return await enqueue_legacy(db, kind, ref, {"kind": kind, **(account(ref) if ref else {}), **payload},
                                    now)


async def journey(store: Store, now) -> list[int]:
    """Two accounts' events, interleaved: a promise, a call-back (the notice carries the phone),
    a dispute with free text naming the debtor, a lock, an opt-out, a broken promise."""
    return [
        await enqueue(store, now, "promise", REF_A, promise_id=1, amount="300.00", due="2026-03-10"),
        await enqueue(store, now, "callback", REF_B, case_id=1, window="morning", phone=PHONE, locale="en"),
        await enqueue(store, now, "dispute", REF_A, case_id=2, reason="amount",
                      detail=f"I am {NAME}, born {BIRTH}, call {PHONE}"),
        await enqueue(store, now, "lock", None, chat_id=991, scope="chat", until="2026-03-02T09:00:00+00:00"),
        await enqueue(store, now, "opt_out", REF_B),
        await enqueue(store, now, "broken", REF_A, promise_id=1, status="partial", amount="300.00",
                      paid="100.00", due="2026-03-10", source="chat"),
    ]


@pytest.fixture
async def receivers():
    started: list[Receiver] = []

    async def make(fail_first: int = 0, refuse=None) -> Receiver:
        started.append(await Receiver(fail_first, refuse).start())
        return started[-1]

    yield make
    for receiver in started:
        await receiver.stop()


async def running_deliverer(store: Store, url: str, **kw) -> Deliverer:
    deliverer = Deliverer(store, events_settings(url, **kw))
    await deliverer.start()
    return deliverer


async def until(check, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


async def count(store: Store, state: str) -> int:
    return (await store.run_read(deliveries.counts, deliveries.WEBHOOK))[state]


async def test_every_event_is_signed_the_standard_webhooks_way(store, now, receivers):
    receiver = await receivers()
    deliverer = await running_deliverer(store, receiver.url)
    try:
        ids = await journey(store, now)
        deliverer.kick()
        got = await receiver.wait_for(len(ids))
    finally:
        await deliverer.stop()
    for one in got:
        assert one.signature_ok(), one.headers
        assert not one.signature_ok(b"another key of 32 bytes........"), "a wrong key must not verify"
        assert one.headers["webhook-id"] == one.event["id"]
        assert one.headers["content-type"] == "application/json"
    assert [one.event["id"] for one in got] == [f"evt_{i}" for i in ids]
    assert [one.event["type"] for one in got] == [
        "promise.made", "callback.requested", "dispute.opened", "verification.locked",
        "contact.opted_out", "promise.partial",
    ]
    promise = got[0].event
    assert promise["data"] == {**account(REF_A), "promise_id": 1, "amount": "300.00", "due": "2026-03-10"}
    assert promise["timestamp"] == now.isoformat()


async def test_a_tampered_body_fails_the_receivers_check(store, now, receivers):
    receiver = await receivers()
    deliverer = await running_deliverer(store, receiver.url)
    try:
        await enqueue(store, now, "promise", REF_A, amount="300.00", due="2026-03-10")
        deliverer.kick()
        [got] = await receiver.wait_for(1)
    finally:
        await deliverer.stop()
    got.body = got.body.replace(b"300.00", b"3.00")
    assert not got.signature_ok()


async def test_an_event_never_names_the_debtor(store, now, receivers):
    """The reference, stage, amounts and dates go out; the phone the call-back notice carries for
    the collectors, the chat id, and free text (a dispute's details) stay in."""
    receiver = await receivers()
    deliverer = await running_deliverer(store, receiver.url)
    try:
        ids = await journey(store, now)
        deliverer.kick()
        got = await receiver.wait_for(len(ids))
    finally:
        await deliverer.stop()
    for one in got:
        body = one.body.decode()
        for personal in (PHONE, NAME, BIRTH, "991", "detail", "phone", "chat_id"):
            assert personal not in body, f"{personal!r} in {one.event['type']}"
    callback = got[1].event["data"]
    assert callback["account_ref"] == REF_B and callback["window"] == "morning" and callback["stage"] == "M2"


async def test_a_receiver_failing_its_first_three_answers_gets_every_event_in_order_once(
    store, now, receivers
):
    receiver = await receivers(fail_first=3)
    deliverer = await running_deliverer(store, receiver.url, retries=5)
    try:
        ids = await journey(store, now)
        deliverer.kick()
        await receiver.wait_for(len(ids))
        await until(lambda: _all_in(store, "delivered", len(ids)))
    finally:
        await deliverer.stop()
    assert len(receiver.received) == len(ids) + 3
    assert all(one.signature_ok() for one in receiver.received)
    seen: dict[str, dict] = {}
    for one in receiver.accepted:  # a receiver drops a repeat by its id
        seen.setdefault(one.headers["webhook-id"], one.event)
    assert sorted(seen) == sorted(f"evt_{i}" for i in ids)
    assert_in_order_per_account(list(seen.values()))
    assert await count(store, "delivered") == len(ids) and await count(store, "dead") == 0


async def test_a_receiver_that_times_out_gets_the_event_again_after_backoff(store, now, receivers, caplog):
    receiver = await receivers()
    receiver.stall_first = 1
    deliverer = Deliverer(store, EventsSettings(receiver.url, KEY, 3, 0.05, 0.3))
    await deliverer.start()
    try:
        event_id = await enqueue(store, now, "promise", REF_A, amount="300.00", due="2026-03-10")
        deliverer.kick()
        [got] = await receiver.wait_for(1)
        await until(lambda: _all_in(store, "delivered", 1))
    finally:
        await deliverer.stop()
    assert len(receiver.received) == 2 and got.event["id"] == f"evt_{event_id}"
    assert f"event evt_{event_id} not delivered (ReadTimeout)" in caplog.text


async def test_an_accounts_later_events_wait_for_its_earlier_one_and_others_do_not(store, now, receivers):
    """A's first event keeps failing: A's second waits behind it (in order per account), while
    B's events go through; once A's first arrives, A's second follows."""
    refusing = {"on": True}
    receiver = await receivers(
        refuse=lambda got: refusing["on"] and got.event["data"]["account_ref"] == REF_A)
    deliverer = await running_deliverer(store, receiver.url, retries=50, backoff=0.05)
    try:
        first_a = await enqueue(store, now, "promise", REF_A, amount="300.00", due="2026-03-10")
        second_a = await enqueue(store, now, "opt_out", REF_A)
        b = await enqueue(store, now, "promise", REF_B, amount="50.00", due="2026-03-10")
        deliverer.kick()
        await receiver.wait_for(1)
        await until(lambda: _tries_of(store, first_a, 3))
        assert [one.event["id"] for one in receiver.accepted] == [f"evt_{b}"]
        assert f"evt_{second_a}" not in [one.event["id"] for one in receiver.received]
        refusing["on"] = False
        await receiver.wait_for(3)
    finally:
        await deliverer.stop()
    assert [one.event["id"] for one in receiver.accepted] == [f"evt_{b}", f"evt_{first_a}", f"evt_{second_a}"]


async def test_a_receiver_down_for_the_whole_run_leaves_dead_letters_that_retry_replays(
    now, receivers, settings, capsys
):
    store = await Store.open(str(settings))
    deliverer = await running_deliverer(store, closed_port_url(), retries=2, backoff=0.02)
    try:
        ids = await journey(store, now)
        deliverer.kick()
        # Each account's first event dies after its tries; its later ones wait behind it, in order.
        await until(lambda: _all_in(store, "dead", 3), timeout=10)
        assert await count(store, "pending") == 3
    finally:
        await deliverer.stop()
        await store.close()
    # `debtdesk events failed` lists them, with their tries and the error, no payload.
    assert await asyncio.to_thread(main, ["events", "failed"]) == 0
    shown = capsys.readouterr()
    listed = shown.out.splitlines()
    assert [line.split("\t")[:3] for line in listed] == [
        [f"evt_{ids[0]}", "promise.made", REF_A], [f"evt_{ids[1]}", "callback.requested", REF_B],
        [f"evt_{ids[3]}", "verification.locked", "-"]]
    assert all("3 tries" in line and "ConnectError" in line for line in listed)
    assert "3 dead letters; 3 more waiting to be sent" in shown.err
    assert PHONE not in shown.out
    # The receiver comes back; `retry evt_N` sends one, `retry --all` the rest, in order.
    receiver = await receivers()
    store = await Store.open(str(settings))
    deliverer = await running_deliverer(store, receiver.url)
    try:
        assert await asyncio.to_thread(main, ["events", "retry", f"evt_{ids[1]}"]) == 0
        deliverer.kick()
        got = await receiver.wait_for(2)  # B's call-back, and B's opt-out that waited behind it
        assert [one.event["id"] for one in got] == [f"evt_{ids[1]}", f"evt_{ids[4]}"]
        assert await asyncio.to_thread(main, ["events", "retry", "--all"]) == 0
        assert "2 sent back to the queue" in capsys.readouterr().out
        deliverer.kick()
        got = await receiver.wait_for(len(ids))
    finally:
        await deliverer.stop()
        await store.close()
    assert got[0].event["id"] == f"evt_{ids[1]}"
    assert sorted(one.event["id"] for one in got) == sorted(f"evt_{i}" for i in ids)
    assert_in_order_per_account([one.event for one in got])
    assert all(one.signature_ok() for one in got)
    capsys.readouterr()
    assert await asyncio.to_thread(main, ["events", "failed"]) == 0
    assert capsys.readouterr().out == ""


async def _tries_of(store: Store, event_id: int, at_least: int) -> bool:
    async with store.read() as db:
        async with db.execute("SELECT attempts FROM event_deliveries WHERE event_id = ?", (event_id,)) as cur:
            (tries,) = await cur.fetchone()
    return tries >= at_least


def assert_in_order_per_account(events: list[dict]) -> None:
    for ref in (REF_A, REF_B):
        mine = [int(e["id"][4:]) for e in events if e["data"]["account_ref"] == ref]
        assert mine == sorted(mine), f"{ref}: {mine}"


async def _all_in(store: Store, state: str, n: int) -> bool:
    return await count(store, state) == n


def test_retry_refuses_an_event_that_is_not_a_dead_letter(settings, capsys):
    assert main(["events", "retry", "evt_99"]) == 2
    assert "evt_99 is not a dead letter" in capsys.readouterr().err
    assert main(["events", "retry"]) == 2
    assert "--all" in capsys.readouterr().err
    assert main(["events", "retry", "twelve"]) == 2


async def test_events_survive_a_restart(tmp_path, now, receivers):
    """Events written while the receiver is down and the bot then stops are delivered by the next
    process on the same database: the state is in the rows, not in memory."""
    path = database(tmp_path, "restart.db")
    store = await Store.open(path)
    first = Deliverer(store, events_settings(closed_port_url(), retries=100, backoff=0.02))
    await store.run_unit(deliveries.subscribe, first.subscriber, first.clock())  # as start() does
    ids = await journey(store, now)
    # One pass of the first process against a receiver that is down, then it stops: a pass, not
    # a running loop, so that the retries' backoff cannot grow on a busy machine before the stop
    # (it did, twice, with both suites side by side) and push the events past the next wait.
    async with httpx.AsyncClient(timeout=5) as client:
        assert await first.deliver_due(client) == 0
    assert await _tried(store)  # each due event tried once, its retry in the rows
    await store.close()

    receiver = await receivers()
    store = await Store.open(path)
    deliverer = await running_deliverer(store, receiver.url)
    try:
        got = await receiver.wait_for(len(ids))
        more = await enqueue(store, now, "kept", REF_B, amount="50.00", paid="50.00", due="2026-03-10")
        deliverer.kick()
        got = await receiver.wait_for(len(ids) + 1)
    finally:
        await deliverer.stop()
        await store.close()
    # Every event once; in order within each account (across accounts, retries may reorder).
    got_ids = [int(one.event["id"].removeprefix("evt_")) for one in got]
    assert sorted(got_ids) == [*ids, more] and len(set(got_ids)) == len(got_ids)
    per_account: dict = {}
    for one in got:
        per_account.setdefault(one.event["data"].get("account_ref"), []).append(one.event["id"])
    assert all(seq == sorted(seq, key=lambda e: int(e[4:])) for seq in per_account.values())


async def _tried(store: Store) -> bool:
    async with store.read() as db:
        async with db.execute("SELECT MAX(attempts) FROM event_deliveries") as cur:
            (tries,) = await cur.fetchone()
    return (tries or 0) >= 1


# --- settings ------------------------------------------------------------------------------------
BASE = {"DEBTDESK_SECRET": "0123456789abcdef0123"}


def test_events_settings_are_typed_and_validated():
    config = load_config(env={**BASE, "DEBTDESK_EVENTS_URL": "https://bank.example/hooks",
                              "DEBTDESK_EVENTS_SECRET": SECRET, "DEBTDESK_EVENTS_RETRIES": "4",
                              "DEBTDESK_EVENTS_BACKOFF": "2.5"})
    assert config.events.key == KEY and config.events.retries == 4 and config.events.backoff == 2.5
    assert "key" not in repr(config.events).split("url=")[0] and KEY.hex() not in repr(config.events)
    assert load_config(env=BASE).events is None


@pytest.mark.parametrize(("env", "message"), [
    ({"DEBTDESK_EVENTS_URL": "https://bank.example/hooks"}, "needs DEBTDESK_EVENTS_SECRET"),
    ({"DEBTDESK_EVENTS_URL": "ftp://bank.example/", "DEBTDESK_EVENTS_SECRET": SECRET}, "http:// or https://"),
    ({"DEBTDESK_EVENTS_URL": "https://b.example/", "DEBTDESK_EVENTS_SECRET": "hunter2hunter2hunter2"},
     "must start with whsec_"),
    ({"DEBTDESK_EVENTS_URL": "https://b.example/", "DEBTDESK_EVENTS_SECRET": "whsec_not base64!"},
     "followed by base64"),
    ({"DEBTDESK_EVENTS_URL": "https://b.example/",
      "DEBTDESK_EVENTS_SECRET": "whsec_" + base64.b64encode(b"short").decode()}, "24 to 64 bytes"),
    ({"DEBTDESK_EVENTS_URL": "https://b.example/", "DEBTDESK_EVENTS_SECRET": SECRET,
      "DEBTDESK_EVENTS_RETRIES": "-1"}, "DEBTDESK_EVENTS_RETRIES must be a whole number"),
    ({"DEBTDESK_EVENTS_URL": "https://b.example/", "DEBTDESK_EVENTS_SECRET": SECRET,
      "DEBTDESK_EVENTS_BACKOFF": "soon"}, "DEBTDESK_EVENTS_BACKOFF must be a number of seconds"),
])
def test_a_bad_events_setting_stops_with_one_line(env, message):
    with pytest.raises(ConfigError) as caught:
        load_config(env={**BASE, **env})
    assert message in str(caught.value) and "\n" not in str(caught.value)


async def test_stop_ends_the_deliverer_even_when_a_cancellation_is_lost(tmp_path, monkeypatch):
    """Python 3.11's asyncio.wait_for can lose a cancellation that comes as its wait ends: stop()
    cancels again until the task has ended, so a service's shutdown never hangs on it."""
    store = await Store.open(database(tmp_path, "stop.db"))
    deliverer = Deliverer(store, events_settings(closed_port_url()))
    lost: list[bool] = []

    async def deaf_pass(client) -> int:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            if lost:
                raise
            lost.append(True)  # the first cancellation goes missing, as it can inside wait_for
        return 0

    monkeypatch.setattr(deliverer, "deliver_due", deaf_pass)
    try:
        await deliverer.start()
        await asyncio.sleep(0.05)
        await asyncio.wait_for(deliverer.stop(), 10)
        assert lost == [True]
    finally:
        await store.close()
