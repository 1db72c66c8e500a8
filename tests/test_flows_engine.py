"""The engine: one transaction per update, redelivery, stale and forged buttons, garbage."""

from __future__ import annotations

import pytest
from flows_kit import Chat, Clock, find_button, has, make_flows, promise_asked, rows, seed, verified

from flows.languages import locale_from_account, locale_from_language_code
from flows.types import Event


@pytest.fixture
def clock():
    return Clock()  # `store` comes from conftest: a real SQLite file in tmp_path


async def snapshot(store) -> dict:
    tables = ("chats", "promises", "outbox", "audit", "verify_attempts", "cases", "arrangements",
              "processed_updates")
    return {t: await rows(store, f"SELECT * FROM {t}") for t in tables}


async def test_the_same_update_twice_changes_nothing_the_second_time(store, clock):
    ref = await seed(store, clock)
    chat = await verified(make_flows(store, clock), ref)
    await promise_asked(chat)
    first = await chat.send("button", update_id=77, data=find_button(chat.last, "Yes, I promise").data)
    assert has(first, "is recorded")
    before = await snapshot(store)
    again = await chat.send("button", update_id=77, data="whatever")
    assert again.replies == () and await snapshot(store) == before
    assert len(before["promises"]) == 1


async def test_stale_and_forged_buttons_change_nothing(store, clock):
    ref = await seed(store, clock)
    chat = await verified(make_flows(store, clock), ref)
    out = await chat.cmd("plans")
    old = find_button(out, "{months} month").data
    await chat.cmd("balance")  # moves on: the plans message is now old
    before = await snapshot(store)
    for data in (old, old.split(".")[0] + ".ok:inst6", "zzzzzz.plan:inst12", "lang:xx", "cmd:nope",
                 "", "." * 64):
        out = await chat.press(data)
        assert out.replies, data
    after = await snapshot(store)
    assert after["arrangements"] == [] and after["outbox"] == before["outbox"]
    assert has(await chat.press(old), "older message")


async def test_garbage_gets_a_short_answer_and_the_menu(store, clock):
    ref = await seed(store, clock)
    flows = make_flows(store, clock)
    stranger = Chat(flows, chat_id=5)
    for out in (await stranger.text("what??"), await stranger.text(""),
                await stranger.contact("+447911123456"), await stranger.cmd("frobnicate")):
        assert has(out, "first confirm who you are")
    # A greeting is understood: the way in is to confirm who you are.
    assert has(await stranger.text("hello?"), "Please type the account reference")
    chat = await verified(flows, ref)
    before = await snapshot(store)
    for out in (await chat.text("what??"), await chat.text(""), await chat.send("sticker"),
                await chat.contact("+447911123456")):
        assert has(out, "did not understand") and has(out, "What would you like to do?")
    after = await snapshot(store)
    assert after["promises"] == before["promises"] == [] and after["outbox"] == before["outbox"]


async def test_a_fault_rolls_the_step_back_and_says_sorry(store, clock, monkeypatch):
    ref = await seed(store, clock)
    flows = make_flows(store, clock)
    chat = await verified(flows, ref)
    await promise_asked(chat)

    async def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("flows.promise.insert_promise", broken)
    confirm = find_button(chat.last, "Yes, I promise").data
    out = await chat.press(confirm)
    assert has(out, "something went wrong") and await rows(store, "SELECT id FROM promises") == []
    monkeypatch.undo()
    out = await chat.press(confirm)  # the same button works once the fault is gone
    assert has(out, "is recorded")


async def test_console_events_without_update_ids_are_all_handled(store, clock):
    await seed(store, clock)
    flows = make_flows(store, clock)
    for _ in range(2):
        out = await flows.handle(Event(chat_id=9, user_id=9, kind="command", command="help"))
        assert out.replies


@pytest.mark.parametrize("code, locale", [
    ("zh-hans", "zh_Hans"), ("zh-CN", "zh_Hans"), ("zh-sg", "zh_Hans"), ("zh-hant", "zh_Hant"),
    ("zh-TW", "zh_Hant"), ("zh-hk", "zh_Hant"), ("pt-br", "pt_BR"), ("pt", "pt_BR"), ("es-MX", "es"),
    ("ru", "ru"), ("id", "id"), ("en-US", "en"), ("de", "en"), ("", "en"),
])
def test_language_codes(code, locale):
    assert locale_from_language_code(code) == locale


def test_account_locales():
    assert [locale_from_account(x) for x in ("zh-CN", "zh-TW", "pt-BR", "es-ES", "en-GB", "fr-FR")] == \
        ["zh_Hans", "zh_Hant", "pt_BR", "es", "en", "en"]
