"""Issue 11 item 2 (say why) and issue 9 item 5 (sentences): refusals that give their reason,
counts through the catalogs' plural forms, the call-back window in a sentence, typed keywords
in every language, and the Traditional Chinese command menu."""

from __future__ import annotations

import json

import pytest
from e2e_harness import texts, with_buttons
from flows_kit import Chat, Clock, has, make_flows, rows, seed, verified

from bot.i18n import translator
from bot.render import render_plain
from bot.telegram_app import register_commands
from flows import keywords
from flows.languages import SUPPORTED_LOCALES
from flows.types import Outcome


@pytest.fixture
def clock():
    return Clock()


def read(outcome: Outcome) -> str:
    """What the person reads, in the chat's language."""
    tr = translator(outcome.locale)
    return "\n\n".join(render_plain(reply, outcome.locale, tr) for reply in outcome.replies)


async def _chat(store, clock, code: str = "en") -> Chat:
    chat = await verified(make_flows(store, clock), await seed(store, clock))
    if code != "en":
        await chat.cmd("language")
        await chat.press(f"lang:{code}")
    return chat


async def _at_the_date(chat: Chat) -> None:
    await chat.cmd("promise")
    await chat.text("50")


# --- 11.2 say why -------------------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["-500", "0", "0.00"])
async def test_say_why_an_amount_of_zero_or_less_must_be_more_than_zero(store, clock, typed):
    chat = await _chat(store, clock)
    await chat.cmd("promise")
    out = await chat.text(typed)
    said = read(out)
    assert "The amount must be more than zero" in said and "How much will you pay?" in said
    assert "I could not read that amount" not in said


async def test_say_why_february_31_is_refused_february_has_no_31st(store, clock):
    chat = await _chat(store, clock)
    await _at_the_date(chat)
    said = read(await chat.text("2027-02-31"))
    assert "February 2027 has only 28 days, so there is no day 31." in said
    assert "By which date will you pay" in said


async def test_say_why_an_impossible_date_names_the_month_in_russian_and_chinese(store, clock):
    chat = await _chat(store, clock, "ru")
    await _at_the_date(chat)
    said = read(await chat.text("31.02.2027"))  # the way Russian writes dates
    assert "февраль 2027\u202fг. — это всего 28 дней, 31-го числа в нём нет." in said
    said = read(await chat.text("2027-01-32"))
    assert "январь 2027\u202fг. — это всего 31 день, 32-го числа в нём нет." in said  # the "one" plural form
    await chat.cmd("language")
    await chat.press("lang:zh_Hans")
    said = read(await chat.text("2027/2/30"))
    assert "无法识别这个日期：2027年2月只有28天，没有30日。" in said


async def test_say_why_a_thirteenth_month_is_refused(store, clock):
    chat = await _chat(store, clock)
    await _at_the_date(chat)
    assert "a year has 12 months, so there is no month 13" in read(await chat.text("2027-13-01"))


# --- 9.5 sentences --------------------------------------------------------------------------------
async def test_sentences_impossible_date_counts_days_through_the_plural_catalog(store, clock):
    chat = await _chat(store, clock)
    await _at_the_date(chat)
    out = await chat.text("2027-02-30")
    counted = [t for r in out.replies for t in r.parts if t.plural is not None]
    assert counted and counted[0].n == 28


@pytest.mark.parametrize(("code", "expected"), [
    ("en", "Thank you. A person from the bank will call you in the morning."),
    ("ru", "Спасибо. Сотрудник банка позвонит вам утром."),
    ("zh_Hans", "谢谢。银行工作人员将在上午给您回电。"),
    ("es", "Gracias. Un asesor del banco lo llamará por la mañana."),
])
async def test_sentences_the_callback_confirmation_names_the_window_in_a_sentence(store, clock, code,
                                                                                  expected):
    chat = await _chat(store, clock, code)
    await chat.cmd("callback")
    said = read(await chat.tap("In the morning"))
    assert expected in said
    assert ": In the morning" not in said


@pytest.mark.parametrize("code", SUPPORTED_LOCALES)
async def test_sentences_skip_typed_in_every_language_opens_the_dispute_without_details(store, clock, code):
    chat = await _chat(store, clock, code)
    skip = translator(code).gettext(keywords.SKIP).split(",")[0].strip()
    if code != "en":
        assert skip != "skip", f"{code} has no word of its own for skip"
    await chat.cmd("dispute")
    await chat.tap("already paid")
    out = await chat.text(skip.upper())  # matched whatever the case
    assert has(out, "Your dispute is recorded")
    assert await rows(store, "SELECT detail FROM cases") == [{"detail": ""}]


@pytest.mark.parametrize("code", [c for c in SUPPORTED_LOCALES if c != "en"])
def test_sentences_every_typed_keyword_has_words_in_every_catalog(code):
    tr = translator(code)
    for keyword in (keywords.YES, keywords.NO, keywords.SKIP, keywords.MENU):
        assert tr.gettext(keyword) != keyword, (code, keyword)


class _RecordingBot:
    def __init__(self) -> None:
        self.calls: list[dict] = []

    async def set_my_commands(self, commands, **kwargs) -> bool:
        self.calls.append({"commands": {c.command: c.description for c in commands}, **kwargs})
        return True


async def test_sentences_traditional_chinese_readers_get_the_traditional_command_menu():
    bot = _RecordingBot()
    await register_commands(bot)
    by_code = {call.get("language_code"): call["commands"] for call in bot.calls}
    traditional = translator("zh_Hant").gettext("Change the language")
    assert by_code["zh-hant"]["language"] == traditional
    assert by_code["zh"]["language"] == translator("zh_Hans").gettext("Change the language")
    assert traditional != by_code["zh"]["language"]


async def test_sentences_after_language_the_chat_gets_its_command_menu_in_that_language(bot):
    chat = 902
    choices = with_buttons(await bot.command(chat, "language", language="zh-hans"))
    said = texts(await bot.press(chat, choices.data_for("繁體中文"), language="zh-hans"))
    assert "繁體中文" in said
    calls = [args for method, args in bot.api.calls if method == "setMyCommands" and "scope" in args]
    assert calls, "no chat-scoped setMyCommands"
    scope = calls[-1]["scope"]
    scope = json.loads(scope) if isinstance(scope, str) else scope
    assert scope == {"type": "chat", "chat_id": chat}
    commands = calls[-1]["commands"]
    commands = json.loads(commands) if isinstance(commands, str) else commands
    described = {c["command"]: c["description"] for c in commands}
    assert described["language"] == translator("zh_Hant").gettext("Change the language")


@pytest.mark.parametrize(("code", "dpd", "expected"), [
    ("en", 1, "1 day late"), ("en", 45, "45 days late"),
    ("ru", 21, "21 день просрочки"), ("ru", 3, "3 дня просрочки"), ("ru", 45, "45 дней просрочки"),
])
def test_sentences_the_collectors_promise_notice_counts_days_late_in_plural_forms(code, dpd, expected):
    from bot.notice_text import notice_text
    from bot.render import render_text
    from store.notice_payloads import from_dict

    payload = {"account_ref": "UK-0001", "stage": "M1", "dpd": dpd, "currency": "GBP", "overdue": "300.00",
               "amount": "50.00", "due": "2026-03-05"}
    said = render_text(notice_text(from_dict("promise", payload)), code, translator(code))
    assert expected in said
    assert "1 days" not in said


def test_sentences_stage_ranges_and_report_steps_count_in_plural_forms():
    """Issue 9 item 5: "more than 180 days", "1 to 30 days" and "reported as 30 days late" read
    right in Russian, whose day takes three forms."""
    from bot.i18n import translator
    from bot.render import render_plain
    from debt.policy import load_policy
    from flows.overview import _report_step, stage_words
    from flows.types import Reply

    ru = translator("ru")
    stages = {s.name: s for s in load_policy("cn").stages}

    def said(text):
        return render_plain(Reply((text,)), "ru", ru)

    assert "более 180 дней" in said(stage_words(stages["M7+"]))
    assert "от 1 до 30 дней" in said(stage_words(stages["M1"]))
    assert "от 151 до 180 дней" in said(stage_words(stages["M6"]))
    assert said(_report_step("reported_30")) == "отметка о просрочке на 30 дней"
    assert said(_report_step("reported_1")) == "отметка о просрочке на 1 день"
    assert said(_report_step("reported_2")) == "отметка о просрочке на 2 дня"
