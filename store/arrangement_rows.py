"""Arrangements (plans the debtor chose) and promises to pay, one row per amount and date."""

from __future__ import annotations

import json
from datetime import datetime

import aiosqlite

from debt.arrangements import Quote
from store.promise_rows import insert_promise

# pending_approval: the debtor chose it, a person at the bank has not decided; it holds its
# schedule only (no promises), so nothing is reminded, swept or paid against until approved.
ARRANGEMENT_STATUSES = ("active", "pending_approval", "declined", "cancelled", "completed")


async def insert_arrangement(
    db: aiosqlite.Connection, account_ref: str, quote: Quote, status: str, now: datetime
) -> int:
    """The arrangement with its schedule; returns its id. An active one gets one pending promise
    per instalment (source "plan"); one awaiting approval gets none until it is approved."""
    if status not in ("active", "pending_approval"):
        raise ValueError(f"an arrangement starts active or pending_approval, not {status!r}")
    schedule = [{"due": i.due.isoformat(), "amount": str(i.amount.amount)} for i in quote.schedule]
    async with db.execute(
        """INSERT INTO arrangements (account_ref, kind, quote_key, months, total, fees, currency, status,
                                     created_at, schedule) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           RETURNING id""",
        (account_ref, quote.kind, quote.key, quote.months, str(quote.total.amount), str(quote.fees.amount),
         quote.total.currency, status, now.isoformat(), json.dumps(schedule)),
    ) as cur:
        (arrangement_id,) = await cur.fetchone()
    if status == "active":
        for instalment in quote.schedule:
            await insert_promise(db, account_ref, instalment.amount, instalment.due, "plan", now,
                                 arrangement_id)
    return arrangement_id


async def open_arrangement(db: aiosqlite.Connection, account_ref: str) -> tuple[int, str, str] | None:
    """(id, quote key, status) of the account's active or pending arrangement, if any."""
    async with db.execute(
        """SELECT id, quote_key, status FROM arrangements
           WHERE account_ref = ? AND status IN ('active', 'pending_approval') ORDER BY id DESC LIMIT 1""",
        (account_ref,),
    ) as cur:
        row = await cur.fetchone()
    return (row["id"], row["quote_key"], row["status"]) if row else None
