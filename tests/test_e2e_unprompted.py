"""A dispute from the bank pauses the bot's own messages, end to end through the real bot
(issue 10, item 2): two debtors promise by chat; the bank's next portfolio file marks one
account disputed; the day before the due date only the other is reminded, and when grace runs
out only the other gets the kind broken-promise message. The disputed debtor hears nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from e2e_harness import BotUnderTest, texts, with_buttons
from flows_kit import rows

from bot.jobs import JobDeps, reminder_job, sweep_job

CHAT_D, CHAT_O = 701, 702
DISPUTED = {"account_ref": "UK-D001", "phone": "+447911000011"}  # disputed by the bank after promising
OPEN = {"account_ref": "UK-O002", "phone": "+447911000012"}  # open: the control


async def verify_and_promise(bot: BotUnderTest, chat: int, ref: str) -> None:
    """Confirmed by the link and date of birth; the overdue amount promised for 5 March."""
    await bot.command(chat, "start", await bot.link(ref))
    assert "You are confirmed" in texts(await bot.text(chat, "12 April 1985"))
    amounts = with_buttons(await bot.command(chat, "promise"))
    await bot.press(chat, amounts.data_for("The overdue amount"))
    confirm = with_buttons(await bot.text(chat, "2026-03-05"))
    assert "You promise to pay £300.00 by" in confirm.text
    assert "Your promise to pay £300.00" in texts(await bot.press(chat, confirm.data_for("Yes, I promise")))


def job_context(bot: BotUnderTest) -> SimpleNamespace:
    """What PTB's JobQueue hands a job: the bot's own store, policy and clock, and its Bot."""
    deps = JobDeps(bot.store, bot.config.policy, bot.clock)
    return SimpleNamespace(job=SimpleNamespace(data=deps), bot=bot.app.bot)


async def test_portfolio_disputed_account_with_a_due_promise_gets_no_reminder_and_no_broken_message(bot):
    for account in (DISPUTED, OPEN):
        await bot.seed_account(**account)
    await verify_and_promise(bot, CHAT_D, DISPUTED["account_ref"])
    await verify_and_promise(bot, CHAT_O, OPEN["account_ref"])

    # The bank's next portfolio file: D disputes the debt with the bank (by phone, by letter).
    bot.clock.advance(days=1)
    await bot.seed_account(**DISPUTED, status="disputed")

    # 4 March, 10:30 in London: the day before the due date, inside contact hours.
    bot.clock.at = datetime(2026, 3, 4, 10, 30, tzinfo=UTC)
    await reminder_job(job_context(bot))
    [reminder] = await bot.api.wait_for_messages(CHAT_O, 1)
    assert "A friendly reminder: £300.00 is due tomorrow" in reminder.text
    assert bot.api.unread(CHAT_D) == []

    # 9 March, 10:00: grace (3 days) is over for both promises, unpaid.
    bot.clock.at = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    await sweep_job(job_context(bot))
    found = await rows(bot.store, "SELECT account_ref, status FROM promises ORDER BY account_ref")
    assert [(r["account_ref"], r["status"]) for r in found] == [("UK-D001", "broken"), ("UK-O002", "broken")]
    [kind] = await bot.api.wait_for_messages(CHAT_O, 1)
    assert "Your payment of £300.00 due" in kind.text and "has not arrived in full" in kind.text
    assert bot.api.unread(CHAT_D) == []

    # Hours later, and the next day, still nothing for D: the pause holds until the bank answers.
    for moment in (datetime(2026, 3, 9, 15, 0, tzinfo=UTC), datetime(2026, 3, 10, 10, 0, tzinfo=UTC)):
        bot.clock.at = moment
        await sweep_job(job_context(bot))
        await reminder_job(job_context(bot))
    assert bot.api.unread(CHAT_D) == [] and bot.api.unread(CHAT_O) == []
