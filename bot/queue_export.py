"""The call queue: which accounts a person should call, in order, each with its reason.

Left out: an account with a pending promise (until its due date plus grace), an open dispute, an
open hardship review or an open call-back request: someone already answered, or a person at
the bank owes them an answer. A broken promise puts the account at the top. The order inside
each band is debt.queue.priority.

`debtdesk export queue [--as-of DATE] [--format csv|json]` streams: accounts are read through a
cursor and ranked into a temporary SQLite table, which SQLite sorts on disk, so a million
accounts need no more memory than a thousand.
"""

from __future__ import annotations

import csv
import heapq
import json
import sys
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, TextIO

from debt import matching, queue
from debt.money import Money
from debt.policy import Policy
from store.db import Store
from store.queue import QueueFacts, create_ranked, insert_ranked, iter_queue_facts, iter_ranked

LEFT_OUT = ("dispute", "hardship", "callback", "pending_promise")
COLUMNS = ("rank", "account_ref", "reason", "priority", "stage", "dpd", "overdue", "currency",
           "broken_in_row", "days_since_contact")
SCALE = 10_000  # priority has 4 decimal places: stored as an exact integer for SQLite's sort
BATCH = 1000


@dataclass(frozen=True)
class Entry:
    account_ref: str
    reason: str  # broken_promise | overdue
    priority: Decimal
    stage: str
    dpd: int
    overdue: Decimal
    currency: str
    broken_in_row: int
    days_since_contact: int

    def sort_key(self) -> tuple[int, Decimal]:
        """Higher first: a broken promise above everything else, then the priority."""
        return (int(self.reason == "broken_promise"), self.priority)


@dataclass
class Summary:
    listed: Counter = field(default_factory=Counter)  # by reason
    left_out: Counter = field(default_factory=Counter)  # by reason

    def as_dict(self) -> dict[str, Any]:
        return {"listed": dict(sorted(self.listed.items())), "left_out": dict(sorted(self.left_out.items())),
                "total_listed": sum(self.listed.values()), "total_left_out": sum(self.left_out.values())}


def left_out_reason(facts: QueueFacts, as_of: date, grace_days: int) -> str | None:
    if facts.status == "disputed" or "dispute" in facts.open_cases:
        return "dispute"
    for kind in ("hardship", "callback"):
        if kind in facts.open_cases:
            return kind
    cutoff = as_of - timedelta(days=grace_days)
    if any(status == "pending" and due >= cutoff for status, due in facts.promises):
        return "pending_promise"
    return None


def statuses_as_of(facts: QueueFacts, as_of: date, grace_days: int) -> list[str]:
    """Promise statuses newest first, a pending one past grace counted as broken (the sweep may
    not have run yet; the queue must not wait for it)."""
    cutoff = as_of - timedelta(days=grace_days)
    return ["broken" if status == "pending" and due < cutoff else status for status, due in facts.promises]


def classify(facts: QueueFacts, policy: Policy, as_of: date) -> Entry | str | None:
    """The queue entry, or the reason it is left out (a str), or None when nothing is owed."""
    grace = policy.promise.grace_days
    reason = left_out_reason(facts, as_of, grace)
    if reason is not None:
        return reason
    broken = matching.broken_in_row(statuses_as_of(facts, as_of, grace))
    if facts.overdue <= 0 and not broken:
        return None
    dpd = max(0, (as_of - facts.oldest_due_date).days) if facts.oldest_due_date and facts.overdue > 0 else 0
    stage = policy.stage_for(dpd)
    since = (as_of - facts.last_seen.date()).days if facts.last_seen else dpd
    score = queue.priority(policy.stage_index(stage.name), Money(facts.overdue, facts.currency), broken,
                           since, policy.queue_weights)
    return Entry(facts.account_ref, "broken_promise" if broken else "overdue", score, stage.name, dpd,
                 facts.overdue, facts.currency, broken, max(since, 0))


async def _entries(db: Any, policy: Policy, as_of: date, summary: Summary) -> AsyncIterator[Entry]:
    """The queue's entries in account order, counting every account in the summary."""
    async for facts in iter_queue_facts(db):
        result = classify(facts, policy, as_of)
        if isinstance(result, Entry):
            summary.listed[result.reason] += 1
            yield result
        elif result is not None:
            summary.left_out[result] += 1


async def summarise(store: Store, policy: Policy, as_of: date) -> Summary:
    summary = Summary()
    async with store.read() as db:
        async for _ in _entries(db, policy, as_of, summary):
            pass
    return summary


async def top_entries(store: Store, policy: Policy, as_of: date, n: int) -> tuple[list[Entry], Summary]:
    """The first n of the queue, keeping only n entries in memory (for /queue N)."""
    summary = Summary()
    async with store.read() as db:
        entries = [e async for e in _top_n(_entries(db, policy, as_of, summary), n)]
    return entries, summary


async def _top_n(entries: AsyncIterator[Entry], n: int) -> AsyncIterator[Entry]:
    heap: list[tuple[tuple[int, Decimal, str], int, Entry]] = []
    count = 0
    async for entry in entries:
        item = ((*entry.sort_key(), _reverse(entry.account_ref)), count, entry)
        count += 1
        if len(heap) < n:
            heapq.heappush(heap, item)
        elif n and item[0] > heap[0][0]:
            heapq.heapreplace(heap, item)
    for _, _, entry in sorted(heap, key=lambda i: i[0], reverse=True):
        yield entry


def _reverse(text: str) -> tuple[int, ...]:
    """A key that sorts account refs backwards, so that "highest first" keeps A before B on ties."""
    return tuple(-ord(c) for c in text) + (0,)


def entry_row(rank: int, entry: Entry) -> dict[str, Any]:
    # By hand, not dataclasses.asdict: its deep copies cost a third of a million-row export.
    return {
        "rank": rank, "account_ref": entry.account_ref, "reason": entry.reason,
        "priority": str(entry.priority), "stage": entry.stage, "dpd": entry.dpd,
        "overdue": str(entry.overdue), "currency": entry.currency,
        "broken_in_row": entry.broken_in_row, "days_since_contact": entry.days_since_contact,
    }


async def ranked(
    store: Store, policy: Policy, as_of: date, summary: Summary
) -> AsyncIterator[dict[str, Any]]:
    """The whole queue in order, sorted by SQLite on disk; summary is filled as it goes."""
    async with store.read() as db:
        await create_ranked(db)
        batch = []
        async for entry in _entries(db, policy, as_of, summary):
            top, score = entry.sort_key()
            batch.append((entry.account_ref, top, int(score * SCALE), json.dumps(entry_row(0, entry))))
            if len(batch) >= BATCH:
                await insert_ranked(db, batch)
                batch = []
        await insert_ranked(db, batch)
        rank = 0
        async for text in iter_ranked(db):
            rank += 1
            yield {**json.loads(text), "rank": rank}


async def write_queue(
    store: Store, policy: Policy, as_of: date, fmt: str, out: TextIO, err: TextIO
) -> Summary:
    summary = Summary()
    rows = ranked(store, policy, as_of, summary)
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        async for row in rows:
            writer.writerow(row)
        print(_summary_line(as_of, summary), file=err)
        return summary
    out.write(f'{{"as_of": "{as_of.isoformat()}", "accounts": [')
    first = True
    async for row in rows:
        out.write(("\n" if first else ",\n") + json.dumps(row))
        first = False
    out.write(f'\n], "summary": {json.dumps(summary.as_dict())}}}\n')
    return summary


def _summary_line(as_of: date, summary: Summary) -> str:
    listed = ", ".join(f"{k} {v}" for k, v in sorted(summary.listed.items())) or "none"
    left = ", ".join(f"{k} {v}" for k, v in sorted(summary.left_out.items())) or "none"
    return (f"queue as of {as_of.isoformat()}: {sum(summary.listed.values())} to call ({listed}); "
            f"{sum(summary.left_out.values())} left out ({left})")


async def export_queue(config: Any, as_of: date | None, fmt: str = "csv",
                       out: TextIO | None = None, err: TextIO | None = None) -> int:
    """`debtdesk export queue [--as-of DATE] [--format csv|json]`; the exit code."""
    out, err = out or sys.stdout, err or sys.stderr
    if fmt not in ("csv", "json"):
        print(f"unknown format {fmt!r}: use csv or json", file=err)
        return 2
    store = await Store.open(config.db_path)
    try:
        day = as_of or datetime.now(UTC).date()
        await write_queue(store, config.policy, day, fmt, out, err)
    finally:
        await store.close()
    return 0
