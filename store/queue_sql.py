"""The call queue, ranked by the database in one statement: every account not closed, either left
out (with the reason) or listed with its priority, in call order, streamed a chunk at a time.

The rule is debt.queue_rule's (`classify`, one account at a time, which a test holds this SQL
to, and `priority`). Here they are SQL so that a million accounts need no Python per
account: the priority is an exact integer (the Decimal priority times 10,000, rounded half-even
as Decimal.quantize does), computed from the policy's weights passed as integer parameters.
The statement is written once for SQLite and PostgreSQL; where they say a thing differently,
it takes the fragment from its engine's table in store.queue_dialect.

Also: the facts of one account (or all) as debt.queue_rule.QueueFacts, for that rule.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

import aiosqlite

from debt.policy import Policy
from debt.queue_rule import QueueFacts
from store.queue_dialect import DIALECTS, Dialect, chunks, dialect_of, ranking

CHUNK = 1000  # rows fetched per trip to the database
_EPOCH = date(1970, 1, 1)


def _statements(d: Dialect) -> dict[str, str]:
    """The queue's statements in dialect d; {stage}, {stage_name} and {stage_csv} are the
    policy's, filled in per call."""
    greatest, fence = d.greatest, d.fence

    # Every promise, open case and chat, one row per account that has any (a third of them), so
    # that the pass over accounts makes one lookup each instead of five:
    #   open_case: 1 dispute, 2 hardship, 3 callback (the first wins), NULL none
    #   waiting:   1 when a pending promise is still inside its grace (due on or after :cutoff)
    #   lapsed:    broken promises and pending ones (past grace, unless waiting is 1)
    #   kept:      1 when a promise was kept or partly kept
    #   awaiting:  1 when an arrangement awaits the bank's approval
    waiting = d.flag.format("status = 'pending' AND due_date >= :cutoff")
    lapsed = d.flag.format("status IN ('broken', 'pending')")
    kept = d.flag.format("status IN ('kept', 'partial')")
    history = f"""
SELECT account_ref, min(open_case) AS open_case, max(waiting) AS waiting, sum(lapsed) AS lapsed,
  max(kept) AS kept, max(last_seen) AS last_seen, max(awaiting) AS awaiting
FROM (
  SELECT account_ref, CASE kind WHEN 'dispute' THEN 1 WHEN 'hardship' THEN 2 WHEN 'callback' THEN 3 END
    AS open_case, 0 AS waiting, 0 AS lapsed, 0 AS kept, NULL AS last_seen, 0 AS awaiting
  FROM cases WHERE status = 'open'
  UNION ALL
  SELECT account_ref, NULL, {waiting}, {lapsed}, {kept}, NULL, 0
  FROM promises
  UNION ALL
  SELECT account_ref, NULL, 0, 0, 0, last_seen_at, 0 FROM chats WHERE account_ref IS NOT NULL
  UNION ALL
  SELECT account_ref, NULL, 0, 0, 0, NULL, 1 FROM arrangements WHERE status = 'pending_approval'
) AS e GROUP BY account_ref
"""

    # Promises broken in a row, newest first (debt.matching.broken_in_row): broken ones, and
    # pending ones past grace (a pending one inside grace leaves the account out anyway), newer
    # by (due date, id) than the newest kept or partly kept promise; with none kept, all the
    # lapsed ones.
    broken = """
CASE WHEN h.kept = 1 THEN
  (SELECT count(*) FROM promises p WHERE p.account_ref = a.account_ref AND p.status IN ('broken', 'pending')
     AND NOT EXISTS (SELECT 1 FROM promises k WHERE k.account_ref = a.account_ref
                     AND k.status IN ('kept', 'partial') AND (k.due_date, k.id) > (p.due_date, p.id)))
  ELSE coalesce(h.lapsed, 0) END
"""

    # The overdue amount in 0.0001 units (d.units). Each layer ends in d.fence so that the
    # engine runs it once per row instead of copying its expressions (and subqueries) into
    # every outer place that names them. The layers carry numbers only (on SQLite copying text
    # from layer to layer costs more than all the arithmetic); the last one finds the account's
    # text again by d.rid.
    #   left_out: 0 listed, 1 dispute, 6 refused contact, 2 hardship, 3 callback, 4 pending
    #   promise, 5 awaiting approval (the first wins)
    #   due_day, seen_day: the oldest due date and the day of the last message, as days since
    #   1970-01-01 (NULL when there is none)
    facts = f"""
SELECT {d.rid} AS rid,
  CASE WHEN a.status = 'disputed' OR h.open_case = 1 THEN 1
    WHEN EXISTS (SELECT 1 FROM contact_refusals r WHERE r.account_ref = a.account_ref) THEN 6
    ELSE coalesce(h.open_case, CASE WHEN h.waiting = 1 THEN 4 WHEN h.awaiting = 1 THEN 5 END, 0)
  END AS left_out,
  {broken} AS broken,
  {d.units} AS units,
  {d.day.format("a.oldest_due_date")} AS due_day,
  {d.day.format("substr(h.last_seen, 1, 10)")} AS seen_day
FROM accounts a LEFT JOIN ({history}) h ON h.account_ref = a.account_ref
WHERE a.status != 'closed'
{fence}
"""

    # Days past due (0 when nothing is overdue) and since the last message (days past due when
    # no chat). Accounts with nothing owed and nothing broken, and not left out, go no further.
    # band: 2 broken promise, 1 overdue, 0 left out.
    days = f"""
SELECT rid, left_out, broken, units, CASE WHEN left_out > 0 THEN 0 WHEN broken > 0 THEN 2 ELSE 1 END AS band,
  dpd, coalesce(:today - seen_day, dpd) AS since
FROM (SELECT *, CASE WHEN units > 0 AND due_day IS NOT NULL THEN {greatest}(0, :today - due_day) ELSE 0 END
        AS dpd
      FROM ({facts}) AS f WHERE left_out > 0 OR units > 0 OR broken > 0 {fence}) AS g
{fence}
"""

    # n: the priority times 10,000 times :denominator (10^(weight decimals + 3)), an integer. If
    # it overflows SQLite's 64 bits it turns REAL; p is then NULL and d.fallback answers.
    w = {name: d.weight.format(f":w_{name}") for name in ("stage", "broken", "days", "overdue")}
    numerator = f"""
SELECT *, ({w["stage"]} * stage + {w["broken"]} * broken + {w["days"]} * {greatest}(since, 0)) * 10000000
          + {w["overdue"]} * {greatest}(units, 0) AS n
FROM (SELECT *, {{stage}} AS stage FROM ({days}) AS s {fence}) AS t
{fence}
"""

    # p: the priority times 10,000, rounded half-even as Decimal.quantize rounds; NULL when left
    # out.
    quotient, rest = d.div.format("n", ":denominator"), d.mod.format("n", ":denominator")
    exact_priority = f"""
SELECT *, CASE WHEN left_out = 0 AND {d.exact.format("n")} THEN {quotient} + (
    CASE WHEN 2 * {rest} > :denominator
           OR (2 * {rest} = :denominator AND {d.mod.format(quotient, "2")} = 1) THEN 1 ELSE 0 END)
  END AS p
FROM ({numerator}) AS u
{fence}
"""

    # The text of the account comes back, once the row has made it through the layers.
    joined = f"FROM ({exact_priority}) q {d.join}"
    exact = d.fallback
    priority_text = d.priority_text.format(exact)
    listed_reason = "CASE q.band WHEN 2 THEN 'broken_promise' ELSE 'overdue' END"
    reason = ("CASE q.left_out WHEN 1 THEN 'dispute' WHEN 2 THEN 'hardship' WHEN 3 THEN 'callback' "
              "WHEN 4 THEN 'pending_promise' WHEN 5 THEN 'awaiting_approval' WHEN 6 THEN 'refused_contact' "
              f"ELSE {listed_reason} END")
    since = f"{greatest}(q.since, 0)"
    fields = (f"a.account_ref, {reason}, CASE WHEN q.left_out = 0 THEN {priority_text} END, "
              f"{{stage_name}}, q.dpd, a.overdue_amount, a.currency, q.broken, {since}")

    def as_csv(column: str) -> str:
        """The column as the csv module writes it: quoted, quotes doubled, when it holds a
        character the module quotes for (:csv_special); the store's own values never do."""
        quoted = f"""'"' || replace({column}, '"', '""') || '"'"""
        return f"CASE WHEN {d.matches.format(column)} THEN {quoted} ELSE {column} END"

    line = (f"CASE WHEN q.left_out = 0 THEN {d.format}('%s,%s,%s,%s,%s,%s,%s,%s,%s', "
            f"{as_csv('a.account_ref')}, {listed_reason}, {priority_text}, {{stage_csv}}, q.dpd, "
            f"{as_csv('a.overdue_amount')}, {as_csv('a.currency')}, q.broken, {since}) END")

    # Call order: broken promises, then the rest, each by priority (higher first) then
    # account_ref; the left-out accounts last.
    order = f"ORDER BY q.band DESC, {exact} DESC, {d.by_ref}"

    counts = f"""
SELECT {", ".join(f"count(*) FILTER (WHERE {test})" for test in _COUNTED.values())}
FROM ({days}) AS c
"""
    return {"rows": f"SELECT {fields} {joined} {order}", "lines": f"SELECT {reason}, {line} {joined} {order}",
            "counts": counts, "one": _one(d)}


_COUNTED = {"dispute": "left_out = 1", "hardship": "left_out = 2", "callback": "left_out = 3",
            "pending_promise": "left_out = 4", "awaiting_approval": "left_out = 5",
            "refused_contact": "left_out = 6", "broken_promise": "band = 2", "overdue": "band = 1"}


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


def _csv_special(d: Dialect) -> str:
    """d.matches's pattern for the characters this Python's csv module quotes a field for (',',
    '"', a line break; '\\r' too in some versions)."""
    special = []
    for char in ',"\r\n':
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(["a", f"b{char}c"])
        if out.getvalue().startswith('a,"'):
            special.append(char)
    return d.any_of.format("".join(special))


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


def _statement(db: aiosqlite.Connection, name: str, policy: Policy, as_of: date
               ) -> tuple[str, dict[str, object]]:
    """The statement `name` in the connection's dialect, for this policy and day, and its
    arguments."""
    d = dialect_of(db)
    weights, places = _scaled(policy.queue_weights)
    parts, args = _stages(policy)
    args.update(
        cutoff=(as_of - timedelta(days=policy.promise.grace_days)).isoformat(),
        today=(as_of - _EPOCH).days,
        denominator=10 ** (places + 3),
        w_stage=weights.get("stage", 0), w_overdue=weights.get("overdue_per_1000", 0),
        w_broken=weights.get("broken_promise", 0), w_days=weights.get("days_since_contact", 0),
    )
    if name == "lines":
        args["csv_special"] = _CSV_SPECIAL[d.name]
    return _SQL[d.name][name].format(**parts), args


async def iter_queue_rows(
    db: aiosqlite.Connection, policy: Policy, as_of: date, limit: int | None = None, chunk: int = CHUNK
) -> AsyncIterator[Sequence[tuple]]:
    """The queue in call order, a list of plain tuples (QueueRow positions) at a time: the listed
    accounts (broken promises first, then by priority, higher first, then by account_ref), then
    the left-out ones (only the reason is set). Accounts with nothing owed and nothing broken
    are not there. With a limit, only the first rows (the database keeps no more than those)."""
    sql, args = _statement(db, "rows", policy, as_of)
    if limit is not None:
        sql, args = sql + " LIMIT :limit", {**args, "limit": limit}
    async with ranking(db, policy):
        async for rows in chunks(db, sql, args, chunk):
            yield rows


async def iter_queue_lines(
    db: aiosqlite.Connection, policy: Policy, as_of: date, chunk: int = CHUNK
) -> AsyncIterator[Sequence[tuple[str, str | None]]]:
    """The same queue as (reason, CSV line) pairs: the line holds the row's fields from
    account_ref on, as the csv module writes them; None when the account is left out."""
    sql, args = _statement(db, "lines", policy, as_of)
    async with ranking(db, policy):
        async for rows in chunks(db, sql, args, chunk):
            yield rows


async def count_queue(db: aiosqlite.Connection, policy: Policy, as_of: date) -> dict[str, int]:
    """How many accounts are listed or left out for each reason (no ranking, no sort)."""
    sql, args = _statement(db, "counts", policy, as_of)
    async with ranking(db, policy), db.execute(sql, args) as cur:
        counts = await cur.fetchone()
    return {reason: n for reason, n in zip(_COUNTED, counts, strict=True) if n}


# --- one account's facts as Python values (debt.queue_rule.classify reads these) ----------------------

def _one(d: Dialect) -> str:
    return f"""
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
  (SELECT {d.history} FROM
     (SELECT p.status || ':' || p.due_date AS entry, p.due_date, p.id FROM promises p
      WHERE p.account_ref = a.account_ref ORDER BY p.due_date DESC, p.id DESC) AS h) AS promise_history,
  (SELECT MAX(ch.last_seen_at) FROM chats ch WHERE ch.account_ref = a.account_ref) AS last_seen
FROM accounts a
WHERE a.status != 'closed'
"""


_SQL = {name: _statements(d) for name, d in DIALECTS.items()}
_CSV_SPECIAL = {name: _csv_special(d) for name, d in DIALECTS.items()}


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
    one = _SQL[dialect_of(db).name]["one"]
    sql, args = (one + " AND a.account_ref = ?", (account_ref,)) if account_ref else (one, ())
    async with db.execute(sql, args) as cur:
        cur.iter_chunk_size = CHUNK
        async for row in cur:
            yield _facts(row)
