"""`debtdesk export promises`: every promise to pay, as CSV or JSON, for the collectors.

The call queue (`debtdesk export queue`) lives in ops.queue_export, the report in ops.report.
"""

from __future__ import annotations

import csv
import json
from typing import Any, TextIO

from store.db import Store
from store.promise_rows import Promise, iter_promises

PROMISE_COLUMNS = ("id", "account_ref", "arrangement_id", "amount", "currency", "due_date", "status",
                   "paid_amount", "source", "created_at", "resolved_at")


def write_rows(rows: list[dict[str, Any]], columns: tuple[str, ...], out: TextIO, fmt: str) -> None:
    if fmt == "json":
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


async def promise_rows(store: Store) -> list[dict[str, Any]]:
    async with store.read() as db:
        return [promise_columns(row) async for row in iter_promises(db)]


def promise_columns(p: Promise) -> dict[str, Any]:
    """A promise as the export has always written it: amounts and instants as stored, as text."""
    return {"id": p.id, "account_ref": p.account_ref, "arrangement_id": p.arrangement_id,
            "amount": str(p.amount.amount), "currency": p.amount.currency, "due_date": p.due_date.isoformat(),
            "status": p.status, "paid_amount": str(p.paid.amount), "source": p.source,
            "created_at": p.created_at.isoformat(),
            "resolved_at": p.resolved_at.isoformat() if p.resolved_at else None}
