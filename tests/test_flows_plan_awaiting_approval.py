"""/plans while the plan the debtor chose awaits the bank's approval: it is not "already a
repayment plan"; the debtor hears which plan waits, that nothing is asked of them until the bank
answers, and has a way on (a person, the menu). In English and in the debtor's own language."""

from __future__ import annotations

from e2e_harness import BotUnderTest, texts, with_buttons

CHAT = 711
# 120 days late on 1 March (M4): the UK policy offers a settlement, which needs approval.
SETTLER = {"account_ref": "UK-S011", "phone": "+447911000021", "oldest_due_date": "2025-11-01"}


async def choose_the_settlement(bot: BotUnderTest) -> None:
    await bot.seed_account(**SETTLER)
    await bot.command(CHAT, "start", await bot.link(SETTLER["account_ref"]))
    assert "You are confirmed" in texts(await bot.text(CHAT, "12 April 1985"))
    plans = with_buttons(await bot.command(CHAT, "plans"))
    confirm = with_buttons(await bot.press(CHAT, plans.data_for("Settle for less")))
    said = texts(await bot.press(CHAT, confirm.data_for("Confirm this plan")))
    assert "will look at this plan and confirm it with you" in said


async def test_plans_while_a_settlement_awaits_approval_names_it_and_asks_nothing(bot):
    await choose_the_settlement(bot)
    answer = with_buttons(await bot.command(CHAT, "plans"))
    assert "You already have a repayment plan" not in answer.text
    assert "The plan you chose is waiting for the bank's answer: £1,680.00 once, by" in answer.text
    assert "Nothing is asked of you until the bank answers." in answer.text
    assert answer.data_for("Talk to a person") and answer.data_for("Menu")


async def test_plans_while_a_settlement_awaits_approval_in_the_debtors_language(bot):
    await choose_the_settlement(bot)
    choices = with_buttons(await bot.command(CHAT, "language"))
    await bot.press(CHAT, choices.data_for("Español"))
    answer = with_buttons(await bot.command(CHAT, "plans"))
    assert "El plan que eligió está esperando la respuesta del banco" in answer.text
    assert "waiting" not in answer.text
