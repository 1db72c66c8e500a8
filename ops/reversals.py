"""A payment reversed by the bank (a refund, a bounced transfer): the payments file's or the API's
row with the original payment_id and the negative of its amount.

The account's figures get back exactly what the payment took off (store.payments.reverse_payment),
the promises it counted towards give the amount back (debt.matching.take_back): pending again
while their grace lasts, else partly kept or broken, with the "broken" notice the sweep would
have sent; and the collectors and the bank's subscribers get a "reversal" notice. In the batch's
transaction; a reversal seen again changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from debt import matching
from debt.local_time import bank_today
from debt.money import Money
from debt.policy import Policy
from debt.portfolio import PaymentRow
from ops.sweeper import resolved_notice
from store import audit, outbox
from store.db import Connection
from store.notice_payloads import ReversalNotice
from store.payments import reverse_payment
from store.promise_rows import promise_state, reopen, settled_promises


def refusal(line: int, row: PaymentRow, original: PaymentRow | None) -> str | None:
    """Why a negative row cannot reverse a payment (None: it can)."""
    if original is None:
        return (f"line {line}: payment_id: {row.payment_id} is not a payment recorded here; a negative "
                "amount reverses the payment with that payment_id")
    if original.account_ref != row.account_ref or original.currency != row.currency:
        return (f"line {line}: payment_id: {row.payment_id} was recorded for another account or currency; "
                "not reversed")
    if -row.amount != original.amount:
        return (f"line {line}: amount: a reversal is of the whole payment: -{original.amount}, not "
                f"{row.amount}; not reversed")
    return None


async def reverse(db: Connection, payment_id: str, policy: Policy | None, actor: str,
                  now: datetime) -> bool:
    """Undo the payment, reopen what it kept, tell everyone once; False if reversed before."""
    done = await reverse_payment(db, payment_id, now)
    if done is None:
        return False
    payment, currency = done.payment, done.payment.currency
    if policy is not None:
        today = bank_today(policy, now)
        promises = [p for p in await settled_promises(db, payment.account_ref)
                    if p.created_at.date() <= payment.paid_on]
        back = matching.PaymentIn(payment.payment_id, Money(payment.amount, currency), payment.paid_on)
        grace = policy.promise.grace_days
        after = matching.take_back([promise_state(p) for p in promises], back, today, grace)
        for row, state in zip(promises, after, strict=True):
            if state == promise_state(row):
                continue
            await reopen(db, state, now)
            if state.status in ("broken", "partial"):
                await resolved_notice(db, policy, "broken", row, state, today, now)
    await outbox.enqueue(db, ReversalNotice(account_ref=payment.account_ref, payment_id=payment.payment_id,
                                            amount=Money(payment.amount, currency),
                                            balance=Money(done.balance, currency)), now)
    await audit.append(db, actor, "payment_reversed", payment.account_ref, now, {"payment_id": payment_id})
    return True
