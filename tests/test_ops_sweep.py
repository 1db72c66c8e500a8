"""Payments keep promises, grace ends them: statuses, notices and the debtor's kind message."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from loop_seed import add_account, add_case, add_payments, add_promise, bind_chat, outbox_rows, promise_row

from bot.jobs import telegram_sender
from debt.local_time import debtor_zone
from debt.policy import load_policy
from ops.reminders import deliver
from ops.sweeper import apply_new_payments, sweep
from store.promise_rows import broken_in_row

POLICY = load_policy("cn")  # grace 3 days, contact 08:00-21:00 Asia/Shanghai
SHANGHAI = debtor_zone("Asia/Shanghai", "UTC")
DUE = date(2026, 3, 5)


def shanghai(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=SHANGHAI).astimezone(UTC)


async def import_payments(store, *payments, now=None):
    ids = await add_payments(store, *payments)
    async with store.unit() as db:
        return await apply_new_payments(db, ids, POLICY, now or shanghai(6, 9))


async def test_payments_covering_a_promise_keep_it_and_tell_the_collectors(store):
    await add_account(store, "A-1")
    promise = await add_promise(store, "A-1", "500.00", DUE)
    assert await import_payments(store, ("P1", "A-1", "200.00", "2026-03-02")) == []
    row = await promise_row(store, promise)
    assert (row["status"], row["paid_amount"]) == ("pending", "200.00")
    [notice_id] = await import_payments(store, ("P2", "A-1", "300.00", "2026-03-04"))
    row = await promise_row(store, promise)
    assert (row["status"], row["paid_amount"]) == ("kept", "500.00") and row["resolved_at"]
    [notice] = await outbox_rows(store, "kept")
    payload = notice.payload.to_dict()
    assert notice.id == notice_id
    expected = {"account_ref": "A-1", "amount": "500.00", "paid": "500.00", "currency": "CNY",
                "due": "2026-03-05", "status": "kept"}
    assert {key: payload.get(key) for key in expected} == expected


async def test_the_oldest_promise_is_paid_first_and_old_payments_keep_nothing(store):
    await add_account(store, "A-1")
    first = await add_promise(store, "A-1", "100.00", DUE)
    second = await add_promise(store, "A-1", "100.00", DUE + timedelta(days=7))
    await import_payments(store, ("OLD", "A-1", "100.00", "2026-02-20"))  # before the promises
    assert (await promise_row(store, first))["paid_amount"] == "0"
    await import_payments(store, ("P1", "A-1", "150.00", "2026-03-03"))
    assert (await promise_row(store, first))["status"] == "kept"
    row = await promise_row(store, second)
    assert (row["status"], row["paid_amount"]) == ("pending", "50.00")


async def test_a_promise_past_grace_breaks_with_a_notice(store):
    await add_account(store, "A-1")
    promise = await add_promise(store, "A-1", "500.00", DUE)
    report = await sweep(store, POLICY, DUE + timedelta(days=3), lambda: shanghai(8, 12))
    assert report.broken == 0  # the last day of grace
    report = await sweep(store, POLICY, DUE + timedelta(days=4), lambda: shanghai(9, 12))
    assert (report.broken, report.partial) == (1, 0)
    assert (await promise_row(store, promise))["status"] == "broken"
    [notice] = await outbox_rows(store, "broken")
    payload = notice.payload.to_dict()
    assert payload["status"] == "broken" and payload["stage"] == "M2" and payload["paid"] == "0.00"
    again = await sweep(store, POLICY, DUE + timedelta(days=5), lambda: shanghai(10, 12))
    assert again.broken == 0 and len(await outbox_rows(store, "broken")) == 1


async def test_something_paid_makes_it_partly_kept(store):
    await add_account(store, "A-1")
    promise = await add_promise(store, "A-1", "500.00", DUE)
    await import_payments(store, ("P1", "A-1", "100.00", "2026-03-05"))
    report = await sweep(store, POLICY, DUE + timedelta(days=4), lambda: shanghai(9, 12))
    assert report.partial == 1
    assert (await promise_row(store, promise))["status"] == "partial"


async def test_the_debtors_message_waits_for_contact_hours_and_goes_once(store):
    await add_account(store, "A-1")
    await bind_chat(store, 101, "A-1")
    await add_promise(store, "A-1", "500.00", DUE)
    night = shanghai(9, 23)
    report = await sweep(store, POLICY, DUE + timedelta(days=4), lambda: night)
    assert report.broken == 1 and report.messages == []  # 23:00 in Shanghai: nothing now
    morning = shanghai(10, 9)
    report = await sweep(store, POLICY, DUE + timedelta(days=5), lambda: morning)
    assert report.broken == 0
    [message] = report.messages
    sent = []

    async def send(chat_id, rendered):
        sent.append((chat_id, rendered))

    assert await deliver(store, telegram_sender(send), report.messages, lambda: morning) == 1
    chat_id, rendered = sent[0]
    assert chat_id == 101 and "CN¥500.00" in rendered.text
    assert rendered.text.endswith("Reply /stop to stop these reminders.")
    assert any(b.callback_data == "cmd:plans" for row in rendered.inline_markup.inline_keyboard for b in row)
    later = await sweep(store, POLICY, DUE + timedelta(days=5), lambda: morning + timedelta(hours=1))
    assert later.messages == []


async def test_no_nudge_while_a_dispute_is_open_or_after_a_new_promise(store):
    for ref, chat in (("D", 101), ("P", 102)):
        await add_account(store, ref)
        await bind_chat(store, chat, ref)
        await add_promise(store, ref, "500.00", DUE)
    await add_case(store, "D", "dispute")
    await sweep(store, POLICY, DUE + timedelta(days=4), lambda: shanghai(9, 23))  # broken at night
    answered = shanghai(9, 23) + timedelta(minutes=5)  # a new promise before the morning
    await add_promise(store, "P", "200.00", DUE + timedelta(days=9), created=answered)
    report = await sweep(store, POLICY, DUE + timedelta(days=5), lambda: shanghai(10, 9))
    assert report.messages == []


async def test_an_opted_out_chat_gets_no_message(store):
    await add_account(store, "A-1")
    await bind_chat(store, 101, "A-1", opted_out=True)
    await add_promise(store, "A-1", "500.00", DUE)
    report = await sweep(store, POLICY, DUE + timedelta(days=4), lambda: shanghai(9, 12))
    assert report.broken == 1 and report.messages == []


async def test_broken_in_row_counts_back_to_the_last_promise_kept(store):
    await add_account(store, "A-1")
    january = datetime(2026, 1, 20, tzinfo=UTC)
    await add_promise(store, "A-1", "100.00", date(2026, 2, 1), created=january)
    await import_payments(store, ("P1", "A-1", "100.00", "2026-02-01"), now=shanghai(1, 9))
    await add_promise(store, "A-1", "100.00", date(2026, 2, 10), created=january)
    await add_promise(store, "A-1", "100.00", date(2026, 2, 20), created=january)
    await add_promise(store, "A-1", "100.00", date(2026, 3, 20))  # still pending: passed over
    await sweep(store, POLICY, date(2026, 3, 1), lambda: shanghai(1, 12))
    async with store.read() as db:
        assert await broken_in_row(db, "A-1") == 2
