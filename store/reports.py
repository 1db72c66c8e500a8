"""Read-only queries for the staff view, the exports and the report. Nothing here writes."""

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


async def _count(db: aiosqlite.Connection, sql: str) -> int:
    async with db.execute(sql) as cur:
        (value,) = await cur.fetchone()
    return value


async def _by(db: aiosqlite.Connection, sql: str) -> dict[str, int]:
    async with db.execute(sql) as cur:
        return {row[0]: row[1] for row in await cur.fetchall()}


async def activity(db: aiosqlite.Connection) -> dict[str, object]:
    """Counts for the report: links issued and opened, chats verified, promises and open cases."""
    return {
        "accounts": await _count(db, "SELECT COUNT(*) FROM accounts"),
        "links_issued": await _count(db, "SELECT COUNT(*) FROM links_issued"),
        "links_opened": await _count(db, "SELECT COUNT(*) FROM link_tokens WHERE used_at IS NOT NULL"),
        "chats_verified": await _count(db, "SELECT COUNT(*) FROM chats WHERE verified_at IS NOT NULL"),
        "promises": await _by(db, "SELECT status, COUNT(*) FROM promises GROUP BY status"),
        "open_cases": await _by(db, "SELECT kind, COUNT(*) FROM cases WHERE status = 'open' GROUP BY kind"),
        "notices_unsent": await _count(db, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL"),
    }
