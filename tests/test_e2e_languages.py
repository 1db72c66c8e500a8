"""Whole journeys in Simplified Chinese and Spanish through the real bot: replies in the
person's language, amounts and dates in their locale's format, and what they type read the
way their locale writes it."""

from __future__ import annotations

from e2e_harness import BotUnderTest, texts, with_buttons

CHAT = 701


async def say(bot: BotUnderTest, text: str, language: str):
    return await bot.deliver(bot.api.push_text(CHAT, text, language=language), CHAT)


async def command(bot: BotUnderTest, name: str, language: str, args: str = ""):
    return await bot.deliver(bot.api.push_command(CHAT, name, args, language=language), CHAT)


async def promises(bot: BotUnderTest) -> list[tuple[str, str]]:
    async with bot.store.read() as db:
        async with db.execute("SELECT amount, due_date FROM promises") as cur:
            return [(r["amount"], r["due_date"]) for r in await cur.fetchall()]


async def test_a_whole_journey_in_simplified_chinese(bot):
    ref = await bot.seed_account(locale="zh-CN")
    said = texts(await command(bot, "start", "zh-hans", await bot.link(ref)))
    assert "请输入您的出生日期" in said and "£" not in said

    said = texts(await say(bot, "1985年4月12日", "zh-hans"))  # the date as a Chinese keyboard writes it
    assert "您的身份已验证" in said

    balance = texts(await command(bot, "balance", "zh-hans"))
    assert "欠款总额：£2,400.00" in balance and "逾期45天" in balance

    upcoming = texts(await command(bot, "next", "zh-hans"))
    assert "2026年3月16日" in upcoming  # the next fee's date, written the Chinese way

    await command(bot, "promise", "zh-hans")
    said = texts(await say(bot, "1,250.50", "zh-hans"))
    assert "您最晚会在哪天还款£1,250.50" in said
    said = with_buttons(await say(bot, "2026年3月10日", "zh-hans"))
    assert "您承诺最晚于2026年3月10日还款£1,250.50" in said.text
    said = texts(await bot.press(CHAT, said.data_for("是的，我承诺"), language="zh-hans"))
    assert await promises(bot) == [("1250.50", "2026-03-10")]


async def test_a_whole_journey_in_spanish(bot):
    ref = await bot.seed_account(locale="es-MX")
    said = texts(await command(bot, "start", "es", await bot.link(ref)))
    assert "escriba su fecha de nacimiento" in said

    assert "Su identidad quedó confirmada" in texts(await say(bot, "12/04/1985", "es"))

    balance = texts(await command(bot, "balance", "es"))
    assert "Saldo total adeudado: 2.400,00\xa0GBP" in balance and "45 días de atraso" in balance

    upcoming = texts(await command(bot, "next", "es"))
    assert "16 mar 2026" in upcoming

    await command(bot, "promise", "es")
    said = texts(await say(bot, "1.250,50", "es"))  # a dot for thousands, a comma for cents
    assert "¿En qué fecha, a más tardar, pagará 1.250,50\xa0GBP?" in said
    said = with_buttons(await say(bot, "10/03/2026", "es"))  # day first
    assert "1.250,50\xa0GBP a más tardar el 10 mar 2026" in said.text
    await bot.press(CHAT, said.data_for("Sí, lo prometo"), language="es")
    assert await promises(bot) == [("1250.50", "2026-03-10")]


async def test_switching_language_mid_promise_changes_the_next_reply_and_keeps_the_step(bot):
    ref = await bot.seed_account(locale="es-MX")
    await command(bot, "start", "es", await bot.link(ref))
    await say(bot, "12/04/1985", "es")
    assert "¿Cuánto va a pagar?" in texts(await command(bot, "promise", "es"))

    choices = with_buttons(await command(bot, "language", "es"))
    await bot.press(CHAT, choices.data_for("简体中文"), language="es")

    # Still at the amount step: the amount is taken, and the answer now comes in Chinese.
    said = texts(await say(bot, "250.50", "es"))
    assert "您最晚会在哪天还款£250.50" in said
