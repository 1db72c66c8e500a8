"""The schema version a database holds, read without migrating it (`debtdesk migrate` says it
before and after). SQLite keeps it in `PRAGMA user_version`, PostgreSQL in the table
debtdesk_schema (store/pg_store.py); a database debtdesk never opened holds version 0.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import psycopg

from store.db import is_postgresql
from store.engine_copy import read_only_uri
from store.migrations_files import migrations
from store.pg_store import SCHEMA_TABLE


def latest_version() -> int:
    """The newest schema this debtdesk knows."""
    known = migrations()
    return known[-1][0] if known else 0


def stored_version(target: str) -> int:
    if not is_postgresql(target):
        if not Path(target).exists():
            return 0
        with closing(sqlite3.connect(read_only_uri(target), uri=True)) as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])
    with psycopg.connect(target, autocommit=True, connect_timeout=10) as conn:
        if not conn.execute("SELECT to_regclass(%s) IS NOT NULL", (SCHEMA_TABLE,)).fetchone()[0]:
            return 0
        return int(conn.execute(f"SELECT COALESCE(MAX(version), 0) FROM {SCHEMA_TABLE}").fetchone()[0])
