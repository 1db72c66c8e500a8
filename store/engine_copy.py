"""Moving a SQLite database into PostgreSQL (`debtdesk migrate-to`), and the check that it moved.

Both databases are at the same schema version before anything is copied (the caller migrates
them). The tables are SQLite's own, copied in foreign-key order (a table after every table it
references) with PostgreSQL's COPY, in one transaction: a copy that fails leaves the target as
empty as it was. Identity sequences then start past the highest id copied.

The check reads every table on both sides the same way: its rows ordered by primary key (text
by its bytes, as SQLite's BINARY collation and PostgreSQL's "C" compare), each row written as one
canonical line, and the lines hashed with SHA-256. Equal counts and equal digests mean equal
tables. The source is read in one snapshot, so a bot still writing to it moves nothing half-done.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from store.pg_store import SCHEMA_TABLE, SCOPE_SQL, write_key

BATCH = 5_000  # rows fetched from SQLite at a time
ROWID = "rowid"
# What either driver raises when the database refuses or cannot be reached.
DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, psycopg.Error)


class CopyError(RuntimeError):
    """The move cannot be made (or checked); the message says why, in one line."""


@dataclass(frozen=True)
class Table:
    """A table as SQLite declares it: its columns, primary key and the tables it references."""

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]  # the primary key's columns; every column for a table without one
    references: frozenset[str]


@dataclass(frozen=True)
class TableCheck:
    name: str
    source_rows: int
    target_rows: int
    source_digest: str
    target_digest: str

    @property
    def same(self) -> bool:
        return self.source_rows == self.target_rows and self.source_digest == self.target_digest


# --- the canonical text of a row, the same from either driver ---------------------------------

def _field(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool | int | float):
        return repr(int(value) if isinstance(value, bool) else value)
    if isinstance(value, bytes | memoryview):
        return "\\x" + bytes(value).hex()
    text = str(value)
    return (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r"))


def row_line(row: Sequence[Any]) -> str:
    """One row as a line: fields tab-separated, NULL as \\N, backslash escapes (COPY's text form)."""
    return "\t".join(_field(value) for value in row) + "\n"


def digest(rows: Iterable[Sequence[Any]]) -> tuple[int, str]:
    """(row count, SHA-256 hex of the rows' lines in the order given)."""
    hashed, count = hashlib.sha256(), 0
    for row in rows:
        hashed.update(row_line(row).encode("utf-8"))
        count += 1
    return count, hashed.hexdigest()


# --- the source: SQLite ---------------------------------------------------------------------

def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_tables(conn: sqlite3.Connection) -> list[Table]:
    """debtdesk's tables in the SQLite database, each after the tables it references."""
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
    tables = []
    for name in names:
        info = conn.execute(f"PRAGMA table_info({_q(name)})").fetchall()
        columns = tuple(row[1] for row in info)
        key = tuple(row[1] for row in sorted((r for r in info if r[5]), key=lambda r: r[5])) or columns
        refs = frozenset(row[2] for row in conn.execute(f"PRAGMA foreign_key_list({_q(name)})")) - {name}
        tables.append(Table(name, columns, key, refs))
    return in_reference_order(tables)


def in_reference_order(tables: list[Table]) -> list[Table]:
    """The tables with every one after those it references (otherwise as given)."""
    known = {table.name for table in tables}
    done: list[Table] = []
    placed: set[str] = set()
    waiting = list(tables)
    while waiting:
        ready = [t for t in waiting if (t.references & known) <= placed]
        if not ready:
            raise CopyError("the tables reference each other in a cycle: "
                            + ", ".join(t.name for t in waiting))
        first = ready[0]
        done.append(first)
        placed.add(first.name)
        waiting.remove(first)
    return done


def _sqlite_rows(conn: sqlite3.Connection, table: Table) -> Iterator[tuple]:
    order = ", ".join(f"{_q(c)} NULLS FIRST" for c in table.key)
    cur = conn.execute(f"SELECT {', '.join(map(_q, table.columns))} FROM {_q(table.name)} ORDER BY {order}")
    while batch := cur.fetchmany(BATCH):
        yield from batch


def read_only_uri(path: str) -> str:
    """The file as a read-only SQLite URI (any character in its name escaped)."""
    return Path(path).resolve().as_uri() + "?mode=ro"


def _read_snapshot(path: str) -> sqlite3.Connection:
    """A read-only connection holding one snapshot until it is closed."""
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True, isolation_level=None)
        conn.execute("BEGIN")
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # the snapshot starts here
    except sqlite3.Error as exc:
        raise CopyError(f"database {path}: {exc}") from None
    return conn


# --- the target: PostgreSQL -----------------------------------------------------------------

def _connect(url: str) -> psycopg.Connection:
    try:
        return psycopg.connect(url, connect_timeout=10, autocommit=True)
    except psycopg.Error as exc:
        raise CopyError(f"PostgreSQL: {_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _pg_columns(conn: psycopg.Connection) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for table, column in conn.execute(
            "SELECT c.table_name, c.column_name FROM information_schema.columns c "
            "JOIN information_schema.tables t USING (table_schema, table_name) "
            "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"):
        found.setdefault(table, set()).add(column)
    return found


def tables_with_rows(url: str) -> list[str]:
    """The tables of the target's schema that hold any row (debtdesk's schema version aside)."""
    with _connect(url) as conn:
        names = sorted(_pg_columns(conn))
        return [name for name in names if name != SCHEMA_TABLE and conn.execute(
            sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(name))).fetchone()[0]]


def _pg_rows(conn: psycopg.Connection, table: Table) -> Iterator[tuple]:
    order = sql.SQL(", ").join(
        sql.SQL('{} COLLATE "C" NULLS FIRST' if _is_text(conn, table.name, c) else "{} NULLS FIRST").format(
            sql.Identifier(c)) for c in table.key)
    query = sql.SQL("SELECT {} FROM {} ORDER BY {}").format(
        sql.SQL(", ").join(map(sql.Identifier, table.columns)), sql.Identifier(table.name), order)
    with conn.cursor(name=f"digest_{table.name}") as cur:  # server-side: a million rows in batches
        cur.itersize = BATCH
        cur.execute(query)
        yield from cur


def _is_text(conn: psycopg.Connection, table: str, column: str) -> bool:
    row = conn.execute(
        "SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = %s AND column_name = %s", (table, column)).fetchone()
    return bool(row) and row[0] in ("text", "character varying", "character")


def _matched(conn: psycopg.Connection, tables: list[Table]) -> list[Table]:
    """The tables as both sides hold them. Where PostgreSQL gives a table a `rowid` column (the
    order rows were written in, which SQLite keeps as every table's implicit rowid), SQLite's
    rowid is copied into it and checked with the rest."""
    there = _pg_columns(conn)
    matched = []
    for table in tables:
        if table.name not in there:
            raise CopyError(f"the PostgreSQL database has no table {table.name}")
        missing = [c for c in table.columns if c not in there[table.name]]
        if missing:
            raise CopyError(f"the PostgreSQL table {table.name} has no column {', '.join(missing)}")
        if ROWID in there[table.name] and ROWID not in table.columns:
            table = replace(table, columns=(*table.columns, ROWID))
        matched.append(table)
    return matched


def _copy_table(conn: psycopg.Connection, rows: Iterable[tuple], table: Table) -> None:
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, table.columns)))
    with conn.cursor() as cur, cur.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _restart_identities(conn: psycopg.Connection) -> None:
    """Every identity column's next value: one past the highest id there is."""
    for table, column in conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND is_identity = 'YES'").fetchall():
        conn.execute(sql.SQL("SELECT setval(pg_get_serial_sequence(%s, %s), "
                             "COALESCE(MAX({}), 0) + 1, false) FROM {}").format(
            sql.Identifier(column), sql.Identifier(table)), (sql.Identifier(table).as_string(conn), column))


# --- the two operations ---------------------------------------------------------------------

def copy_database(source: str, url: str) -> list[TableCheck]:
    """Copy every table of the SQLite file `source` into the empty PostgreSQL database `url`
    (both migrated to the same version), then check each table on both sides."""
    lite = _read_snapshot(source)
    try:
        with _connect(url) as conn:
            tables = _matched(conn, sqlite_tables(lite))
            try:
                with conn.transaction():
                    scope = conn.execute(SCOPE_SQL).fetchone()[0]
                    # No instance writes while the copy runs.
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (write_key(scope),))
                    busy = [t.name for t in tables if conn.execute(sql.SQL(
                        "SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(t.name))).fetchone()[0]]
                    if busy:
                        raise CopyError(f"the PostgreSQL database is not empty ({', '.join(busy)} hold rows)")
                    for table in tables:
                        _copy_table(conn, _sqlite_rows(lite, table), table)
                    _restart_identities(conn)
            except psycopg.Error as exc:
                raise CopyError(f"PostgreSQL refused the copy: {_first_line(exc)}") from None
            return _checks(lite, conn, tables)
    finally:
        lite.close()


def compare_databases(source: str, url: str) -> list[TableCheck]:
    """Each table's count and digest in the SQLite file and in the PostgreSQL database."""
    lite = _read_snapshot(source)
    try:
        with _connect(url) as conn:
            return _checks(lite, conn, _matched(conn, sqlite_tables(lite)))
    finally:
        lite.close()


def _checks(lite: sqlite3.Connection, conn: psycopg.Connection, tables: list[Table]) -> list[TableCheck]:
    checks = []
    try:
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            for table in tables:
                source_rows, source_digest = digest(_sqlite_rows(lite, table))
                target_rows, target_digest = digest(_pg_rows(conn, table))
                checks.append(TableCheck(table.name, source_rows, target_rows, source_digest, target_digest))
    except psycopg.Error as exc:
        raise CopyError(f"PostgreSQL: {_first_line(exc)}") from None
    return checks
