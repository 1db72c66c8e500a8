"""Read-only queries for the staff view and the promises export. Nothing here writes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiosqlite


@dataclass(frozen=True)
class CaseRow:
    id: int
    kind: str
    reason: str
    created_at: str


@dataclass(frozen=True)
class ChatSummary:
    chats: int  # chats bound to the account
    verified: int
    opted_out: int


async def open_cases(db: aiosqlite.Connection, ref: str) -> list[CaseRow]:
    async with db.execute(
        "SELECT id, kind, reason, created_at FROM cases WHERE account_ref = ? AND status = 'open'"
        " ORDER BY id",
        (ref,),
    ) as cur:
        return [CaseRow(r["id"], r["kind"], r["reason"], r["created_at"]) for r in await cur.fetchall()]


async def chat_summary(db: aiosqlite.Connection, ref: str) -> ChatSummary:
    async with db.execute(
        "SELECT COUNT(*), COUNT(verified_at), COALESCE(SUM(opted_out), 0) FROM chats WHERE account_ref = ?",
        (ref,),
    ) as cur:
        chats, verified, opted_out = await cur.fetchone()
    return ChatSummary(chats, verified, opted_out)


async def iter_promises(db: aiosqlite.Connection) -> AsyncIterator[aiosqlite.Row]:
    """Every promise, oldest due first: id, account_ref, arrangement_id, amount, currency,
    due_date, status, paid_amount, source, created_at, resolved_at."""
    async with db.execute(
        """SELECT id, account_ref, arrangement_id, amount, currency, due_date, status, paid_amount,
                  source, created_at, resolved_at FROM promises ORDER BY due_date, id"""
    ) as cur:
        async for row in cur:
            yield row


async def promise_page(
    db: aiosqlite.Connection, after_id: int, limit: int, status: str | None = None, since: str | None = None
) -> list[aiosqlite.Row]:
    """Up to `limit` promises with ids above `after_id`, in id order (the bank API's pages): only
    those with `status`, and only those made or resolved at or after `since` (ISO), when given."""
    sql = """SELECT id, account_ref, arrangement_id, amount, currency, due_date, status, paid_amount,
                    source, created_at, resolved_at FROM promises
             WHERE id > :after AND (:status IS NULL OR status = :status)
               AND (:since IS NULL OR created_at >= :since OR resolved_at >= :since)
             ORDER BY id LIMIT :limit"""
    args = {"after": after_id, "limit": limit, "status": status, "since": since}
    async with db.execute(sql, args) as cur:
        return list(await cur.fetchall())
