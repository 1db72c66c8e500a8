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
from store.bulk import copy_into, dialect, rows_for_keys, stage

_PAYMENT_COLUMNS = ("payment_id", "account_ref", "amount", "currency", "paid_at", "imported_at", "source",
                    "invoice", "applied")
_INSERT = (f"INSERT INTO payments ({', '.join(_PAYMENT_COLUMNS)}) "
           f"VALUES ({', '.join('?' * len(_PAYMENT_COLUMNS))})")
_FIGURES = ("balance", "minimum_due", "overdue_amount", "oldest_due_date", "last_payment_date",
            "last_payment_amount", "credit_balance")
_UPDATE = (f"UPDATE accounts SET {', '.join(f'{c} = ?' for c in _FIGURES)}, updated_at = ? "
           "WHERE account_ref = ?")
_UPDATE_STAGED = (f"UPDATE accounts AS a SET {', '.join(f'{c} = s.{c}' for c in _FIGURES)}, updated_at = ? "
                  "FROM stage_figures AS s WHERE a.account_ref = s.account_ref")


@dataclass(frozen=True)
class Recorded:
    """A payment newly recorded, and what of it went beyond the balance (a credit)."""

    payment_id: str
    credit: Decimal


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _figures_of(acc) -> tuple[Figures, date | None]:  # noqa: ANN001 - a row of either engine
    last_amount = acc["last_payment_amount"]
    return Figures(
        balance=Decimal(acc["balance"]), minimum_due=Decimal(acc["minimum_due"]),
        overdue_amount=Decimal(acc["overdue_amount"]), oldest_due_date=_day(acc["oldest_due_date"]),
        last_payment_date=_day(acc["last_payment_date"]),
        last_payment_amount=Decimal(last_amount) if last_amount is not None else None,
        credit=Decimal(acc["credit_balance"]),
    ), _day(acc["as_of"])


_SELECT_FIGURES = f"SELECT account_ref, as_of, {', '.join(_FIGURES)} FROM accounts WHERE"


async def _figures(db: aiosqlite.Connection, ref: str) -> tuple[Figures, date | None]:
    """The account's figures a payment changes, and the day its portfolio row is as of."""
    async with db.execute(f"{_SELECT_FIGURES} account_ref = ?", (ref,)) as cur:
        return _figures_of(await cur.fetchone())


async def _write_figures(db: aiosqlite.Connection, ref: str, figures: Figures, now: datetime) -> None:
    await db.execute(_UPDATE, (*_figure_values(ref, figures)[1:], now.isoformat(), ref))


async def record_payments(
    db: aiosqlite.Connection, rows: Iterable[PaymentRow], now: datetime, *, source: str = "file",
    invoice: str | None = None,
) -> list[Recorded]:
    """Record each payment not seen before and apply it to its account; those newly recorded.

    A payment is applied unless the account's portfolio row already holds it (dated on or before
    its as-of date); one taken in the chat (source "telegram") came after the portfolio, so it
    always is. What it did is kept with it (`applied`), for a reversal to undo. Every account must
    exist (the importer checks), else the foreign key refuses the batch. `invoice`: the signed
    invoice a chat payment paid (payment_for_invoice).

    The payments are worked out in order, each on its account's figures as the one before left
    them, and then written together: inserted (PostgreSQL: by COPY), and the accounts updated
    once per payment in that order, so the cleared-arrears trigger sees each payment as if it
    came alone (PostgreSQL: one set-based UPDATE per round, the first payment of every account,
    then the second...). The unit's write lock keeps what was read true until it ends.
    """
    rows = list(rows)
    known = set(await payments_recorded(db, (row.payment_id for row in rows)))
    figures = {acc["account_ref"]: _figures_of(acc) async for acc in rows_for_keys(
        db, _SELECT_FIGURES, "account_ref", (row.account_ref for row in rows))}
    inserts, updates, recorded, at = [], [], [], now.isoformat()
    applied_to: dict[str, int] = defaultdict(int)  # account -> payments applied to it so far here
    for row in rows:
        if row.payment_id in known:
            continue
        known.add(row.payment_id)
        applied, credit = None, Decimal(0)
        before, as_of = figures.get(row.account_ref, (None, None))  # none: the foreign key refuses it
        if before is not None and (source == "telegram" or not already_in(as_of, row.paid_on)):
            after = apply_payment(before, row.amount, row.paid_on)
            applied, credit = effect(before, after).to_text(), after.credit - before.credit
            figures[row.account_ref] = (after, as_of)
            updates.append((applied_to[row.account_ref], row.account_ref, after))
            applied_to[row.account_ref] += 1
        inserts.append((row.payment_id, row.account_ref, str(row.amount), row.currency, row.paid_at, at,
                        source, invoice, applied))
        recorded.append(Recorded(row.payment_id, credit))
    await _write_recorded(db, inserts, updates, at)
    return recorded


def _figure_values(ref: str, figures: Figures) -> tuple:
    values = figures_values(figures)
    return (ref, *(values[c] for c in _FIGURES))


async def _write_recorded(db: aiosqlite.Connection, inserts: list[tuple],
                          updates: list[tuple[int, str, Figures]], at: str) -> None:
    """The payments, then each account's figures after each of its payments: `updates` holds
    (the how-manieth payment of its account here, account, figures after it), in payment order."""
    if dialect(db) != "postgresql":
        await db.executemany(_INSERT, inserts)
        await db.executemany(_UPDATE, [(*_figure_values(ref, after)[1:], at, ref)
                                       for _, ref, after in updates])
        return
    await copy_into(db, "payments", _PAYMENT_COLUMNS, inserts)
    for turn in range(max((n for n, _, _ in updates), default=-1) + 1):
        await stage(db, "stage_figures", ("account_ref", *_FIGURES),
                    (_figure_values(ref, after) for n, ref, after in updates if n == turn))
        await db.execute(_UPDATE_STAGED, (at,))


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
