"""Issue 10 items 1 and 3, issue 11 item 5: an arrangement awaiting approval is not a promise,
cases close (and call-back requests expire), and a payment settles promises in force only."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from db_kit import database, sqlite_only
from flows_kit import Clock, has, make_flows, rows, verified
from flows_kit import seed as seed_uk
from loop_seed import (
    SEEDED,
    add_account,
    add_case,
    add_payments,
    add_promise,
    bind_chat,
    outbox_rows,
    promise_row,
)

from bot.cli import main
from bot.i18n import translator
from bot.jobs import telegram_sender
from bot.notice_text import render_notice
from debt.arrangements import Instalment, Quote
from debt.local_time import debtor_zone
from debt.money import Money
from debt.policy import load_policy
from debt.queue_rule import left_out_reason
from ops.approvals import ApprovalError, approve_arrangement, decline_arrangement
from ops.case_closing import CaseError, close, expire_callbacks
from ops.decision_messages import owed_messages, tell
from ops.queue_export import summarise
from ops.reminders import due_reminders
from ops.sweeper import apply_new_payments, sweep
from store.arrangement_rows import insert_arrangement
from store.promise_rows import broken_in_row
from store.queue_sql import iter_queue_facts

POLICY = load_policy("cn")  # grace 3 days, contact 08:00-21:00 Asia/Shanghai
SHANGHAI = debtor_zone("Asia/Shanghai", "UTC")


@pytest.fixture
def settings(settings, monkeypatch) -> Path:
    """conftest's settings, under the cn preset."""
    monkeypatch.setenv("DEBTDESK_POLICY", "cn")
    return settings


def shanghai(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=SHANGHAI).astimezone(UTC)


def cny(amount: str) -> Money:
    return Money(Decimal(amount), "CNY")


def settlement(total: str, due: date) -> Quote:
    return Quote(key="settlement", kind="settlement", months=0, amount_now=cny(total),
                 schedule=(Instalment(1, due, cny(total)),), total=cny(total), fees=cny("0"),
                 discount=cny("1500.00"), needs_approval=True, interest=cny("0"))


async def ask_settlement(store, ref: str, due: date = date(2026, 3, 5), total: str = "3500.00") -> int:
    async with store.unit() as db:
        return await insert_arrangement(db, ref, settlement(total, due), "pending_approval", SEEDED)


async def queue_reason(store, ref: str, day: date = date(2026, 3, 10)) -> str | None:
    async with store.read() as db:
        [facts] = [f async for f in iter_queue_facts(db, ref)]
    return left_out_reason(facts, day, POLICY.promise.grace_days)


async def collected(store, now: datetime) -> list[tuple[int, str]]:
    """The decision and outcome messages that go out at `now`: (chat, text)."""
    sent = []

    async def send(chat_id, rendered):
        sent.append((chat_id, rendered.text))

    await tell(store, telegram_sender(send), await owed_messages(store, POLICY, now), lambda: now)
    return sent


# --- issue 10, item 1 ----------------------------------------------------------------------------
async def test_settlement_awaiting_approval_gets_no_reminders_no_sweep_and_is_not_counted(store):
    await add_account(store, "A-1")
    await bind_chat(store, 101, "A-1")
    await ask_settlement(store, "A-1", due=date(2026, 3, 5))
    assert await rows(store, "SELECT * FROM promises") == []  # not a promise
    assert await due_reminders(store, POLICY, shanghai(4, 10)) == []  # no "due tomorrow"
    report = await sweep(store, POLICY, date(2026, 3, 12), lambda: shanghai(12, 10))
    assert (report.broken, report.partial, report.messages) == (0, 0, [])
    async with store.read() as db:
        assert await broken_in_row(db, "A-1") == 0
    # Out of the call queue, with its own reason, in the readable rules and in the SQL alike.
    assert await queue_reason(store, "A-1") == "awaiting_approval"
    summary = await summarise(store, POLICY, date(2026, 3, 12))
    assert summary.left_out == {"awaiting_approval": 1} and not summary.listed


async def test_approving_a_settlement_makes_it_active_with_its_promise_and_tells_everyone(store):
    await add_account(store, "A-1")
    await bind_chat(store, 101, "A-1", locale="zh_Hans")
    arrangement = await ask_settlement(store, "A-1", due=date(2026, 3, 5))
    approved = await approve_arrangement(store, POLICY, arrangement, shanghai(3, 10))
    assert approved.status == "active"
    # Decided two days after it was asked: the debtor keeps the week they were shown.
    [promise] = await rows(store, "SELECT amount, due_date, status, source, arrangement_id FROM promises")
    assert promise == {"amount": "3500.00", "due_date": "2026-03-07", "status": "pending", "source": "plan",
                       "arrangement_id": arrangement}
    assert await queue_reason(store, "A-1", date(2026, 3, 4)) == "pending_promise"
    [notice] = await outbox_rows(store, "approved")
    text = render_notice(notice, "en", translator("en"))
    assert "Arrangement approved: account A-1" in text and "CN¥3,500.00" in text and "Mar 7, 2026" in text
    # The debtor hears it in their language, inside contact hours, once.
    assert await collected(store, shanghai(3, 22)) == []
    [(chat, said)] = await collected(store, shanghai(4, 9))
    assert chat == 101 and "银行已批准" in said and "3,500.00" in said
    assert await collected(store, shanghai(4, 10)) == []
    with pytest.raises(ApprovalError, match="is active, not awaiting approval"):
        await approve_arrangement(store, POLICY, arrangement, shanghai(4, 10))


async def test_declining_a_settlement_tells_the_debtor_and_keeps_the_reason_for_staff(store):
    await add_account(store, "A-1")
    await bind_chat(store, 101, "A-1")
    arrangement = await ask_settlement(store, "A-1")
    with pytest.raises(ApprovalError, match="reason"):
        await decline_arrangement(store, arrangement, "  ", shanghai(2, 10))
    await decline_arrangement(store, arrangement, "discount above the branch's limit", shanghai(2, 10))
    assert await rows(store, "SELECT status, decision_note FROM arrangements") == [
        {"status": "declined", "decision_note": "discount above the branch's limit"}]
    assert await rows(store, "SELECT * FROM promises") == [] and await queue_reason(store, "A-1") is None
    [notice] = await outbox_rows(store, "declined")
    assert "Reason: discount above the branch's limit" in render_notice(notice, "en", translator("en"))
    [(_, said)] = await collected(store, shanghai(2, 11))
    assert "has not approved the plan you chose" in said and "branch" not in said


def test_approvals_from_the_command_line(settings, capsys):
    async def seed() -> int:
        from store.db import Store

        store = await Store.open(str(settings))
        try:
            await add_account(store, "A-1")
            return await ask_settlement(store, "A-1")
        finally:
            await store.close()

    arrangement = asyncio.run(seed())
    assert main(["approvals", "list"]) == 0
    assert f"{arrangement}\tA-1\tsettlement\t3500.00 CNY" in capsys.readouterr().out
    assert main(["approvals", "decline", str(arrangement), "--reason", "too generous"]) == 0
    assert main(["approvals", "approve", str(arrangement)]) == 2
    assert "is declined, not awaiting approval" in capsys.readouterr().err


# --- issue 11, item 5 ----------------------------------------------------------------------------
async def test_a_payment_keeps_the_promise_not_the_settlement_awaiting_approval(store):
    await add_account(store, "A-1")
    await ask_settlement(store, "A-1", due=date(2026, 3, 5))  # due first, but not approved
    promise = await add_promise(store, "A-1", "500.00", date(2026, 3, 8))
    ids = await add_payments(store, ("P1", "A-1", "500.00", "2026-03-03"))
    async with store.unit() as db:
        await apply_new_payments(db, ids, POLICY, shanghai(3, 12))
    assert (await promise_row(store, promise))["status"] == "kept"
    report = await sweep(store, POLICY, date(2026, 3, 12), lambda: shanghai(12, 10))
    assert report.broken == 0 and (await promise_row(store, promise))["status"] == "kept"


# --- issue 10, item 3 ----------------------------------------------------------------------------
async def test_closing_a_dispute_returns_the_account_to_the_queue_and_tells_the_debtor(store):
    await add_account(store, "A-1")
    await bind_chat(store, 101, "A-1")
    await add_case(store, "A-1", "dispute")
    [case] = await rows(store, "SELECT id FROM cases")
    assert await queue_reason(store, "A-1") == "dispute"
    with pytest.raises(CaseError, match="upheld or rejected"):
        await close(store, case["id"], "done", shanghai(2, 10))
    closed = await close(store, case["id"], "rejected", shanghai(2, 10))
    assert (closed.status, closed.outcome) == ("closed", "rejected")
    assert await queue_reason(store, "A-1") is None  # back on the call list
    [notice] = await outbox_rows(store, "case_closed")
    assert "Case closed: account A-1, dispute" in render_notice(notice, "en", translator("en"))
    [(_, said)] = await collected(store, shanghai(2, 11))
    assert "found the debt to be correct" in said and "Reply /stop" in said
    with pytest.raises(CaseError, match="no open case"):
        await close(store, case["id"], "upheld", shanghai(2, 12))


async def test_a_callback_request_expires_after_its_window_and_may_be_asked_again(store):
    clock = Clock()
    ref = await seed_uk(store, clock)
    chat = await verified(make_flows(store, clock), ref)
    await chat.tap("Talk to a person")
    await chat.tap("In the morning")
    out = await chat.tap("Talk to a person")
    assert has(out, "already asked for a call")
    uk = load_policy("uk")
    clock.advance(days=uk.cases.callback_expiry_days, hours=1)
    assert await expire_callbacks(store, uk, clock()) == 1
    [case] = await rows(store, "SELECT status, outcome FROM cases")
    assert case == {"status": "closed", "outcome": "expired"}
    out = await chat.tap("Talk to a person")
    assert has(out, "When suits you best?")
    notices = [r.payload.to_dict() for r in await outbox_rows(store, "case_closed")]
    assert [(n["case_kind"], n["outcome"]) for n in notices] == [("callback", "expired")]


async def test_a_fresh_callback_request_does_not_expire(store):
    clock = Clock()
    ref = await seed_uk(store, clock)
    chat = await verified(make_flows(store, clock), ref)
    await chat.tap("Talk to a person")
    await chat.tap("In the evening")
    clock.advance(days=1)
    assert await expire_callbacks(store, load_policy("uk"), clock()) == 0
    assert [r["status"] for r in await rows(store, "SELECT status FROM cases")] == ["open"]


def test_cases_from_the_command_line(settings, capsys):
    async def seed() -> None:
        from store.db import Store

        store = await Store.open(str(settings))
        try:
            await add_account(store, "A-1")
            await add_case(store, "A-1", "hardship")
        finally:
            await store.close()

    asyncio.run(seed())
    assert main(["cases", "list"]) == 0
    assert "1\tA-1\thardship\tother\t" in capsys.readouterr().out
    assert main(["cases", "close", "1", "--outcome", "upheld"]) == 2
    assert "hardship closes with --outcome plan_agreed or no_change" in capsys.readouterr().err
    assert main(["cases", "close", "1", "--outcome", "plan_agreed"]) == 0
    assert main(["cases", "list"]) == 0
    assert capsys.readouterr().out.count("A-1") == 1  # the close line only


@sqlite_only  # writes an older schema's rows by hand through sqlite3; the migration's SQL is per engine
async def test_an_older_database_keeps_the_schedule_and_drops_the_unapproved_promises(tmp_path):
    """A settlement written awaiting approval by an earlier version carried a pending promise;
    the migration keeps its schedule for the approval and drops that promise."""
    import sqlite3

    from store.db import Store, migrations

    path = database(tmp_path, "old.db")
    old = sqlite3.connect(path)
    for version, sql in migrations():
        if version <= 2:
            old.executescript(sql)
    old.executescript("""
        PRAGMA user_version = 2;
        INSERT INTO accounts VALUES ('A-1', 'Li Wei', '+8613812345678', 'en', '', 'CNY', 'card', '20000',
          '5000.00', '500.00', '800.00', '2025-11-01', '0', '0', NULL, NULL, 'open', '2026-03-01');
        INSERT INTO arrangements (id, account_ref, kind, quote_key, months, total, fees, currency, status,
          created_at) VALUES (1, 'A-1', 'settlement', 'settlement', 0, '3500.00', '0', 'CNY',
          'pending_approval', '2026-03-01T01:00:00+00:00');
        INSERT INTO promises (account_ref, arrangement_id, amount, currency, due_date, status, source,
          created_at) VALUES ('A-1', 1, '3500.00', 'CNY', '2026-03-08', 'pending', 'plan',
          '2026-03-01T01:00:00+00:00');
        INSERT INTO promises (account_ref, amount, currency, due_date, status, source, created_at)
          VALUES ('A-1', '500.00', 'CNY', '2026-03-10', 'pending', 'chat', '2026-03-01T01:00:00+00:00');
    """)
    old.close()
    store = await Store.open(path)
    try:
        [promise] = await rows(store, "SELECT amount, source FROM promises")
        assert promise == {"amount": "500.00", "source": "chat"}
        [row] = await rows(store, "SELECT status, schedule FROM arrangements")
        assert row["status"] == "pending_approval"
        assert json.loads(row["schedule"]) == [{"due": "2026-03-08", "amount": "3500.00"}]
    finally:
        await store.close()
