"""Processed Telegram update ids: a redelivered update is recognised and changes nothing."""

from __future__ import annotations

from datetime import datetime

import aiosqlite


async def seen(db: aiosqlite.Connection, update_id: int) -> bool:
    async with db.execute("SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,)) as cur:
        return await cur.fetchone() is not None


async def mark(db: aiosqlite.Connection, update_id: int, now: datetime) -> None:
    await db.execute(
        "INSERT INTO processed_updates (update_id, processed_at) VALUES (?, ?)", (update_id, now.isoformat())
    )
