"""Disputes, hardship, callbacks, a person, opting out, language."""

from __future__ import annotations

import json
from datetime import date

import pytest
from flows_kit import Chat, Clock, buttons, has, make_flows, param, promise_asked, rows, seed, verified

from debt.queue_rule import left_out_reason
from store.queue_sql import iter_queue_facts


@pytest.fixture
def clock():
    return Clock()  # `store` comes from conftest: a real SQLite file in tmp_path


async def test_a_dispute_opens_a_case_pauses_collection_and_tells_the_collectors(store, clock):
    ref = await seed(store, clock)
    chat = await verified(make_flows(store, clock), ref)
    await promise_asked(chat)
    await chat.tap("Yes, I promise")
    out = await chat.cmd("dispute")
    reasons = {b.data.split(".", 1)[1] for b in buttons(out) if "." in b.data}
    assert reasons == {"why:not_mine", "why:wrong_amount", "why:already_paid", "why:fraud", "why:other"}
    await chat.tap("already paid")
    out = await chat.text("I paid on 20 February at the branch")
    assert has(out, "Collection on this account is paused")
    [case] = await rows(store, "SELECT kind, reason, detail, status FROM cases")
    assert case == {"kind": "dispute", "reason": "already_paid",
                    "detail": "I paid on 20 February at the branch", "status": "open"}
    notice = (await rows(store, "SELECT kind, payload FROM outbox WHERE kind = 'dispute'"))[0]
    assert json.loads(notice["payload"])["reason"] == "already_paid"
    # The promise made before stays pending; the queue reads the open case to leave the account out.
    assert [p["status"] for p in await rows(store, "SELECT status FROM promises")] == ["pending"]
    out = await chat.cmd("dispute")
    assert has(out, "already open") and len(await rows(store, "SELECT id FROM cases")) == 1


async def queue_reason(store, ref) -> str | None:
    async with store.read() as db:
        [facts] = [f async for f in iter_queue_facts(db, ref)]
    return left_out_reason(facts, date(2026, 3, 1), grace_days=3)


async def test_a_dispute_may_skip_the_details_and_takes_the_account_out_of_the_queue(store, clock):
    ref = await seed(store, clock)
    chat = await verified(make_flows(store, clock), ref)
    assert await queue_reason(store, ref) is None  # 45 days late, nothing said: on the call list
    await chat.cmd("dispute")
    await chat.tap("not mine")
    await chat.tap("Skip")
    assert await rows(store, "SELECT reason, detail FROM cases") == [{"reason": "not_mine", "detail": ""}]
    assert await queue_reason(store, ref) == "dispute"


async def test_hardship_offers_forbearance_and_debt_advice(store, clock):
    ref = await seed(store, clock)
    chat = await verified(make_flows(store, clock), ref)
    await chat.cmd("hardship")
    out = await chat.tap("lost my job")
    assert has(out, "longer repayment plan") and has(out, "token payments")
    assert has(out, "break from payments")
    assert "MoneyHelper" in param(out, "debt advice", "advice")
    assert await rows(store, "SELECT kind, reason FROM cases") == [{"kind": "hardship", "reason": "job_loss"}]
    assert [n["kind"] for n in await rows(store, "SELECT kind FROM outbox")] == ["hardship"]


async def test_the_person_button_asks_for_a_callback_window(store, clock):
    ref = await seed(store, clock)
    chat = await verified(make_flows(store, clock), ref)
    await chat.cmd("balance")
    out = await chat.press("person")
    assert has(out, "When suits you best") and has(out, "call the bank on")
    out = await chat.tap("In the evening")
    assert has(out, "will call you")
    assert await rows(store, "SELECT kind, reason FROM cases") == [{"kind": "callback", "reason": "evening"}]
    [notice] = await rows(store, "SELECT kind, payload FROM outbox")
    assert json.loads(notice["payload"])["window"] == "evening"
    out = await chat.cmd("callback")  # asking twice does not queue a second call
    assert has(out, "already asked for a call") and len(await rows(store, "SELECT id FROM cases")) == 1


async def test_a_stranger_pressing_person_gets_the_banks_number_only(store, clock):
    await seed(store, clock)
    out = await Chat(make_flows(store, clock)).press("person")
    assert has(out, "call the bank on") and await rows(store, "SELECT id FROM cases") == []


async def test_stop_and_resume_set_the_opt_out(store, clock):
    ref = await seed(store, clock)
    chat = await verified(make_flows(store, clock), ref)
    assert has(await chat.cmd("stop"), "/resume")
    assert await rows(store, "SELECT opted_out FROM chats") == [{"opted_out": 1}]
    await chat.cmd("resume")
    assert await rows(store, "SELECT opted_out FROM chats") == [{"opted_out": 0}]


async def test_language_buttons_name_each_language_in_itself_and_keep_the_flow(store, clock):
    ref = await seed(store, clock)
    chat = await verified(make_flows(store, clock), ref)
    await chat.cmd("promise")
    out = await chat.cmd("language")
    names = [b.label.params["name"] for b in buttons(out) if b.data.startswith("lang:")]
    assert names == ["English", "简体中文", "繁體中文", "Español", "Русский", "Português (Brasil)",
                     "Bahasa Indonesia"]
    out = await chat.tap("Español")
    assert out.locale == "es"
    # Still asked for the amount, now read the Spanish way.
    out = await chat.text("1.234,50")
    assert has(out, "By which date") and out.locale == "es"
    chats = await rows(store, "SELECT locale, locale_chosen FROM chats")
    assert chats == [{"locale": "es", "locale_chosen": 1}]
    # A chosen language survives signing in again (the account says en-GB).
    await chat.cmd("logout")
    chat2 = await verified(make_flows(store, clock), ref)
    assert chat2.last.locale == "es"
