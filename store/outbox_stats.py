"""What the metrics read from the outbox: the backlog, and the notices queued since a row id.

Both use the outbox's indexes (outbox_pending, the rowid), so a scrape every few seconds costs
little however long the outbox grows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import aiosqlite


@dataclass(frozen=True)
class OutboxStats:
    backlog: int  # notices not yet delivered
    last_id: int  # the newest row id seen
    queued: dict[str, int] = field(default_factory=dict)  # kind -> notices queued after `after_id`


async def outbox_stats(db: aiosqlite.Connection, after_id: int | None) -> OutboxStats:
    """The backlog, and per kind the notices with an id above after_id (None: only the last id,
    so a process counts from its start)."""
    async with db.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL") as cur:
        (backlog,) = await cur.fetchone()
    async with db.execute("SELECT coalesce(max(id), 0) FROM outbox") as cur:
        (last_id,) = await cur.fetchone()
    if after_id is None:
        return OutboxStats(backlog, last_id)
    async with db.execute("SELECT kind, count(*) FROM outbox WHERE id > ? AND id <= ? GROUP BY kind",
                          (after_id, last_id)) as cur:
        queued = {kind: count for kind, count in await cur.fetchall()}
    return OutboxStats(backlog, last_id, queued)
