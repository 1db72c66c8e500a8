"""The outbox: notices for the collectors, written in the same transaction as their cause.

A notifier drains it later (at least once); each payload is self-contained JSON so that it
can be rendered without reading any other table.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite


async def enqueue(
    db: aiosqlite.Connection, kind: str, account_ref: str | None, payload: dict[str, Any], now: datetime
) -> int:
    cur = await db.execute(
        "INSERT INTO outbox (kind, account_ref, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)",
        (kind, account_ref, json.dumps(payload, sort_keys=True, ensure_ascii=False), now.isoformat(),
         now.isoformat()),
    )
    return cur.lastrowid
