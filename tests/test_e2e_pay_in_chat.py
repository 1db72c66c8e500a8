"""Paying in the chat, end to end through the real bot (issue 18): a Telegram invoice sent by the
bot, the pre-checkout query answered, the successful payment recorded once. A promise of ¥500 paid
in the chat is kept in the same minute; the collectors and the bank's events receiver hear of it
once; the call queue leaves the account out; the balance falls by ¥500."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from e2e_harness import BotUnderTest, texts, with_buttons
from event_receiver import SECRET, Receiver
from flows_kit import rows

from bot.i18n import translator
from bot.jobs import JobDeps, decisions_job
from ops import queue_export
from ops.approvals import approve_arrangement
from ops.chat_payments import REFUSALS

DEBTOR = 901
COLLECTORS = -100790
CNY = {"account_ref": "CN-PAY1", "currency": "CNY", "timezone": "Asia/Shanghai", "balance": "5000.00",
       "minimum_due": "500.00", "overdue_amount": "500.00", "oldest_due_date": "2026-02-01"}


@pytest.fixture
async def receiver():
    started = await Receiver().start()
    yield started
    await started.stop()


@pytest.fixture
def bot_env(receiver):
    return {"DEBTDESK_POLICY": "cn", "DEBTDESK_PAYMENT_PROVIDER_TOKEN": "284685063:TEST:provider",
            "DEBTDESK_COLLECTORS_CHAT": str(COLLECTORS), "DEBTDESK_EVENTS_URL": receiver.url,
            "DEBTDESK_EVENTS_SECRET": SECRET, "DEBTDESK_EVENTS_BACKOFF": "0.05"}


async def signed_in(bot: BotUnderTest, chat: int = DEBTOR, **changes: str) -> str:
    ref = await bot.seed_account(**{**CNY, **changes})
    await bot.command(chat, "start", await bot.link(ref))
    assert "Alice Example" in texts(await bot.text(chat, "12 April 1985"))  # thanked by name: confirmed
    return ref


def pay_now_data(message) -> str:
    [data] = [data for label, data in message.buttons if data.startswith("pay:") and data != "pay:other"]
    return data


async def promise_500(bot: BotUnderTest) -> str:
    """A promise of the overdue ¥500 by 5 March; the "Pay now" button under its summary."""
    amounts = with_buttons(await bot.command(DEBTOR, "promise"))
    await bot.press(DEBTOR, amounts.data_for("The overdue amount"))
    confirm = with_buttons(await bot.text(DEBTOR, "2026-03-05"))
    said = with_buttons(await bot.press(DEBTOR, confirm.data_for("Yes, I promise")))
    assert "Your promise to pay CN¥500.00 by" in said.text and "You can pay it now" in said.text
    assert "Pay CN¥500.00 now" in [label for label, _ in said.buttons]
    return pay_now_data(said)


async def invoice_for(bot: BotUnderTest, data: str, chat: int = DEBTOR) -> dict:
    before = len(bot.api.invoices)
    said = await bot.press(chat, data)
    assert len(bot.api.invoices) == before + 1, texts(said)
    return bot.api.invoices[-1]


async def balance(bot: BotUnderTest, ref: str) -> Decimal:
    [row] = await rows(bot.store, "SELECT balance FROM accounts WHERE account_ref = ?", ref)
    return Decimal(row["balance"])


async def test_a_promise_paid_in_the_chat_is_kept_in_the_same_minute_and_heard_of_once(bot, receiver):
    ref = await signed_in(bot)
    invoice = await invoice_for(bot, await promise_500(bot))
    assert invoice["currency"] == "CNY" and invoice["prices"][0]["amount"] == 50000
    assert invoice["provider_token"] == "284685063:TEST:provider" and ref in invoice["description"]

    answer = await bot.precheckout(DEBTOR, invoice)
    assert answer["ok"] is True and "error_message" not in answer
    said = texts(await bot.paid(DEBTOR, invoice, "tg-charge-1"))
    assert "Thank you. Your payment of CN¥500.00 is recorded." in said
    assert "Your promise to pay CN¥500.00 by" in said and "is kept" in said
    assert "You now owe CN¥4,500.00." in said

    [promise] = await rows(bot.store, "SELECT status, paid_amount, resolved_at FROM promises")
    assert promise["status"] == "kept" and promise["paid_amount"] == "500.00"
    assert promise["resolved_at"][:16] == bot.clock().isoformat()[:16]  # the same minute
    assert await balance(bot, ref) == Decimal("4500.00")
    # The same payment again (Telegram retrying the update, then another update of the same charge).
    assert await bot.paid(DEBTOR, invoice, "tg-charge-1") == []
    assert len(await rows(bot.store, "SELECT 1 FROM payments")) == 1
    assert await balance(bot, ref) == Decimal("4500.00")

    # The collectors: the promise, then the payment and the promise kept, each once.
    await bot.app.bot_data["notifier"].drain()
    notices = [m.text for m in await bot.api.wait_for_messages(COLLECTORS, 3)]
    assert sum("Promise kept: account CN-PAY1 paid CN¥500.00" in n for n in notices) == 1
    assert sum("Paid in the chat: account CN-PAY1" in n for n in notices) == 1
    await bot.app.bot_data["notifier"].drain()
    assert bot.api.unread(COLLECTORS) == []
    # The bank's events receiver: the same, once each, signed.
    got = await receiver.wait_for(3)
    types = [one.event["type"] for one in got]
    assert types == ["promise.made", "payment.received", "promise.kept"]
    assert all(one.signature_ok() for one in got)
    paid = got[1].event["data"]
    assert paid["amount"] == "500.00" and paid["currency"] == "CNY" and paid["balance"] == "4500.00"
    assert paid["payment_id"] == "tg:tg-charge-1" and paid["source"] == "telegram"

    # The call queue leaves the account out: nothing is overdue any more.
    out, err = io.StringIO(), io.StringIO()
    await queue_export.write_queue(bot.store, bot.config.policy, bot.clock().date(), "csv", out, err)
    assert ref not in [row["account_ref"] for row in csv.DictReader(io.StringIO(out.getvalue()))]


async def test_pay_offers_the_amount_due_today_or_one_typed_between_the_minimum_and_the_balance(bot):
    await signed_in(bot)
    said = with_buttons(await bot.command(DEBTOR, "pay"))
    assert "Pay to Demo Bank Card Centre" in said.text and "Or pay now, here in the chat." in said.text
    assert "Pay CN¥500.00 now" in [label for label, _ in said.buttons]
    asked = texts(await bot.press(DEBTOR, said.data_for("Pay another amount")))
    assert "Type an amount from CN¥100.00 to CN¥5,000.00" in asked
    assert "too small" in texts(await bot.text(DEBTOR, "50"))
    assert "more than you owe" in texts(await bot.text(DEBTOR, "5000.01"))
    before = len(bot.api.invoices)
    await bot.text(DEBTOR, "1234.50")
    assert len(bot.api.invoices) == before + 1
    assert bot.api.invoices[-1]["prices"][0]["amount"] == 123450


async def test_each_pre_checkout_refusal_says_why_in_the_debtors_language(bot):
    ref = await signed_in(bot)
    said = with_buttons(await bot.command(DEBTOR, "pay"))
    data = pay_now_data(said)

    # An amount above the balance: a payment from the bank's file arrived since the invoice.
    invoice = await invoice_for(bot, data)
    async with bot.store.unit() as db:
        await db.execute("UPDATE accounts SET balance = '300.00' WHERE account_ref = ?", (ref,))
    answer = await bot.precheckout(DEBTOR, invoice)
    assert answer["ok"] is False
    assert "more than you owe now (CN¥300.00)" in answer["error_message"]
    async with bot.store.unit() as db:
        await db.execute("UPDATE accounts SET balance = '5000.00' WHERE account_ref = ?", (ref,))

    # A stale invoice: past the policy's offer_minutes; and one whose amount was changed.
    invoice = await invoice_for(bot, data)
    bot.clock.advance(minutes=31)
    answer = await bot.precheckout(DEBTOR, invoice)
    assert answer["ok"] is False and "expired or is no longer valid" in answer["error_message"]
    invoice = await invoice_for(bot, data)
    answer = await bot.precheckout(DEBTOR, invoice, total=100)
    assert answer["ok"] is False and "expired or is no longer valid" in answer["error_message"]

    # A payment of this invoice is already recorded.
    invoice = await invoice_for(bot, data)
    assert (await bot.precheckout(DEBTOR, invoice))["ok"] is True
    await bot.paid(DEBTOR, invoice, "tg-charge-7")
    answer = await bot.precheckout(DEBTOR, invoice)
    assert answer["ok"] is False and "already been paid" in answer["error_message"]

    # The chat is no longer verified for the account.
    invoice = await invoice_for(bot, data)
    await bot.command(DEBTOR, "logout")
    answer = await bot.precheckout(DEBTOR, invoice)
    assert answer["ok"] is False and "no longer signed in" in answer["error_message"]
    assert len(await rows(bot.store, "SELECT 1 FROM payments")) == 1


async def test_a_refusal_is_in_the_chats_own_language(bot):
    chat = 902
    await signed_in(bot, chat, account_ref="CN-PAY2", locale="es-MX")
    said = with_buttons(await bot.command(chat, "pay"))
    invoice = await invoice_for(bot, pay_now_data(said), chat)
    await bot.command(chat, "logout")
    answer = await bot.precheckout(chat, invoice)
    spanish = translator("es").gettext(REFUSALS["not_verified"])
    assert answer["ok"] is False and answer["error_message"] == spanish
    assert "signed in" not in spanish  # translated, not the English source


async def test_an_invoice_from_another_chat_is_refused(bot):
    await signed_in(bot)
    said = with_buttons(await bot.command(DEBTOR, "pay"))
    invoice = await invoice_for(bot, pay_now_data(said))
    answer = await bot.precheckout(903, invoice)  # a payload carried to another chat
    assert answer["ok"] is False


async def test_the_banks_approval_of_a_plan_offers_its_first_payment_here(bot):
    await signed_in(bot, oldest_due_date="2025-11-15")  # M4: a settlement waits for the bank
    plans = with_buttons(await bot.command(DEBTOR, "plans"))
    confirm = with_buttons(await bot.press(DEBTOR, plans.data_for("Settle for less")))
    assert "must approve it first" in confirm.text
    await bot.press(DEBTOR, confirm.data_for("Confirm this plan"))
    [arrangement] = await rows(bot.store, "SELECT id FROM arrangements")
    await approve_arrangement(bot.store, bot.config.policy, arrangement["id"], bot.clock())
    before = len(bot.api.to(DEBTOR))
    deps = JobDeps(bot.store, bot.config.policy, bot.clock, bot.config.pay_now)
    await decisions_job(SimpleNamespace(job=SimpleNamespace(data=deps), bot=bot.app.bot))
    [told] = [m for m in bot.api.to(DEBTOR)[before:] if "has approved the plan" in m.text]
    assert "You can pay it now, here in the chat." in told.text
    [(label, data)] = [(label, data) for label, data in told.buttons if data.startswith("pay:")]
    [promise] = await rows(bot.store, "SELECT amount FROM promises")
    amount = promise["amount"]
    assert label == f"Pay CN¥{Decimal(amount):,.2f} now" and data == f"pay:{amount}"
    invoice = await invoice_for(bot, data)
    assert invoice["prices"][0]["amount"] == int(Decimal(amount) * 100)
