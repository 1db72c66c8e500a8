"""A batch of the bank API (POST /api/v1/accounts, /api/v1/payments), checked and written exactly
as a row of the bank's files is: the same row checks (bot/import_rows.prepare_row, i.e.
debt/portfolio.py) and the same writers (bot/import_writers.py), in one transaction with the
audit row that names the key.

Items are numbered from 0 in the answer, the way the file import numbers lines. A rejected item
is named by index, column and reason; no reason quotes a personal value (debt.portfolio.PERSONAL).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from debt.policy import Policy
from debt.portfolio import RowError
from ops.import_rows import Context, not_text, prepare_row
from ops.import_writers import Writer, account_writer, payment_writer
from ops.importer import account_context
from store import audit
from store.db import Store


@dataclass(frozen=True)
class Problem:
    index: int
    column: str
    reason: str


@dataclass
class BatchResult:
    received: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # written, with a remark (a payment left a credit)


def _split(index: int, message: str) -> Problem:
    """A writer's "line N: column: reason" as a Problem (column names hold no colon)."""
    _, column, reason = message.split(": ", 2)
    return Problem(index, column, reason)


def _checked(context: Context, items: list[dict[str, str]], key_column: str,
             result: BatchResult) -> list[tuple[int, Any]]:
    """(index, item ready to write) for every good item; the bad ones go to result.rejected."""
    good, first = [], {}
    for index, values in enumerate(items):
        problem = not_text(values)
        if problem is not None:
            column, reason = problem.split(": ", 1)
            result.rejected.append(Problem(index, column, reason))
            continue
        try:
            key, item = prepare_row(context, values)
        except RowError as exc:  # every problem of the item
            result.rejected += [Problem(index, p.column, p.reason) for p in exc.problems]
            continue
        if key in first:
            result.rejected.append(Problem(index, key_column, f"duplicate of item {first[key]}"))
            continue
        first[key] = index
        good.append((index, item))
    return good


async def _run(store: Store, context: Context, write: Writer, items: list[dict[str, str]], key_column: str,
               actor: str, action: str, now: datetime) -> BatchResult:
    result = BatchResult(received=len(items))
    good = _checked(context, items, key_column, result)
    async with store.unit() as db:
        written = await write(db, good) if good else None
        if written is not None:
            result.rejected += [_split(n, m) for n, m in written.refused]
            result.notes += [_split(n, m) for n, m in written.notes]
            result.changed = written.changed
            result.unchanged = len(good) - len(written.refused) - written.changed
        detail = {"received": result.received, "changed": result.changed,
                  "rejected": len({p.index for p in result.rejected})}
        await audit.append(db, actor, action, None, now, detail)
    result.rejected.sort(key=lambda p: p.index)
    return result


async def upsert_accounts(store: Store, secret: bytes, policy: Policy, items: list[dict[str, str]],
                          actor: str, now: datetime) -> BatchResult:
    """Accounts keyed by the portfolio file's column names; unchanged ones are counted, not written."""
    context = account_context(secret, now, policy)
    return await _run(store, context, account_writer(), items, "account_ref", actor, "api_accounts", now)


async def record_payments(store: Store, policy: Policy, items: list[dict[str, str]], actor: str,
                          now: datetime) -> BatchResult:
    """Payments keyed by the payments file's column names; a payment_id is applied once ever."""
    context = Context("payments", (), now=now.isoformat())
    return await _run(store, context, payment_writer(now, policy, actor), items, "payment_id", actor,
                      "api_payments", now)
