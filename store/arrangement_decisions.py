"""Arrangements awaiting the bank's approval: listing, approving (its promises are written then),
declining, and which decisions the debtor has still to be told."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import aiosqlite

from debt.money import Money
from store.contact_log import CONTACTABLE, Recipient, recipient_fields
from store.promise_rows import insert_promise


@dataclass(frozen=True)
class ArrangementRow:
    id: int
    account_ref: str
    kind: str  # cure | full | instalments | settlement
    quote_key: str
    total: Money
    status: str
    created_at: datetime
    schedule: tuple[tuple[date, Money], ...]  # (due, amount) as the debtor chose it
    decided_at: datetime | None
    decision_note: str


@dataclass(frozen=True)
class OwedDecision(Recipient):
    """A decision (approved: active, or declined) the debtor has not been told, and one chat to tell."""

    id: int
    account_ref: str
    status: str
    schedule: tuple[tuple[date, Money], ...]


def _schedule(r: aiosqlite.Row) -> tuple[tuple[date, Money], ...]:
    currency = r["currency"]
    return tuple((date.fromisoformat(i["due"]), Money(Decimal(i["amount"]), currency))
                 for i in json.loads(r["schedule"] or "[]"))


def _row(r: aiosqlite.Row) -> ArrangementRow:
    currency = r["currency"]
    schedule = _schedule(r)
    return ArrangementRow(
        id=r["id"], account_ref=r["account_ref"], kind=r["kind"], quote_key=r["quote_key"],
        total=Money(Decimal(r["total"]), currency), status=r["status"],
        created_at=datetime.fromisoformat(r["created_at"]), schedule=schedule,
        decided_at=datetime.fromisoformat(r["decided_at"]) if r["decided_at"] else None,
        decision_note=r["decision_note"],
    )


async def awaiting_approval(db: aiosqlite.Connection) -> list[ArrangementRow]:
    """Every arrangement awaiting approval, oldest first."""
    async with db.execute("SELECT * FROM arrangements WHERE status = 'pending_approval' ORDER BY id") as cur:
        return [_row(r) for r in await cur.fetchall()]


async def get_arrangement(db: aiosqlite.Connection, arrangement_id: int) -> ArrangementRow | None:
    async with db.execute("SELECT * FROM arrangements WHERE id = ?", (arrangement_id,)) as cur:
        found = await cur.fetchone()
    return _row(found) if found else None


async def approve(
    db: aiosqlite.Connection, row: ArrangementRow, schedule: list[tuple[date, Money]], now: datetime
) -> bool:
    """Make it the active arrangement with one pending promise per instalment of `schedule`.
    False (and nothing written) when it is no longer awaiting approval."""
    cur = await db.execute(
        "UPDATE arrangements SET status = 'active', decided_at = ?, schedule = ? "
        "WHERE id = ? AND status = 'pending_approval'",
        (now.isoformat(), json.dumps([{"due": d.isoformat(), "amount": str(m.amount)} for d, m in schedule]),
         row.id),
    )
    if cur.rowcount != 1:
        return False
    for due, amount in schedule:
        await insert_promise(db, row.account_ref, amount, due, "plan", now, row.id)
    return True


async def decline(db: aiosqlite.Connection, arrangement_id: int, note: str, now: datetime) -> bool:
    """Declined, with the bank's reason (for staff); False when it is no longer awaiting approval."""
    cur = await db.execute(
        "UPDATE arrangements SET status = 'declined', decided_at = ?, decision_note = ? "
        "WHERE id = ? AND status = 'pending_approval'",
        (now.isoformat(), note, arrangement_id),
    )
    return cur.rowcount == 1


async def owed_decisions(
    db: aiosqlite.Connection, since: datetime, *, active_since: datetime
) -> list[OwedDecision]:
    """Decisions made since `since` the debtor has not been told yet, one row per chat that may be
    told (store.contact_log.CONTACTABLE: verified, not idle, not opted out, no dispute), the chat
    that wrote last first (the message waits here for contact hours)."""
    async with db.execute(
        f"""SELECT r.id, r.account_ref, r.status, r.schedule, r.currency, c.chat_id, c.locale,
                  a.locale AS account_locale, a.timezone
           FROM arrangements r
           JOIN accounts a ON a.account_ref = r.account_ref
           JOIN chats c ON c.account_ref = r.account_ref
           WHERE r.status IN ('active', 'declined') AND r.decided_at >= :since AND r.told_at IS NULL
             AND {CONTACTABLE}
           ORDER BY r.decided_at, r.id, c.last_seen_at DESC, c.chat_id""",
        {"since": since.isoformat(), "active_since": active_since.isoformat()},
    ) as cur:
        return [OwedDecision(id=r["id"], account_ref=r["account_ref"], status=r["status"],
                             schedule=_schedule(r), **recipient_fields(r))
                for r in await cur.fetchall()]


async def mark_told(db: aiosqlite.Connection, arrangement_id: int, now: datetime) -> None:
    await db.execute("UPDATE arrangements SET told_at = ? WHERE id = ?", (now.isoformat(), arrangement_id))
