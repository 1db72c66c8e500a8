"""Verification limits that protect the debtor rather than lock them out (issue 10, item 6), the
lock notice that names a real account (issue 9, item 1) and "Talk to a person" before
verification that leads back to signing in (issue 11, item 3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flows_kit import Chat, Clock, buttons, find_button, has, link, make_flows, param, rows, seed
from loop_seed import outbox_rows

from bot.i18n import translator
from bot.notice_text import render_notice
from debt.policy import load_policy
from store.outbox_drain import Notice

DOB, WRONG = "1985-04-12", "1990-01-01"


@pytest.fixture
def clock():
    return Clock()


async def fail(flows, chat_id: int, typed_ref: str, times: int) -> Chat:
    """A chat that types a reference and then `times` wrong dates of birth."""
    chat = Chat(flows, chat_id=chat_id)
    await chat.cmd("start")
    await chat.text(typed_ref)
    for _ in range(times):
        await chat.text(WRONG)
    return chat


async def strangers_fail(flows, typed_ref: str, times: int = 10, first_chat: int = 900) -> None:
    """`times` wrong answers against a reference from strangers' chats, five a chat (each chat's
    own limit), as someone holding a letter would."""
    chat_id = first_chat
    while times > 0:
        await fail(flows, chat_id, typed_ref, min(times, 5))
        times -= 5
        chat_id += 1


async def notices(store) -> list[Notice]:
    return await outbox_rows(store)


# --- issue 9, item 1: the lock notice names the account ------------------------------------------
async def test_the_lock_notice_names_the_account_reference_and_stage(store, clock):
    ref = await seed(store, clock)
    flows = make_flows(store, clock)
    out = (await fail(flows, 42, ref, 5)).last
    assert has(out, "paused until")
    [notice] = await notices(store)
    payload = notice.payload.to_dict()
    assert notice.account_ref == ref and payload["account_ref"] == ref
    assert payload["stage"] == "M2" and payload["scope"] == "chat"
    text = render_notice(notice, "en", translator("en"))
    assert "Verification locked for account UK-0001 (M2)" in text and "a call could help" in text


async def test_the_lock_notice_names_the_account_of_a_deep_link(store, clock):
    ref = await seed(store, clock)
    chat = Chat(make_flows(store, clock))
    await chat.cmd("start", await link(store, clock, ref))
    for _ in range(5):
        out = await chat.text(WRONG)
    assert has(out, "paused until")
    [notice] = await notices(store)
    assert notice.account_ref == ref and notice.payload.to_dict()["stage"] == "M2"
    assert "UK-0001 (M2)" in render_notice(notice, "ru", translator("ru"))


async def test_the_lock_notice_for_an_unknown_reference_carries_nothing_more_than_before(store, clock):
    await seed(store, clock)
    flows = make_flows(store, clock)
    await fail(flows, 42, "UK-9999", 5)
    [notice] = await notices(store)
    assert notice.account_ref is None
    assert set(notice.payload.to_dict()) == {"kind", "chat_id", "scope", "until"}
    assert "UK-9999" not in notice.payload.to_json()
    assert render_notice(notice, "en", translator("en")).startswith("Verification locked: the chat after")


async def test_the_lock_reveals_nothing_to_the_person_typing_a_real_or_a_made_up_reference(store, clock):
    ref = await seed(store, clock)
    flows = make_flows(store, clock)
    real, made_up = await fail(flows, 1, ref, 5), await fail(flows, 2, "UK-9999", 5)
    assert [r.parts for r in real.last.replies] == [r.parts for r in made_up.last.replies]


# --- issue 10, item 6: the lockout is no weapon, and the link lasts until it verifies -------------
async def test_a_strangers_wrong_answers_do_not_lock_the_debtor_out_of_their_own_chat(store, clock):
    ref = await seed(store, clock)
    flows = make_flows(store, clock)
    debtor = Chat(flows, chat_id=42)
    await debtor.cmd("start")
    await debtor.text(ref)
    assert has(await debtor.text(DOB), "You are confirmed")
    await debtor.cmd("logout")
    clock.advance(hours=1)
    await strangers_fail(flows, ref, times=12)
    await debtor.cmd("start")
    await debtor.text(ref)
    assert has(await debtor.text(DOB), "You are confirmed")


async def test_a_strangers_wrong_answers_do_not_burn_or_block_the_debtors_link(store, clock):
    ref = await seed(store, clock)
    flows = make_flows(store, clock)
    token = await link(store, clock, ref)
    await strangers_fail(flows, ref, times=12)
    debtor = Chat(flows, chat_id=42)
    assert has(await debtor.cmd("start", token), "First, let us confirm it is you")
    assert has(await debtor.text(WRONG), "do not match")  # a slip of their own: asked again
    assert has(await debtor.text(DOB), "You are confirmed")


async def test_a_new_chat_waits_longer_after_each_failure_past_the_account_limit(store, clock):
    """A growing delay (15, 30, 60 ... minutes in the uk preset), not a day's lock for everyone."""
    ref = await seed(store, clock)
    flows = make_flows(store, clock)
    await strangers_fail(flows, ref, times=10)
    fresh = await fail(flows, 950, ref, 0)
    out = await fresh.text(DOB)  # even the right answer waits while the delay runs
    assert has(out, "paused until") and param(out, "paused until", "time") == "09:15"  # London = UTC
    clock.advance(minutes=16)
    await fresh.cmd("start")
    await fresh.text(ref)
    out = await fresh.text(WRONG)  # the eleventh failure: the next wait is twice as long
    assert has(out, "paused until") and param(out, "paused until", "time") == "09:46"
    clock.advance(minutes=31)
    await fresh.cmd("start")
    await fresh.text(ref)
    assert has(await fresh.text(DOB), "You are confirmed")  # within the hour, not the next day


async def test_the_account_delay_tells_the_collectors_once(store, clock):
    ref = await seed(store, clock)
    flows = make_flows(store, clock)
    await strangers_fail(flows, ref, times=10, first_chat=900)
    account_notices = [n for n in await notices(store) if n.payload.to_dict()["scope"] == "new_chats"]
    assert [n.account_ref for n in account_notices] == [ref]
    text = render_notice(account_notices[0], "en", translator("en"))
    assert "UK-0001 (M2)" in text and "the debtor's own chat and link still work" in text
    clock.advance(hours=1)
    await fail(flows, 960, ref, 1)
    assert len([n for n in await notices(store) if n.payload.to_dict()["scope"] == "new_chats"]) == 1


async def test_a_made_up_reference_is_slowed_exactly_like_a_real_one(store, clock):
    ref = await seed(store, clock)
    flows = make_flows(store, clock)
    for typed, first in ((ref, 900), ("UK-9999", 920)):
        await strangers_fail(flows, typed, times=10, first_chat=first)
        out = await (await fail(flows, first + 5, typed, 0)).text(WRONG)
        assert has(out, "paused until") and param(out, "paused until", "time") == "09:15", typed


async def test_each_chat_keeps_its_own_limit_even_with_the_debtors_link(store, clock):
    ref = await seed(store, clock)
    chat = Chat(make_flows(store, clock))
    await chat.cmd("start", await link(store, clock, ref))
    for _ in range(4):
        assert has(await chat.text(WRONG), "do not match")
    assert has(await chat.text(WRONG), "paused until")
    counted = await rows(store, "SELECT account_ref, ok FROM verify_attempts")
    assert counted == [{"account_ref": ref, "ok": 0}] * 5  # a wrong answer through a link counts


async def test_a_link_opened_once_without_verifying_still_works(store, clock):
    ref = await seed(store, clock)
    flows = make_flows(store, clock)
    token = await link(store, clock, ref)
    assert has(await Chat(flows, chat_id=7).cmd("start", token), "First, let us confirm it is you")
    debtor = Chat(flows, chat_id=42)
    assert has(await debtor.cmd("start", token), "First, let us confirm it is you")
    assert has(await debtor.text(DOB), "You are confirmed")
    # It has verified someone: now it is used up, for every chat.
    assert has(await Chat(flows, chat_id=8).cmd("start", token), "already been used")
    [spent] = await rows(store, "SELECT used_at FROM link_tokens")
    assert spent["used_at"] is not None


def test_the_account_delay_grows_and_stops_at_its_ceiling():
    rule = load_policy("uk").verification
    delays = [rule.account_delay(n) for n in range(8, 16)]
    minutes = [int(d / timedelta(minutes=1)) for d in delays]
    assert minutes == [0, 0, 15, 30, 60, 120, 240, 480]
    assert rule.account_delay(500) == timedelta(minutes=480)


# --- issue 11, item 3: "Talk to a person" before verification leads on ----------------------------
async def test_talk_to_a_person_before_verification_ends_with_a_way_back_to_signing_in(store, clock):
    await seed(store, clock)
    chat = Chat(make_flows(store, clock))
    await chat.cmd("start")
    out = await chat.press("person")
    assert has(out, "call the bank on") and has(out, "A person at the bank can help you")
    assert [b.data for b in buttons(out)] == ["cmd:start"]  # not the same offer again
    out = await chat.tap("Back to confirming who I am")
    assert has(out, "account reference")


async def test_talk_to_a_person_in_the_middle_of_a_link_goes_back_to_the_same_question(store, clock):
    ref = await seed(store, clock)
    chat = Chat(make_flows(store, clock))
    await chat.cmd("start", await link(store, clock, ref))
    out = await chat.press("person")
    back = find_button(out, "Back to confirming who I am")
    assert all(b.data != "person" for b in buttons(out))
    out = await chat.press(back.data)
    assert has(out, "date of birth")
    assert has(await chat.text(DOB), "You are confirmed")
    [spent] = await rows(store, "SELECT used_at FROM link_tokens")
    assert spent["used_at"] is not None  # the link it was opened with did the verifying
