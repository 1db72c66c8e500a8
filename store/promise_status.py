"""Promise statuses as payments arrive and grace runs out: the SQL side of debt.matching.

Only pending promises change here; the rules (which payment keeps which promise, when a
promise is broken, how many were broken in a row) live in debt.matching.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

import aiosqlite

from debt import matching
from debt.money import Money
from store.contact_log import CONTACTABLE

CHUNK = 500  # stay under SQLite's bound-parameter limit


def promise_state(row: aiosqlite.Row) -> matching.PromiseState:
    currency = row["currency"]
    return matching.PromiseState(
        id=row["id"],
        amount=Money(Decimal(row["amount"]), currency),
        due=date.fromisoformat(row["due_date"]),
        paid=Money(Decimal(row["paid_amount"]), currency),
        status=row["status"],
    )


async def payments_by_id(db: aiosqlite.Connection, payment_ids: Iterable[str]) -> list[aiosqlite.Row]:
    """The payments with these ids, in any order."""
    wanted = sorted(set(payment_ids))
    found: list[aiosqlite.Row] = []
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        async with db.execute(
            "SELECT payment_id, account_ref, amount, currency, paid_at FROM payments"
            f" WHERE payment_id IN ({', '.join('?' * len(chunk))})",
            chunk,
        ) as cur:
            found.extend(await cur.fetchall())
    return found


# A promise of the debtor's own, or an instalment of an arrangement in force: never one of an
# arrangement awaiting approval (or declined), which payments must not settle nor the sweep break.
_IN_FORCE = ("(arrangement_id IS NULL OR arrangement_id IN"
             " (SELECT id FROM arrangements WHERE status IN ('active', 'completed')))")


async def pending_promises(db: aiosqlite.Connection, account_ref: str) -> list[aiosqlite.Row]:
    """The account's pending promises in force, nearest due first."""
    async with db.execute(
        f"SELECT * FROM promises WHERE account_ref = ? AND status = 'pending' AND {_IN_FORCE}"
        " ORDER BY due_date, id",
        (account_ref,),
    ) as cur:
        return list(await cur.fetchall())


async def past_grace(
    db: aiosqlite.Connection, due_before: date, limit: int, after_id: int = 0
) -> list[aiosqlite.Row]:
    """Pending promises due before `due_before` (due + grace already over), oldest id first,
    from the id after `after_id` (a dry run pages on, as it changes nothing)."""
    async with db.execute(
        f"SELECT * FROM promises WHERE status = 'pending' AND due_date < ? AND id > ? AND {_IN_FORCE}"
        " ORDER BY id LIMIT ?",
        (due_before.isoformat(), after_id, limit),
    ) as cur:
        return list(await cur.fetchall())


async def save_state(
    db: aiosqlite.Connection, state: matching.PromiseState, now: datetime
) -> None:
    """Write the promise's paid amount and status; a status other than pending resolves it."""
    resolved = None if state.status == "pending" else now.isoformat()
    await db.execute(
        "UPDATE promises SET status = ?, paid_amount = ?, resolved_at = ?"
        " WHERE id = ? AND status = 'pending'",
        (state.status, str(state.paid.amount), resolved, state.id),
    )


async def broken_in_row(db: aiosqlite.Connection, account_ref: str) -> int:
    """How many of the account's latest promises were broken in a row (debt.matching's rule)."""
    async with db.execute(
        "SELECT status FROM promises WHERE account_ref = ? ORDER BY due_date DESC, id DESC", (account_ref,)
    ) as cur:
        return matching.broken_in_row([row["status"] async for row in cur])


async def owed_broken_messages(
    db: aiosqlite.Connection, since: datetime, *, active_since: datetime
) -> list[aiosqlite.Row]:
    """Promises broken (or partly kept) since `since`, each with every chat of its account that
    may be contacted (store.contact_log.CONTACTABLE), while the debtor has not had the kind
    message about it in any chat: the message waits here for contact hours. None while a
    hardship review is open or after a new promise; for one promise the chat that wrote last
    comes first."""
    async with db.execute(
        f"""SELECT p.id, p.account_ref, p.amount, p.paid_amount, p.currency, p.due_date, p.status,
                  c.chat_id, c.locale, a.locale AS account_locale, a.timezone
           FROM promises p
           JOIN accounts a ON a.account_ref = p.account_ref
           JOIN chats c ON c.account_ref = p.account_ref
           WHERE p.status IN ('broken', 'partial') AND p.resolved_at >= :since
             AND {CONTACTABLE}
             AND NOT EXISTS (SELECT 1 FROM messages_sent m
                             WHERE (m.account_ref = p.account_ref OR m.chat_id = c.chat_id)
                               AND m.kind = 'broken' AND m.at >= p.resolved_at)
             -- answered since (a new promise) or a person owes them an answer: no nudge
             AND NOT EXISTS (SELECT 1 FROM promises q WHERE q.account_ref = p.account_ref
                             AND q.status = 'pending' AND q.created_at >= p.resolved_at)
             AND NOT EXISTS (SELECT 1 FROM cases k WHERE k.account_ref = p.account_ref
                             AND k.kind = 'hardship' AND k.status = 'open')
           ORDER BY p.resolved_at, p.id, c.last_seen_at DESC, c.chat_id""",
        {"since": since.isoformat(), "active_since": active_since.isoformat()},
    ) as cur:
        return list(await cur.fetchall())


async def due_on(db: aiosqlite.Connection, day: date, limit: int) -> list[aiosqlite.Row]:
    """Pending promises and instalments due on `day`, at most `limit` (promises_due index)."""
    async with db.execute(
        "SELECT id, account_ref, amount, paid_amount, currency, source FROM promises"
        " WHERE status = 'pending' AND due_date = ? ORDER BY account_ref, id LIMIT ?",
        (day.isoformat(), limit),
    ) as cur:
        return list(await cur.fetchall())
