"""The audit log: append-only (triggers refuse updates and deletes)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite


async def append(
    db: aiosqlite.Connection,
    actor: str,
    action: str,
    account_ref: str | None,
    now: datetime,
    detail: dict[str, Any] | None = None,
) -> None:
    """detail must carry no personal data: no names, dates of birth, ID digits, phones, tokens."""
    await db.execute(
        "INSERT INTO audit (at, actor, action, account_ref, detail) VALUES (?, ?, ?, ?, ?)",
        (now.isoformat(), actor, action, account_ref, json.dumps(detail or {}, sort_keys=True)),
    )
