"""Processed Telegram update ids: a redelivered update is recognised and changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import aiosqlite


async def seen(db: aiosqlite.Connection, update_id: int) -> bool:
    async with db.execute("SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,)) as cur:
        return await cur.fetchone() is not None


async def mark(db: aiosqlite.Connection, update_id: int, now: datetime) -> None:
    await db.execute(
        "INSERT INTO processed_updates (update_id, processed_at) VALUES (?, ?)", (update_id, now.isoformat())
    )


async def prune(db: aiosqlite.Connection, before: datetime) -> int:
    """Forget the ids answered before `before` (aware UTC, as `mark` stores them); the count."""
    cutoff = before.astimezone(UTC).isoformat()  # ISO strings in one zone compare as the instants do
    async with db.execute("DELETE FROM processed_updates WHERE processed_at < ?", (cutoff,)) as cur:
        return cur.rowcount
