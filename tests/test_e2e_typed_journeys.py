"""Whole journeys through the real bot made only of typed sentences, in English, Simplified
Chinese, Spanish and Russian: the only button pressed is Confirm. Each confirms who they are,
asks the balance, promises an amount by a weekday, asks for a call-back and stops reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from e2e_harness import BotUnderTest, texts, with_buttons

from bot.i18n import translator
from bot.render import render_text
from debt.money import Money
from flows.types import Text

CHAT = 801
FRIDAY = date(2026, 3, 6)  # the clock starts on Sunday 1 March 2026
TOMORROW = date(2026, 3, 2)


@dataclass(frozen=True)
class Journey:
    telegram: str  # the Telegram language code
    account: str  # the account's locale in the bank's file
    locale: str  # the catalog it is answered in
    hello: str
    birth: str
    balance: str
    promise: str
    callback: str
    stop: str


JOURNEYS = {
    "en": Journey("en", "en-GB", "en", "hello", "12 April 1985", "how much do I owe?",
                  "I can pay 500 on Friday", "call me tomorrow after 6", "stop texting me"),
    "zh_Hans": Journey("zh-hans", "zh-CN", "zh_Hans", "你好", "1985年4月12日", "我欠多少钱？",
                       "我周五还500", "明天晚上给我打电话", "别再给我发消息了"),
    "es": Journey("es", "es-MX", "es", "hola", "12/04/1985", "¿cuánto debo?",
                  "puedo pagar 500 el viernes", "llámame mañana por la noche", "dejen de enviarme mensajes"),
    "ru": Journey("ru", "ru-RU", "ru", "здравствуйте", "12.04.1985", "сколько я должен?",
                  "заплачу 500 в пятницу", "перезвоните завтра вечером", "не пишите мне больше"),
}


def said(locale: str, msgid: str, **params) -> str:
    """A sentence as the bot renders it in that language."""
    return render_text(Text(msgid, params), locale, translator(locale))


async def rows(bot: BotUnderTest, sql: str) -> list[tuple]:
    async with bot.store.read() as db:
        async with db.execute(sql) as cur:
            return [tuple(r) for r in await cur.fetchall()]


@pytest.mark.parametrize("language", sorted(JOURNEYS))
async def test_a_whole_journey_typed_in_sentences(bot, language):
    j = JOURNEYS[language]
    ref = await bot.seed_account(locale=j.account)

    async def type_(text: str):
        return await bot.deliver(bot.api.push_text(CHAT, text, language=j.telegram), CHAT)

    async def confirm(messages):
        message = with_buttons(messages)
        return await bot.deliver(bot.api.push_button(CHAT, message.data_for(said(j.locale, "Confirm")),
                                                     language=j.telegram), CHAT)

    # Who they are: a greeting, the reference, the date of birth, all typed.
    assert said(j.locale, "Please type the account reference from the bank's letter or text message.") \
        in texts(await type_(j.hello))
    await type_(ref)
    assert said(j.locale, "Thank you, {name}. You are confirmed.", name="Alice Example") \
        in texts(await type_(j.birth))

    # The balance, asked in their words.
    owed = said(j.locale, "Total outstanding: {amount}", amount=Money(Decimal("2400.00"), "GBP"))
    assert owed in texts(await type_(j.balance))

    # A promise by a weekday: said back exactly, recorded only by the Confirm press.
    answer = await type_(j.promise)
    summary = said(j.locale, "Promise: {amount} by {weekday}, {date}. Confirm?",
                   amount=Money(Decimal("500"), "GBP"), weekday=Text("Friday"), date=FRIDAY)
    assert summary in texts(answer)
    assert await rows(bot, "SELECT amount FROM promises") == []
    await confirm(answer)
    assert await rows(bot, "SELECT amount, due_date FROM promises") == [("500.00", "2026-03-06")]

    # A call-back tomorrow evening: the day goes with it, to the debtor's summary and the case.
    answer = await type_(j.callback)
    summary = "Call-back: a person from the bank will call you on {date} in the evening. Confirm?"
    assert said(j.locale, summary, date=TOMORROW) in texts(answer)
    assert await rows(bot, "SELECT kind FROM cases") == []
    await confirm(answer)
    cases = await rows(bot, "SELECT kind, reason, detail FROM cases")
    assert cases == [("callback", "evening", TOMORROW.isoformat())]

    # Stop reminders.
    answer = await type_(j.stop)
    assert await rows(bot, "SELECT opted_out FROM chats") == [(0,)]
    done = await confirm(answer)
    assert said(j.locale, "Done: I will not send you messages you did not ask for. You can still use me at "
                          "any time; send /resume to receive reminders again.") in texts(done)
    assert await rows(bot, "SELECT opted_out FROM chats") == [(1,)]
