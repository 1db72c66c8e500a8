"""Issue 16: the conduct rules where the messages are chosen and the queue is built.

The caps count every kind of unprompted message (a reminder is refused after a broken-promise
message and a decision the same day under ru); the debtor's refusal of contact silences every
unprompted message and leaves the account out of the queue; every unprompted message names the
lender; `show` gives the counts, the next allowed time and Indonesia's class beside the stage.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from accounts_kit import account_row
from flows_kit import SECRET, Clock, has, make_flows, param, verified
from loop_seed import SEEDED

from bot.cli_show import as_text
from bot.i18n import translator
from bot.render import render_plain
from debt.local_time import debtor_zone
from debt.money import Money
from debt.policy import load_policy
from debt.queue_rule import classify
from ops.contact_refusal import set_refusal
from ops.reminders import due_reminders, reminder_reply
from ops.report import gather
from ops.staff_view import account_view
from ops.sweeper import broken_reply, sweep
from store.accounts import upsert_accounts
from store.chats import Chat, save_chat
from store.contact_log import record_sent
from store.promise_rows import insert_promise
from store.queue_sql import count_queue, iter_queue_facts
from store.tokens import store_factor_rows

RU, ID, BR = load_policy("ru"), load_policy("id"), load_policy("br")
MOSCOW = debtor_zone("Europe/Moscow", "UTC")


def moscow(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=MOSCOW).astimezone(UTC)


async def ru_debtor(store, ref: str, chat_id: int, due: date = date(2026, 3, 3), **changes: str) -> None:
    """A verified ru debtor with a promise of 10 000 ₽ due `due`."""
    async with store.unit() as db:
        await upsert_accounts(db, [account_row("ru", account_ref=ref, **changes)], SEEDED)
        await save_chat(db, Chat(chat_id, ref, verified_at=SEEDED, last_seen_at=moscow(1, 12), locale="ru",
                                 state="menu"), SEEDED)
        await insert_promise(db, ref, Money(Decimal("10000"), "RUB"), due, "chat", SEEDED)


async def test_under_ru_a_reminder_is_the_third_message_of_the_day_and_is_refused(store):
    await ru_debtor(store, "RU-A", 701)  # told twice this morning, of other things
    await ru_debtor(store, "RU-B", 702)  # the control: told nothing today
    async with store.unit() as db:
        await record_sent(db, 701, "broken", moscow(2, 9))
        await record_sent(db, 701, "decision", moscow(2, 9, 30))
    reminders = await due_reminders(store, RU, moscow(2, 10, 30))  # Monday, the day before it is due
    assert [m.chat_id for m in reminders] == [702]
    view = await account_view(store, RU, "RU-A", date(2026, 3, 2), moscow(2, 10, 30))
    assert view["contact"]["sent"] == {"day": 2, "week": 2, "month": 2}
    assert view["contact"]["caps"] == {"day": 2, "week": 4, "month": 16}
    # the 09:00 message leaves the day at 09:00 on Tuesday, inside Tuesday's window
    assert view["contact"]["next_allowed_at"] == "2026-03-03T09:00:00+03:00"
    assert "unprompted    2/2 this day, 2/4 this week, 2/16 this month; next allowed 2026-03-03 09:00 +0300" \
        in as_text(view)


async def test_under_ru_the_fifth_message_of_a_week_is_refused(store):
    await ru_debtor(store, "RU-A", 701, due=date(2026, 3, 6))
    async with store.unit() as db:
        for day, kind in ((2, "reminder"), (3, "broken"), (4, "decision"), (5, "outcome")):
            await record_sent(db, 701, kind, moscow(day, 9))
    assert await due_reminders(store, RU, moscow(5, 10, 30)) == []  # Thursday, the day before
    view = await account_view(store, RU, "RU-A", date(2026, 3, 5), moscow(5, 10, 30))
    assert view["contact"]["sent"] == {"day": 1, "week": 4, "month": 4}
    assert view["contact"]["next_allowed_at"] == "2026-03-09T09:00:00+03:00"  # Monday's leaves the week


async def test_a_refusal_of_contact_silences_reminders_and_broken_promise_messages(store):
    await ru_debtor(store, "RU-A", 701)
    await ru_debtor(store, "RU-B", 702)
    assert await set_refusal(store, "RU-A", True, "cli", moscow(1, 12))
    assert not await set_refusal(store, "RU-A", True, "cli", moscow(1, 12))  # already recorded
    assert [m.chat_id for m in await due_reminders(store, RU, moscow(2, 10, 30))] == [702]
    await sweep(store, RU, date(2026, 3, 7), lambda: moscow(7, 1))
    report = await sweep(store, RU, date(2026, 3, 7), lambda: moscow(7, 12))  # Saturday, in the window
    assert [m.chat_id for m in report.messages] == [702]
    view = await account_view(store, RU, "RU-A", date(2026, 3, 7), moscow(7, 12))
    assert "refused_contact" in view["flags"]
    assert view["contact"]["next_allowed_at"] is None
    assert "next allowed none: contact refused on 2026-03-01" in as_text(view)


async def test_a_refusal_leaves_the_account_out_of_the_queue_with_its_reason(store):
    await ru_debtor(store, "RU-A", 701)
    await ru_debtor(store, "RU-B", 702)
    await set_refusal(store, "RU-A", True, "apikey:bank", moscow(1, 12))
    as_of = date(2026, 3, 7)  # both promises past their grace: broken
    async with store.read() as db:
        counted = await count_queue(db, RU, as_of)
        facts = {f.account_ref: f async for f in iter_queue_facts(db)}
    assert counted["refused_contact"] == 1
    assert classify(facts["RU-A"], RU, as_of) == "refused_contact"
    assert classify(facts["RU-B"], RU, as_of).reason == "broken_promise"
    # withdrawn: back in the queue and told again
    assert await set_refusal(store, "RU-A", False, "cli", moscow(1, 13))
    async with store.read() as db:
        assert "refused_contact" not in await count_queue(db, RU, as_of)
    assert {m.chat_id for m in await due_reminders(store, RU, moscow(2, 10, 30))} == {701, 702}


def test_every_unprompted_message_names_the_lender_and_its_phone():
    ru = render_plain(reminder_reply(RU, Money(Decimal("12345.67"), "RUB"), date(2026, 3, 3)), "ru",
                      translator("ru")).replace("\xa0", " ").replace("\u202f", " ")
    assert "Отправитель: Демо Банк, телефон +7 800 000-00-00." in ru
    assert "12 345,67 ₽" in ru
    br = render_plain(broken_reply(BR, Money(Decimal("12345.67"), "BRL"), date(2026, 3, 3)), "pt_BR",
                      translator("pt_BR")).replace("\xa0", " ")
    assert "De Banco Demo S.A. (CNPJ 00.000.000/0001-00), telefone 0800 000 0000." in br
    assert "R$ 12.345,67" in br
    idn = render_plain(reminder_reply(ID, Money(Decimal("12345"), "IDR"), date(2026, 3, 3)), "id",
                       translator("id"))
    assert "Dari Bank Demo, telepon 1500-000." in idn and "Rp12.345" in idn and "Rp12.345,00" not in idn


async def test_show_gives_indonesias_class_beside_the_stage(store):
    async with store.unit() as db:
        await upsert_accounts(db, [account_row("id", oldest_due_date="2025-12-01")], SEEDED)
    view = await account_view(store, ID, "ID-0001", date(2026, 3, 5))  # 94 days past due
    assert (view["dpd"], view["stage"], view["class"]) == (94, "M4", "3 Kurang Lancar")
    assert "dpd / stage   94 / M4 (class 3 Kurang Lancar)" in as_text(view)


async def test_a_br_debtor_hears_the_cap_reached_and_that_a_paid_record_is_taken_off(store):
    """CDC art. 43 and the STJ: a paid negative record goes; Law 14.690/2023: the card's charges
    stop at 100% of the debt, and the debtor is told so."""
    clock = Clock(datetime(2026, 3, 5, 12, tzinfo=UTC))  # 32 days past due
    card = account_row("br", balance="2000.00", fees_charged="20", interest_charged="980")
    async with store.unit() as db:
        await upsert_accounts(db, [card], SEEDED)
        await store_factor_rows(db, SECRET, [card])
    flows = make_flows(store, clock, "br")
    chat = await verified(flows, "BR-0001", language_code="pt-br")
    out = await chat.cmd("next")
    assert param(out, "have reached their limit of", "cap") == Money(Decimal("1000"), "BRL")
    assert param(out, "is taken off your credit report by", "date") == date(2026, 3, 12)
    assert not has(out, "the record stays on your credit report")
    shown = "\n".join(render_plain(r, "pt_BR", translator("pt_BR")) for r in out.replies).replace("\xa0", " ")
    assert "chegaram ao limite de R$ 1.000,00" in shown and "sai do seu cadastro de crédito até" in shown


async def test_a_refusal_is_not_counted_as_a_call_the_bot_saved(store):
    await ru_debtor(store, "RU-A", 701)
    before = await gather(store, RU, date(2026, 3, 7))
    await set_refusal(store, "RU-A", True, "cli", moscow(1, 12))
    after = await gather(store, RU, date(2026, 3, 7))
    assert after["left_out"] == {"refused_contact": 1}
    assert after["calls_saved"] == before["calls_saved"] == 0
