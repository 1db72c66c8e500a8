"""Free text acted on: reading answers at once, anything that records is said back with Confirm
and "No, change it", nothing is recorded before the Confirm press, unclear slots are asked for."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flows_kit import Chat, Clock, buttons, find_button, has, make_flows, msgids, param, rows, seed, verified

from debt.money import Money

SUMMARY = "Promise: {amount} by {weekday}, {date}. Confirm?"


@pytest.fixture
def clock():
    return Clock()  # Sunday 1 March 2026, 09:00 UTC


def gbp(amount: str) -> Money:
    return Money(Decimal(amount), "GBP")


async def count(store, table: str) -> int:
    return len(await rows(store, f"SELECT * FROM {table}"))


async def test_a_typed_promise_is_said_back_and_recorded_only_by_the_confirm_press(store, clock):
    chat = await verified(make_flows(store, clock), await seed(store, clock))
    out = await chat.text("I can pay 300 on Friday")
    assert param(out, SUMMARY, "amount") == gbp("300")
    assert param(out, SUMMARY, "date") == date(2026, 3, 6)
    assert param(out, SUMMARY, "weekday").msgid == "Friday"
    assert await count(store, "promises") == 0
    out = await chat.text("yes")  # typing is not pressing: the summary again, nothing recorded
    assert has(out, "please press Confirm") and await count(store, "promises") == 0
    out = await chat.tap("Confirm")
    assert has(out, "is recorded")
    [promise] = await rows(store, "SELECT amount, due_date FROM promises")
    assert promise == {"amount": "300.00", "due_date": "2026-03-06"}


async def test_no_change_it_costs_one_tap_and_records_nothing(store, clock):
    chat = await verified(make_flows(store, clock), await seed(store, clock))
    await chat.text("I'll pay half tomorrow")
    assert param(chat.last, SUMMARY, "amount") == gbp("1200.00")  # half of 2,400.00 owed
    out = await chat.tap("No, change it")
    assert has(out, "How much will you pay?") and await count(store, "promises") == 0


async def test_next_friday_typed_at_the_date_step(store, clock):
    chat = await verified(make_flows(store, clock), await seed(store, clock))
    await chat.cmd("promise")
    await chat.text("50")
    out = await chat.text("next Friday")
    assert param(out, SUMMARY, "date") == date(2026, 3, 6)  # Sunday 1 March: next week's Friday
    out = await chat.tap("Confirm")
    assert [r["due_date"] for r in await rows(store, "SELECT due_date FROM promises")] == ["2026-03-06"]


async def test_an_ambiguous_date_or_amount_is_asked_for_never_guessed(store, clock):
    chat = await verified(make_flows(store, clock), await seed(store, clock))
    out = await chat.text("I can pay 300 on 03/04")
    assert has(out, "I could not tell which day you mean") and has(out, "By which date will you pay")
    assert param(out, "By which date", "amount") == gbp("300")
    await chat.cmd("menu")
    out = await chat.text("I can pay 1.500 on Friday")
    assert has(out, "I could not tell the amount for sure") and has(out, "How much will you pay?")
    assert await count(store, "promises") == 0


async def test_a_date_outside_the_policy_is_refused_with_its_reason(store, clock):
    chat = await verified(make_flows(store, clock), await seed(store, clock))
    out = await chat.text("I will pay 100 on 20 May")
    assert has(out, "That date is too far ahead") and has(out, "By which date will you pay")
    assert await count(store, "promises") == 0


@pytest.mark.parametrize("typed, window, day", [("call me tomorrow after 6", "evening", "2026-03-02"),
                                                ("please call me in the morning", "morning", ""),
                                                ("call me today in the afternoon", "afternoon", "")])
async def test_a_call_back_is_said_back_then_recorded_with_its_day(store, clock, typed, window, day):
    chat = await verified(make_flows(store, clock), await seed(store, clock))
    out = await chat.text(typed)
    when = f"on {{date}} in the {window}" if day else f"in the {window}"
    assert has(out, f"will call you {when}. Confirm?") and await count(store, "cases") == 0
    out = await chat.tap("Confirm")
    assert has(out, f"will call you {when}.")
    [case] = await rows(store, "SELECT kind, reason, detail FROM cases")
    assert case == {"kind": "callback", "reason": window, "detail": day}
    [notice] = await rows(store, "SELECT payload FROM outbox WHERE kind = 'callback'")
    assert (f'"day": "{day}"' in notice["payload"]) if day else ('"day"' not in notice["payload"])


async def test_a_time_typed_at_the_call_back_step_is_said_back(store, clock):
    chat = await verified(make_flows(store, clock), await seed(store, clock))
    await chat.cmd("callback")
    out = await chat.text("in the evening please")
    assert has(out, "in the evening. Confirm?") and await count(store, "cases") == 0


async def test_stopping_reminders_waits_for_confirm(store, clock):
    chat = await verified(make_flows(store, clock), await seed(store, clock))
    out = await chat.text("stop texting me")
    assert has(out, "Stop reminders") and await count(store, "outbox") == 0
    [before] = await rows(store, "SELECT opted_out FROM chats")
    assert before["opted_out"] == 0
    out = await chat.tap("Confirm")
    assert has(out, "I will not send you messages you did not ask for")
    [after] = await rows(store, "SELECT opted_out FROM chats")
    assert after["opted_out"] == 1
    assert [n["kind"] for n in await rows(store, "SELECT kind FROM outbox")] == ["opt_out"]


@pytest.mark.parametrize("typed, kind, reason", [("this isn't my debt", "dispute", "not_mine"),
                                                 ("I already paid this", "dispute", "already_paid"),
                                                 ("I lost my job", "hardship", "job_loss"),
                                                 ("I'm sick, in hospital", "hardship", "illness")])
async def test_disputes_and_hardship_are_said_back_with_their_reason(store, clock, typed, kind, reason):
    chat = await verified(make_flows(store, clock), await seed(store, clock))
    out = await chat.text(typed)
    assert has(out, "Confirm?") and await count(store, "cases") == 0
    await chat.tap("Confirm")
    [case] = await rows(store, "SELECT kind, reason, detail FROM cases")
    assert (case["kind"], case["reason"]) == (kind, reason)
    if kind == "dispute":
        assert case["detail"] == typed  # the collectors read the debtor's own words


async def test_a_dispute_without_a_reason_asks_for_it_with_the_buttons(store, clock):
    chat = await verified(make_flows(store, clock), await seed(store, clock))
    out = await chat.text("I want to dispute this")
    assert has(out, "What is wrong with this debt?") and find_button(out, "This debt is not mine")
    out = await chat.text("I never had this card")
    assert has(out, "Dispute:") and param(out, "Dispute:", "reason").msgid == "This debt is not mine"


@pytest.mark.parametrize("typed, shown", [("what's my balance", "Total outstanding: {amount}"),
                                          ("how do I pay?", "How to pay")])
async def test_reading_intents_answer_at_once(store, clock, typed, shown):
    chat = await verified(make_flows(store, clock), await seed(store, clock))
    out = await chat.text(typed)
    assert any(shown in m for m in msgids(out)), msgids(out)


async def test_nothing_understood_says_what_the_bot_can_do_with_the_buttons(store, clock):
    chat = await verified(make_flows(store, clock), await seed(store, clock))
    out = await chat.text("the weather is nice")
    assert has(out, "I can show your balance") and has(out, "I can pay 50 on Friday")
    assert {b.data for b in buttons(out)} >= {"cmd:balance", "cmd:promise", "person"}


async def test_spanish_typed_at_the_menu(store, clock):
    ref = await seed(store, clock, locale="es-ES")
    chat = await verified(make_flows(store, clock), ref, language_code="es")
    out = await chat.text("puedo pagar 1.250,50 el viernes")
    assert param(out, SUMMARY, "amount") == gbp("1250.50")
    assert param(out, SUMMARY, "date") == date(2026, 3, 6)


async def test_before_verification_nothing_is_read_but_who_you_are(store, clock):
    ref = await seed(store, clock)
    chat = Chat(make_flows(store, clock))
    out = await chat.text("how much do I owe? I can pay 300 on Friday")
    assert has(out, "please confirm who you are first") and not has(out, "Total outstanding")
    assert "2,400" not in str([t for t in msgids(out)]) and await count(store, "promises") == 0
    await chat.text(ref)
    out = await chat.text("1985-04-12")
    assert has(out, "You are confirmed")
    assert has(out, "How much will you pay?")  # then the promise asks, from the start


async def test_a_guest_can_stop_reminders_with_confirm(store, clock):
    chat = Chat(make_flows(store, clock))
    out = await chat.text("stop sending me messages")
    assert has(out, "Stop reminders")
    await chat.tap("Confirm")
    [row] = await rows(store, "SELECT opted_out FROM chats")
    assert row["opted_out"] == 1


async def test_a_language_named_inside_a_step_asks_that_step_again_in_it(store, clock):
    chat = await verified(make_flows(store, clock), await seed(store, clock))
    await chat.cmd("promise")
    out = await chat.text("en español por favor")
    assert out.locale == "es" and has(out, "How much will you pay?")
    out = await chat.text("la mitad")  # still at the amount step, read in Spanish
    assert param(out, "By which date will you pay", "amount") == gbp("1200.00")
