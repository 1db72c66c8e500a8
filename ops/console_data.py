"""What the staff console's pages show (bot/console_web.py draws them): the call queue with
filters, promises by day, open cases, search, the report's weekly bars. Plain data, no words:
the door puts each code into the staff member's language.

Search matches a reference or a phone number exactly, never a part of one, so that no input
lists accounts in bulk: a partial reference finds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from debt.money import Money
from debt.policy import Policy
from debt.queue_rule import LEFT_OUT
from ops.queue_export import Summary, entry, summarise
from store.arrangement_decisions import ArrangementRow, get_arrangement
from store.arrangement_rows import open_arrangement
from store.cases import CaseRow, open_cases
from store.console_queries import AuditLine, latest_audit, promises_due, promises_resolved, refs_matching
from store.db import Store
from store.promise_rows import Promise
from store.queue_sql import QueueRow, iter_queue_rows

TODAY_ROWS = 100  # the Today page lists at most this many accounts (the export has them all)
PROMISE_ROWS = 100  # per section of the Promises page
AUDIT_ROWS = 20
SEARCH_MOST = 5  # accounts an exact phone may share (one person's card and loan)
REASONS = ("broken_promise", "overdue")


@dataclass
class Queue:
    entries: list[tuple[int, Any]] = field(default_factory=list)  # (rank in the whole queue, Entry)
    summary: Summary = field(default_factory=Summary)
    more: bool = False  # more accounts matched than were listed


async def today_queue(store: Store, policy: Policy, as_of: date, stage: str = "", reason: str = "",
                      limit: int = TODAY_ROWS) -> Queue:
    """The call queue in order, only `stage` and `reason` when given, up to `limit` accounts;
    each keeps its rank in the whole queue, and the counts are the whole queue's."""
    queue = Queue(summary=await summarise(store, policy, as_of))
    rank = 0
    async with store.read() as db:
        async for chunk in iter_queue_rows(db, policy, as_of):
            for row in chunk:
                if row[QueueRow.REASON] in LEFT_OUT:
                    return queue
                rank += 1
                if (stage and row[QueueRow.STAGE] != stage) or (reason and row[QueueRow.REASON] != reason):
                    continue
                if len(queue.entries) == limit:
                    queue.more = True
                    return queue
                queue.entries.append((rank, entry(row)))
    return queue


@dataclass(frozen=True)
class PromiseSections:
    due_today: list[Promise]
    due_this_week: list[Promise]  # tomorrow to six days on
    broken_yesterday: list[Promise]
    kept: list[Promise]  # kept in the last seven days


def _start(day: date) -> str:
    return datetime.combine(day, time(0)).isoformat()


async def promise_sections(store: Store, today: date) -> PromiseSections:
    """Resolution instants are UTC ISO text; a day's bounds are compared as text alike."""
    yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)
    async with store.read() as db:
        return PromiseSections(
            due_today=await promises_due(db, today, today, PROMISE_ROWS),
            due_this_week=await promises_due(db, tomorrow, today + timedelta(days=6), PROMISE_ROWS),
            broken_yesterday=await promises_resolved(db, "broken", _start(yesterday), _start(today),
                                                     PROMISE_ROWS),
            kept=await promises_resolved(db, "kept", _start(today - timedelta(days=7)), _start(tomorrow),
                                         PROMISE_ROWS),
        )


async def cases_open(store: Store) -> list[CaseRow]:
    """Open disputes, hardship reviews and call-back requests, oldest first."""
    async with store.read() as db:
        return await open_cases(db)


async def search(store: Store, text: str) -> list[str]:
    """The accounts whose reference or phone is exactly `text` (spaces around it ignored)."""
    text = text.strip()[:64]
    if not text:
        return []
    async with store.read() as db:
        return await refs_matching(db, text, SEARCH_MOST)


async def account_events(store: Store, ref: str) -> tuple[list[AuditLine], ArrangementRow | None]:
    """The account's latest audit rows, and the plan chosen (active or awaiting approval), if any."""
    async with store.read() as db:
        chosen = await open_arrangement(db, ref)
        plan = await get_arrangement(db, chosen[0]) if chosen else None
        return await latest_audit(db, ref, AUDIT_ROWS), plan


@dataclass(frozen=True)
class Bar:
    week: str
    made: int
    kept: int
    x: int
    made_y: int
    made_height: int
    kept_y: int
    kept_height: int


def week_bars(weeks: list[dict[str, Any]], height: int = 160, step: int = 48, most: int = 12) -> list[Bar]:
    """The report's last `most` weeks as bars for an SVG chart: made beside kept, scaled to the
    highest week (whole pixels, so the page needs no script to draw them); the baseline is at
    y = height + 30, leaving room above the highest bar for its number."""
    shown = weeks[-most:]
    top = max([w["made"] for w in shown] + [1])
    bars = []
    for i, w in enumerate(shown):
        made_h = round(Decimal(w["made"]) * height / top)
        kept_h = round(Decimal(w["kept"]) * height / top)
        bars.append(Bar(w["week"], w["made"], w["kept"], 40 + i * step, height - made_h + 30, made_h,
                        height - kept_h + 30, kept_h))
    return bars


def money(amount: str, currency: str) -> Money:
    return Money(Decimal(amount), currency)
