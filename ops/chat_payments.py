"""Paying in the chat: Telegram's pre-checkout query, and the successful payment that follows.

Telegram asks before it charges (the pre-checkout query, answered within 10 seconds): the
answer comes from one transaction that checks the invoice's signed payload (debt/pay_signing.py)
is this chat's and not expired, that the chat is still verified for the account, that the
amount is still owed, and that no payment of the invoice is recorded yet. A refusal says why in
the debtor's language. Once charged, the payment is recorded by Telegram's charge id (a second
update with the same charge records nothing), applied to the balances, matched to the pending
promises as a payment from the bank's file is (ops.sweeper.apply_new_payments: a promise covered
is kept at once, with its "kept" notice), and told to the collectors and the bank's event
subscribers (a "payment" notice), all in the update's transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from debt.local_time import bank_today
from debt.money import Money, minor_units
from debt.pay_signing import InvoiceTerms, read_invoice
from debt.policy import Policy
from debt.portfolio import PaymentRow
from flows.types import N_, Reply, Text, command_button, person_button
from ops.sweeper import apply_new_payments
from store import audit, chats, outbox, updates
from store.accounts import AccountRecord, get_account
from store.db import Connection, Store
from store.notice_payloads import PaymentNotice
from store.payments import invoice_paid, record_payments
from store.promise_rows import Promise, pending_promises

log = logging.getLogger("debtdesk.payments")

SOURCE = "telegram"
REFUSALS = {
    "stale": N_("This bill has expired or is no longer valid. Nothing was charged. Please ask for a new one "
                "with /pay."),
    "not_verified": N_("This chat is no longer signed in to the account, so nothing was charged. Please "
                       "confirm who you are again with /start, then pay."),
    "too_much": N_("This bill is for more than you owe now ({balance}), so nothing was charged. Please ask "
                   "for a new one with /pay."),
    "already_paid": N_("This bill has already been paid, so nothing more was charged."),
}


@dataclass(frozen=True)
class Checkout:
    """Telegram's question: the chat, the invoice's payload, and what it would charge."""

    chat_id: int
    payload: str
    currency: str
    total: int  # minor units


@dataclass(frozen=True)
class CheckoutAnswer:
    ok: bool
    locale: str
    reason: Text | None = None  # why not, in words for the debtor


@dataclass(frozen=True)
class Paid:
    """A successful payment as Telegram reports it."""

    checkout: Checkout
    update_id: int | None
    charge_id: str  # telegram_payment_charge_id: the payment's identity here


@dataclass(frozen=True)
class PaidOutcome:
    locale: str
    replies: tuple[Reply, ...]
    notices: int


async def _bound(db: Connection, policy: Policy, chat_id: int, ref: str,
                 now: datetime) -> tuple[chats.Chat | None, AccountRecord | None]:
    """The chat, and the account if the chat is verified for `ref` and its binding still holds."""
    chat = await chats.load_chat(db, chat_id)
    if chat is None or chat.account_ref != ref or chat.verified_at is None or chat.last_seen_at is None:
        return chat, None
    if now - chat.last_seen_at > timedelta(days=policy.verification.binding_idle_days):
        return chat, None
    return chat, await get_account(db, ref)


def _terms(secret: bytes, checkout: Checkout) -> InvoiceTerms | None:
    terms = read_invoice(secret, checkout.chat_id, checkout.currency, checkout.payload)
    return terms if terms is not None and terms.minor == checkout.total else None


async def _check(db: Connection, policy: Policy, secret: bytes, checkout: Checkout,
                 now: datetime) -> CheckoutAnswer:
    chat = await chats.load_chat(db, checkout.chat_id)
    locale = (chat.locale if chat else None) or "en"
    terms = _terms(secret, checkout)
    if terms is None or terms.expires <= now.timestamp():
        return CheckoutAnswer(False, locale, Text(REFUSALS["stale"]))
    _, record = await _bound(db, policy, checkout.chat_id, terms.account_ref, now)
    if record is None:
        return CheckoutAnswer(False, locale, Text(REFUSALS["not_verified"]))
    if await invoice_paid(db, terms.signature):
        return CheckoutAnswer(False, locale, Text(REFUSALS["already_paid"]))
    balance = record.account.balance
    if terms.amount(checkout.currency) > balance or checkout.currency != record.account.currency:
        return CheckoutAnswer(False, locale, Text(REFUSALS["too_much"],
                                                  {"balance": Money(balance, record.account.currency)}))
    return CheckoutAnswer(True, locale)


async def precheckout(store: Store, policy: Policy, secret: bytes, checkout: Checkout,
                      now: datetime) -> CheckoutAnswer:
    """Whether Telegram may charge, decided in one transaction (refusals say why)."""
    async with store.unit() as db:
        answer = await _check(db, policy, secret, checkout, now)
        await audit.append(db, f"chat:{checkout.chat_id}", "precheckout", None, now,
                           {"ok": answer.ok, "reason": _reason_key(answer)})
    return answer


def _reason_key(answer: CheckoutAnswer) -> str | None:
    if answer.reason is None:
        return None
    return next(key for key, msgid in REFUSALS.items() if msgid == answer.reason.msgid)


def _promise_parts(before: list[Promise], after: list[Promise]) -> list[Text]:
    """What the payment did to the promises that were pending: kept, or paid in part."""
    still = {p.id: p for p in after}
    parts = []
    for promise in before:
        current = still.get(promise.id)
        if current is None:
            parts.append(Text(N_("Your promise to pay {amount} by {date} is kept."),
                              {"amount": promise.amount, "date": promise.due_date}))
        elif current.paid != promise.paid:
            values = {"amount": promise.amount, "date": promise.due_date, "left": current.unpaid}
            parts.append(Text(N_("Of your promise to pay {amount} by {date}, {left} is still to pay by "
                                 "then."), values))
    return parts


def _buttons() -> tuple:
    return ((command_button(N_("Balance"), "balance"), command_button(N_("What happens next"), "next")),
            (person_button(),))


async def _record(db: Connection, policy: Policy, secret: bytes, paid: Paid, now: datetime) -> PaidOutcome:
    checkout = paid.checkout
    chat = await chats.load_chat(db, checkout.chat_id)
    locale = (chat.locale if chat else None) or "en"
    if paid.update_id is not None and await updates.seen(db, paid.update_id):
        return PaidOutcome(locale, (), 0)
    if paid.update_id is not None:
        await updates.mark(db, paid.update_id, now)
    terms = read_invoice(secret, checkout.chat_id, checkout.currency, checkout.payload)
    record = await get_account(db, terms.account_ref) if terms else None
    if terms is None or record is None:  # not an invoice of ours for this chat: nothing to apply it to
        log.warning("a successful payment with an unreadable invoice: left for the bank to apply")
        await audit.append(db, f"chat:{checkout.chat_id}", "payment_unmatched", None, now,
                           {"charge": paid.charge_id})
        text = Text(N_("Thank you. Your payment is received; the bank will apply it to your account."))
        return PaidOutcome(locale, (Reply((text,), _buttons()),), 0)
    ref, currency = terms.account_ref, checkout.currency
    amount = Decimal(checkout.total).scaleb(-minor_units(currency))  # what Telegram charged
    payment_id = f"tg:{paid.charge_id}"
    row = PaymentRow(payment_id, ref, amount, currency, now.isoformat())
    before = await pending_promises(db, ref)
    recorded = await record_payments(db, [row], now, source=SOURCE, invoice=terms.signature)
    if not recorded:  # the same charge again: recorded once, told once
        return PaidOutcome(locale, (), 0)
    after_record = await get_account(db, ref)
    assert after_record is not None
    balance = Money(after_record.account.balance, currency)
    stage = policy.stage_for(after_record.account.days_past_due(bank_today(policy, now))).name
    await outbox.enqueue(db, PaymentNotice(account_ref=ref, stage=stage, payment_id=payment_id, source=SOURCE,
                                           amount=Money(row.amount, currency), balance=balance), now)
    kept = await apply_new_payments(db, [payment_id], policy, now)  # as the bank's file's payments are
    await audit.append(db, f"chat:{checkout.chat_id}", "payment", ref, now, {"payment_id": payment_id})
    parts = [Text(N_("Thank you. Your payment of {amount} is recorded."),
                  {"amount": Money(row.amount, currency)}),
             *_promise_parts(before, await pending_promises(db, ref)),
             Text(N_("You now owe {balance}."), {"balance": balance})]
    return PaidOutcome(locale, (Reply(tuple(parts), _buttons()),), 1 + len(kept))


async def record_chat_payment(store: Store, policy: Policy, secret: bytes, paid: Paid,
                              now: datetime) -> PaidOutcome:
    """The payment recorded once by its charge id, the balances and promises updated, the
    collectors and the bank told, the update marked seen: one transaction."""
    async with store.unit() as db:
        return await _record(db, policy, secret, paid, now)
