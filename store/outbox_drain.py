"""The notifier's side of the outbox: which notices are due, and what became of each send.

Rows are enqueued by the flows (store/outbox.py) in the same transaction as the change they
report; this module only reads them in id order and records the outcome of a delivery. A
notice is never deleted: a sent one keeps its sent_at, an unsent one waits for its next try.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from store.notice_payloads import NoticePayload, from_json

MAX_ERROR = 200  # last_error holds an error class and Telegram's short reason, never a payload
_COLUMNS = "id, kind, account_ref, payload, created_at, sent_at, attempts, next_attempt_at, last_error"


@dataclass(frozen=True)
class Notice:
    """One outbox row: the notice (its kind, account and typed payload) and its deliveries so far."""

    id: int
    kind: str
    account_ref: str | None
    payload: NoticePayload
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _notice(r: aiosqlite.Row) -> Notice:
    payload = from_json(r["kind"], r["payload"], r["account_ref"])
    return Notice(r["id"], r["kind"], r["account_ref"], payload, datetime.fromisoformat(r["created_at"]),
                  _instant(r["sent_at"]), r["attempts"], _instant(r["next_attempt_at"]), r["last_error"])


async def due_notices(
    db: aiosqlite.Connection, now: datetime, after_id: int, limit: int
) -> list[Notice]:
    """Unsent notices with id > after_id whose next try is due, oldest first, at most `limit`."""
    async with db.execute(
        f"SELECT {_COLUMNS} FROM outbox"
        " WHERE sent_at IS NULL AND id > ? AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"
        " ORDER BY id LIMIT ?",
        (after_id, now.isoformat(), limit),
    ) as cur:
        return [_notice(r) for r in await cur.fetchall()]


async def get_notice(db: aiosqlite.Connection, notice_id: int) -> Notice | None:
    async with db.execute(f"SELECT {_COLUMNS} FROM outbox WHERE id = ?", (notice_id,)) as cur:
        found = await cur.fetchone()
    return _notice(found) if found else None


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
