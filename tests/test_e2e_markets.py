"""Issue 16: whole journeys through the real bot in Russian under `ru` and in Indonesian under
`id`: money written the local way, the charge cap told to the debtor, every unprompted message
naming the lender, reminders only inside the day's window, and a refusal of contact that
silences the bot's own messages while the debtor can still use it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from accounts_kit import ID_CARD, RU_LOAN
from e2e_harness import BotUnderTest, texts, with_buttons
from test_e2e_unprompted import job_context

from bot.jobs import reminder_job, sweep_job
from debt.local_time import debtor_zone
from ops.contact_refusal import set_refusal

CHAT = 901


def plain(text: str) -> str:
    """Babel groups with no-break spaces: compare with plain ones."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


async def started(tmp_path, policy: str):
    bot = BotUnderTest(tmp_path)
    bot.env["DEBTDESK_POLICY"] = policy
    return await bot.start()


@pytest.fixture
async def ru_bot(tmp_path):
    bot = await started(tmp_path, "ru")
    yield bot
    await bot.stop()


@pytest.fixture
async def id_bot(tmp_path):
    bot = await started(tmp_path, "id")
    yield bot
    await bot.stop()


async def promise(bot: BotUnderTest, language: str, amount_label: str, day: str, yes: str) -> str:
    amounts = with_buttons(await bot.command(CHAT, "promise", language=language))
    await bot.press(CHAT, amounts.data_for(amount_label), language=language)
    confirm = with_buttons(await bot.text(CHAT, day, language=language))
    return texts(await bot.press(CHAT, confirm.data_for(yes), language=language))


async def test_a_whole_journey_in_russian_under_ru(ru_bot):
    bot = ru_bot
    # a short loan at 130%: principal 10 000, charges 13 000 (353-FZ art. 5 part 24)
    at_cap = {"balance": "23000.00", "fees_charged": "1000", "interest_charged": "12000"}
    ref = await bot.seed_account(**{**RU_LOAN, **at_cap})
    said = texts(await bot.command(CHAT, "start", await bot.link(ref), language="ru"))
    assert "£" not in said and "дату рождения" in said
    assert "Ваша личность подтверждена" in texts(await bot.text(CHAT, "12.04.1985", language="ru"))

    balance = plain(texts(await bot.command(CHAT, "balance", language="ru")))
    assert "23 000,00 ₽" in balance and "10 000,00 ₽" in balance
    upcoming = plain(texts(await bot.command(CHAT, "next", language="ru")))
    assert "достигли предела в 13 000,00 ₽" in upcoming
    assert "Проценты:" not in upcoming  # nothing more accrues

    said = plain(await promise(bot, "ru", "Просроченная задолженность", "05.03.2026", "Да, обещаю"))
    assert "Ваше обещание внести 10 000,00 ₽" in said

    # 4 March, 07:30 in Moscow: a working day before 08:00, nothing; at 10:30 the reminder
    moscow = debtor_zone("Europe/Moscow", "UTC")
    bot.clock.at = datetime(2026, 3, 4, 7, 30, tzinfo=moscow).astimezone(UTC)
    await reminder_job(job_context(bot))
    assert bot.api.unread(CHAT) == []
    bot.clock.at = datetime(2026, 3, 4, 10, 30, tzinfo=moscow).astimezone(UTC)
    await reminder_job(job_context(bot))
    [reminder] = await bot.api.wait_for_messages(CHAT, 1)
    assert "Напоминаем: завтра" in reminder.text
    assert "Отправитель: Демо Банк, телефон +7 800 000-00-00." in reminder.text

    # The debtor's statement refusing contact (230-FZ art. 8), recorded by staff
    await set_refusal(bot.store, ref, True, "cli", bot.clock())
    bot.clock.at = datetime(2026, 3, 9, 12, 0, tzinfo=moscow).astimezone(UTC)  # grace over, unpaid
    await sweep_job(job_context(bot))
    assert bot.api.unread(CHAT) == []  # the broken-promise message is not sent
    # ... and the bot still answers the debtor
    assert "23 000,00 ₽" in plain(texts(await bot.command(CHAT, "balance", language="ru")))


async def test_a_whole_journey_in_indonesian_under_id(id_bot):
    bot = id_bot
    ref = await bot.seed_account(**ID_CARD)
    said = texts(await bot.command(CHAT, "start", await bot.link(ref), language="id"))
    assert "£" not in said and "tanggal lahir" in said
    assert "Identitas Anda telah terkonfirmasi" in texts(await bot.text(CHAT, "12/04/1985", language="id"))

    balance = texts(await bot.command(CHAT, "balance", language="id"))
    assert "Rp12.000.000" in balance and "Rp12.000.000,00" not in balance and "Rp1.500.000" in balance

    said = await promise(bot, "id", "Jumlah tunggakan", "09/03/2026", "Ya, saya berjanji")
    assert "Janji bayar Anda sebesar Rp1.500.000" in said

    # Due Monday 9 March: the day before is a Sunday, when OJK allows no collection; the
    # Saturday is open but is not the day before
    jakarta = debtor_zone("Asia/Jakarta", "UTC")
    for day in (7, 8):
        bot.clock.at = datetime(2026, 3, day, 10, 30, tzinfo=jakarta).astimezone(UTC)
        await reminder_job(job_context(bot))
    assert bot.api.unread(CHAT) == []

    # A promise due Tuesday 10 March is reminded on the Monday, naming the lender
    said = await promise(bot, "id", "Jumlah tunggakan", "10/03/2026", "Ya, saya berjanji")
    bot.clock.at = datetime(2026, 3, 9, 10, 30, tzinfo=jakarta).astimezone(UTC)
    await reminder_job(job_context(bot))
    [reminder] = await bot.api.wait_for_messages(CHAT, 1)
    assert "Pengingat: pembayaran sebesar Rp1.500.000 jatuh tempo besok" in reminder.text
    assert "Dari Bank Demo, telepon 1500-000." in reminder.text
