"""/language chosen in the middle of a step: the confirmation is followed by that step asked
again, in the new language, with its buttons (the ones already on screen still work); at no
step the menu follows, as before. One mechanism for every step: flows.engine.ASK_AGAIN."""

from __future__ import annotations

import pytest
from flows_kit import Chat, Clock, buttons, find_button, has, make_flows, rows, seed, verified
from test_console_edges import leave, numbered, signed_in

from bot.i18n import translator
from bot.render import body
from flows import engine

DONE = "Done. I will write to you in English."  # said in the chosen language
MENU = "What would you like to do?"


@pytest.fixture
def clock():
    return Clock()


async def _chat(store, clock) -> Chat:
    return await verified(make_flows(store, clock), await seed(store, clock))


async def _choose(chat: Chat, code: str):
    """/language, then the language's button: the answer to the press."""
    await chat.cmd("language")
    return await chat.press(f"lang:{code}")


def _said(outcome) -> str:
    """The answer as the person reads it, in the outcome's language."""
    tr = translator(outcome.locale)
    return "\n\n".join(body(reply, outcome.locale, tr) for reply in outcome.replies)


async def test_choosing_a_language_mid_promise_asks_the_amount_again_in_that_language(store, clock):
    chat = await _chat(store, clock)
    asked = await chat.cmd("promise")
    out = await _choose(chat, "ru")
    assert has(out, DONE) and has(out, "How much will you pay?") and not has(out, MENU)
    assert [b.data for b in buttons(out)] == [b.data for b in buttons(asked)]  # the same step, same buttons
    assert out.locale == "ru" and out.commands_locale == "ru"
    said = _said(out)
    assert said.startswith("Готово. Теперь я буду писать вам по-русски.")
    assert "Какую сумму вы внесёте?" in said

    out = await chat.text("250")  # still the amount, not a menu choice
    assert has(out, "By which date will you pay {amount}?")


async def test_choosing_a_language_mid_verification_asks_the_date_of_birth_again(store, clock):
    flows = make_flows(store, clock)
    ref = await seed(store, clock)
    chat = Chat(flows)
    await chat.cmd("start")
    await chat.text(ref)
    out = await _choose(chat, "zh_Hans")
    assert has(out, DONE) and has(out, "Please type your date of birth, for example {example} or {iso}.")
    assert not has(out, "To see your account, first confirm who you are.")
    assert any(reply.ask_contact for reply in out.replies)  # the phone-number button too
    assert "请输入您的出生日期" in _said(out)

    out = await chat.text("1985-04-12")  # still the date of birth, for the reference already given
    assert has(out, "Thank you, {name}. You are confirmed.")


async def test_choosing_a_language_before_the_reference_asks_the_reference_again(store, clock):
    chat = Chat(make_flows(store, clock))
    await chat.cmd("start")
    out = await _choose(chat, "es")
    assert has(out, DONE)
    assert has(out, "Please type the account reference from the bank's letter or text message.")
    assert not has(out, "To see your account, first confirm who you are.")


async def test_choosing_a_language_at_a_plan_confirmation_asks_to_confirm_the_plan_again(store, clock):
    chat = await _chat(store, clock)
    await chat.cmd("plans")
    shown = await chat.tap("Pay in full")
    confirm = find_button(shown, "Confirm this plan")
    out = await _choose(chat, "ru")
    assert has(out, DONE) and has(out, "Do you want this plan?") and not has(out, MENU)
    assert find_button(out, "Confirm this plan").data == confirm.data
    assert "Выбрать этот вариант?" in _said(out)

    await chat.press(confirm.data)  # the button shown before the switch still confirms it
    assert len(await rows(store, "SELECT id FROM arrangements")) == 1


async def test_choosing_a_language_at_the_plans_list_shows_the_list_again(store, clock):
    chat = await _chat(store, clock)
    await chat.cmd("plans")
    out = await _choose(chat, "es")
    assert has(out, DONE) and has(out, "These are the ways you can repay:") and not has(out, MENU)


async def test_choosing_a_language_in_the_callback_time_picker_asks_the_time_again(store, clock):
    chat = await _chat(store, clock)
    await chat.cmd("callback")
    out = await _choose(chat, "zh_Hans")
    assert has(out, DONE) and has(out, "A person from the bank can call you. When suits you best?")
    assert not has(out, MENU)
    assert "银行工作人员可以给您回电。您什么时间方便？" in _said(out)

    out = await chat.tap("In the morning")  # the picker's button, pressed after the switch
    assert has(out, "Thank you. A person from the bank will call you in the morning.")
    assert len(await rows(store, "SELECT id FROM cases WHERE kind = 'callback'")) == 1


@pytest.mark.parametrize(("command", "question"), [
    ("dispute", "What is wrong with this debt?"),
    ("hardship", "I am sorry things are hard. What has changed?"),
])
async def test_choosing_a_language_at_a_reason_picker_asks_the_reason_again(store, clock, command, question):
    chat = await _chat(store, clock)
    await chat.cmd(command)
    out = await _choose(chat, "id")
    assert has(out, DONE) and has(out, question) and not has(out, MENU)


async def test_choosing_a_language_at_the_dispute_details_asks_for_them_again(store, clock):
    chat = await _chat(store, clock)
    await chat.cmd("dispute")
    await chat.tap("already paid")
    out = await _choose(chat, "zh_Hant")
    assert has(out, DONE) and has(out, "Please tell us in a few words what happened, or press Skip.")
    await chat.tap("Skip")
    assert len(await rows(store, "SELECT id FROM cases WHERE kind = 'dispute'")) == 1


async def test_choosing_a_language_at_the_menu_still_shows_the_menu(store, clock):
    chat = await _chat(store, clock)
    out = await _choose(chat, "ru")
    assert has(out, DONE) and has(out, MENU) and out.commands_locale == "ru"


def test_every_step_that_waits_for_an_answer_can_be_asked_again():
    """A new step that forgets to register its question fails here, not in a user's chat."""
    waiting = set(engine.BUTTONS) | set(engine.TEXTS)
    assert waiting <= set(engine.ASK_AGAIN), waiting - set(engine.ASK_AGAIN)


async def test_demo_language_chosen_mid_promise_asks_the_amount_again_and_takes_the_amount(tmp_path):
    """The demo through stdin: after the switch the digits are the amount step's, and 250 is
    read as the amount, not as a menu button."""
    terminal = await signed_in(tmp_path)
    await terminal.type("/promise")
    said = await terminal.type(numbered(await terminal.type("/language"))["Русский"])
    assert "Готово. Теперь я буду писать вам по-русски." in said
    assert "Какую сумму вы внесёте?" in said and "Что вы хотели бы сделать?" not in said
    assert any(label.startswith("Просроченная задолженность") for label in numbered(said))

    said = await terminal.type("250")
    assert "К какой дате вы внесёте 250,00" in said
    await leave(terminal)


async def test_choosing_a_language_at_a_plan_that_has_changed_since_shows_it_as_it_stands(store, clock):
    chat = await _chat(store, clock)
    await chat.cmd("plans")
    await chat.tap("Pay in full")
    clock.advance(days=1)  # a new day moves the plan's dates
    out = await _choose(chat, "es")
    assert has(out, DONE) and has(out, "Your account has changed, so the plan has too. Here it is as it "
                                       "stands now.")
    assert has(out, "Do you want this plan?")
    await chat.tap("Confirm this plan")  # the plan as it stands now is the one confirmed
    assert len(await rows(store, "SELECT id FROM arrangements")) == 1
