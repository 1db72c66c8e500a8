"""Verification: deep links, references, factors, the phone button, locks; nothing leaks first."""

from __future__ import annotations

import json
import re

import pytest
from flows_kit import Chat, Clock, buttons, has, link, make_flows, msgids, rendered, rows, seed

from flows.commands import COMMANDS


@pytest.fixture
def clock():
    return Clock()  # `store` comes from conftest: a real SQLite file in tmp_path


async def bound_ref(store) -> list:
    return [r["account_ref"] for r in await rows(store, "SELECT account_ref FROM chats ORDER BY chat_id")]


async def test_deep_link_then_date_of_birth_binds_the_chat(store, clock):
    ref = await seed(store, clock)
    chat = Chat(make_flows(store, clock), language_code="es")
    out = await chat.cmd("start", await link(store, clock, ref))
    assert has(out, "date of birth") and any(r.ask_contact for r in out.replies)
    assert out.locale == "es"
    out = await chat.text("1985-04-12")
    assert has(out, "You are confirmed") and has(out, "What would you like to do?")
    # Verified: the account's language (en-GB) replaces Telegram's, as nobody chose one.
    assert out.locale == "en"
    assert await bound_ref(store) == [ref]


async def test_without_a_link_the_reference_then_the_factor(store, clock):
    ref = await seed(store, clock)
    chat = Chat(make_flows(store, clock))
    out = await chat.cmd("start")
    assert has(out, "account reference")
    out = await chat.text(f"  {ref} ")
    assert has(out, "date of birth")
    await chat.tap("last 4 digits")
    assert has(chat.last, "last 4 digits of your ID")
    out = await chat.text("１２ ３４")  # full-width digits, as a Chinese keyboard types them
    assert has(out, "You are confirmed")


async def test_dates_of_birth_in_the_users_own_format(store, clock):
    ref = await seed(store, clock)
    cases = (("es", "12/4/1985"), ("ru", "12.04.1985"), ("zh-hans", "1985年4月12日"),
             ("es", "12 de abril de 1985"), ("en", "April 12, 1985"), ("pt-br", "12/04/1985"))
    for n, (code, typed) in enumerate(cases):
        chat = Chat(make_flows(store, clock), chat_id=100 + n, language_code=code)
        await chat.cmd("start")
        await chat.text(ref)
        out = await chat.text(typed)
        assert has(out, "You are confirmed"), (code, typed)
        await chat.cmd("logout")


async def test_unreadable_date_is_asked_again_without_counting_a_failure(store, clock):
    ref = await seed(store, clock)
    chat = Chat(make_flows(store, clock))
    await chat.cmd("start")
    await chat.text(ref)
    for typed in ("12/04", "yesterday", "", "31/31/1985"):
        out = await chat.text(typed)
        assert has(out, "could not read") and has(out, "for example")
    assert await rows(store, "SELECT * FROM verify_attempts") == []


@pytest.mark.parametrize("problem, fragment", [("expired", "expired"), ("used", "already been used"),
                                               ("unknown", "do not recognise")])
async def test_each_bad_link_gets_its_own_message_and_the_reference_question(store, clock, problem, fragment):
    ref = await seed(store, clock)
    token = await link(store, clock, ref, days=1)
    flows = make_flows(store, clock)
    if problem == "used":  # used: it has verified someone (opening alone does not use it up)
        await Chat(flows, chat_id=7).cmd("start", token)
        await Chat(flows, chat_id=7).text("1985-04-12")
    elif problem == "expired":
        clock.advance(days=2)
    else:
        token = "no-such-token"
    out = await Chat(flows).cmd("start", token)
    assert has(out, fragment) and has(out, "account reference")


async def test_five_wrong_answers_lock_the_chat_and_tell_the_collectors(store, clock):
    ref = await seed(store, clock)
    chat = Chat(make_flows(store, clock))
    await chat.cmd("start")
    await chat.text(ref)
    for _ in range(4):
        out = await chat.text("1990-01-01")
        assert has(out, "do not match")
    out = await chat.text("1990-01-01")
    assert has(out, "paused until") and "+44 800 000 0000" in rendered(out)
    assert any(r.remove_keyboard and not r.buttons for r in out.replies)  # the phone keyboard goes
    notices = await rows(store, "SELECT kind, account_ref, payload FROM outbox")
    # A real reference: the notice names the account so that someone can call (issue 9, item 1).
    assert [(n["kind"], n["account_ref"]) for n in notices] == [("lock", ref)]
    payload = json.loads(notices[0]["payload"])
    assert payload["chat_id"] == 42 and payload["account_ref"] == ref
    # Even the right answer is refused while the lock holds; a day later it works.
    assert has(await chat.cmd("start"), "paused until")
    assert has(await chat.cmd("balance"), "paused until")
    clock.advance(hours=25)
    await chat.cmd("start")
    await chat.text(ref)
    out = await chat.text("1985-04-12")
    assert has(out, "You are confirmed")


async def test_ten_failures_across_chats_lock_the_account(store, clock):
    ref = await seed(store, clock)
    flows = make_flows(store, clock)
    for chat_id in (1, 2):
        chat = Chat(flows, chat_id=chat_id)
        await chat.cmd("start")
        await chat.text(ref)
        for _ in range(5):
            await chat.text("2000-01-01")
    fresh = Chat(flows, chat_id=3)
    await fresh.cmd("start")
    await fresh.text(ref)
    out = await fresh.text("1985-04-12")
    assert has(out, "paused until") and await bound_ref(store) == [None, None, None]


async def test_an_unknown_reference_locks_after_as_many_failures_as_a_real_one(store, clock):
    """Otherwise ten guesses from two chats would tell a real reference from a made-up one."""
    ref = await seed(store, clock)
    flows = make_flows(store, clock)
    for typed, first_chat in ((ref, 10), ("UK-9999", 20)):
        for chat_id in (first_chat, first_chat + 1):
            chat = Chat(flows, chat_id=chat_id)
            await chat.cmd("start")
            await chat.text(typed)
            for _ in range(5):
                await chat.text("2000-01-01")
        fresh = Chat(flows, chat_id=first_chat + 2)
        await fresh.cmd("start")
        await fresh.text(typed)
        assert has(await fresh.text("1985-04-12"), "paused until"), typed


def _shape(outcome) -> list[str]:
    """What the user sees, with button nonces (random per session) taken out."""
    return [re.sub(r"^[0-9a-f]{6}\.", "", line) for line in rendered(outcome).splitlines()]


async def test_an_unknown_reference_fails_exactly_like_a_wrong_factor(store, clock):
    ref = await seed(store, clock)
    flows = make_flows(store, clock)
    known, unknown = Chat(flows, chat_id=1), Chat(flows, chat_id=2)
    await known.cmd("start")
    await unknown.cmd("start")
    assert _shape(await known.text(ref)) == _shape(await unknown.text("UK-9999"))
    for _ in range(5):
        assert _shape(await known.text("1990-01-01")) == _shape(await unknown.text("1990-01-01"))
    assert has(known.last, "paused until")


async def test_own_shared_phone_verifies_and_someone_elses_does_not(store, clock):
    ref = await seed(store, clock)
    chat = Chat(make_flows(store, clock))
    await chat.cmd("start")
    await chat.text(ref)
    out = await chat.contact("447911123456", owner=99)  # a friend's card: never counts
    assert has(out, "your own phone number") and await bound_ref(store) == [None]
    out = await chat.contact("447911000000")
    assert has(out, "do not match")
    out = await chat.contact("447911123456")  # Telegram leaves out the plus sign
    assert has(out, "You are confirmed") and any(r.remove_keyboard for r in out.replies)


async def test_nothing_about_the_account_before_verification(store, clock):
    """Every command and every button, in every state a stranger can reach: no name, amount,
    stage or reference in any message id or parameter."""
    ref = await seed(store, clock)
    flows = make_flows(store, clock)
    secrets_ = ["Alice", "Example", ref, "2400", "300.00", "150", "24.00", "31.20", "M2", "GBP", "45 days"]
    seen: set[str] = set()

    async def check(chat: Chat, out) -> None:
        text = "\n".join(_shape(out))  # without the random button nonces, which may hold "150"
        for secret in secrets_:
            assert secret not in text, (secret, text)
        for button in buttons(out):
            if button.data not in seen:
                seen.add(button.data)
                check_out = await chat.press(button.data)
                await check(chat, check_out)

    for n, (command, _) in enumerate(COMMANDS):
        for state_setup in ("", ref, "UK-9999"):
            chat = Chat(flows, chat_id=500 + n)
            await chat.cmd("logout")
            if state_setup:
                await chat.cmd("start")
                await chat.text(state_setup)
            await check(chat, await chat.cmd(command))
            await check(chat, await chat.text("hello"))
            await check(chat, await chat.press(f"cmd:{command}"))  # a forged menu button
    assert await bound_ref(store) == [None] * len(COMMANDS)
    assert {"cmd:start", "cmd:language", "person", "lang:ru"} <= seen
    assert any(d.endswith("factor:id_last4") for d in seen)


async def test_a_command_asked_before_verification_runs_after_it(store, clock):
    ref = await seed(store, clock)
    chat = Chat(make_flows(store, clock))
    out = await chat.cmd("balance")
    assert has(out, "confirm who you are first")
    await chat.text(ref)
    out = await chat.text("1985-04-12")
    assert has(out, "You are confirmed") and has(out, "Total outstanding")


async def test_an_idle_binding_asks_again_and_logout_unbinds(store, clock):
    ref = await seed(store, clock)
    chat = Chat(make_flows(store, clock))
    await chat.cmd("start", await link(store, clock, ref))
    await chat.text("1985-04-12")
    clock.advance(days=29)
    assert has(await chat.cmd("balance"), "Total outstanding")
    clock.advance(days=31)
    out = await chat.cmd("balance")
    assert has(out, "confirm who you are first") and has(out, "date of birth")
    assert await bound_ref(store) == [None]
    assert has(await chat.text("1985-04-12"), "Total outstanding")
    assert await bound_ref(store) == [ref]
    out = await chat.cmd("logout")
    assert has(out, "no longer linked") and await bound_ref(store) == [None]
    assert has(await chat.cmd("next"), "confirm who you are first")


async def test_no_reply_text_is_a_finished_sentence_from_an_fstring(store, clock):
    """Message ids are the English sources: the same for every chat, whatever was typed."""
    await seed(store, clock)
    chat = Chat(make_flows(store, clock))
    await chat.cmd("start")
    out = await chat.text("ZZ-TYPED-REF")
    assert all("ZZ-TYPED-REF" not in m for m in msgids(out))


async def test_verifying_an_own_account_does_not_reset_guesses_at_another(store, clock):
    mine = await seed(store, clock, account_ref="UK-0002", date_of_birth="1970-01-01")
    theirs = await seed(store, clock)
    chat = Chat(make_flows(store, clock))
    for _ in range(2):
        await chat.cmd("logout")
        await chat.cmd("start")
        await chat.text(theirs)
        for _ in range(2):
            assert has(await chat.text("1990-01-01"), "do not match")
        await chat.cmd("start")
        await chat.text(mine)
        assert has(await chat.text("1970-01-01"), "You are confirmed")
    await chat.cmd("logout")
    await chat.cmd("start")
    await chat.text(theirs)
    assert has(await chat.text("1990-01-01"), "paused until")  # the fifth failure of this chat
