"""Payments against promises to pay: which promise a payment keeps, and when one is broken.

Statuses: pending | kept | partial (something paid, not all, grace over) | broken (nothing
paid, grace over) | cancelled. Only pending promises change here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from debt.money import Money

PROMISE_STATUSES = ("pending", "kept", "partial", "broken", "cancelled")


@dataclass(frozen=True)
class PromiseState:
    id: int | str
    amount: Money
    due: date
    paid: Money  # matched to this promise so far
    status: str


@dataclass(frozen=True)
class PaymentIn:
    payment_id: int | str
    amount: Money
    paid_on: date


def apply_payments(
    promises: Sequence[PromiseState], payments: Iterable[PaymentIn], grace_days: int
) -> list[PromiseState]:
    """The promises after matching new payments, in the order given.

    Payments are taken in date order; each goes to the pending promises still open on its
    date (paid on or before due + grace_days), oldest due first, each promise taking only what
    it still lacks; the rest flows to the next one and anything left after the last is not a
    promise's concern. A promise whose matched payments reach its amount is kept. Each payment
    must be passed once (the caller records which payments were applied).
    """
    states = {i: p for i, p in enumerate(promises)}
    open_order = sorted((i for i, p in states.items() if p.status == "pending"),
                        key=lambda i: (states[i].due, str(states[i].id)))
    for payment in sorted(payments, key=lambda p: (p.paid_on, str(p.payment_id))):
        left = payment.amount
        for i in open_order:
            state = states[i]
            if left.amount <= 0:
                break
            if state.status != "pending" or payment.paid_on > state.due + timedelta(days=grace_days):
                continue
            take = left.min(state.amount - state.paid)
            paid = state.paid + take
            states[i] = replace(state, paid=paid, status="kept" if paid >= state.amount else "pending")
            left = left - take
    return [states[i] for i in range(len(promises))]


def sweep(promises: Sequence[PromiseState], today: date, grace_days: int) -> list[PromiseState]:
    """Pending promises whose grace ended before today: broken if nothing was paid, else partial."""
    out = []
    for p in promises:
        if p.status == "pending" and p.due + timedelta(days=grace_days) < today:
            p = replace(p, status="partial" if p.paid.amount > 0 else "broken")
        out.append(p)
    return out


def broken_in_row(statuses_newest_first: Iterable[str]) -> int:
    """How many promises in a row, newest first, were broken.

    pending and cancelled promises are passed over; a kept or partly kept promise ends the run
    (paying something is keeping in touch, and the policy's limit is about promises ignored).
    """
    count = 0
    for status in statuses_newest_first:
        if status == "broken":
            count += 1
        elif status in ("kept", "partial"):
            break
    return count


def take_back(
    promises: Sequence[PromiseState], payment: PaymentIn, today: date, grace_days: int
) -> list[PromiseState]:
    """The promises after a payment is reversed, in the order given.

    The reversed amount is taken back from the promises it may have counted towards (something
    paid, still open on the payment's date), newest due first: the reverse of the order payments
    fill them. Each promise it reaches is pending again while its grace lasts, else partly kept
    or broken, as the sweep would have left it without the payment. Cancelled ones stay so.
    """
    states = list(promises)
    left = payment.amount
    order = sorted(range(len(states)), key=lambda i: (states[i].due, str(states[i].id)), reverse=True)
    for i in order:
        state = states[i]
        if left.amount <= 0:
            break
        if state.status not in ("kept", "partial", "pending") or state.paid.amount <= 0:
            continue
        end = state.due + timedelta(days=grace_days)
        if payment.paid_on > end:
            continue
        take = left.min(state.paid)
        paid = state.paid - take
        status = "pending" if end >= today else ("partial" if paid.amount > 0 else "broken")
        states[i] = replace(state, paid=paid, status=status)
        left = left - take
    return states
