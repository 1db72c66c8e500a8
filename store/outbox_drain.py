"""The notifier's side of the outbox: which notices are due, and what became of each send.

Rows are enqueued by the flows (store/outbox.py) in the same transaction as the change they
report; this module only reads them in id order and records the outcome of a delivery. A
notice is never deleted: a sent one keeps its sent_at, an unsent one waits for its next try.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

MAX_ERROR = 200  # last_error holds an error class and Telegram's short reason, never a payload


async def due_notices(
    db: aiosqlite.Connection, now: datetime, after_id: int, limit: int
) -> list[aiosqlite.Row]:
    """Unsent notices with id > after_id whose next try is due, oldest first, at most `limit`."""
    async with db.execute(
        "SELECT id, kind, account_ref, payload, created_at, attempts FROM outbox"
        " WHERE sent_at IS NULL AND id > ? AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"
        " ORDER BY id LIMIT ?",
        (after_id, now.isoformat(), limit),
    ) as cur:
        return list(await cur.fetchall())


async def get_notice(db: aiosqlite.Connection, notice_id: int) -> aiosqlite.Row | None:
    async with db.execute(
        "SELECT id, kind, account_ref, payload, created_at, sent_at, attempts, next_attempt_at, last_error"
        " FROM outbox WHERE id = ?",
        (notice_id,),
    ) as cur:
        return await cur.fetchone()


async def mark_sent(db: aiosqlite.Connection, notice_id: int, at: datetime) -> None:
    await db.execute(
        "UPDATE outbox SET sent_at = ?, attempts = attempts + 1, next_attempt_at = NULL, last_error = NULL"
        " WHERE id = ? AND sent_at IS NULL",
        (at.isoformat(), notice_id),
    )


async def mark_failed(db: aiosqlite.Connection, notice_id: int, error: str, retry_at: datetime) -> None:
    """One failed try: count it, remember why (short, no personal data) and when to try again."""
    await db.execute(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?"
        " WHERE id = ? AND sent_at IS NULL",
        (retry_at.isoformat(), error[:MAX_ERROR], notice_id),
    )


async def unsent_count(db: aiosqlite.Connection) -> int:
    async with db.execute("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL") as cur:
        (count,) = await cur.fetchone()
    return count
