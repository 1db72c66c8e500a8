"""The bank API's listings a page at a time: the call queue and the promises."""

from __future__ import annotations

from datetime import date
from typing import Any

from debt.policy import Policy
from debt.queue_rule import LEFT_OUT
from ops.exports import promise_columns
from ops.queue_export import entry
from store.db import Store
from store.promise_rows import promise_page as _promise_rows
from store.queue_sql import QueueRow, iter_queue_rows

_ENTRY = ("account_ref", "reason", "priority", "stage", "dpd", "overdue", "currency", "broken_in_row",
          "days_since_contact")


async def queue_page(store: Store, policy: Policy, as_of: date, offset: int, limit: int
                     ) -> tuple[list[dict[str, Any]], bool]:
    """The listed accounts offset+1 .. offset+limit of the queue for as_of, and whether more follow.
    The queue is ranked afresh for each page (SQLite keeps only the first offset+limit+1 rows):
    an account that changed between two pages may move, as in any live listing."""
    rows: list[tuple] = []
    async with store.read() as db:
        async for chunk in iter_queue_rows(db, policy, as_of, limit=offset + limit + 1):
            rows += [row for row in chunk if row[QueueRow.REASON] not in LEFT_OUT]
    page = rows[offset:offset + limit]
    entries = []
    for row in page:
        e = entry(row)
        entries.append({name: str(getattr(e, name)) if name in ("priority", "overdue") else getattr(e, name)
                        for name in _ENTRY})
    return entries, len(rows) > offset + limit


async def promise_page(store: Store, after: int, limit: int, status: str | None, since: date | None
                       ) -> tuple[list[dict[str, Any]], bool]:
    async with store.read() as db:
        rows = await _promise_rows(db, after, limit + 1, status, since.isoformat() if since else None)
    return [promise_columns(p) for p in rows[:limit]], len(rows) > limit
