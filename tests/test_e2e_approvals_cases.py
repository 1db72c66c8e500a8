"""Issue 10 items 1 and 3 end to end through the real bot: a settlement waits for the bank's
approval without being chased, the bank approves it and the debtor hears so inside contact
hours; a dispute closed from the collectors' chat returns the account to the queue and the
debtor hears the outcome; a call-back request nobody answered expires, and may be asked again."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from e2e_harness import BotUnderTest, texts, with_buttons
from flows_kit import rows

from bot.jobs import JobDeps, decisions_job, reminder_job, sweep_job
from ops import queue_export
from ops.approvals import approve_arrangement

CHAT_S, CHAT_D = 701, 702
COLLECTORS = -100779
STAFF = 5150
# 120 days late on 1 March (M4): the UK policy offers a settlement, which needs approval.
SETTLER = {"account_ref": "UK-S001", "phone": "+447911000011", "oldest_due_date": "2025-11-01"}
DISPUTER = {"account_ref": "UK-D002", "phone": "+447911000012"}


@pytest.fixture
def bot_env():
    """The collectors' chat is set before the bot starts (the `bot` fixture is in conftest)."""
    return {"DEBTDESK_COLLECTORS_CHAT": str(COLLECTORS)}


async def verify(bot: BotUnderTest, chat: int, ref: str) -> None:
    await bot.command(chat, "start", await bot.link(ref))
    assert "You are confirmed" in texts(await bot.text(chat, "12 April 1985"))


async def run_job(bot: BotUnderTest, job) -> None:
    """One of the bot's scheduled jobs, run now with its own store, policy, clock and Bot."""
    deps = JobDeps(bot.store, bot.config.policy, bot.clock)
    await job(SimpleNamespace(job=SimpleNamespace(data=deps), bot=bot.app.bot))


async def notices(bot: BotUnderTest, n: int) -> list[str]:
    await bot.app.bot_data["notifier"].drain()
    return [m.text for m in await bot.api.wait_for_messages(COLLECTORS, n)]


async def queue_reasons(bot: BotUnderTest, day: date) -> dict[str, str]:
    out, err = io.StringIO(), io.StringIO()
    await queue_export.write_queue(bot.store, bot.config.policy, day, "csv", out, err)
    listed = {r["account_ref"]: r["reason"] for r in csv.DictReader(io.StringIO(out.getvalue()))}
    return {**listed, **{f"left_out:{k}": str(v) for k, v in
                         (await queue_export.summarise(bot.store, bot.config.policy, day)).left_out.items()}}


async def staff(bot: BotUnderTest, command: str, args: str = "") -> str:
    return texts(await bot.command(COLLECTORS, command, args, user_id=STAFF))


async def test_a_settlement_awaiting_approval_is_not_chased_then_approved_and_told(bot):
    await bot.seed_account(**SETTLER)
    await verify(bot, CHAT_S, SETTLER["account_ref"])
    plans = with_buttons(await bot.command(CHAT_S, "plans"))
    confirm = with_buttons(await bot.press(CHAT_S, plans.data_for("Settle for less")))
    assert "£1,680.00" in confirm.text and "must approve it first" in confirm.text
    said = texts(await bot.press(CHAT_S, confirm.data_for("Confirm this plan")))
    assert "will look at this plan and confirm it with you" in said
    [asked] = await notices(bot, 1)
    assert "Arrangement: account UK-S001" in asked and "Status: waiting for approval" in asked

    # Not a promise: no "due tomorrow" on 7 March, nothing broken after the grace days, no nudge.
    assert await rows(bot.store, "SELECT id FROM promises") == []
    assert (await queue_reasons(bot, date(2026, 3, 2))).get("left_out:awaiting_approval") == "1"
    bot.clock.at = datetime(2026, 3, 7, 10, 30, tzinfo=UTC)
    await run_job(bot, reminder_job)
    bot.clock.at = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)
    await run_job(bot, sweep_job)
    await run_job(bot, decisions_job)
    assert bot.api.unread(CHAT_S) == []
    assert await rows(bot.store, "SELECT id FROM promises") == []

    # The bank approves it (`debtdesk approvals approve ID` runs this use case) late at night:
    # the collectors hear at once, the debtor in the morning, with the dates moved on.
    [arrangement] = await rows(bot.store, "SELECT id FROM arrangements")
    bot.clock.at = datetime(2026, 3, 12, 22, 0, tzinfo=UTC)
    await approve_arrangement(bot.store, bot.config.policy, arrangement["id"], bot.clock())
    [approved] = await notices(bot, 1)
    assert "Arrangement approved: account UK-S001" in approved and "£1,680.00" in approved
    await run_job(bot, decisions_job)
    assert bot.api.unread(CHAT_S) == []  # 22:00 in London: it waits
    bot.clock.at = datetime(2026, 3, 13, 9, 0, tzinfo=UTC)
    await run_job(bot, decisions_job)
    [told] = await bot.api.wait_for_messages(CHAT_S, 1)
    assert "The bank has approved the plan you chose" in told.text and "£1,680.00" in told.text
    assert "Mar 19, 2026" in told.text and "Reply /stop" in told.text and told.data_for("How to pay")
    await run_job(bot, decisions_job)
    assert bot.api.unread(CHAT_S) == []  # told once
    # Now it is the active arrangement: a promise the reminders and the queue know.
    [promise] = await rows(bot.store, "SELECT amount, due_date, status FROM promises")
    assert promise == {"amount": "1680.00", "due_date": "2026-03-19", "status": "pending"}
    assert (await queue_reasons(bot, date(2026, 3, 13))).get("left_out:pending_promise") == "1"


async def test_cases_close_from_the_collectors_chat_and_call_backs_expire(bot):
    await bot.seed_account(**DISPUTER)
    await verify(bot, CHAT_D, DISPUTER["account_ref"])
    reasons = with_buttons(await bot.command(CHAT_D, "dispute"))
    skip = with_buttons(await bot.press(CHAT_D, reasons.data_for("This debt is not mine")))
    assert "recorded" in texts(await bot.press(CHAT_D, skip.data_for("Skip")))
    windows = with_buttons(await bot.command(CHAT_D, "callback"))
    await bot.press(CHAT_D, windows.data_for("In the morning"))
    assert "already asked for a call" in texts(await bot.command(CHAT_D, "callback"))
    await notices(bot, 2)
    assert (await queue_reasons(bot, date(2026, 3, 1))).get("left_out:dispute") == "1"
    cases = {r["kind"]: r["id"] for r in await rows(bot.store, "SELECT id, kind FROM cases")}

    # The collectors answer the dispute from their chat; a wrong id or outcome gets a plain answer.
    assert "There is no open case 999." in await staff(bot, "close", "999 upheld")
    assert "Use /close ID OUTCOME" in await staff(bot, "close", f"{cases['dispute']} done")
    answer = await staff(bot, "close", f"{cases['dispute']} rejected")
    assert f"Case {cases['dispute']} (dispute, account UK-D002) is closed: rejected." in answer
    [closed] = await notices(bot, 1)
    assert "Case closed: account UK-D002, dispute" in closed and "rejected" in closed
    account = await staff(bot, "account", "UK-D002")
    assert f"Open case {cases['callback']}: call-back request." in account and "dispute." not in account

    # The debtor hears the outcome in the morning, not at night.
    bot.clock.at = datetime(2026, 3, 1, 22, 0, tzinfo=UTC)
    await run_job(bot, decisions_job)
    assert bot.api.unread(CHAT_D) == []
    bot.clock.at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    await run_job(bot, decisions_job)
    [outcome] = await bot.api.wait_for_messages(CHAT_D, 1)
    assert "found the debt to be correct" in outcome.text

    # Nobody called within the policy's window: the request expires, the debtor is told, the
    # account is back in the call queue, and "Talk to a person" may be asked again.
    bot.clock.at = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    await run_job(bot, decisions_job)
    [expired] = await bot.api.wait_for_messages(CHAT_D, 1)
    assert "nobody called you in the time you asked for" in expired.text
    [closed] = await notices(bot, 1)
    assert "call back" in closed and "expired unanswered" in closed
    assert (await queue_reasons(bot, date(2026, 3, 4))).get("UK-D002") == "overdue"
    again = with_buttons(await bot.command(CHAT_D, "callback"))
    assert "When suits you best?" in again.text
