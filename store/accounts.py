"""Accounts as the bank delivered them: upsert from the portfolio file, read for everything else.

Money is TEXT holding the Decimal, dates ISO TEXT, so nothing is lost between file and screen.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Container, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import aiosqlite

from debt.account import Account
from debt.portfolio import AccountRow
from debt.reconcile import Figures
from store.bulk import copy_into, dialect, rows_for_keys, stage
from store.tokens import FACTOR_KINDS, put_factor_digests

_DATA = (
    "customer_name", "phone", "locale", "timezone", "currency", "product", "credit_limit",
    "balance", "minimum_due", "overdue_amount", "oldest_due_date", "fees_charged",
    "interest_charged", "last_payment_date", "last_payment_amount", "status", "as_of",
    "credit_balance", "payment_due_date",
)
_COLUMNS = ("account_ref", *_DATA, "updated_at")
_AT = {column: i for i, column in enumerate(_COLUMNS)}

# Update only when some value differs, so that re-importing the same file changes nothing and
# the changed count (sqlite's rowcount) is honest.
_ON_CONFLICT = (
    "ON CONFLICT(account_ref) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in (*_DATA, "updated_at"))
    + " WHERE "
    + " OR ".join(f"accounts.{c} IS DISTINCT FROM excluded.{c}" for c in _DATA)
)
_UPSERT = (f"INSERT INTO accounts ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))}) "
           + _ON_CONFLICT)


@dataclass(frozen=True)
class AccountRecord:
    """An account with the contact details that stay in the store and never enter `debt`."""

    account: Account
    customer_name: str
    phone: str  # E.164
    as_of: date | None = None  # the day the bank's figures are as of; None if loaded without one
    credit_balance: Decimal = Decimal(0)  # paid beyond the balance (debt/reconcile.py)

    @property
    def account_ref(self) -> str:
        return self.account.account_ref


def _text(value: Decimal | date | None) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def account_params(row: AccountRow, updated_at: str) -> tuple:
    """The row as `accounts` values, in upsert order (pure: an import worker builds these)."""
    a = row.account
    return (
        a.account_ref, row.customer_name, row.phone, a.locale, a.timezone, a.currency, a.product,
        _text(a.credit_limit), _text(a.balance), _text(a.minimum_due), _text(a.overdue_amount),
        _text(a.oldest_due_date), _text(a.fees_charged), _text(a.interest_charged),
        _text(a.last_payment_date), _text(a.last_payment_amount), a.status, _text(row.as_of), "0",
        _text(a.payment_due_date),
        updated_at,
    )


def params_figures(params: tuple) -> Figures:
    """The values of an `account_params` tuple that payments change."""
    at = _AT
    last_amount = params[at["last_payment_amount"]]
    return Figures(
        balance=Decimal(params[at["balance"]]), minimum_due=Decimal(params[at["minimum_due"]]),
        overdue_amount=Decimal(params[at["overdue_amount"]]),
        oldest_due_date=_day(params[at["oldest_due_date"]]),
        last_payment_date=_day(params[at["last_payment_date"]]),
        last_payment_amount=Decimal(last_amount) if last_amount is not None else None,
        credit=Decimal(params[at["credit_balance"]]),
    )


def figures_values(figures: Figures) -> dict[str, str | None]:
    """Figures as the `accounts` columns hold them."""
    return {
        "balance": str(figures.balance), "minimum_due": str(figures.minimum_due),
        "overdue_amount": str(figures.overdue_amount), "oldest_due_date": _text(figures.oldest_due_date),
        "last_payment_date": _text(figures.last_payment_date),
        "last_payment_amount": _text(figures.last_payment_amount), "credit_balance": str(figures.credit),
    }


def with_figures(params: tuple, figures: Figures) -> tuple:
    """An `account_params` tuple with the figures replaced (a portfolio row with later payments on top)."""
    values = list(params)
    for column, value in figures_values(figures).items():
        values[_AT[column]] = value
    return tuple(values)


async def upsert_accounts(db: aiosqlite.Connection, rows: Iterable[AccountRow], now: datetime) -> int:
    """Insert new accounts and update changed ones; the number of accounts inserted or changed."""
    at = now.isoformat()
    return await upsert_account_params(db, [account_params(row, at) for row in rows])


async def upsert_account_params(db: aiosqlite.Connection, params: list[tuple]) -> int:
    """upsert_accounts for rows already turned into `account_params` tuples."""
    cursor = await db.executemany(_UPSERT, params)
    return max(cursor.rowcount, 0)


async def _write_portfolio_sqlite(db: aiosqlite.Connection, rows: list[tuple[tuple, tuple[str, ...]]]) -> int:
    changed = await upsert_account_params(db, [params for params, _ in rows])
    await put_factor_digests(db, [(params[0], digests) for params, digests in rows])
    return changed


_STAGED = (*_COLUMNS, "dob_digest", "id_last4_digest", "phone_digest")
_UPSERT_STAGED = (f"INSERT INTO accounts ({', '.join(_COLUMNS)}) "
                  f"SELECT {', '.join(_COLUMNS)} FROM stage_accounts ORDER BY seq {_ON_CONFLICT}")
_PUT_STAGED_FACTORS = (
    "INSERT INTO factors (account_ref, kind, digest) "
    "SELECT s.account_ref, k.kind, CASE k.kind WHEN 'dob' THEN s.dob_digest "
    "WHEN 'id_last4' THEN s.id_last4_digest ELSE s.phone_digest END "
    "FROM stage_accounts s CROSS JOIN (VALUES ('dob'), ('id_last4'), ('phone')) AS k (kind) "
    "ON CONFLICT (account_ref, kind) DO UPDATE SET digest = excluded.digest "
    "WHERE factors.digest IS DISTINCT FROM excluded.digest"
)


async def _write_portfolio_postgresql(db, rows: list[tuple[tuple, tuple[str, ...]]],
                                      existing: Container[str]) -> int:
    new = [row for row in rows if row[0][0] not in existing]
    if new:  # what no account holds yet goes straight in, as plain COPY would put it
        await copy_into(db, "accounts", _COLUMNS, (params for params, _ in new))
        await copy_into(db, "factors", ("account_ref", "kind", "digest"),
                        ((params[0], kind, digest) for params, digests in new
                         for kind, digest in zip(FACTOR_KINDS, digests, strict=True)))
    if len(new) == len(rows):
        return len(new)
    await stage(db, "stage_accounts", _STAGED,
                (params + digests for params, digests in rows if params[0] in existing))
    async with db.execute(_UPSERT_STAGED) as cur:
        changed = cur.rowcount
    await db.execute(_PUT_STAGED_FACTORS)
    return len(new) + max(changed, 0)


async def write_portfolio(db: aiosqlite.Connection, rows: list[tuple[tuple, tuple[str, ...]]],
                          existing: Container[str]) -> int:
    """A checked batch of the portfolio: each row's `account_params` tuple and its three factor
    digests (store.tokens.factor_digests), keys unique; `existing`: those of its references that
    the database holds, read in this unit (its write lock keeps them true until it ends).
    Accounts are inserted or updated where a value differs, factors replaced; the number of
    accounts inserted or changed. SQLite runs one statement a row. PostgreSQL COPYs the new
    accounts and their factors straight into their tables, and the others into a staging table
    and upserts them from there in two statements."""
    if not rows:
        return 0
    if dialect(db) == "postgresql":
        return await _write_portfolio_postgresql(db, rows, existing)
    return await _write_portfolio_sqlite(db, rows)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _record(row: aiosqlite.Row) -> AccountRecord:
    last_amount = row["last_payment_amount"]
    account = Account(
        account_ref=row["account_ref"],
        currency=row["currency"],
        product=row["product"],
        balance=Decimal(row["balance"]),
        minimum_due=Decimal(row["minimum_due"]),
        overdue_amount=Decimal(row["overdue_amount"]),
        oldest_due_date=_day(row["oldest_due_date"]),
        fees_charged=Decimal(row["fees_charged"]),
        interest_charged=Decimal(row["interest_charged"]),
        credit_limit=Decimal(row["credit_limit"]),
        last_payment_date=_day(row["last_payment_date"]),
        last_payment_amount=Decimal(last_amount) if last_amount is not None else None,
        status=row["status"],
        payment_due_date=_day(row["payment_due_date"]),
        locale=row["locale"],
        timezone=row["timezone"],
    )
    return AccountRecord(account, row["customer_name"], row["phone"], _day(row["as_of"]),
                         Decimal(row["credit_balance"]))


_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM accounts"


async def get_account(db: aiosqlite.Connection, ref: str) -> AccountRecord | None:
    async with db.execute(f"{_SELECT} WHERE account_ref = ?", (ref,)) as cur:
        row = await cur.fetchone()
    return _record(row) if row else None


async def as_stored(db: aiosqlite.Connection, typed: str) -> str:
    """The reference as the bank wrote it, for one typed in another case ("demo-0003"); the
    typed text itself when no account, or more than one, has it in any case. One indexed query
    whatever the answer, so the time taken tells nothing about which references exist."""
    sql = "SELECT account_ref FROM accounts WHERE upper(account_ref) = upper(?) LIMIT 2"
    async with db.execute(sql, (typed,)) as cur:
        found = [row[0] for row in await cur.fetchall()]
    if typed in found or len(found) != 1:
        return typed
    return found[0]


async def iter_accounts(db: aiosqlite.Connection) -> AsyncIterator[AccountRecord]:
    """Every account in reference order, streamed so a million rows never sit in memory."""
    async with db.execute(f"{_SELECT} ORDER BY account_ref") as cur:
        async for row in cur:
            yield _record(row)


async def account_page(db: aiosqlite.Connection, after: str, limit: int) -> list[AccountRecord]:
    """Up to `limit` accounts with references after `after`, in order: walk a big portfolio in
    pages, each in its own short transaction, so writes can happen between them."""
    sql = f"{_SELECT} WHERE account_ref > ? ORDER BY account_ref LIMIT ?"
    async with db.execute(sql, (after, limit)) as cur:
        return [_record(row) for row in await cur.fetchall()]


async def account_phone(db: aiosqlite.Connection, ref: str) -> str | None:
    async with db.execute("SELECT phone FROM accounts WHERE account_ref = ?", (ref,)) as cur:
        row = await cur.fetchone()
    return row["phone"] if row else None


async def _lookup(db: aiosqlite.Connection, select: str, column: str, keys: Iterable[str]) -> dict:
    """{first column: second column} for rows whose `column` is in `keys`."""
    return {row[0]: row[1] async for row in rows_for_keys(db, select, column, keys)}


async def account_currencies(db: aiosqlite.Connection, refs: Iterable[str]) -> dict[str, str]:
    """account_ref -> currency for those of `refs` that exist (the payments import checks both)."""
    return await _lookup(db, "SELECT account_ref, currency FROM accounts WHERE", "account_ref", refs)


async def portfolio_dates(db: aiosqlite.Connection, refs: Iterable[str]) -> dict[str, str | None]:
    """account_ref -> the as-of date of the portfolio row loaded (None: loaded without one), for
    those of `refs` that exist: one query per 500 keys on SQLite, one on PostgreSQL."""
    return await _lookup(db, "SELECT account_ref, as_of FROM accounts WHERE", "account_ref", refs)


async def count_accounts(db: aiosqlite.Connection) -> int:
    async with db.execute("SELECT COUNT(*) FROM accounts") as cur:
        (count,) = await cur.fetchone()
    return count


# Keys already seen in the file being imported, with their line numbers. A temporary table (this
# connection only, gone when it closes) keeps memory flat however long the file is; on PostgreSQL
# the import holds one connection of the pool throughout (Store.pinned) so that it finds it again.
async def seen_reset(db: aiosqlite.Connection) -> None:
    await db.execute(
        "CREATE TEMP TABLE IF NOT EXISTS import_seen (key TEXT PRIMARY KEY, line INTEGER NOT NULL)"
    )
    await db.execute("DELETE FROM import_seen")


_SEEN_BEFORE_POSTGRESQL = (
    # The outer SELECT reads the table as it was before the statement (PostgreSQL's rule for data-
    # modifying WITH), so it finds only the keys of earlier batches while the new ones go in.
    "WITH batch AS (SELECT e->>0 AS key, (e->>1)::int AS line FROM json_array_elements(?::json) AS e), "
    "added AS (INSERT INTO import_seen (key, line) SELECT key, line FROM batch ON CONFLICT (key) DO NOTHING) "
    "SELECT s.key, s.line FROM import_seen s JOIN batch USING (key)"
)


async def seen_before(db: aiosqlite.Connection, keys: dict[str, int]) -> dict[str, int]:
    """key -> the line it was first seen on, for those of `keys` (key -> line, a batch's keys,
    each once) seen in an earlier batch; the others are remembered with their lines. One
    statement on PostgreSQL; a lookup per 500 keys and one insert on SQLite."""
    if dialect(db) == "postgresql":
        async with db.execute(_SEEN_BEFORE_POSTGRESQL, (json.dumps(list(keys.items())),)) as cur:
            return {key: line async for key, line in cur}
    earlier = await _lookup(db, "SELECT key, line FROM import_seen WHERE", "key", keys)
    await db.executemany("INSERT INTO import_seen (key, line) VALUES (?, ?)",
                         [(key, n) for key, n in keys.items() if key not in earlier])
    return earlier
