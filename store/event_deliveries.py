"""Deliveries of outbox rows to the bank's event receiver: the SQL of fan-out, due, outcome, replay.

The outbox (store/outbox.py) is written in the same transaction as each change; a fan-out step
copies its new rows into event_deliveries for each subscriber, so the collectors' chat and the
bank's receiver read the same events. A delivery is pending, delivered or dead (retries ran out);
an account's events go out in id order: one waits while an earlier one of its account is not
delivered, dead ones included, until `debtdesk events retry` replays them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

WEBHOOK = "webhook"  # the subscriber DEBTDESK_EVENTS_URL stands for
MAX_ERROR = 200

_COLUMNS = (
    "d.event_id, d.account_ref, d.state, d.attempts, d.next_attempt_at, d.last_error, d.delivered_at,"
    " d.dead_at, o.kind, o.payload, o.created_at"
)


@dataclass(frozen=True)
class OutboxEvent:
    """One outbox row as an event: its id, kind, account, JSON payload and when it was written."""

    id: int
    kind: str
    account_ref: str | None
    payload: str
    created_at: str  # ISO instant, as the outbox holds it


@dataclass(frozen=True)
class Delivery:
    """An event's delivery to one subscriber: the event, and how its tries went."""

    event: OutboxEvent
    attempts: int
    last_error: str | None
    dead_at: str | None


def _event(r: Mapping[str, Any], id_column: str = "id") -> OutboxEvent:
    return OutboxEvent(id=r[id_column], kind=r["kind"], account_ref=r["account_ref"], payload=r["payload"],
                       created_at=r["created_at"])


def _delivery(r: Mapping[str, Any]) -> Delivery:
    return Delivery(event=_event(r, "event_id"), attempts=r["attempts"], last_error=r["last_error"],
                    dead_at=r["dead_at"])


async def subscribe(db: aiosqlite.Connection, name: str, now: datetime) -> None:
    """Start a subscriber at the events from now on (earlier ones are in the feed); idempotent."""
    await db.execute(
        "INSERT INTO event_subscribers (name, through_id, created_at)"
        " SELECT ?, COALESCE(MAX(id), 0), ? FROM outbox WHERE true ON CONFLICT (name) DO NOTHING",
        (name, now.isoformat()),
    )


async def behind(db: aiosqlite.Connection, name: str) -> bool:
    """Whether the outbox has rows the subscriber's deliveries do not: a read, so that an idle
    deliverer takes no write lock."""
    async with db.execute(
        "SELECT 1 FROM event_subscribers s WHERE s.name = ?"
        " AND EXISTS (SELECT 1 FROM outbox WHERE id > s.through_id)",
        (name,),
    ) as cur:
        return await cur.fetchone() is not None


async def fan_out(db: aiosqlite.Connection, name: str, now: datetime) -> int:
    """Copy the outbox rows newer than the subscriber's mark into its deliveries; how many."""
    async with db.execute("SELECT through_id FROM event_subscribers WHERE name = ?", (name,)) as cur:
        row = await cur.fetchone()
    if row is None:
        return 0
    cur = await db.execute(
        "INSERT INTO event_deliveries (subscriber, event_id, account_ref, next_attempt_at)"
        " SELECT ?, id, account_ref, ? FROM outbox WHERE id > ? ORDER BY id"
        " ON CONFLICT (subscriber, event_id) DO NOTHING",
        (name, now.isoformat(), row["through_id"]),
    )
    added = cur.rowcount
    if added:
        await db.execute(
            "UPDATE event_subscribers SET through_id = (SELECT MAX(id) FROM outbox) WHERE name = ?", (name,)
        )
    return added


async def due(db: aiosqlite.Connection, name: str, now: datetime, limit: int) -> list[Delivery]:
    """Pending deliveries whose time has come and that no earlier undelivered event of the same
    account holds back, oldest first: at most one per account."""
    async with db.execute(
        f"SELECT {_COLUMNS} FROM event_deliveries d JOIN outbox o ON o.id = d.event_id"
        " WHERE d.subscriber = ? AND d.state = 'pending' AND d.next_attempt_at <= ?"
        " AND NOT EXISTS (SELECT 1 FROM event_deliveries e WHERE e.subscriber = d.subscriber"
        "   AND e.account_ref = d.account_ref AND e.state != 'delivered' AND e.event_id < d.event_id)"
        " ORDER BY d.event_id LIMIT ?",
        (name, now.isoformat(), limit),
    ) as cur:
        return [_delivery(r) for r in await cur.fetchall()]


async def next_attempt(db: aiosqlite.Connection, name: str) -> str | None:
    """The earliest next_attempt_at of a pending delivery (ISO text), to sleep until it."""
    async with db.execute(
        "SELECT MIN(next_attempt_at) FROM event_deliveries WHERE subscriber = ? AND state = 'pending'",
        (name,),
    ) as cur:
        (when,) = await cur.fetchone()
    return when


async def mark_delivered(db: aiosqlite.Connection, name: str, event_id: int, at: datetime) -> None:
    await db.execute(
        "UPDATE event_deliveries SET state = 'delivered', attempts = attempts + 1, delivered_at = ?,"
        " last_error = NULL WHERE subscriber = ? AND event_id = ? AND state = 'pending'",
        (at.isoformat(), name, event_id),
    )


async def mark_failed(
    db: aiosqlite.Connection, name: str, event_id: int, error: str, retry_at: datetime | None, at: datetime
) -> None:
    """One failed try; retry_at None means the retries ran out: the event becomes a dead letter."""
    if retry_at is None:
        sql = ("UPDATE event_deliveries SET state = 'dead', attempts = attempts + 1, last_error = ?,"
               " dead_at = ? WHERE subscriber = ? AND event_id = ? AND state = 'pending'")
        params: tuple = (error[:MAX_ERROR], at.isoformat(), name, event_id)
    else:
        sql = ("UPDATE event_deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?"
               " WHERE subscriber = ? AND event_id = ? AND state = 'pending'")
        params = (error[:MAX_ERROR], retry_at.isoformat(), name, event_id)
    await db.execute(sql, params)


async def dead_letters(db: aiosqlite.Connection, name: str) -> list[Delivery]:
    async with db.execute(
        f"SELECT {_COLUMNS} FROM event_deliveries d JOIN outbox o ON o.id = d.event_id"
        " WHERE d.subscriber = ? AND d.state = 'dead' ORDER BY d.event_id",
        (name,),
    ) as cur:
        return [_delivery(r) for r in await cur.fetchall()]


async def replay(db: aiosqlite.Connection, name: str, event_id: int | None, now: datetime) -> int:
    """Dead letters back to pending with a fresh count of tries: one (event_id) or all (None)."""
    sql = ("UPDATE event_deliveries SET state = 'pending', attempts = 0, dead_at = NULL, next_attempt_at = ?"
           " WHERE subscriber = ? AND state = 'dead'")
    params: tuple = (now.isoformat(), name)
    if event_id is not None:
        sql += " AND event_id = ?"
        params += (event_id,)
    cur = await db.execute(sql, params)
    return cur.rowcount


async def counts(db: aiosqlite.Connection, name: str) -> dict[str, int]:
    """Deliveries by state ({"pending": n, "delivered": n, "dead": n}), for metrics and the CLI."""
    found = {"pending": 0, "delivered": 0, "dead": 0}
    async with db.execute(
        "SELECT state, COUNT(*) FROM event_deliveries WHERE subscriber = ? GROUP BY state", (name,)
    ) as cur:
        for state, count in await cur.fetchall():
            found[state] = count
    return found


async def feed(db: aiosqlite.Connection, after: int, limit: int) -> list[OutboxEvent]:
    """Outbox rows after an id, oldest first: the pull side of the same events."""
    async with db.execute(
        "SELECT id, kind, account_ref, payload, created_at FROM outbox WHERE id > ? ORDER BY id LIMIT ?",
        (after, limit),
    ) as cur:
        return [_event(r) for r in await cur.fetchall()]
