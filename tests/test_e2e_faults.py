"""The real bot when things go wrong: wrong answers, old buttons, nonsense, restarts, repeats."""

from __future__ import annotations

import logging

from e2e_harness import texts, with_buttons

CHAT = 601


async def test_repeated_wrong_answers_lock_verification_even_for_the_right_one(bot):
    ref = await bot.seed_account()
    await bot.command(CHAT, "start")
    await bot.text(CHAT, ref)
    for _ in range(4):
        said = await bot.text(CHAT, "1 January 1970")
        assert "do not match our records" in texts(said)
    said = await bot.text(CHAT, "1 January 1970")
    assert "confirming who you are is paused until Mar 2, 2026" in texts(said)
    said = await bot.text(CHAT, "12 April 1985")
    assert "You are confirmed" not in texts(said) and "£" not in texts(said)
    said = await bot.command(CHAT, "start")
    assert "paused until" in texts(said)


async def test_a_button_from_an_older_message_changes_nothing(bot):
    ref = await bot.seed_account()
    await bot.command(CHAT, "start", await bot.link(ref))
    await bot.text(CHAT, "12 April 1985")
    plans = with_buttons(await bot.command(CHAT, "plans"))
    await bot.command(CHAT, "balance")
    said = await bot.press(CHAT, plans.data_for("12 months"))
    assert "That button belongs to an older message" in texts(said)
    assert "Do you want this plan?" not in texts(said)
    said = await bot.press(CHAT, "no-such-button")
    assert "That button belongs to an older message" in texts(said)
    assert len(bot.api.answered_callbacks) == 2


async def test_nonsense_gets_a_short_answer_and_the_menu(bot):
    said = await bot.text(CHAT, "🤷")
    assert "Sorry, I did not understand that" in texts(said)
    bot.api.push_sticker(CHAT)
    said = await bot.api.wait_for_messages(CHAT, 1)
    assert "Sorry, I did not understand that" in said[0].text
    said = await bot.command(CHAT, "frobnicate", "now")
    assert "I do not know that command" in texts(said)
    said = await bot.text(CHAT, "x" * 4000)
    assert "did not understand" in texts(said) or "reference" in texts(said)


async def test_a_restart_resumes_the_conversation_where_it_stood(bot):
    ref = await bot.seed_account()
    await bot.command(CHAT, "start", await bot.link(ref))
    await bot.restart()
    said = await bot.text(CHAT, "12 April 1985")
    assert "You are confirmed" in texts(said)
    plans = with_buttons(await bot.command(CHAT, "plans"))
    await bot.restart()
    schedule = with_buttons(await bot.press(CHAT, plans.data_for("6 months")))
    assert "Do you want this plan?" in schedule.text


async def test_an_update_delivered_twice_is_answered_once(bot):
    ref = await bot.seed_account()
    await bot.command(CHAT, "start", await bot.link(ref))
    await bot.text(CHAT, "12 April 1985")
    plans = with_buttons(await bot.command(CHAT, "plans"))
    schedule = with_buttons(await bot.press(CHAT, plans.data_for("6 months")))
    confirm = bot.api.push_button(CHAT, schedule.data_for("Confirm this plan"))
    first = await bot.deliver(confirm, CHAT)
    assert "Your plan is set up" in texts(first)
    again = await bot.raw(confirm, CHAT)  # Telegram retries the very same update_id
    assert again == []
    said = await bot.command(CHAT, "plans")
    assert "You already have a repayment plan" in texts(said)


async def test_group_chats_hear_nothing_about_any_account(bot):
    ref = await bot.seed_account()
    token = await bot.link(ref)
    said = await bot.command(-4242, "start", token, user_id=CHAT)
    assert len(said) == 1 and "private chat" in said[0].text
    assert await bot.text(-4242, "hello all", user_id=CHAT) == []  # group talk is not for the bot
    # The link was not spent in the group: it still works in private.
    said = await bot.command(CHAT, "start", token)
    assert "First, let us confirm it is you" in texts(said)


async def test_a_failed_send_gets_an_apology_and_leaves_no_personal_data_in_the_log(bot, caplog):
    ref = await bot.seed_account()
    await bot.command(CHAT, "start", await bot.link(ref))
    bot.api.failures["sendMessage"] = [(400, "Bad Request: message is too long")]
    with caplog.at_level(logging.DEBUG, logger="debtdesk"):
        said = await bot.text(CHAT, "12 April 1985")
    assert [m.text for m in said] == [
        "Sorry, something went wrong on our side. Please try again, or send /help."
    ]
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("debtdesk"))
    assert "BadRequest" in logged
    for personal in ("1985", "Alice", "April", ref):
        assert personal not in logged


async def test_a_press_too_old_to_answer_still_gets_its_reply(bot):
    # After downtime Telegram refuses to answer old button presses; the press itself still counts.
    bot.api.failures["answerCallbackQuery"] = [(400, "Bad Request: query is too old")]
    said = await bot.press(CHAT, "cmd:help")
    assert "I can show your balance" in texts(said)
