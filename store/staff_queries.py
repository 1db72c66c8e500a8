"""Read-only queries for the staff view (its promises: store.promise_rows). Nothing here writes."""

from __future__ import annotations

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
        # COUNT, not SUM: PostgreSQL sums a BIGINT column into a numeric (a Decimal here)
        "SELECT COUNT(*), COUNT(verified_at), COUNT(CASE WHEN opted_out <> 0 THEN 1 END) FROM chats"
        " WHERE account_ref = ?",
        (ref,),
    ) as cur:
        chats, verified, opted_out = await cur.fetchone()
    return ChatSummary(chats, verified, opted_out)
