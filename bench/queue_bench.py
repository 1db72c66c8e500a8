"""Exporting the call queue over the whole portfolio, as `debtdesk export queue` does.

    python -m bench.queue_bench DATABASE OUT.csv

The parent first gives the database some history with `add_history` (promises kept, pending
and broken, open disputes, hardship reviews and call-back requests, chats that wrote lately),
so that every rule of the queue has accounts to act on. Only the export is timed.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
from datetime import date, timedelta

from bench.child import report
from bench.portfolio_file import REFERENCE_DAY, account_ref
from debt.policy import load_policy
from ops.queue_export import write_queue
from store.db import Store

CREATED = "2026-02-01T09:00:00+00:00"


def _history(n: int) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Promises, cases and chats for account number n (most accounts have none)."""
    ref, promises, cases, chats = account_ref(n), [], [], []
    due = (REFERENCE_DAY + timedelta(days=n % 20 - 10)).isoformat()
    if n % 10 == 1:  # a tenth promised; the due date decides pending, in grace, or past it
        promises.append((ref, "50.00", "GBP", due, "pending", "chat", CREATED))
    if n % 25 == 2:
        promises.append((ref, "50.00", "GBP", "2026-01-10", "broken", "chat", CREATED))
        promises.append((ref, "50.00", "GBP", "2026-02-10", "broken", "chat", CREATED))
    if n % 50 == 3:
        cases.append((ref, ("dispute", "hardship", "callback")[n % 3], "other", "open", CREATED))
    if n % 5 == 4:
        seen = date(2026, 2, 1) + timedelta(days=n % 28)
        chats.append((1_000_000_000 + n, ref, f"{seen.isoformat()}T12:00:00+00:00", CREATED))
    return promises, cases, chats


_PROMISE = ("INSERT INTO promises (account_ref, amount, currency, due_date, status, source, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)")
_CASE = "INSERT INTO cases (account_ref, kind, reason, status, created_at) VALUES (?, ?, ?, ?, ?)"
_CHAT = "INSERT INTO chats (chat_id, account_ref, last_seen_at, updated_at) VALUES (?, ?, ?, ?)"


def add_history(db_path: str, batch: int = 10_000) -> int:
    """Add the history to every account in the database, a batch of accounts at a time (this
    runs in the parent, whose size later children must not inherit); returns the account count."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    (count,) = conn.execute("SELECT COUNT(*) FROM accounts").fetchone()
    conn.execute("BEGIN")
    for first in range(1, count + 1, batch):
        promises, cases, chats = [], [], []
        for n in range(first, min(first + batch, count + 1)):
            p, c, ch = _history(n)
            promises += p
            cases += c
            chats += ch
        conn.executemany(_PROMISE, promises)
        conn.executemany(_CASE, cases)
        conn.executemany(_CHAT, chats)
    conn.execute("COMMIT")
    conn.close()
    return count


async def _export(db_path: str, out_path: str) -> dict:
    store = await Store.open(db_path)
    try:
        with open(out_path, "w", encoding="utf-8", newline="") as out, open("/dev/null", "w") as err:
            summary = await write_queue(store, load_policy("uk"), REFERENCE_DAY, "csv", out, err)
    finally:
        await store.close()
    return summary.as_dict()


def main(argv: list[str]) -> None:
    db_path, out_path = argv
    started = time.perf_counter()
    summary = asyncio.run(_export(db_path, out_path))
    seconds = time.perf_counter() - started
    report(seconds=round(seconds, 3), listed=summary["total_listed"], left_out=summary["total_left_out"],
           summary=summary)


if __name__ == "__main__":
    main(sys.argv[1:])
