"""Where SQLite and PostgreSQL say the call queue (store.queue_sql) differently: one small table
of SQL fragments per engine, and how each runs the statement and streams its rows.

The statement is written once, in store.queue_sql; a fragment with `{}` takes its operand(s).
SQLite's integers are 64 bits, so the exact priority falls back to Python (functions the
connection registers) when a sum passes them; PostgreSQL's numeric holds any such sum, and
rounds nothing in +, - and *, so there it needs no fallback.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from debt.money import Money
from debt.policy import Policy
from debt.queue_rule import priority

PRIORITY_PLACES = 4  # debt.queue_rule.priority rounds to 0.0001


@dataclass(frozen=True)
class Dialect:
    name: str
    fence: str  # ends a layer so that it runs once per row instead of being copied outward
    greatest: str  # the larger of two values (neither NULL where it is used)
    flag: str  # a condition as the integer 0 or 1
    day: str  # an ISO date text (or '' or NULL) as days since 1970-01-01, NULL when none
    units: str  # the account's overdue amount in 0.0001 units, exactly
    weight: str  # an integer parameter, in arithmetic that does not overflow (or says so)
    exact: str  # whether the sum n is exact (an integer, not a REAL after an overflow)
    div: str  # integer division, towards zero
    mod: str  # its remainder
    rid: str  # what the layers carry to find the account's row again at the end
    join: str  # ... and how they find it
    fallback: str  # the priority of row q when q.p could not be computed in SQL
    priority_text: str  # an exact priority times 10,000 as the Decimal's text, 4 places
    format: str  # printf-like function: '%s' takes any value
    matches: str  # a text holds one of the characters of a class (a parameter made by `any_of`)
    any_of: str  # the pattern for `matches`: the characters between the brackets
    by_ref: str  # account_ref as the sort key: by code point, as Python sorts
    history: str  # one account's promises, "status:due" joined by ',' in the order of the rows


SQLITE = Dialect(
    name="sqlite",
    fence="LIMIT -1 OFFSET 0",
    greatest="max",
    flag="{}",
    day="unixepoch({}) / 86400",
    # Plain text with up to 4 decimals is its digits times a power of ten; anything else (an
    # exponent, more decimals) goes to queue_units, which does what Money does.
    units=("coalesce(CASE WHEN a.overdue_amount NOT GLOB '*[^0-9.]*' AND length(a.overdue_amount) BETWEEN 1 "
           "AND 15 THEN CAST(replace(a.overdue_amount, '.', '') AS INTEGER) * "
           "CASE WHEN instr(a.overdue_amount, '.') = 0 THEN 10000 "
           "ELSE CASE length(a.overdue_amount) - instr(a.overdue_amount, '.') "
           "WHEN 0 THEN 10000 WHEN 1 THEN 1000 WHEN 2 THEN 100 WHEN 3 THEN 10 WHEN 4 THEN 1 END END END, "
           "queue_units(a.overdue_amount, a.currency))"),
    weight="{}",
    exact="typeof({}) = 'integer'",
    div="({} / {})",
    mod="({} % {})",
    rid="a.rowid",
    join="CROSS JOIN accounts a ON a.rowid = q.rid",
    fallback=("CASE WHEN q.p IS NULL AND q.left_out = 0 "
              "THEN queue_priority(q.stage, a.overdue_amount, a.currency, q.broken, q.since) ELSE q.p END"),
    priority_text="printf('%d.%04d', {0} / 10000, {0} % 10000)",
    format="printf",
    matches="{} GLOB :csv_special",
    any_of="*[{}]*",
    by_ref="a.account_ref",
    # SQLite 3.40 has no ORDER BY inside an aggregate; it joins the rows in the order they come.
    history="group_concat(entry, ',')",
)

POSTGRESQL = Dialect(
    name="postgresql",
    fence="OFFSET 0",
    greatest="greatest",
    flag="CAST({} AS integer)",
    day="(CAST(NULLIF({}, '') AS date) - DATE '1970-01-01')",
    # The store holds an amount as str(Decimal) with no more decimals than its currency has
    # (debt.portfolio refuses more), so the numeric is Money's amount as it is.
    units="CAST(a.overdue_amount AS numeric) * 10000",
    weight="CAST({} AS numeric)",
    exact="{} IS NOT NULL",
    div="div({}, {})",
    mod="mod({}, {})",
    rid="a.account_ref",
    join="JOIN accounts a ON a.account_ref = q.rid",
    fallback="q.p",
    priority_text="CAST({0} * 0.0001 AS text)",  # numeric * numeric: exact, scale 4
    format="format",
    matches="{} ~ :csv_special",
    any_of="[{}]",
    by_ref='a.account_ref COLLATE "C"',
    history="string_agg(entry, ',' ORDER BY due_date DESC, id DESC)",
)

DIALECTS = {d.name: d for d in (SQLITE, POSTGRESQL)}
SORT_MEMORY = "256MB"  # PostgreSQL's work_mem while it ranks: a million accounts sort in memory


def dialect_of(db: Any) -> Dialect:
    """The dialect of a unit's connection (aiosqlite's has no `dialect`)."""
    return DIALECTS[getattr(db, "dialect", "sqlite")]


async def add_functions(db: Any, policy: Policy) -> None:
    """SQLite: the exact Python fallbacks the statement calls for amounts and sums SQL cannot hold."""

    def units(amount: str, currency: str) -> int:
        return int(Money(Decimal(amount), currency).amount.scaleb(PRIORITY_PLACES))

    def fallback(stage: int, amount: str, currency: str, broken: int, since: int) -> int:
        score = priority(stage, Money(Decimal(amount), currency), broken, since, policy.queue_weights)
        return int(score.scaleb(PRIORITY_PLACES))

    await db.create_function("queue_units", 2, units, deterministic=True)
    await db.create_function("queue_priority", 5, fallback, deterministic=True)


@asynccontextmanager
async def ranking(db: Any, policy: Policy) -> AsyncIterator[None]:
    """The connection ready to rank: on SQLite, the fallbacks registered and the sorter in memory;
    on PostgreSQL, enough work_mem for the sort and no JIT, until the statement is done."""
    if dialect_of(db) is POSTGRESQL:
        # JIT off: the planner prices the correlated count of broken promises per account so
        # high that it compiles the statement with LLVM, which costs seconds and saves nothing
        # (EXPLAIN ANALYZE over a million accounts: 8 s of 54 on a loaded machine).
        async with db.execute("SELECT current_setting('work_mem'), current_setting('jit'), "
                              "set_config('work_mem', ?, true), set_config('jit', 'off', true)",
                              (SORT_MEMORY,)) as cur:
            work_mem, jit, _, _ = await cur.fetchone()
        yield  # after an error the transaction is rolled back, and the settings with it
        async with db.execute("SELECT set_config('work_mem', ?, true), set_config('jit', ?, true)",
                              (work_mem, jit)):
            pass
        return
    await add_functions(db, policy)
    async with _sorting_in_memory(db):
        yield


@asynccontextmanager
async def _sorting_in_memory(db: Any) -> AsyncIterator[None]:
    """SQLite's sorter in memory for one statement: on disk it reads and writes its runs a few
    dozen bytes at a time, and a million rows cost seconds of system calls. About 100 bytes a
    listed account while it sorts. (Changing temp_store drops the connection's temporary
    tables; the queue uses none, and no import runs on the connection that exports.)"""
    async with db.execute("PRAGMA temp_store") as cur:
        (before,) = await cur.fetchone()
    try:
        await db.execute("PRAGMA temp_store = MEMORY")
    except sqlite3.OperationalError:
        # A connection holding a temporary table (an import ran on it) refuses the change inside
        # a transaction: sort on disk then, slower but the same rows in the same order.
        yield
        return
    try:
        yield
    finally:
        await db.execute(f"PRAGMA temp_store = {int(before)}")


async def chunks(db: Any, sql: str, args: dict[str, object], chunk: int) -> AsyncIterator[Sequence[tuple]]:
    """The statement's rows as plain tuples, `chunk` at a time, streamed from the engine."""
    if dialect_of(db) is POSTGRESQL:  # store.pg_connection: only one chunk is held here
        async for rows in db.stream(sql, args, chunk):
            yield rows
        return
    cur = await db.cursor()
    cur.row_factory = None  # plain tuples: sqlite3.Row objects cost a second a million rows
    try:
        await cur.execute(sql, args)
        while rows := await cur.fetchmany(chunk):
            yield rows
    finally:
        await cur.close()
