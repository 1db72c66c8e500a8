"""Whole journeys through the real bot: Telegram updates in, Telegram messages out."""

from __future__ import annotations

import pytest
from e2e_harness import BotUnderTest, texts, with_buttons

CHAT = 501


@pytest.fixture
async def bot(tmp_path):
    running = await BotUnderTest(tmp_path).start()
    yield running
    await running.stop()


async def test_deep_link_verify_balance_next_plans_and_confirm(bot):
    ref = await bot.seed_account()
    token = await bot.link(ref)

    said = await bot.command(CHAT, "start", token)
    assert "First, let us confirm it is you" in texts(said)
    assert any(m.asks_contact for m in said)

    said = await bot.text(CHAT, "1985-04-12")
    assert "Thank you, Alice Example. You are confirmed." in texts(said)

    said = await bot.command(CHAT, "balance")
    assert "£2,400.00" in texts(said)

    said = await bot.command(CHAT, "next")
    print(texts(said))
    said = await bot.command(CHAT, "plans")
    print(texts(said), with_buttons(said).buttons)
