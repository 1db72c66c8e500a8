"""Importing a portfolio file: debtdesk's importer beside a floor that checks nothing.

    python -m bench.import_bench debtdesk|sqlite3|copy|copy-tables PORTFOLIO.csv DATABASE
    python -m bench.import_bench payments PAYMENTS.csv DATABASE   (after debtdesk, into its database)

DATABASE is a SQLite file or a `postgresql://` URL (debtdesk runs on either). The `sqlite3`
floor writes the same database rows the importer writes (one `accounts` row and three keyed
`factors` digests per account, into the schema store/migrations creates, with the same PRAGMAs
and the same batch size) with plain `sqlite3` `executemany`, but checks nothing: no parsing of
amounts, dates, phones or locales, no duplicate tracking, no upsert comparison, no asyncio.
The `copy` floor (PostgreSQL) is plain `COPY ... FROM STDIN (FORMAT csv, HEADER)` of the same
file into a bare table of TEXT columns: no index, no key, no digest, no check. The `copy-tables`
floor (PostgreSQL) is the sqlite3 floor's twin: plain COPY of the same database rows into the
tables the importer fills, with their keys, so it pays what the server must do for any import
that keeps those tables (index entries, foreign-key checks, three digests a row) and nothing more.
"""

from __future__ import annotations

import asyncio
import csv
import hmac
import sqlite3
import sys
import time as clock
from collections.abc import Iterator
from datetime import UTC, datetime, time

from bench.child import report
from bench.portfolio_file import PAYMENTS_DAY
from ops.importer import BATCH, import_accounts, import_payments
from store.db import Store, migrations

SECRET = b"bench-secret-0123456789abcdef"
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PAYMENTS_NOW = datetime.combine(PAYMENTS_DAY, time(9), tzinfo=UTC)
_ACCOUNT_COLUMNS = (
    "account_ref", "customer_name", "phone", "locale", "timezone", "currency", "product", "credit_limit",
    "balance", "minimum_due", "overdue_amount", "oldest_due_date", "fees_charged", "interest_charged",
    "last_payment_date", "last_payment_amount", "status",
)
_INSERT_ACCOUNT = (f"INSERT INTO accounts ({', '.join(_ACCOUNT_COLUMNS)}, updated_at) "
                   f"VALUES ({', '.join('?' * (len(_ACCOUNT_COLUMNS) + 1))})")
_INSERT_FACTOR = "INSERT INTO factors (account_ref, kind, digest) VALUES (?, ?, ?)"


async def _debtdesk(csv_path: str, db_path: str) -> int:
    store = await Store.open(db_path)
    try:
        result = await import_accounts(store, SECRET, csv_path, NOW, progress=False)
    finally:
        await store.close()
    if result.failed:
        raise SystemExit(f"the import refused rows: {result.errors[:3]} {result.fatal or ''}")
    return result.changed


async def _payments(csv_path: str, db_path: str) -> int:
    """Import a payments file into a database the debtdesk kind has loaded (every payment new,
    each applied to its account: bench.portfolio_file.write_payments)."""
    store = await Store.open(db_path)
    try:
        result = await import_payments(store, csv_path, PAYMENTS_NOW, progress=False)
    finally:
        await store.close()
    if result.failed:
        raise SystemExit(f"the import refused rows: {result.errors[:3]} {result.fatal or ''}")
    return result.changed


def _digest(ref: str, kind: str, value: str) -> str:
    """store.hashing.keyed_hash's digest by the shortest stdlib path (hmac.digest, all in C)."""
    return hmac.digest(SECRET, f"factor:{kind}:{ref}\x00{value}".encode(), "sha256").hex()


def _floor_batches(csv_path: str) -> Iterator[tuple[list[tuple], list[tuple]]]:
    """The file's rows as the importer writes them, a batch at a time: `accounts` values and the
    three `factors` digests of each row, taken as they stand (no check of any kind)."""
    at = NOW.isoformat()
    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        rows = csv.reader(fh)
        header = next(rows)
        take = [header.index(c) for c in _ACCOUNT_COLUMNS]
        optional = {header.index(c) for c in ("oldest_due_date", "last_payment_date", "last_payment_amount")}
        dob, last4, phone = (header.index(c) for c in ("date_of_birth", "national_id_last4", "phone"))
        accounts, factors = [], []
        for row in rows:
            ref = row[0]
            accounts.append((*[(row[i] or None) if i in optional else row[i] for i in take], at))
            factors += [(ref, "dob", _digest(ref, "dob", row[dob])),
                        (ref, "id_last4", _digest(ref, "id_last4", row[last4])),
                        (ref, "phone", _digest(ref, "phone", row[phone]))]
            if len(accounts) >= BATCH:
                yield accounts, factors
                accounts, factors = [], []
        yield accounts, factors


def _sqlite3(csv_path: str, db_path: str) -> int:
    conn = sqlite3.connect(db_path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON"):
        conn.execute(f"PRAGMA {pragma}")
    for version, sql in migrations():
        conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
    written = sum(_write(conn, accounts, factors) for accounts, factors in _floor_batches(csv_path))
    conn.close()
    return written


def _write(conn: sqlite3.Connection, accounts: list[tuple], factors: list[tuple]) -> int:
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(_INSERT_ACCOUNT, accounts)
    conn.executemany(_INSERT_FACTOR, factors)
    conn.execute("COMMIT")
    return len(accounts)


def _copy(csv_path: str, url: str) -> int:
    import psycopg  # the PostgreSQL floor only

    with open(csv_path, "rb") as fh:
        header = next(csv.reader([fh.readline().decode("utf-8-sig")]))
        fh.seek(0)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE bare (" + ", ".join(f'"{c}" TEXT' for c in header) + ")")
            with conn.cursor() as cur:
                with cur.copy("COPY bare FROM STDIN (FORMAT csv, HEADER true)") as copy:
                    while block := fh.read(1 << 20):
                        copy.write(block)
                return cur.rowcount


def _copy_tables(csv_path: str, url: str) -> int:
    """The PostgreSQL twin of the sqlite3 floor: plain COPY of the same rows into the tables the
    importer fills (migrated by Store.open, keys and foreign keys included), batch by batch."""
    import psycopg  # the PostgreSQL floor only

    asyncio.run(_migrate(url))
    written = 0
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        for accounts, factors in _floor_batches(csv_path):
            with cur.copy(f"COPY accounts ({', '.join(_ACCOUNT_COLUMNS)}, updated_at) FROM STDIN") as copy:
                for row in accounts:
                    copy.write_row(row)
            with cur.copy("COPY factors (account_ref, kind, digest) FROM STDIN") as copy:
                for row in factors:
                    copy.write_row(row)
            conn.commit()
            written += len(accounts)
    return written


async def _migrate(url: str) -> None:
    store = await Store.open(url)
    await store.close()


_KINDS = {"debtdesk": lambda csv_path, db: asyncio.run(_debtdesk(csv_path, db)),
          "payments": lambda csv_path, db: asyncio.run(_payments(csv_path, db)),
          "sqlite3": _sqlite3, "copy": _copy,
          "copy-tables": _copy_tables}


def main(argv: list[str]) -> None:
    kind, csv_path, db_path = argv
    started = clock.perf_counter()
    rows = _KINDS[kind](csv_path, db_path)
    seconds = clock.perf_counter() - started
    report(kind=kind, rows=rows, seconds=round(seconds, 3), rows_per_second=round(rows / seconds))


if __name__ == "__main__":
    main(sys.argv[1:])
