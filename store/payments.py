"""Payments from the bank's file: recorded once by payment_id, each applied to its account once.

Applying a payment lowers what is owed at once, so the bot shows the new figures before the
next portfolio file arrives; the bank's next file remains the truth and overwrites them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

import aiosqlite

from debt.portfolio import PaymentRow

_INSERT = (
    "INSERT OR IGNORE INTO payments (payment_id, account_ref, amount, currency, paid_at, imported_at) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)


def _less(value: str, amount: Decimal) -> Decimal:
    """value - amount, never below zero; zero keeps value's decimals ("0.00", not "0")."""
    before = Decimal(value)
    return max(before - amount, before * 0)


async def _apply(db: aiosqlite.Connection, row: PaymentRow, now: datetime) -> None:
    async with db.execute(
        "SELECT balance, minimum_due, overdue_amount, oldest_due_date, last_payment_date, "
        "last_payment_amount FROM accounts WHERE account_ref = ?",
        (row.account_ref,),
    ) as cur:
        acc = await cur.fetchone()
    overdue = _less(acc["overdue_amount"], row.amount)
    oldest = acc["oldest_due_date"] if overdue > 0 else None
    last = acc["last_payment_date"]
    newer = last is None or date.fromisoformat(last) <= row.paid_on
    await db.execute(
        "UPDATE accounts SET balance = ?, minimum_due = ?, overdue_amount = ?, oldest_due_date = ?, "
        "last_payment_date = ?, last_payment_amount = ?, updated_at = ? WHERE account_ref = ?",
        (
            str(_less(acc["balance"], row.amount)),
            str(_less(acc["minimum_due"], row.amount)),
            str(overdue),
            oldest,
            row.paid_on.isoformat() if newer else last,
            str(row.amount) if newer else acc["last_payment_amount"],  # a late older payment keeps the latest
            now.isoformat(),
            row.account_ref,
        ),
    )


async def insert_payments(db: aiosqlite.Connection, rows: Iterable[PaymentRow], now: datetime) -> list[str]:
    """Record each payment not seen before and apply it to its account; the ids newly recorded.

    Every account must exist (the importer checks), else the foreign key refuses the batch.
    """
    inserted = []
    for row in rows:
        cursor = await db.execute(
            _INSERT,
            (row.payment_id, row.account_ref, str(row.amount), row.currency, row.paid_at, now.isoformat()),
        )
        if cursor.rowcount == 1:
            await _apply(db, row, now)
            inserted.append(row.payment_id)
    return inserted
