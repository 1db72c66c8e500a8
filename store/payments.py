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
from debt.reconcile import Figures, already_in, apply_payment
from store.accounts import figures_values
from store.bulk import dialect, rows_for_keys, stage

_INSERT = (
    "INSERT INTO payments (payment_id, account_ref, amount, currency, paid_at, imported_at) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (payment_id) DO NOTHING"
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


def _figures(acc) -> Figures:
    last_amount = acc["last_payment_amount"]
    return Figures(
        balance=Decimal(acc["balance"]), minimum_due=Decimal(acc["minimum_due"]),
        overdue_amount=Decimal(acc["overdue_amount"]), oldest_due_date=_day(acc["oldest_due_date"]),
        last_payment_date=_day(acc["last_payment_date"]),
        last_payment_amount=Decimal(last_amount) if last_amount is not None else None,
        credit=Decimal(acc["credit_balance"]),
    )


_ACCOUNT = f"SELECT account_ref, as_of, {', '.join(_FIGURES)} FROM accounts WHERE"


async def _apply(db: aiosqlite.Connection, row: PaymentRow, now: datetime) -> Decimal:
    """Apply a payment to its account unless the account's portfolio already holds it; the credit."""
    async with db.execute(f"{_ACCOUNT} account_ref = ?", (row.account_ref,)) as cur:
        acc = await cur.fetchone()
    if already_in(_day(acc["as_of"]), row.paid_on):
        return Decimal(0)
    before = _figures(acc)
    after = apply_payment(before, row.amount, row.paid_on)
    values = figures_values(after)
    await db.execute(
        _UPDATE, (*(values[c] for c in _FIGURES), now.isoformat(), row.account_ref),
    )
    return after.credit - before.credit


async def _record_sqlite(db: aiosqlite.Connection, rows: list[PaymentRow], now: datetime) -> list[Recorded]:
    recorded = []
    for row in rows:
        cursor = await db.execute(
            _INSERT,
            (row.payment_id, row.account_ref, str(row.amount), row.currency, row.paid_at, now.isoformat()),
        )
        if cursor.rowcount == 1:
            recorded.append(Recorded(row.payment_id, await _apply(db, row, now)))
    return recorded


_COLUMNS = ("payment_id", "account_ref", "amount", "currency", "paid_at", "imported_at")
_INSERT_STAGED = (f"INSERT INTO payments ({', '.join(_COLUMNS)}) SELECT {', '.join(_COLUMNS)} "
                  "FROM stage_payments ORDER BY seq ON CONFLICT (payment_id) DO NOTHING RETURNING payment_id")
_UPDATE_STAGED = (f"UPDATE accounts AS a SET {', '.join(f'{c} = s.{c}' for c in _FIGURES)}, "
                  "updated_at = s.updated_at FROM stage_figures AS s WHERE a.account_ref = s.account_ref")


async def _record_postgresql(db, rows: list[PaymentRow], now: datetime) -> list[Recorded]:
    """The batch COPYed into a staging table and inserted in one statement; the figures of the
    accounts paid worked out here, in the batch's order, and written in one UPDATE for each
    payment an account had in the batch (the first of each account's, then the second...), so
    that each payment's change passes the cleared-arrears trigger as it does on SQLite."""
    at = now.isoformat()
    await stage(db, "stage_payments", _COLUMNS,
                ((r.payment_id, r.account_ref, str(r.amount), r.currency, r.paid_at, at) for r in rows))
    async with db.execute(_INSERT_STAGED) as cur:
        new = {payment_id for (payment_id,) in await cur.fetchall()}
    fresh = []
    for row in rows:  # in the order given; an id twice in the batch is recorded once, as on SQLite
        if row.payment_id in new:
            new.discard(row.payment_id)
            fresh.append(row)
    accounts = {acc["account_ref"]: acc async for acc in
                rows_for_keys(db, _ACCOUNT, "account_ref", (row.account_ref for row in fresh))}
    figures = {ref: _figures(acc) for ref, acc in accounts.items()}
    rounds: list[dict[str, tuple]] = []  # round k: account_ref -> the figures after its k-th payment
    done: dict[str, int] = defaultdict(int)
    recorded = []
    for row in fresh:
        before = figures[row.account_ref]
        if already_in(_day(accounts[row.account_ref]["as_of"]), row.paid_on):
            recorded.append(Recorded(row.payment_id, Decimal(0)))
            continue
        after = figures[row.account_ref] = apply_payment(before, row.amount, row.paid_on)
        values = figures_values(after)
        step = done[row.account_ref]
        done[row.account_ref] += 1
        if step == len(rounds):
            rounds.append({})
        rounds[step][row.account_ref] = (*(values[c] for c in _FIGURES), at)
        recorded.append(Recorded(row.payment_id, after.credit - before.credit))
    for changes in rounds:
        await stage(db, "stage_figures", ("account_ref", *_FIGURES, "updated_at"),
                    ((ref, *values) for ref, values in changes.items()))
        await db.execute(_UPDATE_STAGED)
    return recorded


_RECORD = {"sqlite": _record_sqlite, "postgresql": _record_postgresql}


async def record_payments(
    db: aiosqlite.Connection, rows: Iterable[PaymentRow], now: datetime
) -> list[Recorded]:
    """Record each payment not seen before and apply it to its account; those newly recorded, in
    the order given. SQLite runs a few statements a payment; PostgreSQL a few a batch.

    Every account must exist (the importer checks), else the foreign key refuses the batch.
    """
    rows = list(rows)
    if not rows:
        return []
    return await _RECORD[dialect(db)](db, rows, now)


async def insert_payments(db: aiosqlite.Connection, rows: Iterable[PaymentRow], now: datetime) -> list[str]:
    """record_payments, answering only the ids newly recorded."""
    return [r.payment_id for r in await record_payments(db, rows, now)]


async def payments_recorded(db: aiosqlite.Connection, ids: Iterable[str]) -> dict[str, PaymentRow]:
    """payment_id -> the payment as first recorded, for those of `ids` already in the database."""
    select = "SELECT payment_id, account_ref, amount, currency, paid_at FROM payments WHERE"
    found = rows_for_keys(db, select, "payment_id", ids)
    return {payment_id: PaymentRow(payment_id, ref, Decimal(amount), currency, paid_at)
            async for payment_id, ref, amount, currency, paid_at in found}


# The order payments were recorded in: SQLite's rowid; PostgreSQL's payments have none, so the
# import's instant, then the place in the table (a batch is inserted in the file's order).
_RECORDED_ORDER = {"sqlite": "rowid", "postgresql": "imported_at, ctid"}


async def payments_since(
    db: aiosqlite.Connection, refs: Iterable[str], since: date
) -> dict[str, list[tuple[Decimal, date]]]:
    """account_ref -> (amount, day) of its payments dated on or after `since`, in the order they
    were recorded: a portfolio batch re-applies those its rows do not hold, in one query (one per
    500 accounts on SQLite)."""
    found: dict[str, list[tuple[Decimal, date]]] = defaultdict(list)
    tail = f" AND paid_at >= ? ORDER BY {_RECORDED_ORDER[dialect(db)]}"
    select = "SELECT account_ref, amount, paid_at FROM payments WHERE"
    found_rows = rows_for_keys(db, select, "account_ref", refs, tail, (since.isoformat(),))
    async for ref, amount, paid_at in found_rows:
        found[ref].append((Decimal(amount), date.fromisoformat(paid_at[:10])))
    return found
