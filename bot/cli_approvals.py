"""`debtdesk approvals list | approve ID | decline ID --reason TEXT`: the operator's lines for the
use cases in ops/approvals.py."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

from ops.approvals import approve_arrangement, decline_arrangement
from ops.settings import Config
from store.arrangement_decisions import ArrangementRow, awaiting_approval
from store.db import Store


def _line(row: ArrangementRow) -> str:
    due, first = row.schedule[0] if row.schedule else (None, None)
    first_text = f"first {first.amount} {first.currency} by {due.isoformat()}" if first else "no schedule"
    return (f"{row.id}\t{row.account_ref}\t{row.quote_key}\t{row.total.amount} {row.total.currency}\t"
            f"{first_text}\tasked {row.created_at.date().isoformat()}")


async def run_approvals(config: Config, action: str, arrangement_id: int | None, reason: str | None,
                        out: Any = None) -> int:
    """The CLI's `approvals` command; an ApprovalError reaches the CLI as one line, exit 2."""
    out = out or sys.stdout
    now = datetime.now(UTC)  # the shell owns the wall clock
    store = await Store.open(config.db_path)
    try:
        if action == "list":
            async with store.read() as db:
                rows = await awaiting_approval(db)
            for row in rows:
                print(_line(row), file=out)
            print(f"approvals: {len(rows)} awaiting approval", file=sys.stderr)
        elif action == "approve":
            row = await approve_arrangement(store, config.policy, arrangement_id, now)
            print(f"arrangement {row.id} approved; the debtor is told inside contact hours: {_line(row)}",
                  file=out)
        else:
            row = await decline_arrangement(store, arrangement_id, reason or "", now)
            print(f"arrangement {row.id} declined; the debtor is told inside contact hours", file=out)
    finally:
        await store.close()
    return 0
