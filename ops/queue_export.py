"""The call queue: which accounts a person should call, in order, each with its reason.

Left out: an account with a pending promise (until its due date plus grace), an open dispute, an
open hardship review or an open call-back request: someone already answered, or a person at
the bank owes them an answer. A broken promise puts the account at the top. The order inside
each band is debt.queue_rule.priority, higher first; equal priorities go by account_ref (A first).

`classify` below says it in Python, one account at a time; store.queue_sql says the same in one SQL
statement that SQLite ranks and sorts, and tests hold the two to each other. `debtdesk export
queue [--as-of DATE] [--format csv|json]` streams that statement's rows straight to the output,
a chunk at a time; the memory that grows with the portfolio is SQLite's sorter, about 100 bytes
an account listed (a million accounts: about 150 MB at the peak).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from operator import itemgetter
from typing import Any, TextIO

from debt import matching, queue_rule
from debt.money import Money
from debt.policy import Policy
from ops.settings import Config
from store.db import Store
from store.queue_sql import QueueFacts, QueueRow, count_queue, iter_queue_lines, iter_queue_rows

LEFT_OUT = ("dispute", "hardship", "callback", "pending_promise", "awaiting_approval")
COLUMNS = ("rank", "account_ref", "reason", "priority", "stage", "dpd", "overdue", "currency",
           "broken_in_row", "days_since_contact")


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
    if facts.awaiting_approval:
        return "awaiting_approval"
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
    score = queue_rule.priority(policy.stage_index(stage.name), Money(facts.overdue, facts.currency), broken,
                           since, policy.queue_weights)
    return Entry(facts.account_ref, "broken_promise" if broken else "overdue", score, stage.name, dpd,
                 facts.overdue, facts.currency, broken, max(since, 0))


def entry(row: Sequence) -> Entry:
    """A listed row of store.queue_sql.iter_queue_rows as an Entry."""
    return Entry(row[0], row[1], Decimal(row[2]), row[3], row[4], Decimal(row[5]), row[6], row[7], row[8])


def _listed(chunk: Sequence[tuple], reason: int) -> int:
    """How many rows of the chunk are listed: the left-out ones come after every listed one."""
    if chunk[-1][reason] not in LEFT_OUT:
        return len(chunk)
    return next(i for i, row in enumerate(chunk) if row[reason] in LEFT_OUT)


def _count(summary: Summary, counts: Counter) -> None:
    for reason, count in counts.items():
        (summary.left_out if reason in LEFT_OUT else summary.listed)[reason] += count


async def summarise(store: Store, policy: Policy, as_of: date) -> Summary:
    """How many accounts are listed and left out, by reason (SQLite counts; nothing is ranked)."""
    summary = Summary()
    async with store.read() as db:
        _count(summary, Counter(await count_queue(db, policy, as_of)))
    return summary


async def top_entries(store: Store, policy: Policy, as_of: date, n: int) -> tuple[list[Entry], Summary]:
    """The first n of the queue, and the summary of all of it (for /queue N): SQLite keeps only
    n rows while it ranks, and counts in a second pass of the same read."""
    summary, entries = Summary(), []
    async with store.read() as db:
        async for chunk in iter_queue_rows(db, policy, as_of, limit=n):
            entries += [entry(row) for row in chunk[:_listed(chunk, QueueRow.REASON)]]
        _count(summary, Counter(await count_queue(db, policy, as_of)))
    return entries, summary


async def write_queue(
    store: Store, policy: Policy, as_of: date, fmt: str, out: TextIO, err: TextIO
) -> Summary:
    """The whole queue in call order, as CSV (a summary line goes to err) or as one JSON object.
    Rows go from SQLite's cursor to the output a chunk at a time; every account is counted in
    the summary as it passes."""
    summary = Summary()
    async with store.read() as db:
        if fmt == "csv":
            await _write_csv(db, policy, as_of, out, summary)
            print(_summary_line(as_of, summary), file=err)
        else:
            await _write_json(db, policy, as_of, out, summary)
    return summary


async def _write_csv(db: Any, policy: Policy, as_of: date, out: TextIO, summary: Summary) -> None:
    """SQLite writes each line (store.queue_sql.iter_queue_lines); here it gets its rank."""
    out.write(",".join(COLUMNS) + "\n")
    rank = 0
    async for chunk in iter_queue_lines(db, policy, as_of):
        _count(summary, Counter(map(itemgetter(0), chunk)))
        listed = _listed(chunk, 0)
        out.write("".join([f"{i},{line}\n" for i, (_, line) in enumerate(chunk[:listed], rank + 1)]))
        rank += listed


async def _write_json(db: Any, policy: Policy, as_of: date, out: TextIO, summary: Summary) -> None:
    out.write(f'{{"as_of": "{as_of.isoformat()}", "accounts": [')
    rank = 0
    async for chunk in iter_queue_rows(db, policy, as_of):
        _count(summary, Counter(map(itemgetter(QueueRow.REASON), chunk)))
        for row in chunk[:_listed(chunk, QueueRow.REASON)]:
            rank += 1
            fields = dict(zip(COLUMNS, (rank, *row), strict=True))
            out.write(("\n" if rank == 1 else ",\n") + json.dumps(fields))
    out.write(f'\n], "summary": {json.dumps(summary.as_dict())}}}\n')


def _summary_line(as_of: date, summary: Summary) -> str:
    listed = ", ".join(f"{k} {v}" for k, v in sorted(summary.listed.items())) or "none"
    left = ", ".join(f"{k} {v}" for k, v in sorted(summary.left_out.items())) or "none"
    return (f"queue as of {as_of.isoformat()}: {sum(summary.listed.values())} to call ({listed}); "
            f"{sum(summary.left_out.values())} left out ({left})")


async def export_queue(config: Config, as_of: date | None, fmt: str = "csv",
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
