"""Payments from the bank's file: recorded once by payment_id, each applied to its account once.

Applying a payment lowers what is owed at once, so the bot shows the new figures before the
next portfolio file arrives; a payment the account's portfolio row already holds (dated on or
before its as-of date) is recorded but not subtracted again. A later portfolio file re-applies
the payments dated after its own as-of date (debt/reconcile.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import aiosqlite

from debt.portfolio import PaymentRow
from debt.reconcile import Effect, Figures, already_in, apply_payment, effect, unapply_payment
from store.accounts import figures_values
from store.bulk import rows_for_keys

_INSERT = (
    "INSERT INTO payments (payment_id, account_ref, amount, currency, paid_at, imported_at, source, invoice) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (payment_id) DO NOTHING"
)
_FIGURES = ("balance", "minimum_due", "overdue_amount", "oldest_due_date", "last_payment_date",
            "last_payment_amount", "credit_balance")
_UPDATE = (f"UPDATE accounts SET {', '.join(f'{c} = ?' for c in _FIGURES)}, updated_at = ? "
           "WHERE account_ref = ?")


@dataclass(frozen=True)
class Recorded:
    """A payment newly recorded, and what of it went beyond the balance (a credit)."""

    payment_id: str
    credit: Decimal


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


async def _figures(db: aiosqlite.Connection, ref: str) -> tuple[Figures, date | None]:
    """The account's figures a payment changes, and the day its portfolio row is as of."""
    async with db.execute(
        f"SELECT as_of, {', '.join(_FIGURES)} FROM accounts WHERE account_ref = ?", (ref,)
    ) as cur:
        acc = await cur.fetchone()
    last_amount = acc["last_payment_amount"]
    return Figures(
        balance=Decimal(acc["balance"]), minimum_due=Decimal(acc["minimum_due"]),
        overdue_amount=Decimal(acc["overdue_amount"]), oldest_due_date=_day(acc["oldest_due_date"]),
        last_payment_date=_day(acc["last_payment_date"]),
        last_payment_amount=Decimal(last_amount) if last_amount is not None else None,
        credit=Decimal(acc["credit_balance"]),
    ), _day(acc["as_of"])


async def _write_figures(db: aiosqlite.Connection, ref: str, figures: Figures, now: datetime) -> None:
    values = figures_values(figures)
    await db.execute(_UPDATE, (*(values[c] for c in _FIGURES), now.isoformat(), ref))


async def _apply(db: aiosqlite.Connection, row: PaymentRow, now: datetime, always: bool) -> Decimal:
    """Apply a payment to its account unless the account's portfolio already holds it (never
    so for one taken in the chat, `always`: it came after the portfolio); the credit. What it
    did is kept with the payment, for a reversal to undo."""
    before, as_of = await _figures(db, row.account_ref)
    if not always and already_in(as_of, row.paid_on):
        return Decimal(0)
    after = apply_payment(before, row.amount, row.paid_on)
    await _write_figures(db, row.account_ref, after, now)
    await db.execute("UPDATE payments SET applied = ? WHERE payment_id = ?",
                     (effect(before, after).to_text(), row.payment_id))
    return after.credit - before.credit


async def record_payments(
    db: aiosqlite.Connection, rows: Iterable[PaymentRow], now: datetime, *, source: str = "file",
    invoice: str | None = None,
) -> list[Recorded]:
    """Record each payment not seen before and apply it to its account; those newly recorded.

    Every account must exist (the importer checks), else the foreign key refuses the batch.
    source "telegram": paid in the chat, after the portfolio, so always applied; `invoice` is
    the signed invoice it paid (payment_for_invoice).
    """
    recorded = []
    for row in rows:
        cursor = await db.execute(
            _INSERT,
            (row.payment_id, row.account_ref, str(row.amount), row.currency, row.paid_at, now.isoformat(),
             source, invoice),
        )
        if cursor.rowcount == 1:
            recorded.append(Recorded(row.payment_id, await _apply(db, row, now, source == "telegram")))
    return recorded


async def invoice_paid(db: aiosqlite.Connection, invoice: str) -> bool:
    """Whether a payment of this signed invoice is already recorded."""
    async with db.execute("SELECT 1 FROM payments WHERE invoice = ?", (invoice,)) as cur:
        return await cur.fetchone() is not None


@dataclass(frozen=True)
class Reversed:
    """A payment reversed: the payment as recorded, and the account's balance now."""

    payment: PaymentRow
    balance: Decimal


async def reversed_ids(db: aiosqlite.Connection, ids: Iterable[str]) -> set[str]:
    """Those of `ids` already reversed."""
    rows = rows_for_keys(db, "SELECT payment_id FROM payments WHERE", "payment_id", ids,
                         " AND reversed_at IS NOT NULL")
    found = {r[0] async for r in rows}
    return found


async def reverse_payment(db: aiosqlite.Connection, payment_id: str, now: datetime) -> Reversed | None:
    """Undo a recorded payment's effect on its account, once; None if unknown or reversed before.

    A payment the portfolio already held (not applied here) is marked reversed and changes no
    figures here: the bank's next portfolio file carries the reversal in its own figures."""
    async with db.execute(
        "SELECT payment_id, account_ref, amount, currency, paid_at, applied FROM payments "
        "WHERE payment_id = ? AND reversed_at IS NULL", (payment_id,)
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    payment = PaymentRow(row["payment_id"], row["account_ref"], Decimal(row["amount"]), row["currency"],
                         row["paid_at"])
    figures, _ = await _figures(db, payment.account_ref)
    if row["applied"]:
        figures = unapply_payment(figures, Effect.from_text(row["applied"]))
        await _write_figures(db, payment.account_ref, figures, now)
    await db.execute("UPDATE payments SET reversed_at = ? WHERE payment_id = ?",
                     (now.isoformat(), payment_id))
    return Reversed(payment, figures.balance)


async def insert_payments(db: aiosqlite.Connection, rows: Iterable[PaymentRow], now: datetime) -> list[str]:
    """record_payments, answering only the ids newly recorded."""
    return [r.payment_id for r in await record_payments(db, rows, now)]


async def payments_recorded(db: aiosqlite.Connection, ids: Iterable[str]) -> dict[str, PaymentRow]:
    """payment_id -> the payment as first recorded, for those of `ids` already in the database."""
    found = {}
    rows = rows_for_keys(db, "SELECT payment_id, account_ref, amount, currency, paid_at FROM payments WHERE",
                         "payment_id", ids)
    async for payment_id, ref, amount, currency, paid_at in rows:
        found[payment_id] = PaymentRow(payment_id, ref, Decimal(amount), currency, paid_at)
    return found


async def payments_since(
    db: aiosqlite.Connection, refs: Iterable[str], since: date
) -> dict[str, list[tuple[Decimal, date]]]:
    """account_ref -> (amount, day) of its payments dated on or after `since`, in the order they
    were recorded: a portfolio batch re-applies those its rows do not hold (one query per 500 refs
    on SQLite, one on PostgreSQL)."""
    found: dict[str, list[tuple[Decimal, date]]] = defaultdict(list)
    rows = rows_for_keys(db, "SELECT account_ref, amount, paid_at FROM payments WHERE", "account_ref", refs,
                         " AND paid_at >= ? AND reversed_at IS NULL ORDER BY rowid", (since.isoformat(),))
    async for ref, amount, paid_at in rows:
        found[ref].append((Decimal(amount), date.fromisoformat(paid_at[:10])))
    return found
