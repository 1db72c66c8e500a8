"""The reference step hears sentences: a greeting or text no reference could be is answered, and
only text written like a reference is taken as one (known or not, the same way)."""

from __future__ import annotations

import pytest
from flows_kit import Chat, Clock, has, make_flows, msgids, rows, seed

ASK_REF = "Please type the account reference"
NOT_A_REF = "That does not look like an account reference"
ASK_DOB = "Please type your date of birth"


@pytest.fixture
def clock():
    return Clock()


async def _at_ref_step(store, clock, language_code: str = "en") -> tuple[Chat, str]:
    ref = await seed(store, clock)
    chat = Chat(make_flows(store, clock), chat_id=7, language_code=language_code)
    assert has(await chat.cmd("start"), ASK_REF)
    return chat, ref


@pytest.mark.parametrize("greeting", ["привет", "hello", "你好", "Hola!"])
async def test_a_greeting_at_the_reference_step_is_greeted_and_the_reference_asked_again(
    store, clock, greeting
):
    chat, ref = await _at_ref_step(store, clock)
    out = await chat.text(greeting)
    assert has(out, "Hello.") and has(out, ASK_REF) and not has(out, ASK_DOB)
    assert has(await chat.text(ref), ASK_DOB)  # still at the step: the reference goes on


@pytest.mark.parametrize("text", ["не знаю номер", "BN 0000 0001", "мой номер 12345"])
async def test_text_no_reference_could_be_is_told_so_and_asked_again(store, clock, text):
    chat, _ = await _at_ref_step(store, clock, "ru")
    out = await chat.text(text)
    assert has(out, NOT_A_REF) and has(out, ASK_REF) and not has(out, ASK_DOB)


async def test_asking_for_a_person_at_the_reference_step_gets_the_banks_number(store, clock):
    chat, _ = await _at_ref_step(store, clock)
    out = await chat.text("I want to talk to a person")
    assert has(out, "A person at the bank can help you by phone.") and not has(out, ASK_DOB)


@pytest.mark.parametrize("typed", ["ZZ-404", "HELLO2", "abcdef"])
async def test_text_written_like_a_reference_goes_on_to_the_factor_known_or_not(store, clock, typed):
    # Each could be a reference: it is treated as one, like any unknown reference, so the reply
    # never tells which references exist.
    chat, ref = await _at_ref_step(store, clock)
    unknown = await chat.text(typed)
    chat, ref = await _at_ref_step(store, clock)
    known = await chat.text(ref)
    assert has(unknown, ASK_DOB) and has(known, ASK_DOB)
    assert msgids(unknown) == msgids(known)


async def test_a_reference_typed_in_another_case_is_the_banks_reference(store, clock):
    # A phone keyboard may type "uk-0001" for the letter's "UK-0001": the same account.
    chat, ref = await _at_ref_step(store, clock)
    assert has(await chat.text(ref.lower()), ASK_DOB)
    assert has(await chat.text("1985-04-12"), "You are confirmed")
    [attempt] = await rows(store, "SELECT account_ref FROM verify_attempts")
    assert attempt["account_ref"] == ref  # counted against the account, whichever case was typed


async def test_references_that_differ_only_in_case_are_told_apart_by_the_exact_one(store, clock):
    ref = await seed(store, clock)
    other = await seed(store, clock, account_ref=ref.lower(), date_of_birth="1990-01-01")
    chat = Chat(make_flows(store, clock), chat_id=8)
    await chat.cmd("start")
    await chat.text(other)
    assert has(await chat.text("1990-01-01"), "You are confirmed")  # the lower-case one, as typed
    chat = Chat(make_flows(store, clock), chat_id=9)
    await chat.cmd("start")
    await chat.text("Uk-0001")  # neither exactly, and two in another case: not guessed
    assert has(await chat.text("1985-04-12"), "do not match our records")
