"""Writing a checked batch of the bank's file, reconciled with what the database already holds.

The reconciliation (debt/reconcile.py, README "The bank's files"): a portfolio row older than
the one loaded for its account is refused; a newer one replaces the figures, with the payments
dated after its as-of date applied on top; a payment_id seen before with other values is
refused, and a payment above the balance leaves a credit that is reported. Each batch costs a
few queries (500 keys each on SQLite, one on PostgreSQL, where the rows go by COPY into a staging
table and one set-based upsert: store/bulk.py), never one per row.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from debt.policy import Policy
from debt.portfolio import PaymentRow
from debt.reconcile import apply_later
from ops.reversals import refusal as reversals_refusal
from ops.reversals import reverse
from ops.sweeper import apply_new_payments
from store.accounts import (
    account_currencies,
    params_figures,
    portfolio_dates,
    with_figures,
    write_portfolio,
)
from store.payments import payments_recorded, payments_since, record_payments

Lines = list[tuple[int, str]]  # (line, "line N: column: reason")


@dataclass
class Written:
    """What a batch's write did: rows changed, rows refused, and notes on rows written."""

    changed: int = 0
    refused: Lines = field(default_factory=list)
    notes: Lines = field(default_factory=list)


Writer = Callable[[Any, list[tuple[int, Any]]], Awaitable[Written]]


def _older(line: int, as_of: str, loaded: str) -> str:
    return (f"line {line}: as_of: {as_of} is older than the portfolio already loaded for this account "
            f"({loaded}); nothing written for it")


def account_writer() -> Writer:
    """Rows are (line, (account params, factor digests, as_of ISO or ""))."""
    async def write(db: Any, rows: list[tuple[int, Any]]) -> Written:
        loaded = await portfolio_dates(db, (params[0] for _, (params, _, _) in rows))
        good, refused = [], []
        for line, (params, digests, as_of) in rows:
            before = loaded.get(params[0])
            if before and as_of and as_of < before:
                refused.append((line, _older(line, as_of, before)))
            else:
                good.append((params, digests, as_of))
        params_list = await _with_later_payments(db, good)
        changed = await write_portfolio(db, [(params, digests) for params, (_, digests, _) in
                                             zip(params_list, good, strict=True)], loaded)
        return Written(changed, refused)
    return write


async def _with_later_payments(db: Any, rows: list[tuple[tuple, Any, str]]) -> list[tuple]:
    """Each row's params, with the payments recorded and dated after its as-of date applied."""
    if not rows:
        return []
    days = [as_of for _, _, as_of in rows if as_of]
    since = date.fromisoformat(min(days)) if len(days) == len(rows) else date.min
    later = await payments_since(db, (params[0] for params, _, _ in rows), since)
    out = []
    for params, _, as_of in rows:
        payments = later.get(params[0])
        if payments:
            day = date.fromisoformat(as_of) if as_of else None
            params = with_figures(params, apply_later(params_figures(params), day, payments))
        out.append(params)
    return out


def _differs(before: PaymentRow, now: PaymentRow) -> list[str]:
    pairs = {"account_ref": (before.account_ref, now.account_ref), "amount": (before.amount, now.amount),
             "currency": (before.currency, now.currency), "paid_at": (before.paid_at, now.paid_at)}
    return [column for column, (a, b) in pairs.items() if a != b]


def payment_writer(now: datetime, policy: Policy | None, actor: str = "cli") -> Writer:
    """Rows are (line, PaymentRow). With a policy, new payments are matched to pending promises.
    A negative amount reverses the payment of the same payment_id (ops/reversals.py), once."""
    async def write(db: Any, rows: list[tuple[int, PaymentRow]]) -> Written:
        currencies = await account_currencies(db, (item.account_ref for _, item in rows))
        earlier = await payments_recorded(db, (item.payment_id for _, item in rows))
        good, refused, lines, reversals = [], [], {}, []
        for line, item in rows:
            have = currencies.get(item.account_ref)
            first = earlier.get(item.payment_id)
            if item.amount < 0:  # a reversal of the payment with this id: once this batch's are in
                reversals.append((line, item))
                continue
            differs = _differs(first, item) if first else []
            if differs:
                refused.append((line, f"line {line}: payment_id: {item.payment_id} was loaded before "
                                      f"with a different {', '.join(differs)}; not applied"))
            elif have is None:
                refused.append((line, f"line {line}: account_ref: unknown account {item.account_ref}"))
            elif have != item.currency:
                refused.append((line, f"line {line}: currency: {item.currency} is not the account's {have}"))
            else:
                good.append(item)
                lines[item.payment_id] = (line, item)
        recorded = await record_payments(db, good, now)
        notes = [_credit_note(*lines[r.payment_id], r.credit) for r in recorded if r.credit > 0]
        if policy is not None and recorded:  # same transaction: a payment and the promise it keeps
            await apply_new_payments(db, [r.payment_id for r in recorded], policy, now)
        undone = await _reverse_all(db, reversals, earlier | {item.payment_id: item for item in good},
                                    refused, policy, actor, now)
        return Written(len(recorded) + undone, refused, notes)
    return write


async def _reverse_all(db: Any, reversals: list[tuple[int, PaymentRow]], payments: dict[str, PaymentRow],
                       refused: Lines, policy: Policy | None, actor: str, now: datetime) -> int:
    """Each reversal of a payment recorded before or in this batch; the number undone (one
    reversed before is left alone), the others refused with their reason."""
    undone = 0
    for line, item in reversals:
        why = reversals_refusal(line, item, payments.get(item.payment_id))
        if why:
            refused.append((line, why))
        elif await reverse(db, item.payment_id, policy, actor, now):
            undone += 1
    return undone


def _credit_note(line: int, item: PaymentRow, credit: Any) -> tuple[int, str]:
    return line, (f"line {line}: amount: {item.amount} {item.currency} is {credit} more than the balance; "
                  "the balance is now 0 and the rest is kept as a credit on the account")
