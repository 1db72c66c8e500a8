"""`debtdesk export promises` and `debtdesk report`: what the collectors and managers read.

The call queue (`debtdesk export queue`) lives in bot.queue_export.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date
from typing import Any, TextIO

from debt.policy import Policy
from store.accounts import AccountRecord, account_page
from store.db import Store
from store.reports import activity, iter_promises

PAGE = 1000
PROMISE_COLUMNS = ("id", "account_ref", "arrangement_id", "amount", "currency", "due_date", "status",
                   "paid_amount", "source", "created_at", "resolved_at")


async def _pages(store: Store) -> AsyncIterator[list[AccountRecord]]:
    after = ""
    while True:
        async with store.read() as db:
            page = await account_page(db, after, PAGE)
        if not page:
            return
        after = page[-1].account_ref
        yield page


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
        return [{name: row[name] for name in PROMISE_COLUMNS} async for row in iter_promises(db)]


async def report(store: Store, policy: Policy, as_of: date) -> dict[str, Any]:
    """Counts for the bank: links, verified chats, promises by status, open cases, stages."""
    async with store.read() as db:
        counts = await activity(db)
    stages: Counter[str] = Counter()
    async for page in _pages(store):
        stages.update(policy.stage_for(r.account.days_past_due(as_of)).name
                      for r in page if r.account.status == "open")
    ordered = {s.name: stages.get(s.name, 0) for s in policy.stages}
    return {"as_of": as_of.isoformat(), "policy": policy.name, **counts, "open_accounts_by_stage": ordered}


def report_text(data: dict[str, Any]) -> str:
    def listing(counts: dict[str, int]) -> str:
        return ", ".join(f"{key} {value}" for key, value in counts.items()) or "none"

    return "\n".join([
        f"debtdesk report as of {data['as_of']} (policy {data['policy']})",
        f"  accounts            {data['accounts']}",
        f"  links issued        {data['links_issued']}",
        f"  links opened        {data['links_opened']}",
        f"  chats verified      {data['chats_verified']}",
        f"  promises            {listing(data['promises'])}",
        f"  open cases          {listing(data['open_cases'])}",
        f"  notices unsent      {data['notices_unsent']}",
        f"  open by stage       {listing(data['open_accounts_by_stage'])}",
    ])
