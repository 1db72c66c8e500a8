"""The collectors' commands through a real PTB Application and the stand-in Bot API server:
answered in the collectors' chat only; from a debtor's chat they reach the debtor flow instead."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from collectors_kit import STAFF_USER, collectors_app, command
from loop_seed import add_account, add_case, add_promise
from telegram import Update

COLLECTORS, DEBTOR = -100500, 101
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture
async def app(api, store):
    async with collectors_app(api, store, COLLECTORS, lambda: NOW) as application:
        yield application


async def seed(store):
    await add_account(store, "A-1", oldest_due_date="2026-01-01", overdue_amount="1200.00")
    await add_account(store, "A-2")
    await add_promise(store, "A-2", "300.00", date(2026, 3, 10))
    await add_account(store, "A-3")
    await add_case(store, "A-3", "hardship")


@pytest.mark.parametrize("name,args", [("queue", ""), ("account", "A-1"), ("today", ""), ("stats", "")])
async def test_a_debtors_chat_gets_no_staff_data(app, api, store, name, args):
    await seed(store)
    said = await command(app, api, DEBTOR, name, args)
    assert said == []  # the collectors' handler stayed silent ...
    assert app.debtor_updates == [DEBTOR]  # ... and the debtor flow got the update instead


async def test_queue_lists_accounts_with_reasons_in_the_collectors_chat(app, api, store):
    await seed(store)
    [text] = await command(app, api, COLLECTORS, "queue", "5")
    assert api.sent[-1].chat_id == COLLECTORS
    assert text.startswith("Call queue for Mar 10, 2026: 1 to call, 2 left out.")
    assert "1. A-1: overdue; M3, 68 days late, CN¥1,200.00 overdue" in text
    assert app.debtor_updates == []  # the debtor flow never saw it


async def test_queue_with_a_bad_number_says_how_to_use_it(app, api, store):
    [text] = await command(app, api, COLLECTORS, "queue", "many")
    assert text == "Use /queue or /queue N, with N a number from 1 to 50."


async def test_account_shows_one_account_or_says_it_is_unknown(app, api, store):
    await seed(store)
    [text] = await command(app, api, COLLECTORS, "account", "A-2")
    assert "Account A-2: M2, 37 days late. Balance CN¥5,000.00, overdue CN¥800.00." in text
    assert "Promise: CN¥300.00 by Mar 10, 2026." in text
    [text] = await command(app, api, COLLECTORS, "account", "NOPE")
    assert text == "There is no account NOPE."


async def test_today_and_stats(app, api, store):
    await seed(store)
    [text] = await command(app, api, COLLECTORS, "today")
    assert text == "Due today (Mar 10, 2026):\nA-2: CN¥300.00, paid so far CN¥0.00"
    [text] = await command(app, api, COLLECTORS, "stats")
    assert "Promises made: 1 (kept 0, broken 0; kept rate —)" in text
    assert text.endswith("Accounts left out of the call queue: 2")


async def test_other_talk_in_the_collectors_chat_reaches_no_flow(app, api, store):
    update = api.push_text(COLLECTORS, "morning all", user_id=STAFF_USER)
    await app.process_update(Update.de_json(update, app.bot))
    assert api.sent == [] and app.debtor_updates == []


async def test_account_flags_read_as_words_in_the_collectors_language(api, store):
    """/account says "hardship under review", not the code hardship_review, and in Chinese too."""
    await seed(store)
    for locale, expected in (("en", "Flags: hardship under review."), ("zh_Hans", "困难情况审核中")):
        async with collectors_app(api, store, COLLECTORS, lambda: NOW, locale) as application:
            [text] = await command(application, api, COLLECTORS, "account", "A-3")
        assert expected in text and "hardship_review" not in text
