"""The bank's answers (a case closed, a plan approved or declined) go out under the same rules as
every unprompted message: once per debtor, the policy's disclosure, never to an idle chat or
one that stopped messages, never while a dispute is open."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from flows_kit import rows
from loop_seed import SEEDED, add_account, add_case, bind_chat

from bot.jobs import telegram_sender
from debt.local_time import debtor_zone
from debt.money import Money
from debt.pay_signing import PayNow
from debt.policy import load_policy
from ops.case_closing import close
from ops.decision_messages import approved_reply, owed_messages, tell
from store.chats import load_chat, save_chat

CN, US = load_policy("cn"), load_policy("us")
SHANGHAI = debtor_zone("Asia/Shanghai", "UTC")


def shanghai(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=SHANGHAI).astimezone(UTC)


async def told(store, policy, now: datetime) -> list[tuple[int, str]]:
    sent = []

    async def send(chat_id, rendered):
        sent.append((chat_id, rendered.text))

    await tell(store, telegram_sender(send), await owed_messages(store, policy, now), lambda: now)
    return sent


async def closed_hardship(store, ref: str = "A-1") -> None:
    await add_case(store, ref, "hardship")
    [case] = await rows(store, "SELECT id FROM cases WHERE account_ref = ?", ref)
    await close(store, case["id"], "no_change", shanghai(2, 10))


async def last_seen(store, chat_id: int, at: datetime) -> None:
    async with store.unit() as db:
        chat = await load_chat(db, chat_id)
        chat.last_seen_at = at
        await save_chat(db, chat, at)


async def test_a_debtor_with_two_chats_is_told_the_outcome_once_in_the_chat_that_wrote_last(store):
    await add_account(store, "A-1")
    await bind_chat(store, 101, "A-1")
    await bind_chat(store, 102, "A-1")
    await last_seen(store, 102, SEEDED + timedelta(hours=1))
    await closed_hardship(store)
    sent = await told(store, CN, shanghai(2, 11))
    assert [chat for chat, _ in sent] == [102]
    assert await told(store, CN, shanghai(2, 12)) == []


async def test_the_outcome_under_us_rules_carries_the_disclosure(store):
    await add_account(store, "A-1", timezone="America/New_York")
    await bind_chat(store, 101, "A-1")
    await closed_hardship(store)
    [(_, text)] = await told(store, US, datetime(2026, 3, 2, 16, tzinfo=UTC))  # 11:00 in New York
    assert "This is an attempt to collect a debt" in text and "Reply /stop" in text


async def test_no_outcome_goes_to_a_chat_idle_past_binding_idle_days(store):
    await add_account(store, "A-1")
    await bind_chat(store, 101, "A-1")
    await last_seen(store, 101, SEEDED - timedelta(days=CN.verification.binding_idle_days + 1))
    await closed_hardship(store)
    assert await told(store, CN, shanghai(2, 11)) == []


async def test_no_outcome_while_the_bank_marks_the_account_disputed(store):
    await add_account(store, "A-1", status="disputed")
    await bind_chat(store, 101, "A-1")
    await closed_hardship(store)
    assert await told(store, CN, shanghai(2, 11)) == []


def test_an_approval_offers_its_first_payment_as_an_invoice_but_never_as_a_link_that_may_expire():
    first = Money(Decimal("300.00"), "CNY")

    def pay_data(pay_now) -> list[str]:
        reply = approved_reply(CN, first, date(2026, 3, 19), pay_now)
        return [b.data for row in reply.buttons for b in row if b.data.startswith("pay:") or b.url]

    assert pay_data(PayNow("invoice")) == ["pay:300.00"]
    link = PayNow("link", "https://pay.bank.example/?r={reference}&a={amount}&c={currency}&e={expires}&s={signature}",
                  b"0123456789abcdef")
    assert pay_data(link) == [] and pay_data(None) == []
