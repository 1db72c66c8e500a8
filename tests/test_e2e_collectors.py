"""Promises come back to the collectors, end to end through the real bot (issue 5): two debtors
promise by chat; the collectors hear of each promise; the call queue leaves both out; a payments
file keeps A's promise; the sweep breaks B's after grace, tells the collectors, puts B at the top
of the queue, and tells B kindly, but only once contact hours begin."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from e2e_harness import BotUnderTest, texts, with_buttons
from flows_kit import rows

from bot.jobs import JobDeps, sweep_job
from ops import queue_export
from ops.importer import ImportReport, import_payments
from store.db import Store

CHAT_A, CHAT_B = 601, 602
COLLECTORS = -100778
A = {"account_ref": "UK-A001", "phone": "+447911000001"}
B = {"account_ref": "UK-B002", "phone": "+447911000002", "customer_name": "Bob Example"}
C = {"account_ref": "UK-C003", "phone": "+447911000003"}  # overdue, never writes: stays in the queue


@pytest.fixture
def bot_env():
    """The collectors' chat is set before the bot starts (the `bot` fixture is in conftest)."""
    return {"DEBTDESK_COLLECTORS_CHAT": str(COLLECTORS)}


async def verify(bot: BotUnderTest, chat: int, ref: str) -> None:
    await bot.command(chat, "start", await bot.link(ref))
    assert "You are confirmed" in texts(await bot.text(chat, "12 April 1985"))


async def promise_with_buttons(bot: BotUnderTest, chat: int) -> None:
    """A: the overdue amount by its button, the date typed."""
    amounts = with_buttons(await bot.command(chat, "promise"))
    dates = with_buttons(await bot.press(chat, amounts.data_for("The overdue amount")))
    assert "By which date will you pay £300.00?" in dates.text
    confirm = with_buttons(await bot.text(chat, "2026-03-10"))
    assert "You promise to pay £300.00 by" in confirm.text
    said = await bot.press(chat, confirm.data_for("Yes, I promise"))
    assert "Your promise to pay £300.00" in texts(said)


async def promise_typed_amount(bot: BotUnderTest, chat: int) -> None:
    """B: an amount typed, the date picked from the date buttons (5 March)."""
    await bot.command(chat, "promise")
    dates = with_buttons(await bot.text(chat, "120.50"))
    [(label, data)] = [(t, d) for t, d in dates.buttons if d.endswith("date:2026-03-05")]
    assert "5" in label and "2026" in label
    confirm = with_buttons(await bot.press(chat, data))
    assert "£120.50" in confirm.text
    said = await bot.press(chat, confirm.data_for("Yes, I promise"))
    assert "Your promise to pay £120.50" in texts(said)


async def queue_now(bot: BotUnderTest, day: date) -> tuple[list[dict[str, str]], queue_export.Summary, str]:
    """The exported call queue as the bank's operator reads it: CSV rows and the summary line."""
    out, err = io.StringIO(), io.StringIO()
    summary = await queue_export.write_queue(bot.store, bot.config.policy, day, "csv", out, err)
    return list(csv.DictReader(io.StringIO(out.getvalue()))), summary, err.getvalue()


async def import_in_own_store(bot: BotUnderTest, path: str) -> ImportReport:
    """`debtdesk import payments` as the bank runs it: its own connection to the bot's database
    file (importing on the bot's connection trips the queue export; see the report to the lead)."""
    store = await Store.open(bot.db_path)
    try:
        return await import_payments(store, path, bot.clock(), policy=bot.config.policy)
    finally:
        await store.close()


async def notices(bot: BotUnderTest, n: int) -> list[str]:
    """The next n notices in the collectors' chat (drained now rather than at the next tick)."""
    await bot.app.bot_data["notifier"].drain()
    return [m.text for m in await bot.api.wait_for_messages(COLLECTORS, n)]


async def run_sweep_job(bot: BotUnderTest) -> None:
    """The bot's hourly job, run now with the bot's own store, policy, clock and Bot."""
    deps = JobDeps(bot.store, bot.config.policy, bot.clock)
    await sweep_job(SimpleNamespace(job=SimpleNamespace(data=deps), bot=bot.app.bot))


async def statuses(bot: BotUnderTest) -> dict[str, str]:
    found = await rows(bot.store, "SELECT account_ref, status FROM promises")
    return {r["account_ref"]: r["status"] for r in found}


async def test_promises_reach_the_collectors_leave_the_queue_and_come_back_kept_or_broken(bot, tmp_path):
    for account in (A, B, C):
        await bot.seed_account(**account)
    await verify(bot, CHAT_A, A["account_ref"])
    await verify(bot, CHAT_B, B["account_ref"])
    await promise_with_buttons(bot, CHAT_A)
    await promise_typed_amount(bot, CHAT_B)

    # Each promise is a notice in the collectors' chat, with its account, amount, date and id.
    made = await notices(bot, 2)
    assert "Promise to pay: account UK-A001" in made[0] and "will pay £300.00 by Mar 10, 2026" in made[0]
    assert "Promise to pay: account UK-B002" in made[1] and "will pay £120.50 by Mar 5, 2026" in made[1]
    ids = [re.fullmatch(r".*\n#(\d+)", text, re.S) for text in made]
    assert all(ids) and ids[0][1] != ids[1][1]

    # Nobody calls someone who has just promised; the account that said nothing is still listed.
    listed, summary, line = await queue_now(bot, date(2026, 3, 2))
    assert [r["account_ref"] for r in listed] == ["UK-C003"] and listed[0]["reason"] == "overdue"
    assert summary.left_out["pending_promise"] == 2
    assert "2 left out (pending_promise 2)" in line

    # The bank's payments file covers A's promise: the collectors read that it was kept.
    bot.clock.advance(days=2)  # 2026-03-03 09:00
    payments = tmp_path / "payments.csv"
    payments.write_text("payment_id,account_ref,amount,currency,paid_at\n"
                        "P-1,UK-A001,300.00,GBP,2026-03-03\n", encoding="utf-8")
    report = await import_in_own_store(bot, str(payments))
    assert not report.failed, report.errors
    [kept] = await notices(bot, 1)
    assert "Promise kept: account UK-A001 paid £300.00 against £300.00" in kept
    assert await statuses(bot) == {"UK-A001": "kept", "UK-B002": "pending"}

    # B's 5 March passes with nothing paid; grace (3 days) runs out. The sweep runs at 22:30
    # London time (GMT in early March): broken, the collectors told, B first to call...
    bot.clock.at = datetime(2026, 3, 9, 22, 30, tzinfo=UTC)
    await run_sweep_job(bot)
    assert await statuses(bot) == {"UK-A001": "kept", "UK-B002": "broken"}
    [broken] = await notices(bot, 1)
    assert "Promise broken: account UK-B002" in broken and "£120.50" in broken
    assert "back in the call queue" in broken
    listed, summary, _ = await queue_now(bot, date(2026, 3, 9))
    assert listed[0]["account_ref"] == "UK-B002" and listed[0]["reason"] == "broken_promise"
    assert listed[0]["rank"] == "1" and summary.left_out["pending_promise"] == 0
    assert "UK-C003" in [r["account_ref"] for r in listed[1:]]
    # ...but B is not woken at half past ten at night.
    assert bot.api.unread(CHAT_B) == []

    # 10:00 the next morning, inside contact hours: one kind message, with the way out.
    bot.clock.at = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    await run_sweep_job(bot)
    [kind] = await bot.api.wait_for_messages(CHAT_B, 1)
    assert "Your payment of £120.50 due" in kind.text and "has not arrived in full" in kind.text
    assert "pick a new plan" in kind.text and "Reply /stop to stop these reminders." in kind.text
    assert kind.data_for("Repayment plans")

    # The next hourly sweep sends nothing again; A, whose promise was kept, hears nothing.
    bot.clock.advance(hours=1)
    await run_sweep_job(bot)
    assert bot.api.unread(CHAT_B) == [] and bot.api.unread(CHAT_A) == []
    await bot.app.bot_data["notifier"].drain()
    assert bot.api.unread(COLLECTORS) == []  # and no second "broken" notice
