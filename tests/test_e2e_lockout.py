"""The lockout is no weapon, end to end through the real bot (issue 10, item 6): strangers with the
reference from a letter type wrong dates of birth from their own chats; the debtor's chat and
the debtor's link (opened once before, without verifying) still let the debtor in, and the
collectors read which account is being guessed at (issue 9, item 1)."""

from __future__ import annotations

import pytest
from e2e_harness import BotUnderTest, texts

DEBTOR = 601
STRANGERS = (701, 702, 703)
COLLECTORS = -100779


@pytest.fixture
def bot_env():
    """The collectors' chat is set before the bot starts (the `bot` fixture is in conftest)."""
    return {"DEBTDESK_COLLECTORS_CHAT": str(COLLECTORS)}


async def strangers_guess(bot: BotUnderTest, ref: str) -> str:
    """Five wrong answers from each of two strangers' chats, then a third stranger tries once;
    returns what the third one read."""
    for chat in STRANGERS[:2]:
        await bot.command(chat, "start")
        await bot.text(chat, ref)
        for _ in range(5):
            said = await bot.text(chat, "1 January 1970")
        assert "confirming who you are is paused" in texts(said)
    await bot.command(STRANGERS[2], "start")
    await bot.text(STRANGERS[2], ref)
    return texts(await bot.text(STRANGERS[2], "2 February 1971"))


async def test_a_link_opened_once_still_lets_the_debtor_in_after_strangers_guessed(bot):
    ref = await bot.seed_account()
    token = await bot.link(ref)
    said = await bot.command(DEBTOR, "start", token)  # opened, then left without answering
    assert "First, let us confirm it is you" in texts(said)
    bot.clock.advance(hours=2)
    third = await strangers_guess(bot, ref)
    assert "confirming who you are is paused until Mar 1, 2026 at 11:15" in third and "£" not in third
    # The debtor comes back through the same link: it was not used up, and does not wait.
    said = await bot.command(DEBTOR, "start", token)
    assert "First, let us confirm it is you" in texts(said)
    said = await bot.text(DEBTOR, "12 April 1985")
    assert "You are confirmed" in texts(said) and "£2,400.00" in texts(await bot.command(DEBTOR, "balance"))
    # Now it has verified someone, it is spent.
    said = await bot.command(STRANGERS[0] + 50, "start", token)
    assert "already been used" in texts(said)
    # The collectors read which account is being guessed at, and its stage, so someone can call.
    await bot.app.bot_data["notifier"].drain()
    notices = "\n".join(m.text for m in await bot.api.wait_for_messages(COLLECTORS, 3))
    assert "Verification locked for account UK-0001 (M2): the chat" in notices
    assert "Verification locked for account UK-0001 (M2): new chats for this account" in notices


async def test_strangers_from_other_chats_do_not_lock_the_debtors_own_chat(bot):
    ref = await bot.seed_account()
    await bot.command(DEBTOR, "start")
    await bot.text(DEBTOR, ref)
    assert "You are confirmed" in texts(await bot.text(DEBTOR, "12 April 1985"))
    await bot.command(DEBTOR, "logout")
    bot.clock.advance(hours=1)
    assert "paused until" in await strangers_guess(bot, ref)
    await bot.command(DEBTOR, "start")
    await bot.text(DEBTOR, ref)
    said = await bot.text(DEBTOR, "12 April 1985")
    assert "You are confirmed" in texts(said) and "paused" not in texts(said)
