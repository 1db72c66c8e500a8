"""Issue 10, item 10: under the US policy every unprompted message, and the first message after
verification, says "This is an attempt to collect a debt...", in the debtor's language; the
policy names the statement (present in the us preset, absent in cn and uk)."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from flows_kit import Chat, Clock, make_flows, msgids, seed
from loop_seed import add_account, add_promise, bind_chat
from test_ops_unprompted_rules import CN, DUE, Phone, broken_overnight, shanghai

from bot.jobs import telegram_sender
from debt.policy import DISCLOSURES, PolicyError, load_policy, parse_policy
from flows.disclosure import STATEMENTS
from ops.reminders import deliver, due_reminders

DISCLOSURE = "This is an attempt to collect a debt. Any information obtained will be used for that purpose."
ROOT = Path(__file__).resolve().parent.parent
US_RULES = load_policy("us")
# The us rules with the test accounts' zone, so that the same Shanghai clock fits contact hours.
US = replace(US_RULES, contact=replace(US_RULES.contact, default_timezone="Asia/Shanghai"))


def test_the_us_preset_names_the_disclosure_and_cn_and_uk_do_not():
    assert US_RULES.disclosure == "attempt_to_collect"
    assert CN.disclosure is None and load_policy("uk").disclosure is None
    assert set(DISCLOSURES) == set(STATEMENTS)
    assert STATEMENTS["attempt_to_collect"] == DISCLOSURE
    example = (ROOT / "deploy" / "policy.example.toml").read_text("utf-8")
    assert "disclosure" in example and "attempt_to_collect" in example


def test_an_unknown_disclosure_is_refused_naming_the_key():
    data = tomllib.loads((ROOT / "debt" / "presets" / "us.toml").read_text("utf-8"))
    data["disclosure"] = "mini_miranda"
    with pytest.raises(PolicyError, match="disclosure: must be one of attempt_to_collect"):
        parse_policy(data, "test")


async def test_us_reminder_and_broken_promise_message_carry_the_disclosure(store):
    await add_account(store, "A-1")
    await bind_chat(store, 101, "A-1")
    await add_promise(store, "A-1", "300.00", DUE)
    phone = Phone()
    now = shanghai(9, 10)
    await deliver(store, telegram_sender(phone), await due_reminders(store, US, now), lambda: now)
    broken = (await broken_overnight(store, US)).messages
    await deliver(store, telegram_sender(phone), broken, lambda: shanghai(15, 9))
    [reminder, broken] = phone.texts[101]
    for text in (reminder, broken):
        assert DISCLOSURE in text and text.endswith("Reply /stop to stop these reminders.")


async def test_cn_unprompted_messages_carry_no_disclosure(store):
    await add_account(store, "A-1")
    await bind_chat(store, 101, "A-1")
    await add_promise(store, "A-1", "300.00", DUE)
    phone = Phone()
    due = await due_reminders(store, CN, shanghai(9, 10))
    await deliver(store, telegram_sender(phone), due, lambda: shanghai(9, 10))
    assert "Reply /stop" in phone.texts[101][0] and "attempt to collect" not in phone.texts[101][0]


async def test_us_disclosure_is_translated_in_the_debtors_language(store):
    await add_account(store, "A-1", locale="es-US")
    await bind_chat(store, 101, "A-1", locale="es")
    await add_promise(store, "A-1", "300.00", DUE)
    phone = Phone()
    due = await due_reminders(store, US, shanghai(9, 10))
    await deliver(store, telegram_sender(phone), due, lambda: shanghai(9, 10))
    assert "Este es un intento de cobrar una deuda." in phone.texts[101][0]


async def first_words_after_verification(store, policy: str, **changes: str) -> list[str]:
    clock = Clock()
    ref = await seed(store, clock, **changes)
    chat = Chat(make_flows(store, clock, policy=policy), chat_id=301)
    await chat.cmd("start")
    await chat.text(ref)
    return msgids(await chat.text("1985-04-12"))


async def test_us_first_message_after_verification_carries_the_disclosure(store):
    said = await first_words_after_verification(store, "us", currency="USD", timezone="America/New_York")
    confirmed = next(i for i, m in enumerate(said) if "You are confirmed" in m)
    assert said[confirmed + 1] == DISCLOSURE  # right after "You are confirmed", before the debt


async def test_uk_verification_says_no_disclosure(store):
    said = await first_words_after_verification(store, "uk")
    assert any("You are confirmed" in m for m in said) and DISCLOSURE not in said
