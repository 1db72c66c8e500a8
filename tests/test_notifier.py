"""The notifier against a real SQLite outbox, a fake `send` and a clock the test moves."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
from db_kit import database
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.notifier import Notifier
from store.db import Store
from store.outbox_drain import get_notice, unsent_count

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
COLLECTORS = -100123

PROMISE = {
    "kind": "promise", "account_ref": "A-1", "stage": "M2", "amount": "1500.00",
    "currency": "CNY", "due": "2026-03-10", "dpd": 33, "overdue": "800.00",
}


class Clock:
    def __init__(self) -> None:
        self.at = START

    def __call__(self) -> datetime:
        return self.at

    def move(self, **kwargs: float) -> None:
        self.at += timedelta(**kwargs)


class Chat:
    """A send() that fails with the queued errors first, then records what it delivered."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.sent: list[tuple[int, str]] = []

    async def __call__(self, chat_id: int, text: str) -> None:
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append((chat_id, text))


async def add(store: Store, kind: str = "promise", payload: dict | None = None) -> int:
    """A notice as a JSON payload in the outbox, written as rows were before typed payloads."""
    text = json.dumps(PROMISE if payload is None else payload, sort_keys=True, ensure_ascii=False)
    async with store.unit() as db:
        cur = await db.execute(
            "INSERT INTO outbox (kind, account_ref, payload, created_at, next_attempt_at)"
            " VALUES (?, ?, ?, ?, ?) RETURNING id",
            (kind, "A-1", text, START.isoformat(), START.isoformat()),
        )
        return (await cur.fetchone())[0]


def notifier(store: Store, chat: Chat, clock: Clock) -> Notifier:
    return Notifier(store, chat, clock, chat_id=COLLECTORS, locale="en")


async def test_a_notice_is_delivered_with_amount_date_and_its_id(store):
    notice_id = await add(store)
    chat, clock = Chat(), Clock()
    result = await notifier(store, chat, clock).drain()
    assert result.sent == 1
    [(chat_id, text)] = chat.sent
    assert chat_id == COLLECTORS
    assert "A-1" in text and "M2" in text
    assert "CN¥1,500.00" in text and "Mar 10, 2026" in text
    assert text.endswith(f"#{notice_id}")
    async with store.read() as db:
        assert (await get_notice(db, notice_id)).sent_at == START


async def test_notices_go_out_in_id_order_and_only_once(store):
    first = await add(store, "promise")
    second = await add(store, "dispute", {"stage": "M2", "reason": "not_mine"})
    chat, clock = Chat(), Clock()
    sender = notifier(store, chat, clock)
    await sender.drain()
    await sender.drain()
    assert [text.rsplit("#", 1)[1] for _, text in chat.sent] == [str(first), str(second)]
    assert "Dispute" in chat.sent[1][1] and "This debt is not mine" in chat.sent[1][1]


async def test_network_error_is_retried_after_backoff(store):
    notice_id = await add(store)
    chat, clock = Chat(NetworkError("connection reset"), TimedOut()), Clock()
    sender = notifier(store, chat, clock)
    assert (await sender.drain()).sent == 0
    async with store.read() as db:
        row = await get_notice(db, notice_id)
    assert row.sent_at is None and row.attempts == 1 and "NetworkError" in row.last_error
    assert row.next_attempt_at == START + timedelta(seconds=5)
    assert (await sender.drain()).sent == 0  # not due yet: nothing is tried
    clock.move(seconds=5)
    await sender.drain()  # TimedOut: the wait doubles
    async with store.read() as db:
        row = await get_notice(db, notice_id)
    assert row.next_attempt_at == clock.at + timedelta(seconds=10)
    clock.move(seconds=10)
    assert (await sender.drain()).sent == 1
    assert len(chat.sent) == 1


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # RetryAfter(int)
async def test_retry_after_holds_every_send_until_telegram_allows(store):
    await add(store)
    await add(store)
    chat, clock = Chat(RetryAfter(30)), Clock()
    sender = notifier(store, chat, clock)
    result = await sender.drain()
    assert (result.sent, result.failed) == (0, 1)
    assert chat.sent == []  # the second notice waited too
    clock.move(seconds=29)
    assert (await sender.drain()).sent == 0
    clock.move(seconds=1)
    assert (await sender.drain()).sent == 2


async def test_chat_not_found_keeps_the_notice_for_later(store, caplog):
    notice_id = await add(store)
    later_id = await add(store)
    chat, clock = Chat(BadRequest("Chat not found"), Forbidden("bot was kicked")), Clock()
    sender = notifier(store, chat, clock)
    result = await sender.drain()
    assert (result.sent, result.failed) == (0, 1)  # the same chat: the second notice waits untried
    async with store.read() as db:
        row = await get_notice(db, notice_id)
        assert await unsent_count(db) == 2
        assert (await get_notice(db, later_id)).attempts == 0
    assert row.sent_at is None and "BadRequest" in row.last_error
    assert "1500" not in caplog.text and "A-1" not in caplog.text  # no account data in logs
    clock.move(minutes=10)
    await sender.drain()  # Forbidden: still kept, the wait grows
    clock.move(minutes=20)
    assert (await sender.drain()).sent == 2


async def test_a_message_refused_for_its_text_does_not_hold_back_the_next(store):
    first = await add(store)
    await add(store)
    chat, clock = Chat(BadRequest("Message is too long")), Clock()
    result = await notifier(store, chat, clock).drain()
    assert (result.sent, result.failed) == (1, 1)
    async with store.read() as db:
        assert (await get_notice(db, first)).sent_at is None  # kept, to be tried again later


async def test_a_notice_unsent_before_a_crash_is_sent_after_restart(tmp_path):
    path = database(tmp_path, "crash.db")
    store = await Store.open(path)
    notice_id = await add(store)
    await store.close()  # the process died before the notifier ran
    store = await Store.open(path)
    try:
        chat = Chat()
        await notifier(store, chat, Clock()).drain()
        assert chat.sent and chat.sent[0][1].endswith(f"#{notice_id}")
    finally:
        await store.close()


async def test_kick_drains_right_after_a_commit(store):
    chat, clock = Chat(), Clock()
    sender = notifier(store, chat, clock)
    await add(store)
    sender.kick()
    sender.kick()  # a second kick while one is pending adds no second drain
    await sender._pending
    assert len(chat.sent) == 1


async def test_an_arrangement_names_its_first_payment_date(store):
    await add(store, "arrangement", {
        "stage": "M2", "plan": "inst12", "status": "active", "total": "1200.00", "amount_now": "100.00",
        "currency": "CNY", "schedule": [{"number": 1, "due": "2026-03-15", "amount": "100.00"}],
    })
    chat = Chat()
    await notifier(store, chat, Clock()).drain()
    text = chat.sent[0][1]
    assert "chose 12 monthly payments:" in text and "inst12" not in text
    assert "CN¥1,200.00" in text and "CN¥100.00 by Mar 15, 2026" in text


LOCK = {"scope": "account", "until": "2026-03-01T09:15:00+00:00"}
ARRANGEMENT = {
    "stage": "M2", "plan": "inst12", "status": "pending_approval", "total": "1200.00",
    "amount_now": "100.00", "currency": "CNY",
    "schedule": [{"number": 1, "due": "2026-03-15", "amount": "100.00"}],
}


async def delivered(store: Store, locale: str, *notices: tuple[str, dict]) -> list[str]:
    for kind, payload in notices:
        await add(store, kind, payload)
    chat = Chat()
    await Notifier(store, chat, Clock(), chat_id=COLLECTORS, locale=locale).drain()
    return [text for _, text in chat.sent]


async def test_lock_and_arrangement_notices_name_scope_plan_and_status_in_words(store):
    lock, arrangement, one_month = await delivered(
        store, "en", ("lock", LOCK), ("arrangement", ARRANGEMENT),
        ("arrangement", {**ARRANGEMENT, "plan": "inst1", "status": "active"}),
    )
    assert lock.startswith("Verification locked: the account after too many failed attempts")
    assert "chose 12 monthly payments:" in arrangement and "Status: waiting for approval." in arrangement
    assert "chose 1 monthly payment:" in one_month and "Status: active." in one_month


async def test_the_collectors_read_scope_plan_and_status_in_their_language(store):
    lock, arrangement, settlement = await delivered(
        store, "es", ("lock", LOCK), ("arrangement", ARRANGEMENT),
        ("arrangement", {**ARRANGEMENT, "plan": "settlement", "status": "active"}),
    )
    assert "Verificación bloqueada: la cuenta," in lock
    assert "eligió 12 pagos mensuales:" in arrangement and "Estado: en espera de aprobación." in arrangement
    assert "eligió una liquidación" in settlement and "Estado: activo." in settlement
    codes = ("account", "inst12", "pending_approval", "settlement", "active")
    for text in (lock, arrangement, settlement):
        assert not any(code in text for code in codes)


async def test_a_code_without_a_label_is_shown_as_it_is(store):
    unknown, arrangement = await delivered(
        store, "en", ("audit", {}), ("arrangement", {**ARRANGEMENT, "plan": "inst", "status": "frozen"}),
    )
    assert unknown.startswith("Notice audit for account A-1.")
    assert "chose inst:" in arrangement and "Status: frozen." in arrangement


async def test_every_kind_renders_with_missing_fields_as_a_dash(store):
    for kind in ("promise", "arrangement", "dispute", "hardship", "callback", "lock", "kept", "broken"):
        await add(store, kind, {"scope": "chat"} if kind == "lock" else {})
    chat = Chat()
    assert (await notifier(store, chat, Clock()).drain()).sent == 8
    assert all("—" in text for _, text in chat.sent)


async def test_a_stop_does_not_wait_for_flood_control_and_the_notice_goes_after_restart(store):
    """SIGTERM while a send waits its turn: the bot stops at once, and the notice is not lost."""
    waiting = asyncio.Event()

    async def held_by_the_rate_limiter(chat_id: int, text: str) -> None:
        waiting.set()
        await asyncio.Event().wait()

    clock = Clock()
    notice_id = await add(store)
    sender = Notifier(store, held_by_the_rate_limiter, clock, chat_id=COLLECTORS, locale="en")
    sender.kick()
    await asyncio.wait_for(waiting.wait(), 2)
    await asyncio.wait_for(sender.stop(), 1)
    sender.kick()  # nothing more starts once stopped
    assert sender._pending.done()

    chat = Chat()
    await notifier(store, chat, clock).drain()  # the next start
    assert [text for _, text in chat.sent] and chat.sent[0][1].endswith(f"#{notice_id}")
