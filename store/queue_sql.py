"""The call queue, ranked by SQLite in one statement: every account not closed, either left out
(with the reason) or listed with its priority, in call order, streamed a chunk at a time.

The rule is debt.queue_rule's (`classify`, one account at a time, which a test holds this SQL
to, and `priority`). Here they are SQL so that a million accounts need no Python per
account: the priority is an exact integer (the Decimal priority times 10,000, rounded half-even
as Decimal.quantize does), computed from the policy's weights passed as integer parameters.

Also: the facts of one account (or all) as debt.queue_rule.QueueFacts, for that rule.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal

import aiosqlite

from debt.money import Money
from debt.policy import Policy
from debt.queue_rule import QueueFacts, priority

CHUNK = 1000  # rows fetched per trip to the database thread
PRIORITY_PLACES = 4  # debt.queue_rule.priority rounds to 0.0001
_EPOCH = date(1970, 1, 1)

# --- the statement, from the inside out ---------------------------------------------------------
# Every promise, open case and chat, one row per account that has any (a third of them), so
# that the pass over accounts makes one lookup each instead of five:
#   open_case: 1 dispute, 2 hardship, 3 callback (the first wins), NULL none
#   waiting:   1 when a pending promise is still inside its grace (due on or after :cutoff)
#   lapsed:    broken promises and pending ones (past grace, unless waiting is 1)
#   kept:      1 when a promise was kept or partly kept
#   awaiting:  1 when an arrangement awaits the bank's approval
_HISTORY = """
SELECT account_ref, min(open_case) AS open_case, max(waiting) AS waiting, sum(lapsed) AS lapsed,
  max(kept) AS kept, max(last_seen) AS last_seen, max(awaiting) AS awaiting
FROM (
  SELECT account_ref, CASE kind WHEN 'dispute' THEN 1 WHEN 'hardship' THEN 2 WHEN 'callback' THEN 3 END
    AS open_case, 0 AS waiting, 0 AS lapsed, 0 AS kept, NULL AS last_seen, 0 AS awaiting
  FROM cases WHERE status = 'open'
  UNION ALL
  SELECT account_ref, NULL, status = 'pending' AND due_date >= :cutoff, status IN ('broken', 'pending'),
    status IN ('kept', 'partial'), NULL, 0
  FROM promises
  UNION ALL
  SELECT account_ref, NULL, 0, 0, 0, last_seen_at, 0 FROM chats WHERE account_ref IS NOT NULL
  UNION ALL
  SELECT account_ref, NULL, 0, 0, 0, NULL, 1 FROM arrangements WHERE status = 'pending_approval'
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
# The layers carry integers only (copying text from layer to layer costs more than all the
# arithmetic); the last one fetches the account's text by rowid.
#   left_out: 0 listed, 1 dispute, 6 refused contact, 2 hardship, 3 callback, 4 pending promise,
#   5 awaiting approval (the first wins)
#   due_day, seen_day: the oldest due date and the day of the last message, as days since
#   1970-01-01 (NULL when there is none)
_FACTS = f"""
SELECT a.rowid AS rid,
  CASE WHEN a.status = 'disputed' OR h.open_case = 1 THEN 1
    WHEN EXISTS (SELECT 1 FROM contact_refusals r WHERE r.account_ref = a.account_ref) THEN 6
    ELSE coalesce(h.open_case, CASE WHEN h.waiting THEN 4 WHEN h.awaiting THEN 5 END, 0) END AS left_out,
  {_BROKEN} AS broken,
  {_UNITS} AS units,
  unixepoch(a.oldest_due_date) / 86400 AS due_day,
  unixepoch(substr(h.last_seen, 1, 10)) / 86400 AS seen_day
FROM accounts a LEFT JOIN ({_HISTORY}) h ON h.account_ref = a.account_ref
WHERE a.status != 'closed'
LIMIT -1 OFFSET 0
"""

# Days past due (0 when nothing is overdue) and since the last message (days past due when no
# chat). Accounts with nothing owed and nothing broken, and not left out, go no further.
# band: 2 broken promise, 1 overdue, 0 left out.
_DAYS = f"""
SELECT rid, left_out, broken, units, CASE WHEN left_out THEN 0 WHEN broken > 0 THEN 2 ELSE 1 END AS band,
  dpd, coalesce(:today - seen_day, dpd) AS since
FROM (SELECT *, CASE WHEN units > 0 AND due_day IS NOT NULL THEN max(0, :today - due_day) ELSE 0 END AS dpd
      FROM ({_FACTS}) WHERE left_out OR units > 0 OR broken > 0 LIMIT -1 OFFSET 0)
LIMIT -1 OFFSET 0
"""

# n: the priority times 10,000 times :denominator (10^(weight decimals + 3)), an integer. If it
# overflows SQLite's 64 bits it turns REAL; p is then NULL and debt.queue_rule.priority answers.
_NUMERATOR = f"""
SELECT *, (:w_stage * stage + :w_broken * broken + :w_days * max(since, 0)) * 10000000
          + :w_overdue * max(units, 0) AS n
FROM (SELECT *, {{stage}} AS stage FROM ({_DAYS}) LIMIT -1 OFFSET 0)
LIMIT -1 OFFSET 0
"""

# p: the priority times 10,000, rounded half-even as Decimal.quantize rounds; NULL when left out.
_PRIORITY = f"""
SELECT *, CASE WHEN left_out = 0 AND typeof(n) = 'integer' THEN n / :denominator + (
    CASE WHEN 2 * (n % :denominator) > :denominator
           OR (2 * (n % :denominator) = :denominator AND (n / :denominator) % 2 = 1) THEN 1 ELSE 0 END)
  END AS p
FROM ({_NUMERATOR})
LIMIT -1 OFFSET 0
"""

# The text of the account comes back by rowid, once the row has made it through the layers.
_JOINED = f"FROM ({_PRIORITY}) q CROSS JOIN accounts a ON a.rowid = q.rid"
_EXACT = ("CASE WHEN q.p IS NULL AND q.left_out = 0 "
          "THEN queue_priority(q.stage, a.overdue_amount, a.currency, q.broken, q.since) ELSE q.p END")
_PRIORITY_TEXT = f"printf('%d.%04d', {_EXACT} / 10000, {_EXACT} % 10000)"
_LISTED_REASON = "CASE q.band WHEN 2 THEN 'broken_promise' ELSE 'overdue' END"
_REASON = ("CASE q.left_out WHEN 1 THEN 'dispute' WHEN 2 THEN 'hardship' WHEN 3 THEN 'callback' "
           f"WHEN 4 THEN 'pending_promise' WHEN 5 THEN 'awaiting_approval' WHEN 6 THEN 'refused_contact' "
           f"ELSE {_LISTED_REASON} END")
_FIELDS = (f"a.account_ref, {_REASON}, CASE WHEN q.left_out = 0 THEN {_PRIORITY_TEXT} END, "
           "{stage_name}, q.dpd, a.overdue_amount, a.currency, q.broken, max(q.since, 0)")


def _csv(column: str) -> str:
    """The column as the csv module writes it: quoted, quotes doubled, when it holds a character
    the module quotes for (:csv_special); the store's own values never do."""
    quoted = f"""'"' || replace({column}, '"', '""') || '"'"""
    return f"CASE WHEN {column} GLOB :csv_special THEN {quoted} ELSE {column} END"


_LINE = (f"CASE WHEN q.left_out = 0 THEN printf('%s,%s,%s,%s,%d,%s,%s,%d,%d', {_csv('a.account_ref')}, "
         f"{_LISTED_REASON}, {_PRIORITY_TEXT}, {{stage_csv}}, q.dpd, {_csv('a.overdue_amount')}, "
         f"{_csv('a.currency')}, q.broken, max(q.since, 0)) END")

# Call order: broken promises, then the rest, each by priority (higher first) then account_ref;
# the left-out accounts last.
_ORDER = f"ORDER BY q.band DESC, {_EXACT} DESC, a.account_ref"

_COUNTS = f"""
SELECT sum(left_out = 1), sum(left_out = 2), sum(left_out = 3), sum(left_out = 4), sum(left_out = 5),
  sum(left_out = 6), sum(band = 2), sum(band = 1)
FROM ({_DAYS})
"""
_COUNTED = ("dispute", "hardship", "callback", "pending_promise", "awaiting_approval", "refused_contact",
            "broken_promise", "overdue")


class QueueRow:
    """Positions in a row of iter_queue_rows (a plain tuple, for speed)."""

    ACCOUNT_REF = 0
    REASON = 1  # broken_promise | overdue, or the reason it is left out
    PRIORITY = 2  # the Decimal as text, 4 places; None when left out
    STAGE = 3
    DPD = 4
    OVERDUE = 5
    CURRENCY = 6
    BROKEN_IN_ROW = 7
    DAYS_SINCE_CONTACT = 8


def _csv_special() -> str:
    """A GLOB for the characters this Python's csv module quotes a field for (',', '"', a line
    break; '\\r' too in some versions)."""
    special = []
    for char in ',"\r\n':
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(["a", f"b{char}c"])
        if out.getvalue().startswith('a,"'):
            special.append(char)
    return f"*[{''.join(special)}]*"


def _csv_field(text: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(["a", text])
    return out.getvalue()[2:-1]


def _scaled(weights: dict[str, Decimal]) -> tuple[dict[str, int], int]:
    """Integer weights over a common power of ten, and that power."""
    places = max([0, *(-w.as_tuple().exponent for w in weights.values() if w.is_finite())])
    return {k: int(w.scaleb(places)) for k, w in weights.items()}, places


def _stages(policy: Policy) -> tuple[dict[str, str], dict[str, object]]:
    """CASE expressions for the stage index from dpd, and its name plain and as a CSV field."""
    index, name, csv_name, args = ["CASE"], ["CASE q.stage"], ["CASE q.stage"], {}
    for i, stage in enumerate(policy.stages):
        args[f"stage_name_{i}"], args[f"stage_csv_{i}"] = stage.name, _csv_field(stage.name)
        name.append(f"WHEN {i} THEN :stage_name_{i}")
        csv_name.append(f"WHEN {i} THEN :stage_csv_{i}")
        if stage.max_dpd is not None:
            args[f"stage_max_{i}"] = stage.max_dpd
            index.append(f"WHEN dpd <= :stage_max_{i} THEN {i}")
    index.append(f"ELSE {len(policy.stages) - 1} END")
    parts = {"stage": " ".join(index), "stage_name": " ".join([*name, "END"]),
             "stage_csv": " ".join([*csv_name, "END"])}
    return parts, args


def _arguments(policy: Policy, as_of: date) -> tuple[dict[str, str], dict[str, object]]:
    weights, places = _scaled(policy.queue_weights)
    parts, args = _stages(policy)
    args.update(
        cutoff=(as_of - timedelta(days=policy.promise.grace_days)).isoformat(),
        today=(as_of - _EPOCH).days,
        denominator=10 ** (places + 3),
        w_stage=weights.get("stage", 0), w_overdue=weights.get("overdue_per_1000", 0),
        w_broken=weights.get("broken_promise", 0), w_days=weights.get("days_since_contact", 0),
        csv_special=_CSV_SPECIAL,
    )
    return parts, args


async def add_functions(db: aiosqlite.Connection, policy: Policy) -> None:
    """The exact Python fallbacks the statement calls for amounts and sums SQL cannot hold."""

    def units(amount: str, currency: str) -> int:
        return int(Money(Decimal(amount), currency).amount.scaleb(PRIORITY_PLACES))

    def fallback(stage: int, amount: str, currency: str, broken: int, since: int) -> int:
        score = priority(stage, Money(Decimal(amount), currency), broken, since, policy.queue_weights)
        return int(score.scaleb(PRIORITY_PLACES))

    await db.create_function("queue_units", 2, units, deterministic=True)
    await db.create_function("queue_priority", 5, fallback, deterministic=True)


@asynccontextmanager
async def _sorting_in_memory(db: aiosqlite.Connection) -> AsyncIterator[None]:
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


async def _chunks(
    db: aiosqlite.Connection, policy: Policy, sql: str, args: dict[str, object], chunk: int
) -> AsyncIterator[Sequence[tuple]]:
    await add_functions(db, policy)
    async with _sorting_in_memory(db):
        cur = await db.cursor()
        cur.row_factory = None  # plain tuples: sqlite3.Row objects cost a second a million rows
        try:
            await cur.execute(sql, args)
            while rows := await cur.fetchmany(chunk):
                yield rows
        finally:
            await cur.close()


async def iter_queue_rows(
    db: aiosqlite.Connection, policy: Policy, as_of: date, limit: int | None = None, chunk: int = CHUNK
) -> AsyncIterator[Sequence[tuple]]:
    """The queue in call order, a list of plain tuples (QueueRow positions) at a time: the listed
    accounts (broken promises first, then by priority, higher first, then by account_ref), then
    the left-out ones (only the reason is set). Accounts with nothing owed and nothing broken
    are not there. With a limit, only the first rows (SQLite keeps no more than those)."""
    parts, args = _arguments(policy, as_of)
    sql = f"SELECT {_FIELDS} {_JOINED} {_ORDER}".format(**parts)
    if limit is not None:
        sql, args = sql + " LIMIT :limit", {**args, "limit": limit}
    async for rows in _chunks(db, policy, sql, args, chunk):
        yield rows


async def iter_queue_lines(
    db: aiosqlite.Connection, policy: Policy, as_of: date, chunk: int = CHUNK
) -> AsyncIterator[Sequence[tuple[str, str | None]]]:
    """The same queue as (reason, CSV line) pairs: the line holds the row's fields from
    account_ref on, as the csv module writes them; None when the account is left out."""
    parts, args = _arguments(policy, as_of)
    sql = f"SELECT {_REASON}, {_LINE} {_JOINED} {_ORDER}".format(**parts)
    async for rows in _chunks(db, policy, sql, args, chunk):
        yield rows


async def count_queue(db: aiosqlite.Connection, policy: Policy, as_of: date) -> dict[str, int]:
    """How many accounts are listed or left out for each reason (no ranking, no sort)."""
    parts, args = _arguments(policy, as_of)
    await add_functions(db, policy)
    async with _sorting_in_memory(db), db.execute(_COUNTS.format(**parts), args) as cur:
        counts = await cur.fetchone()
    return {reason: n for reason, n in zip(_COUNTED, counts, strict=True) if n}


_CSV_SPECIAL = _csv_special()


# --- one account's facts as Python values (debt.queue_rule.classify reads these) ----------------------

_ONE = """
SELECT a.account_ref, a.currency, a.overdue_amount, a.oldest_due_date, a.status,
  EXISTS (SELECT 1 FROM cases c WHERE c.account_ref = a.account_ref AND c.kind = 'dispute'
          AND c.status = 'open') AS dispute,
  EXISTS (SELECT 1 FROM cases c WHERE c.account_ref = a.account_ref AND c.kind = 'hardship'
          AND c.status = 'open') AS hardship,
  EXISTS (SELECT 1 FROM cases c WHERE c.account_ref = a.account_ref AND c.kind = 'callback'
          AND c.status = 'open') AS callback,
  EXISTS (SELECT 1 FROM arrangements r WHERE r.account_ref = a.account_ref
          AND r.status = 'pending_approval') AS awaiting_approval,
  EXISTS (SELECT 1 FROM contact_refusals x WHERE x.account_ref = a.account_ref) AS refused_contact,
  (SELECT group_concat(entry, ',') FROM
     (SELECT p.status || ':' || p.due_date AS entry FROM promises p WHERE p.account_ref = a.account_ref
      ORDER BY p.due_date DESC, p.id DESC)) AS promise_history,
  (SELECT MAX(ch.last_seen_at) FROM chats ch WHERE ch.account_ref = a.account_ref) AS last_seen
FROM accounts a
WHERE a.status != 'closed'
"""


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
        awaiting_approval=bool(row["awaiting_approval"]),
        refused_contact=bool(row["refused_contact"]),
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
