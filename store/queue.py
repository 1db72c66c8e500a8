"""The call queue, ranked by SQLite in one statement: every account not closed, either left out
(with the reason) or listed with its priority, in call order, streamed a chunk at a time.

The rules are bot.queue_export's (`classify`, the readable version, which tests hold this SQL
to) and debt.queue.priority's. Here they are SQL so that a million accounts need no Python per
account: the priority is an exact integer (the Decimal priority times 10,000, rounded half-even
as Decimal.quantize does), computed from the policy's weights passed as integer parameters.

Also: the facts of one account (or all) as Python values, for the readable rules.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import aiosqlite

from debt.money import Money
from debt.policy import Policy
from debt.queue import priority

CHUNK = 1000  # rows fetched per trip to the database thread
PRIORITY_PLACES = 4  # debt.queue.priority rounds to 0.0001
_EPOCH = date(1970, 1, 1)

# --- the statement, from the inside out ---------------------------------------------------------
# Every promise, open case and chat, one row per account that has any (a third of them), so
# that the pass over accounts makes one lookup each instead of five:
#   open_case: 1 dispute, 2 hardship, 3 callback (the first wins), NULL none
#   waiting:   1 when a pending promise is still inside its grace (due on or after :cutoff)
#   lapsed:    broken promises and pending ones (past grace, unless waiting is 1)
#   kept:      1 when a promise was kept or partly kept
_HISTORY = """
SELECT account_ref, min(open_case) AS open_case, max(waiting) AS waiting, sum(lapsed) AS lapsed,
  max(kept) AS kept, max(last_seen) AS last_seen
FROM (
  SELECT account_ref, CASE kind WHEN 'dispute' THEN 1 WHEN 'hardship' THEN 2 WHEN 'callback' THEN 3 END
    AS open_case, 0 AS waiting, 0 AS lapsed, 0 AS kept, NULL AS last_seen
  FROM cases WHERE status = 'open'
  UNION ALL
  SELECT account_ref, NULL, status = 'pending' AND due_date >= :cutoff, status IN ('broken', 'pending'),
    status IN ('kept', 'partial'), NULL
  FROM promises
  UNION ALL
  SELECT account_ref, NULL, 0, 0, 0, last_seen_at FROM chats WHERE account_ref IS NOT NULL
) GROUP BY account_ref
"""

# Promises broken in a row, newest first (debt.matching.broken_in_row): broken ones, and pending
# ones past grace (a pending one inside grace leaves the account out anyway), newer by (due date,
# id) than the newest kept or partly kept promise; with none kept, all the lapsed ones.
_BROKEN = """
CASE WHEN h.kept THEN
  (SELECT count(*) FROM promises p WHERE p.account_ref = a.account_ref AND p.status IN ('broken', 'pending')
     AND NOT EXISTS (SELECT 1 FROM promises k WHERE k.account_ref = a.account_ref
                     AND k.status IN ('kept', 'partial') AND (k.due_date, k.id) > (p.due_date, p.id)))
  ELSE coalesce(h.lapsed, 0) END
"""

# The overdue amount in 0.0001 units, exactly. Amounts are stored as str(Decimal) and hold no
# more decimals than their currency (debt.portfolio refuses more), so Money's rounding changes
# nothing: plain text with up to 4 decimals is its digits times a power of ten. Anything else
# (an exponent, a sign, more decimals) goes to queue_units, which does what Money does.
_SCALE = ("CASE WHEN instr(a.overdue_amount, '.') = 0 THEN 10000 "
          "ELSE CASE length(a.overdue_amount) - instr(a.overdue_amount, '.') "
          "WHEN 0 THEN 10000 WHEN 1 THEN 1000 WHEN 2 THEN 100 WHEN 3 THEN 10 WHEN 4 THEN 1 END END")
_UNITS = (
    "coalesce(CASE WHEN a.overdue_amount NOT GLOB '*[^0-9.]*' AND length(a.overdue_amount) BETWEEN 1 AND 15 "
    f"THEN CAST(replace(a.overdue_amount, '.', '') AS INTEGER) * {_SCALE} END, "
    "queue_units(a.overdue_amount, a.currency))"
)

# Each layer ends in "LIMIT -1 OFFSET 0" so that SQLite runs it once per row as a co-routine
# instead of copying its expressions (and subqueries) into every outer place that names them.
_FACTS = f"""
SELECT a.account_ref AS ref, a.currency AS currency, a.overdue_amount AS amount,
  a.oldest_due_date AS oldest, h.last_seen AS last_seen,
  CASE WHEN a.status = 'disputed' OR h.open_case = 1 THEN 'dispute' WHEN h.open_case = 2 THEN 'hardship'
       WHEN h.open_case = 3 THEN 'callback' WHEN h.waiting THEN 'pending_promise' END AS left_out,
  {_BROKEN} AS broken,
  {_UNITS} AS units
FROM accounts a LEFT JOIN ({_HISTORY}) h ON h.account_ref = a.account_ref
WHERE a.status != 'closed'
LIMIT -1 OFFSET 0
"""

# Days past due and since the last message (NULL: no chat, and then days past due count).
# Accounts with nothing owed and nothing broken, and not left out, go no further.
_DAYS = f"""
SELECT ref, currency, amount, left_out, broken, units,
  CASE WHEN left_out IS NOT NULL THEN 0 WHEN broken > 0 THEN 2 ELSE 1 END AS band,
  CASE WHEN oldest IS NOT NULL AND oldest != '' AND units > 0
       THEN max(0, :today - unixepoch(oldest) / 86400) ELSE 0 END AS dpd,
  :today - unixepoch(substr(last_seen, 1, 10)) / 86400 AS seen
FROM ({_FACTS})
WHERE left_out IS NOT NULL OR units > 0 OR broken > 0
LIMIT -1 OFFSET 0
"""

_STAGED = f"""
SELECT ref, currency, amount, left_out, broken, units, band, dpd, coalesce(seen, dpd) AS since,
  {{stage}} AS stage
FROM ({_DAYS})
LIMIT -1 OFFSET 0
"""

# n: the priority times 10,000 times :denominator (10^(weight decimals + 3)), an integer. If it
# overflows SQLite's 64 bits it turns REAL, and then debt.queue.priority itself answers.
_NUMERATOR = f"""
SELECT *, (:w_stage * stage + :w_broken * broken + :w_days * max(since, 0)) * 10000000
          + :w_overdue * max(units, 0) AS n
FROM ({_STAGED})
LIMIT -1 OFFSET 0
"""

# p: the priority times 10,000, rounded half-even as Decimal.quantize rounds.
_PRIORITY = f"""
SELECT *, CASE WHEN left_out IS NOT NULL THEN NULL
  WHEN typeof(n) = 'integer' THEN n / :denominator + (
    CASE WHEN 2 * (n % :denominator) > :denominator
           OR (2 * (n % :denominator) = :denominator AND (n / :denominator) % 2 = 1) THEN 1 ELSE 0 END)
  ELSE queue_priority(stage, amount, currency, broken, since) END AS p
FROM ({_NUMERATOR})
LIMIT -1 OFFSET 0
"""

_QUEUE = f"""
SELECT ref, coalesce(left_out, CASE band WHEN 2 THEN 'broken_promise' ELSE 'overdue' END) AS reason,
  CASE WHEN p IS NOT NULL THEN printf('%d.%04d', p / 10000, p % 10000) END,
  {{stage_name}}, dpd, amount, currency, broken, max(since, 0)
FROM ({_PRIORITY})
"""
# Call order: broken promises, then the rest, each by priority (higher first) then account_ref;
# the left-out accounts last.
_ORDER = " ORDER BY band DESC, p DESC, ref"


@dataclass(frozen=True)
class QueueRow:
    """Column positions of a ranked row (a plain tuple, for speed)."""

    ACCOUNT_REF = 0
    REASON = 1  # broken_promise | overdue, or the reason it is left out
    PRIORITY = 2  # the Decimal as text, 4 places; NULL when left out
    STAGE = 3
    DPD = 4
    OVERDUE = 5
    CURRENCY = 6
    BROKEN_IN_ROW = 7
    DAYS_SINCE_CONTACT = 8


def _scaled(weights: dict[str, Decimal]) -> tuple[dict[str, int], int]:
    """Integer weights over a common power of ten, and that power."""
    places = max([0, *(-w.as_tuple().exponent for w in weights.values() if w.is_finite())])
    return {k: int(w.scaleb(places)) for k, w in weights.items()}, places


def _stage_sql(policy: Policy) -> tuple[str, str, dict[str, object]]:
    """CASE expressions for the stage index and name from dpd; stages run from 0 days up."""
    index, name, args = ["CASE"], ["CASE stage"], {}
    for i, stage in enumerate(policy.stages):
        args[f"stage_name_{i}"] = stage.name
        name.append(f"WHEN {i} THEN :stage_name_{i}")
        if stage.max_dpd is not None:
            args[f"stage_max_{i}"] = stage.max_dpd
            index.append(f"WHEN dpd <= :stage_max_{i} THEN {i}")
    index.append(f"ELSE {len(policy.stages) - 1} END")
    return " ".join(index), " ".join(name + ["END"]), args


def queue_statement(policy: Policy, as_of: date) -> tuple[str, dict[str, object]]:
    """The queue's SQL (in no particular order) and its parameters for this policy and day."""
    weights, places = _scaled(policy.queue_weights)
    stage, stage_name, args = _stage_sql(policy)
    args.update(
        cutoff=(as_of - timedelta(days=policy.promise.grace_days)).isoformat(),
        today=(as_of - _EPOCH).days,
        denominator=10 ** (places + 3),
        w_stage=weights.get("stage", 0), w_overdue=weights.get("overdue_per_1000", 0),
        w_broken=weights.get("broken_promise", 0), w_days=weights.get("days_since_contact", 0),
    )
    return _QUEUE.format(stage=stage, stage_name=stage_name), args


async def add_functions(db: aiosqlite.Connection, policy: Policy) -> None:
    """The exact Python fallbacks the statement calls for amounts and sums SQL cannot hold."""

    def units(amount: str, currency: str) -> int:
        return int(Money(Decimal(amount), currency).amount.scaleb(PRIORITY_PLACES))

    def fallback(stage: int, amount: str, currency: str, broken: int, since: int) -> int:
        score = priority(stage, Money(Decimal(amount), currency), broken, since, policy.queue_weights)
        return int(score.scaleb(PRIORITY_PLACES))

    await db.create_function("queue_units", 2, units, deterministic=True)
    await db.create_function("queue_priority", 5, fallback, deterministic=True)


async def iter_queue_chunks(
    db: aiosqlite.Connection, policy: Policy, as_of: date, chunk: int = CHUNK
) -> AsyncIterator[Sequence[tuple]]:
    """The ranked queue as lists of plain tuples (QueueRow positions): the listed accounts in
    call order (broken promises first, then by priority, higher first, then by account_ref),
    then the left-out ones (reason only). Accounts with nothing owed and nothing broken are
    not there at all."""
    await add_functions(db, policy)
    sql, args = queue_statement(policy, as_of)
    cur = await db.cursor()
    cur.row_factory = None  # plain tuples: a million sqlite3.Row objects cost a second
    try:
        await cur.execute(sql + _ORDER, args)
        while rows := await cur.fetchmany(chunk):
            yield rows
    finally:
        await cur.close()


async def count_queue(db: aiosqlite.Connection, policy: Policy, as_of: date) -> dict[str, int]:
    """How many accounts have each reason (listed or left out), counted by SQLite."""
    await add_functions(db, policy)
    sql, args = queue_statement(policy, as_of)
    async with db.execute(f"SELECT reason, count(*) FROM ({sql}) GROUP BY reason", args) as cur:
        return {reason: count for reason, count in await cur.fetchall()}


# --- one account's facts as Python values (the readable rules use these) ----------------------

_ONE = """
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
    """Every account not closed (or just one), as Python values, streamed through a cursor."""
    sql, args = (_ONE + " AND a.account_ref = ?", (account_ref,)) if account_ref else (_ONE, ())
    async with db.execute(sql, args) as cur:
        cur.iter_chunk_size = CHUNK
        async for row in cur:
            yield _facts(row)
