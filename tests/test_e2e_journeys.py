"""Whole journeys through the real bot: Telegram updates in over HTTP, Telegram messages out."""

from __future__ import annotations

import pytest
from e2e_harness import BotUnderTest, texts, with_buttons

CHAT = 501
COLLECTORS = -100777


@pytest.fixture
def bot_env():
    """The collectors' chat is set before the bot starts (the `bot` fixture is in conftest)."""
    return {"DEBTDESK_COLLECTORS_CHAT": str(COLLECTORS)}


async def verified(bot: BotUnderTest) -> str:
    ref = await bot.seed_account()
    await bot.command(CHAT, "start", await bot.link(ref))
    said = await bot.text(CHAT, "12 April 1985")
    assert "You are confirmed" in texts(said)
    return ref


async def test_deep_link_then_balance_next_plans_and_a_confirmed_plan(bot):
    ref = await bot.seed_account()
    said = await bot.command(CHAT, "start", await bot.link(ref))
    assert "First, let us confirm it is you" in texts(said)
    assert "£" not in texts(said)  # nothing about the debt before verification
    assert any(m.asks_contact for m in said)

    said = await bot.text(CHAT, "12 April 1985")
    assert "Thank you, Alice Example. You are confirmed." in texts(said)

    balance = texts(await bot.command(CHAT, "balance"))
    assert "£2,400.00" in balance and "£300.00" in balance

    upcoming = texts(await bot.command(CHAT, "next"))
    assert "Mar 16, 2026" in upcoming  # real dates, in the user's format

    plans = with_buttons(await bot.command(CHAT, "plans"))
    assert "12 monthly payments, the first of £200.00 on Mar 8, 2026." in plans.text
    schedule = with_buttons(await bot.press(CHAT, plans.data_for("12 months")))
    assert "£200.00" in schedule.text and "Do you want this plan?" in schedule.text

    said = await bot.press(CHAT, schedule.data_for("Confirm this plan"))
    assert "Your plan is set up. The first payment is £200.00" in texts(said)
    # Every button press was answered, so no spinner was left turning.
    presses = [c for c in bot.api.calls if c[0] == "answerCallbackQuery"]
    assert len(presses) == 2 == len(bot.api.answered_callbacks)

    notice = await bot.api.wait_for_messages(COLLECTORS, 1)
    assert ref in notice[0].text and "£2,400.00" in notice[0].text


async def test_no_link_reference_then_id_digits(bot):
    ref = await bot.seed_account()
    said = await bot.command(CHAT, "start")
    assert "Please type the account reference" in texts(said)
    prompt = with_buttons(await bot.text(CHAT, ref))
    assert "date of birth" in prompt.text
    prompt = with_buttons(await bot.press(CHAT, prompt.data_for("last 4 digits")))
    assert "last 4 digits of your ID" in prompt.text
    said = await bot.text(CHAT, "1234")
    assert "You are confirmed" in texts(said)
    assert "£2,400.00" in texts(await bot.command(CHAT, "balance"))


async def test_a_command_before_verification_runs_once_verified(bot):
    ref = await bot.seed_account()
    said = await bot.command(CHAT, "balance")
    assert "confirm who you are first" in texts(said) and "£" not in texts(said)
    await bot.text(CHAT, ref)
    said = await bot.text(CHAT, "1985-04-12")
    assert "You are confirmed" in texts(said) and "£2,400.00" in texts(said)


async def test_shared_phone_number_verifies_only_when_it_is_the_senders_own(bot):
    ref = await bot.seed_account()
    await bot.command(CHAT, "start", await bot.link(ref))
    said = await bot.contact(CHAT, "447911123456", owner=CHAT + 1)
    assert "share your own phone number" in texts(said)
    said = await bot.contact(CHAT, "447911123456", owner=CHAT)
    assert "You are confirmed" in texts(said)


async def test_dispute_is_recorded_and_the_collectors_hear_of_it(bot):
    ref = await verified(bot)
    reasons = with_buttons(await bot.command(CHAT, "dispute"))
    detail = with_buttons(await bot.press(CHAT, reasons.data_for("not mine")))
    assert "tell us in a few words" in detail.text
    said = await bot.text(CHAT, "I never had this card")
    assert "Your dispute is recorded. Collection on this account is paused" in texts(said)
    notice = await bot.api.wait_for_messages(COLLECTORS, 1)
    assert ref in notice[0].text and "dispute" in notice[0].text.lower()
    said = await bot.command(CHAT, "dispute")
    assert "Your dispute is already open" in texts(said)


async def test_command_menu_is_registered_in_each_language(bot):
    assert [c["command"] for c in bot.api.commands[""]][:2] == ["start", "balance"]
    assert set(bot.api.commands) == {"", "zh", "zh-hans", "zh-hant", "es", "ru", "pt", "id"}
    descriptions = {c["command"]: c["description"] for c in bot.api.commands[""]}
    assert descriptions["balance"] == "Your balance, arrears and stage"


async def test_the_collectors_group_gets_notices_and_no_chatter(bot):
    await bot.command(COLLECTORS, "balance", user_id=CHAT)
    await bot.text(COLLECTORS, "who is next?", user_id=CHAT)
    assert bot.api.to(COLLECTORS) == []


async def test_a_chosen_language_formats_every_later_reply(bot):
    await verified(bot)
    choices = with_buttons(await bot.command(CHAT, "language"))
    await bot.press(CHAT, choices.data_for("Español"))
    balance = texts(await bot.command(CHAT, "balance"))
    assert "2.400,00\xa0GBP" in balance and "£" not in balance  # CLDR's Spanish way to write pounds
