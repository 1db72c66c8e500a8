"""Processed Telegram update ids: a redelivered update is recognised and changes nothing; the
replies of its step are kept with it until they are sent (migration 0017), so the redelivery of
an update whose replies were lost (the instance died after the commit) sends them."""

from __future__ import annotations

from datetime import UTC, datetime

import aiosqlite


async def processed(db: aiosqlite.Connection, update_id: int) -> tuple[bool, str | None]:
    """Whether the update was processed, and its replies still to send (None: sent, or none)."""
    sql = "SELECT replies FROM processed_updates WHERE update_id = ?"
    async with db.execute(sql, (update_id,)) as cur:
        row = await cur.fetchone()
    return (False, None) if row is None else (True, row[0])


async def seen(db: aiosqlite.Connection, update_id: int) -> bool:
    return (await processed(db, update_id))[0]


async def mark(db: aiosqlite.Connection, update_id: int, now: datetime, replies: str | None = None) -> None:
    """The update is processed; `replies` (flows/outcome_codec.py), if any, are still to send."""
    await db.execute("INSERT INTO processed_updates (update_id, processed_at, replies) VALUES (?, ?, ?)",
                     (update_id, now.isoformat(), replies))


async def replies_sent(db: aiosqlite.Connection, update_id: int) -> None:
    sql = "UPDATE processed_updates SET replies = NULL WHERE update_id = ? AND replies IS NOT NULL"
    await db.execute(sql, (update_id,))


async def prune(db: aiosqlite.Connection, before: datetime) -> int:
    """Forget the ids answered before `before` (aware UTC, as `mark` stores them); the count."""
    cutoff = before.astimezone(UTC).isoformat()  # ISO strings in one zone compare as the instants do
    async with db.execute("DELETE FROM processed_updates WHERE processed_at < ?", (cutoff,)) as cur:
        return cur.rowcount
