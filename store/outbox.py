"""The outbox: notices for the collectors, written in the same transaction as their cause.

A notifier drains it later (at least once); each payload is a typed record of its kind
(store/notice_payloads.py), stored as self-contained JSON so that it can be rendered without
reading any other table.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from store.notice_payloads import NoticePayload


async def enqueue(db: aiosqlite.Connection, payload: NoticePayload, now: datetime) -> int:
    """The notice, of its record's kind and about its account (None: an unknown reference)."""
    async with db.execute(
        "INSERT INTO outbox (kind, account_ref, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)"
        " RETURNING id",
        (payload.KIND, payload.account_ref, payload.to_json(), now.isoformat(), now.isoformat()),
    ) as cur:
        return (await cur.fetchone())[0]
