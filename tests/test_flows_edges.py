"""Issue 11 items 1 and 3, issue 10 item 12: the edges of a verified debtor's conversation.

Stray input inside a step asks that step again with its buttons (and the buttons already on
screen keep working); "yes"/"no" typed in the debtor's language answer a confirmation; every
answer ends with a way on; "Talk to a person" is on the language menu and after /stop, /resume.
"""

from __future__ import annotations

import pytest
from flows_kit import Chat, Clock, buttons, has, make_flows, promise_asked, rows, seed, verified

from flows.menus import PERSON

MENU_BUTTON = "menu"  # the Menu button's data (flows.menus.MENU_BUTTON)


@pytest.fixture
def clock():
    return Clock()


async def _chat(store, clock) -> Chat:
    return await verified(make_flows(store, clock), await seed(store, clock))


async def _in_language(chat: Chat, code: str) -> None:
    await chat.cmd("language")
    await chat.press(f"lang:{code}")


async def _promises(store) -> list[dict]:
    return await rows(store, "SELECT amount, due_date, status FROM promises")


# --- 11.1 stray input drops the flow ----------------------------------------------------------
async def test_stray_input_in_the_callback_time_picker_asks_the_time_again(store, clock):
    chat = await _chat(store, clock)
    first = await chat.cmd("callback")
    morning = next(b for b in buttons(first) if b.data.endswith("win:morning"))
    out = await chat.text("🙂")
    assert not has(out, "Please use the buttons or a command")
    assert has(out, "did not understand") and has(out, "When suits you best?")
    assert any(b.data.endswith("win:evening") for b in buttons(out))
    # The buttons already on screen still work: nothing was dropped.
    out = await chat.press(morning.data)
    assert has(out, "will call you in the morning")
    assert await rows(store, "SELECT kind, reason FROM cases") == [{"kind": "callback", "reason": "morning"}]


async def test_stray_input_at_the_promise_confirmation_asks_again_and_a_typed_yes_confirms(store, clock):
    chat = await _chat(store, clock)
    await promise_asked(chat)
    out = await chat.text("hmm, maybe")
    assert has(out, "did not understand") and has(out, "Is that right?")
    assert {b.label.msgid for b in buttons(out)} >= {"Yes, I promise", "Change it"}
    assert await _promises(store) == []
    out = await chat.text("Yes!")
    assert has(out, "Your promise to pay")
    assert await _promises(store) == [{"amount": "50.00", "due_date": "2026-03-05", "status": "pending"}]


async def test_a_typed_no_at_the_promise_confirmation_asks_the_amount_again(store, clock):
    chat = await _chat(store, clock)
    await promise_asked(chat)
    out = await chat.text("no")
    assert has(out, "How much will you pay?")
    assert await _promises(store) == []


@pytest.mark.parametrize(("code", "yes"), [("ru", "Да"), ("zh_Hans", "是的"), ("es", "sí"),
                                           ("zh_Hant", "確認"), ("pt_BR", "Sim"), ("id", "ya")])
async def test_yes_typed_in_the_debtors_language_confirms_a_promise(store, clock, code, yes):
    chat = await _chat(store, clock)
    await _in_language(chat, code)
    await promise_asked(chat)
    out = await chat.text(yes)
    assert has(out, "Your promise to pay"), code
    assert len(await _promises(store)) == 1


async def test_stray_input_at_the_plan_confirmation_asks_again_and_typed_yes_or_no_answer(store, clock):
    chat = await _chat(store, clock)
    await chat.cmd("plans")
    await chat.tap("Pay in full")
    out = await chat.text("🤔")
    assert has(out, "did not understand") and has(out, "Do you want this plan?")
    assert any(b.label.msgid == "Confirm this plan" for b in buttons(out))
    out = await chat.text("no")
    assert has(out, "These are the ways you can repay")
    await chat.tap("Pay in full")
    out = await chat.text("OK")
    assert has(out, "Your plan is set up")
    assert len(await rows(store, "SELECT id FROM arrangements")) == 1


async def test_stray_input_at_the_plans_list_and_the_dispute_and_hardship_reasons_asks_again(store, clock):
    chat = await _chat(store, clock)
    for command, question in (("plans", "These are the ways you can repay"),
                              ("dispute", "What is wrong with this debt?"),
                              ("hardship", "What has changed?")):
        await chat.cmd(command)
        out = await chat.text("👍")
        assert has(out, "did not understand") and has(out, question), command
        assert not has(out, "What would you like to do?"), command


async def test_stray_input_at_the_dispute_text_asks_again_and_skip_still_works(store, clock):
    chat = await _chat(store, clock)
    await chat.cmd("dispute")
    await chat.tap("already paid")
    out = await chat.text("😡😡")
    assert has(out, "Please type a few words, or press Skip.")
    assert await rows(store, "SELECT id FROM cases") == []
    out = await chat.text("Skip")
    assert has(out, "Your dispute is recorded")
    assert await rows(store, "SELECT detail FROM cases") == [{"detail": ""}]


async def test_stray_amount_text_asks_the_amount_again_and_its_first_buttons_still_work(store, clock):
    chat = await _chat(store, clock)
    first = await chat.cmd("promise")
    overdue = next(b for b in buttons(first) if b.data.endswith("amt:overdue"))
    out = await chat.text("🙂")
    assert has(out, "I could not read that amount") and has(out, "How much will you pay?")
    out = await chat.press(overdue.data)
    assert has(out, "By which date will you pay")


async def test_menu_typed_inside_a_step_leaves_it_for_the_menu(store, clock):
    chat = await _chat(store, clock)
    await chat.cmd("dispute")
    await chat.tap("already paid")
    out = await chat.text("cancel")  # not the dispute's details: the way out of the step
    assert has(out, "What would you like to do?")
    assert await rows(store, "SELECT id FROM cases") == []


# --- 11.3 dead ends -----------------------------------------------------------------------------
async def test_the_plans_list_has_back_and_menu_buttons(store, clock):
    chat = await _chat(store, clock)
    out = await chat.cmd("plans")
    data = {b.data for b in buttons(out)}
    assert {"cmd:balance", MENU_BUTTON, PERSON} <= data
    assert any(b.label.msgid == "Back" for b in buttons(out))
    out = await chat.press(MENU_BUTTON)
    assert has(out, "What would you like to do?")


async def test_after_choosing_a_language_the_menu_follows(store, clock):
    chat = await _chat(store, clock)
    await chat.cmd("language")
    out = await chat.press("lang:ru")
    assert has(out, "Done. I will write to you in English.") and has(out, "What would you like to do?")
    assert "cmd:balance" in {b.data for b in buttons(out)}
    assert out.commands_locale == "ru"


async def test_every_reply_after_verification_ends_with_a_way_on(store, clock):
    chat = await _chat(store, clock)
    steps = [("cmd", "balance"), ("cmd", "next"), ("cmd", "plans"), ("cmd", "pay"), ("cmd", "promise"),
             ("cmd", "callback"), ("text", "🙂"), ("cmd", "help"), ("cmd", "stop"), ("cmd", "resume"),
             ("cmd", "language"), ("press", "lang:en"), ("cmd", "dispute"), ("tap", "not mine"),
             ("text", "skip"), ("cmd", "dispute"), ("cmd", "hardship"), ("tap", "lost my job"),
             ("cmd", "callback"), ("tap", "In the evening"), ("cmd", "callback"), ("cmd", "nonsense")]
    for kind, value in steps:
        out = await {"cmd": chat.cmd, "text": chat.text, "press": chat.press, "tap": chat.tap}[kind](value)
        assert out.replies and out.replies[-1].buttons, (kind, value, [r.parts for r in out.replies])


# --- 10.12 talk to a person everywhere -----------------------------------------------------------
async def test_talk_to_a_person_is_on_the_language_menu_and_after_stop_and_resume(store, clock):
    chat = await _chat(store, clock)
    for command in ("language", "stop", "resume"):
        out = await chat.cmd(command)
        assert PERSON in {b.data for b in buttons(out)}, command


async def test_talk_to_a_person_is_on_the_language_menu_before_verification(store, clock):
    chat = Chat(make_flows(store, clock))
    out = await chat.cmd("language")
    assert PERSON in {b.data for b in buttons(out)}


async def test_skip_and_cancel_typed_as_commands_answer_the_step(store, clock):
    chat = await _chat(store, clock)
    await chat.cmd("dispute")
    await chat.tap("already paid")
    out = await chat.cmd("skip")  # Telegram sends "/skip" as a command, not as text
    assert has(out, "Your dispute is recorded")
    assert await rows(store, "SELECT detail FROM cases") == [{"detail": ""}]
    await chat.cmd("hardship")
    out = await chat.cmd("cancel")
    assert has(out, "What would you like to do?") and not has(out, "I do not know that command")
    assert await rows(store, "SELECT kind FROM cases") == [{"kind": "dispute"}]
