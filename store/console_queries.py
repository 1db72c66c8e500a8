"""Read-only queries for the staff console's pages (ops/console_data.py): promises by day,
finding an account by exact reference or phone, an account's latest audit rows. Nothing here
writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import aiosqlite

from store.promise_rows import _SELECT, Promise, _promise


@dataclass(frozen=True)
class AuditLine:
    at: str
    actor: str
    action: str


async def promises_due(db: aiosqlite.Connection, first: date, last: date, limit: int) -> list[Promise]:
    """Pending promises and instalments due from `first` to `last`, nearest first."""
    async with db.execute(
        f"SELECT {_SELECT} FROM promises p WHERE p.status = 'pending' AND p.due_date >= ? AND p.due_date <= ?"
        " ORDER BY p.due_date, p.account_ref, p.id LIMIT ?",
        (first.isoformat(), last.isoformat(), limit),
    ) as cur:
        return [_promise(r) for r in await cur.fetchall()]


async def promises_resolved(db: aiosqlite.Connection, status: str, since: str, before: str,
                            limit: int) -> list[Promise]:
    """Promises of `status` resolved at or after `since` and before `before` (ISO instants)."""
    async with db.execute(
        f"SELECT {_SELECT} FROM promises p WHERE p.status = ? AND p.resolved_at >= ? AND p.resolved_at < ?"
        " ORDER BY p.resolved_at DESC, p.id DESC LIMIT ?",
        (status, since, before, limit),
    ) as cur:
        return [_promise(r) for r in await cur.fetchall()]


async def refs_matching(db: aiosqlite.Connection, text: str, limit: int) -> list[str]:
    """Accounts whose reference or phone is exactly `text` (never a part of either)."""
    async with db.execute(
        "SELECT account_ref FROM accounts WHERE account_ref = ? OR phone = ? ORDER BY account_ref LIMIT ?",
        (text, text, limit),
    ) as cur:
        return [r[0] for r in await cur.fetchall()]


async def latest_audit(db: aiosqlite.Connection, ref: str, limit: int) -> list[AuditLine]:
    """The account's latest audit rows, newest first: when, who and what (never the detail)."""
    async with db.execute(
        "SELECT at, actor, action FROM audit WHERE account_ref = ? ORDER BY id DESC LIMIT ?", (ref, limit),
    ) as cur:
        return [AuditLine(r[0], r[1], r[2]) for r in await cur.fetchall()]
