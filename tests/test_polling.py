"""Long polling confirms an update to Telegram only after the bot has finished with it."""

from __future__ import annotations

import asyncio

from e2e_harness import texts

from bot.polling import Poller

CHAT = 801


async def test_an_update_cut_off_by_a_stop_is_fetched_again_and_answered_after_restart(bot, monkeypatch):
    monkeypatch.setattr(Poller, "FINISH_SECONDS", 0.2)
    await bot.command(CHAT, "start")  # answered normally: asks for the reference
    bot.api.unread(CHAT)

    # The next update hangs inside the bot, as if the process died while handling it.
    process_update, stuck = bot.app.process_update, asyncio.Event()

    async def hang(update):
        stuck.set()
        await asyncio.Event().wait()

    bot.app.process_update = hang
    bot.api.push_command(CHAT, "help")
    await asyncio.wait_for(stuck.wait(), 5)
    await bot.restart()  # a new Application on the same database and the same Bot API

    said = await bot.api.wait_for_messages(CHAT, 1)
    assert "I can show your balance" in texts(said)  # the /help that was cut off
    assert process_update is not bot.app.process_update  # really a new application answered


async def test_one_chat_waits_for_its_own_earlier_update_but_not_for_another_chat(bot):
    slow_chat, other_chat = 802, 803
    process_update, release = bot.app.process_update, asyncio.Event()

    async def slow_for_one_chat(update):
        if update.effective_chat.id == slow_chat:
            await release.wait()
        await process_update(update)

    bot.app.process_update = slow_for_one_chat
    bot.api.push_command(slow_chat, "start")
    bot.api.push_command(slow_chat, "help")
    said = await bot.command(other_chat, "start")  # answered while slow_chat still waits
    assert "account reference" in texts(said) and bot.api.unread(slow_chat) == []
    release.set()
    answers = await bot.api.wait_for_messages(slow_chat, 2)
    assert "account reference" in answers[0].text  # /start answered before /help


async def test_an_update_the_library_cannot_read_is_dropped_and_polling_goes_on(bot, caplog):
    """One damaged update (the sender lacks is_bot) no longer stops polling for everyone."""
    person = {"id": 804, "first_name": "Ada Lovelace"}
    bot.api.push_raw({"update_id": 777001, "message": {
        "message_id": 1, "date": 1767225600, "chat": {"id": 804, "type": "private"},
        "from": person, "text": "hello"}})
    said = await bot.command(CHAT, "help")  # the next update, from another chat, is still answered
    assert "I can show your balance" in texts(said)
    dropped = [r.getMessage() for r in caplog.records if "could not be read" in r.getMessage()]
    assert dropped == ["update 777001 could not be read and was dropped (TypeError)"]
    assert "Ada" not in caplog.text
