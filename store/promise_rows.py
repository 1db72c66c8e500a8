"""Promises to pay: every SQL statement on the promises table, and the records it answers.

A promise is the debtor's own (source "chat") or an instalment of an arrangement ("plan").
Statuses change only here, as debt.matching decides (which payment keeps which promise, when
grace is over, how many were broken in a row). Readers get `Promise` records, never driver rows;
`iter_promises` streams them all (the export, the report), the rest answer one question each.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import aiosqlite

from debt import matching
from debt.money import Money
from store.bulk import rows_for_keys
from store.contact_log import CONTACTABLE, Recipient, recipient_fields

PROMISE_SOURCES = ("chat", "plan")

_COLUMNS = ("id", "account_ref", "arrangement_id", "amount", "currency", "due_date", "status", "paid_amount",
            "source", "created_at", "resolved_at")
_SELECT = ", ".join(f"p.{name}" for name in _COLUMNS)

# A promise of the debtor's own, or an instalment of an arrangement in force: never one of an
# arrangement awaiting approval (or declined), which payments must not settle nor the sweep break.
_IN_FORCE = ("(p.arrangement_id IS NULL OR p.arrangement_id IN"
             " (SELECT id FROM arrangements WHERE status IN ('active', 'completed')))")


@dataclass(frozen=True)
class Promise:
    id: int
    account_ref: str
    arrangement_id: int | None
    amount: Money
    paid: Money
    due_date: date
    status: str  # pending | kept | partial | broken | cancelled
    source: str  # chat | plan
    created_at: datetime
    resolved_at: datetime | None

    @property
    def unpaid(self) -> Money:
        return self.amount - self.paid


@dataclass(frozen=True)
class PromiseToTell(Recipient):
    """A promise and one chat of its account that may be told about it (a reminder, a kind
    message after a broken promise)."""

    promise: Promise


def _promise(r: Mapping[str, Any]) -> Promise:
    """The one conversion from a row selecting _SELECT to a Promise."""
    currency = r["currency"]
    return Promise(
        id=r["id"], account_ref=r["account_ref"], arrangement_id=r["arrangement_id"],
        amount=Money(Decimal(r["amount"]), currency), paid=Money(Decimal(r["paid_amount"]), currency),
        due_date=date.fromisoformat(r["due_date"]), status=r["status"], source=r["source"],
        created_at=datetime.fromisoformat(r["created_at"]),
        resolved_at=datetime.fromisoformat(r["resolved_at"]) if r["resolved_at"] else None,
    )


def _to_tell(r: Mapping[str, Any]) -> PromiseToTell:
    return PromiseToTell(promise=_promise(r), **recipient_fields(r))


def promise_state(promise: Promise) -> matching.PromiseState:
    return matching.PromiseState(id=promise.id, amount=promise.amount, due=promise.due_date,
                                 paid=promise.paid, status=promise.status)


# --- writing ---------------------------------------------------------------------------------

async def insert_promise(
    db: aiosqlite.Connection,
    account_ref: str,
    amount: Money,
    due: date,
    source: str,
    now: datetime,
    arrangement_id: int | None = None,
) -> int:
    if source not in PROMISE_SOURCES:
        raise ValueError(f"unknown promise source {source!r}")
    async with db.execute(
        """INSERT INTO promises (account_ref, arrangement_id, amount, currency, due_date, status, source,
                                 created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING id""",
        (account_ref, arrangement_id, str(amount.amount), amount.currency, due.isoformat(), source,
         now.isoformat()),
    ) as cur:
        return (await cur.fetchone())[0]


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


async def reopen(db: aiosqlite.Connection, state: matching.PromiseState, now: datetime) -> None:
    """A settled promise's paid amount and status after a payment to it was reversed: pending
    again (unresolved), or partly kept or broken as of now."""
    resolved = None if state.status == "pending" else now.isoformat()
    await db.execute(
        "UPDATE promises SET status = ?, paid_amount = ?, resolved_at = ?"
        " WHERE id = ? AND status IN ('pending', 'kept', 'partial')",
        (state.status, str(state.paid.amount), resolved, state.id),
    )


async def settled_promises(db: aiosqlite.Connection, account_ref: str) -> list[Promise]:
    """The account's promises in force that a payment may have counted towards (pending, kept or
    partly kept, with something paid), nearest due first."""
    async with db.execute(
        f"SELECT {_SELECT} FROM promises p WHERE p.account_ref = ?"
        f" AND p.status IN ('pending', 'kept', 'partial') AND {_IN_FORCE} ORDER BY p.due_date, p.id",
        (account_ref,),
    ) as cur:
        return [p for p in (_promise(r) for r in await cur.fetchall()) if p.paid.amount > 0]


# --- reading ---------------------------------------------------------------------------------

async def iter_promises(
    db: aiosqlite.Connection, *, made_before: str | None = None
) -> AsyncIterator[Promise]:
    """Every promise (made before that ISO instant, if given), oldest due first, streamed."""
    where = " WHERE p.created_at < ?" if made_before is not None else ""
    args = (made_before,) if made_before is not None else ()
    async with db.execute(f"SELECT {_SELECT} FROM promises p{where} ORDER BY p.due_date, p.id", args) as cur:
        async for row in cur:
            yield _promise(row)


async def promise_page(
    db: aiosqlite.Connection, after_id: int, limit: int, status: str | None = None, since: str | None = None
) -> list[Promise]:
    """Up to `limit` promises with ids above `after_id`, in id order (the bank API's pages): only
    those with `status`, and only those made or resolved at or after `since` (ISO), when given.
    (The CASTs give PostgreSQL a type for a parameter that may be NULL; SQLite needs none.)"""
    sql = f"""SELECT {_SELECT} FROM promises p
              WHERE p.id > :after AND (CAST(:status AS TEXT) IS NULL OR p.status = :status)
                AND (CAST(:since AS TEXT) IS NULL OR p.created_at >= :since OR p.resolved_at >= :since)
              ORDER BY p.id LIMIT :limit"""
    args = {"after": after_id, "limit": limit, "status": status, "since": since}
    async with db.execute(sql, args) as cur:
        return [_promise(r) for r in await cur.fetchall()]


async def promises_for(
    db: aiosqlite.Connection, account_ref: str, status: str | None = None
) -> list[Promise]:
    """The account's promises (of one status), nearest due first."""
    sql = f"SELECT {_SELECT} FROM promises p WHERE p.account_ref = ?"
    sql += " AND p.status = ?" if status else ""
    args = (account_ref, status) if status else (account_ref,)
    async with db.execute(sql + " ORDER BY p.due_date, p.id", args) as cur:
        return [_promise(r) for r in await cur.fetchall()]


async def pending_promises(db: aiosqlite.Connection, account_ref: str) -> list[Promise]:
    """The account's pending promises in force, nearest due first."""
    async with db.execute(
        f"SELECT {_SELECT} FROM promises p WHERE p.account_ref = ? AND p.status = 'pending' AND {_IN_FORCE}"
        " ORDER BY p.due_date, p.id",
        (account_ref,),
    ) as cur:
        return [_promise(r) for r in await cur.fetchall()]


async def pending_promises_of(db: aiosqlite.Connection, refs: Iterable[str]) -> dict[str, list[Promise]]:
    """pending_promises for many accounts at once (a batch of payments): one query on PostgreSQL,
    one per 500 accounts on SQLite; accounts without any are left out."""
    found: dict[str, list[Promise]] = defaultdict(list)
    rows = rows_for_keys(db, f"SELECT {_SELECT} FROM promises p WHERE", "p.account_ref", refs,
                         f" AND p.status = 'pending' AND {_IN_FORCE} ORDER BY p.due_date, p.id")
    async for row in rows:
        promise = _promise(row)
        found[promise.account_ref].append(promise)
    return found


async def past_grace(
    db: aiosqlite.Connection, due_before: date, limit: int, after_id: int = 0
) -> list[Promise]:
    """Pending promises due before `due_before` (due + grace already over), oldest id first,
    from the id after `after_id` (a dry run pages on, as it changes nothing)."""
    async with db.execute(
        f"SELECT {_SELECT} FROM promises p"
        f" WHERE p.status = 'pending' AND p.due_date < ? AND p.id > ? AND {_IN_FORCE}"
        " ORDER BY p.id LIMIT ?",
        (due_before.isoformat(), after_id, limit),
    ) as cur:
        return [_promise(r) for r in await cur.fetchall()]


async def due_on(db: aiosqlite.Connection, day: date, limit: int) -> list[Promise]:
    """Pending promises and instalments due on `day`, at most `limit` (promises_due index)."""
    async with db.execute(
        f"SELECT {_SELECT} FROM promises p WHERE p.status = 'pending' AND p.due_date = ?"
        " ORDER BY p.account_ref, p.id LIMIT ?",
        (day.isoformat(), limit),
    ) as cur:
        return [_promise(r) for r in await cur.fetchall()]


async def broken_in_row(db: aiosqlite.Connection, account_ref: str) -> int:
    """How many of the account's latest promises were broken in a row (debt.matching's rule)."""
    async with db.execute(
        "SELECT status FROM promises WHERE account_ref = ? ORDER BY due_date DESC, id DESC", (account_ref,)
    ) as cur:
        return matching.broken_in_row([row["status"] async for row in cur])


# The accounts that made a promise in the chat before ? (an ISO instant): the report's subquery.
PROMISED_IN_CHAT_BEFORE = "SELECT account_ref FROM promises WHERE source = 'chat' AND created_at < ?"


_RECIPIENT = "c.chat_id, c.locale, a.locale AS account_locale, a.timezone"


async def iter_due_soon(
    db: aiosqlite.Connection, first: date, last: date, *, active_since: datetime
) -> AsyncIterator[PromiseToTell]:
    """Pending promises due between first and last (inclusive), each with every chat of its
    account that may be contacted (CONTACTABLE): the candidates for a reminder. Streamed,
    soonest first; for one promise the chat that wrote last comes first."""
    async with db.execute(
        f"""SELECT {_SELECT}, {_RECIPIENT}
           FROM promises p
           JOIN accounts a ON a.account_ref = p.account_ref
           JOIN chats c ON c.account_ref = p.account_ref
           WHERE p.status = 'pending' AND p.due_date BETWEEN :first AND :last
             AND {CONTACTABLE}
           ORDER BY p.due_date, p.id, c.last_seen_at DESC, c.chat_id""",
        {"first": first.isoformat(), "last": last.isoformat(), "active_since": active_since.isoformat()},
    ) as cur:
        async for row in cur:
            yield _to_tell(row)


async def owed_broken_messages(
    db: aiosqlite.Connection, since: datetime, *, active_since: datetime
) -> list[PromiseToTell]:
    """Promises broken (or partly kept) since `since`, each with every chat of its account that
    may be contacted (store.contact_log.CONTACTABLE), while the debtor has not had the kind
    message about it in any chat: the message waits here for contact hours. None while a
    hardship review is open or after a new promise; for one promise the chat that wrote last
    comes first."""
    async with db.execute(
        f"""SELECT {_SELECT}, {_RECIPIENT}
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
        return [_to_tell(r) for r in await cur.fetchall()]
