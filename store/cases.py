"""Cases a person at the bank must answer: disputes, hardship reviews, callback requests."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

KINDS = ("dispute", "hardship", "callback")


async def open_case(
    db: aiosqlite.Connection, account_ref: str, kind: str, reason: str, detail: str, now: datetime
) -> int:
    if kind not in KINDS:
        raise ValueError(f"unknown case kind {kind!r}")
    cur = await db.execute(
        "INSERT INTO cases (account_ref, kind, reason, detail, status, created_at)"
        " VALUES (?, ?, ?, ?, 'open', ?)",
        (account_ref, kind, reason, detail, now.isoformat()),
    )
    return cur.lastrowid


async def has_open(db: aiosqlite.Connection, account_ref: str, kind: str) -> bool:
    async with db.execute(
        "SELECT 1 FROM cases WHERE account_ref = ? AND kind = ? AND status = 'open' LIMIT 1",
        (account_ref, kind),
    ) as cur:
        return await cur.fetchone() is not None
