"""Issue 10, items 2 and 5: every message the bot sends unasked follows the bot's own rules.

A dispute from any channel pauses them all; a chat idle past binding_idle_days hears nothing;
the debtor (the account), not the chat, is who the weekly cap and /stop count.
(Item 10, the US disclosure: tests/test_us_disclosure.py.)
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from db_kit import sqlite_only
from flows_kit import Clock, make_flows, seed, verified
from loop_seed import SEEDED, add_account, add_case, add_promise, bind_chat

from bot.jobs import telegram_sender
from debt.local_time import debtor_zone
from debt.policy import load_policy
from ops.reminders import deliver, due_reminders
from ops.sweeper import sweep
from store.contact_log import record_sent
from store.db import Store, migrations

CN = load_policy("cn")  # 08:00-21:00 Asia/Shanghai, reminders at 10:00, 3 a week, idle 30 days
SHANGHAI = debtor_zone("Asia/Shanghai", "UTC")
DUE = date(2026, 3, 10)


def shanghai(day: int, hour: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI).astimezone(UTC)


class Phone:
    def __init__(self) -> None:
        self.texts: dict[int, list[str]] = {}

    async def __call__(self, chat_id, rendered):
        self.texts.setdefault(chat_id, []).append(rendered.text)


async def broken_overnight(store, policy=CN):
    """A promise due DUE left unpaid: swept at night, the kind message owed the next morning."""
    await sweep(store, policy, DUE + timedelta(days=4), lambda: shanghai(14, 23))
    return await sweep(store, policy, DUE + timedelta(days=5), lambda: shanghai(15, 9))


# --- item 2: a dispute from the bank pauses every unprompted message ----------------------------
async def test_portfolio_disputed_account_gets_no_reminder(store):
    await add_account(store, "D-1", status="disputed")
    await add_account(store, "O-1")
    await bind_chat(store, 101, "D-1")
    await bind_chat(store, 102, "O-1")
    await add_promise(store, "D-1", "300.00", DUE)
    await add_promise(store, "O-1", "300.00", DUE)
    assert [m.chat_id for m in await due_reminders(store, CN, shanghai(9, 10))] == [102]


async def test_portfolio_disputed_account_gets_no_broken_promise_message(store):
    await add_account(store, "D-1", status="disputed")
    await add_account(store, "O-1")
    await bind_chat(store, 101, "D-1")
    await bind_chat(store, 102, "O-1")
    await add_promise(store, "D-1", "300.00", DUE)
    await add_promise(store, "O-1", "300.00", DUE)
    report = await broken_overnight(store)
    assert [m.chat_id for m in report.messages] == [102]


async def test_a_dispute_opened_in_the_chat_pauses_the_broken_promise_message_too(store):
    await add_account(store, "D-1")
    await bind_chat(store, 101, "D-1")
    await add_promise(store, "D-1", "300.00", DUE)
    await add_case(store, "D-1", "dispute")
    assert await due_reminders(store, CN, shanghai(9, 10)) == []
    assert (await broken_overnight(store)).messages == []


# --- item 5: unprompted messages keep the bot's own rules ---------------------------------------
async def test_no_reminder_to_a_chat_idle_past_binding_idle_days(store):
    idle_days = CN.verification.binding_idle_days
    now = shanghai(9, 10)
    await add_account(store, "I-1")
    await add_account(store, "A-1")
    await bind_chat(store, 101, "I-1", last_seen=now - timedelta(days=idle_days, minutes=1))
    await bind_chat(store, 102, "A-1", last_seen=now - timedelta(days=idle_days - 1))
    await add_promise(store, "I-1", "300.00", DUE)
    await add_promise(store, "A-1", "300.00", DUE)
    assert [m.chat_id for m in await due_reminders(store, CN, now)] == [102]


async def test_no_broken_promise_message_to_a_chat_idle_past_binding_idle_days(store):
    await add_account(store, "I-1")
    await add_account(store, "A-1")
    await bind_chat(store, 101, "I-1", last_seen=shanghai(15, 9) - timedelta(days=31))
    await bind_chat(store, 102, "A-1", last_seen=shanghai(15, 9) - timedelta(days=29))
    await add_promise(store, "I-1", "300.00", DUE)
    await add_promise(store, "A-1", "300.00", DUE)
    report = await broken_overnight(store)
    assert [m.chat_id for m in report.messages] == [102]


async def test_a_debtor_with_two_verified_chats_is_reminded_once_for_the_right_amount(store):
    await add_account(store, "A-1")
    await bind_chat(store, 101, "A-1", last_seen=shanghai(2, 9))
    await bind_chat(store, 102, "A-1", last_seen=shanghai(5, 9))  # the chat that wrote last
    await add_promise(store, "A-1", "300.00", DUE)
    await add_promise(store, "A-1", "200.00", DUE)
    now = shanghai(9, 10)
    messages = await due_reminders(store, CN, now)
    assert [m.chat_id for m in messages] == [102]
    phone = Phone()
    assert await deliver(store, telegram_sender(phone), messages, lambda: now) == 1
    assert "CN¥500.00" in phone.texts[102][0]  # each promise counted once, not once per chat
    assert await due_reminders(store, CN, now + timedelta(hours=1)) == []  # once a day, per debtor


async def test_a_debtor_with_two_verified_chats_gets_one_broken_promise_message(store):
    await add_account(store, "A-1")
    await bind_chat(store, 101, "A-1")
    await bind_chat(store, 102, "A-1")
    await add_promise(store, "A-1", "300.00", DUE)
    report = await broken_overnight(store)
    assert len(report.messages) == 1
    await deliver(store, telegram_sender(Phone()), report.messages, lambda: shanghai(15, 9))
    later = await sweep(store, CN, DUE + timedelta(days=5), lambda: shanghai(15, 11))
    assert later.messages == []  # the other chat is not told again


async def test_the_weekly_cap_counts_messages_to_every_chat_of_the_debtor(store):
    await add_account(store, "A-1")
    await bind_chat(store, 101, "A-1")
    await bind_chat(store, 102, "A-1", last_seen=shanghai(5, 9))
    await add_promise(store, "A-1", "300.00", DUE)
    now = shanghai(9, 10)
    async with store.unit() as db:  # the cap is 3: three went to the other chat this week
        for days_ago in (1, 2, 3):
            await record_sent(db, 101, "broken", now - timedelta(days=days_ago))
    assert await due_reminders(store, CN, now) == []


async def test_stop_in_one_chat_holds_for_the_debtors_other_chat(store):
    clock = Clock(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    ref = await seed(store, clock)
    flows = make_flows(store, clock)  # uk: reminders at 10:00 London
    first = await verified(flows, ref, chat_id=201)
    await verified(flows, ref, chat_id=202)
    await add_promise(store, ref, "100.00", date(2026, 3, 4))
    uk = load_policy("uk")
    at_ten = datetime(2026, 3, 3, 10, 30, tzinfo=UTC)
    assert len(await due_reminders(store, uk, at_ten)) == 1
    await first.cmd("stop")
    assert await due_reminders(store, uk, at_ten) == []
    await first.cmd("resume")
    assert len(await due_reminders(store, uk, at_ten)) == 1


async def test_resume_in_the_other_chat_restarts_reminders_there(store):
    clock = Clock(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    ref = await seed(store, clock)
    flows = make_flows(store, clock)
    first = await verified(flows, ref, chat_id=201)
    second = await verified(flows, ref, chat_id=202)
    await add_promise(store, ref, "100.00", date(2026, 3, 4))
    uk = load_policy("uk")
    at_ten = datetime(2026, 3, 3, 10, 30, tzinfo=UTC)
    await first.cmd("stop")
    await second.cmd("resume")
    assert [m.chat_id for m in await due_reminders(store, uk, at_ten)] == [202]  # not the chat that said stop



def _old_database(path) -> None:
    """A database as the release before left it: two accounts with two verified chats each; one
    of S-1's said /stop; one unprompted message went to C-1's older chat this week."""
    seen = SEEDED.isoformat()
    with sqlite3.connect(path) as conn:
        for version, sql in migrations():
            if version < 6:
                conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
        for ref in ("S-1", "C-1"):
            conn.execute(
                "INSERT INTO accounts (account_ref, customer_name, phone, locale, timezone, currency,"
                " product, credit_limit, balance, minimum_due, overdue_amount, oldest_due_date,"
                " fees_charged, interest_charged, status, updated_at) VALUES (?, 'Li Wei', '+8613812345678',"
                " 'en', 'Asia/Shanghai', 'CNY', 'card', '20000', '5000.00', '500.00', '800.00',"
                " '2026-02-01', '25', '12.50', 'open', ?)", (ref, seen))
        later = (SEEDED + timedelta(days=1)).isoformat()
        for chat_id, ref, opted_out, last in ((101, "S-1", 1, seen), (102, "S-1", 0, seen),
                                              (103, "C-1", 0, seen), (104, "C-1", 0, later)):
            conn.execute(
                "INSERT INTO chats (chat_id, account_ref, verified_at, last_seen_at, locale, state,"
                " opted_out, updated_at) VALUES (?, ?, ?, ?, 'en', 'menu', ?, ?)",
                (chat_id, ref, seen, last, opted_out, seen))
        conn.execute("INSERT INTO messages_sent (chat_id, kind, at) VALUES (103, 'broken', ?)",
                     (shanghai(8, 10).isoformat(),))


@sqlite_only  # writes an older schema's rows by hand through sqlite3; the migration's SQL is per engine
async def test_an_upgraded_database_keeps_each_opt_out_for_the_whole_account(tmp_path):
    """Chats opted out before this release silence their account, and the messages already
    sent count against the account's weekly cap."""
    path = tmp_path / "old.db"
    _old_database(path)
    store = await Store.open(str(path))  # migrates
    try:
        for ref in ("S-1", "C-1"):
            await add_promise(store, ref, "300.00", DUE)
        capped = replace(CN, contact=replace(CN.contact, weekly_cap=2))
        reminded = await due_reminders(store, capped, shanghai(9, 10))
        assert [m.chat_id for m in reminded] == [104]  # S-1 stopped; C-1 has had one of two
        capped = replace(CN, contact=replace(CN.contact, weekly_cap=1))
        assert await due_reminders(store, capped, shanghai(9, 10)) == []  # C-1 at its cap, in either chat
    finally:
        await store.close()
