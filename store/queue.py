"""The facts the call queue is ranked on, one row per account, streamed; and a temporary table
that lets SQLite sort a million ranked rows on disk instead of in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import aiosqlite

CHUNK = 1000  # rows fetched per trip to the database thread

# One pass over accounts; each fact comes from an indexed lookup (cases_account, promises_account,
# chats_account). promise_history is "status:due_date" newest first, for debt.matching.
_FACTS = """
SELECT a.account_ref, a.currency, a.overdue_amount, a.oldest_due_date, a.status,
  EXISTS (SELECT 1 FROM cases c WHERE c.account_ref = a.account_ref AND c.kind = 'dispute'
          AND c.status = 'open') AS dispute,
  EXISTS (SELECT 1 FROM cases c WHERE c.account_ref = a.account_ref AND c.kind = 'hardship'
          AND c.status = 'open') AS hardship,
  EXISTS (SELECT 1 FROM cases c WHERE c.account_ref = a.account_ref AND c.kind = 'callback'
          AND c.status = 'open') AS callback,
  (SELECT group_concat(entry, ',') FROM
     (SELECT p.status || ':' || p.due_date AS entry FROM promises p WHERE p.account_ref = a.account_ref
      ORDER BY p.due_date DESC, p.id DESC)) AS promise_history,
  (SELECT MAX(ch.last_seen_at) FROM chats ch WHERE ch.account_ref = a.account_ref) AS last_seen
FROM accounts a
WHERE a.status != 'closed'
"""


@dataclass(frozen=True)
class QueueFacts:
    account_ref: str
    currency: str
    overdue: Decimal
    oldest_due_date: date | None
    status: str
    open_cases: frozenset[str]  # dispute | hardship | callback
    promises: tuple[tuple[str, date], ...]  # (status, due date), newest due first
    last_seen: datetime | None


def _facts(row: aiosqlite.Row) -> QueueFacts:
    history = []
    for entry in (row["promise_history"] or "").split(","):
        if entry:
            status, _, due = entry.partition(":")
            history.append((status, date.fromisoformat(due)))
    return QueueFacts(
        account_ref=row["account_ref"],
        currency=row["currency"],
        overdue=Decimal(row["overdue_amount"]),
        oldest_due_date=date.fromisoformat(row["oldest_due_date"]) if row["oldest_due_date"] else None,
        status=row["status"],
        open_cases=frozenset(kind for kind in ("dispute", "hardship", "callback") if row[kind]),
        promises=tuple(history),
        last_seen=datetime.fromisoformat(row["last_seen"]) if row["last_seen"] else None,
    )


async def iter_queue_facts(
    db: aiosqlite.Connection, account_ref: str | None = None
) -> AsyncIterator[QueueFacts]:
    """Every account not closed (or just one), streamed through a cursor."""
    sql, args = (_FACTS + " AND a.account_ref = ?", (account_ref,)) if account_ref else (_FACTS, ())
    async with db.execute(sql, args) as cur:
        cur.iter_chunk_size = CHUNK  # fewer hops to aiosqlite's thread; still bounded memory
        async for row in cur:
            yield _facts(row)


# --- the sort on disk ------------------------------------------------------------------------

async def create_ranked(db: aiosqlite.Connection) -> None:
    """A temporary table for this connection; it goes when the read transaction rolls back."""
    await db.execute("DROP TABLE IF EXISTS temp.ranked")
    await db.execute(
        "CREATE TEMP TABLE ranked (account_ref TEXT, top INTEGER, score INTEGER, row TEXT)"
    )


async def insert_ranked(db: aiosqlite.Connection, rows: Iterable[tuple[str, int, int, str]]) -> None:
    """(account_ref, top (1 sorts first), score (higher first, an integer), the row as JSON)."""
    await db.executemany("INSERT INTO temp.ranked VALUES (?, ?, ?, ?)", list(rows))


async def iter_ranked(db: aiosqlite.Connection) -> AsyncIterator[str]:
    async with db.execute("SELECT row FROM temp.ranked ORDER BY top DESC, score DESC, account_ref") as cur:
        cur.iter_chunk_size = CHUNK
        async for (row,) in cur:
            yield row
