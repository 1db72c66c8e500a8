"""Which database engine the suite runs on, and a fresh database of a test's own on it.

`DEBTDESK_TEST_DB` unset: SQLite files in the test's tmp_path (the default). Set to a
PostgreSQL URL (`.ci/run` runs the suite a second time with postgresql://postgres@127.0.0.1/test):
every `database()` is a new schema on that server, reached by a URL whose search_path names
it, so each test has its own tables however many run. The schemas of a run are dropped when
the next run starts.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

SERVER = os.environ.get("DEBTDESK_TEST_DB", "")
ON_POSTGRESQL = SERVER.startswith(("postgresql://", "postgres://"))
PREFIX = "dd_test_"
RUN = f"{PREFIX}{os.getpid()}_"  # this run's schemas; several runs may share the server

sqlite_only = pytest.mark.skipif(ON_POSTGRESQL, reason="reads or writes the SQLite file itself")


def _server():
    import psycopg  # only on a PostgreSQL run

    return psycopg.connect(SERVER, autocommit=True)


def database(where: Path, name: str = "debtdesk.db") -> str:
    """DEBTDESK_DB for a new, empty database of this test's own."""
    if not ON_POSTGRESQL:
        return str(where / name)
    schema = RUN + hashlib.sha256(f"{where}/{name}".encode()).hexdigest()[:16]
    with _server() as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
    joiner = "&" if "?" in SERVER else "?"
    return f"{SERVER}{joiner}options={quote(f'-csearch_path={schema}')}"


def drop_all() -> None:
    """Forget the test schemas of runs that have ended (their process is gone) and this one's:
    at the start and at the end of a PostgreSQL run. Other runs going on keep theirs."""
    with _server() as conn:
        names = [row[0] for row in conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", (PREFIX + "%",))]
        for name in names:
            if name.startswith(RUN) or not _alive(name):
                conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


def _alive(schema: str) -> bool:
    pid = schema[len(PREFIX):].split("_")[0]
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def rows(target: str, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    """A query's rows, straight from the database a test's bot or CLI used (either engine).
    Placeholders are `?`."""
    if not target.startswith(("postgresql://", "postgres://")):
        with sqlite3.connect(target) as conn:
            return [tuple(row) for row in conn.execute(sql, params)]
    import psycopg

    query = sql.replace("%", "%%").replace("?", "%s")
    with psycopg.connect(target, autocommit=True) as conn:
        return [tuple(row) for row in conn.execute(query, tuple(params))]


def exists(target: str) -> bool:
    """Whether the database holds debtdesk's tables (a SQLite file: whether it exists)."""
    if not target.startswith(("postgresql://", "postgres://")):
        return Path(target).exists()
    return bool(rows(target, "SELECT 1 FROM pg_tables WHERE schemaname = current_schema() "
                             "AND tablename = 'accounts'"))


def newer(target: str, version: int) -> None:
    """Make the database say a newer debtdesk wrote it (schema `version`)."""
    if not target.startswith(("postgresql://", "postgres://")):
        with sqlite3.connect(target) as conn:
            conn.execute(f"PRAGMA user_version = {int(version)}")
        return
    import psycopg

    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS debtdesk_schema (version BIGINT NOT NULL)")
        conn.execute("DELETE FROM debtdesk_schema")
        conn.execute("INSERT INTO debtdesk_schema (version) VALUES (%s)", (version,))
