"""The queue benchmark's database on PostgreSQL: the SQLite one (accounts and their history)
copied into a schema of its own, so that both engines rank the same portfolio.

`DEBTDESK_BENCH_PG=postgresql://...` names the server (unset: the queue runs on SQLite only).
The copy is set-up, not measured: COPY of every row the queue reads.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from urllib.parse import quote

import psycopg

from store.db import Store

SERVER = os.environ.get("DEBTDESK_BENCH_PG", "")
SCHEMA = "debtdesk_bench_queue"
TABLES = ("accounts", "promises", "cases", "chats", "arrangements")


def schema_url(server: str) -> str:
    joiner = "&" if "?" in server else "?"
    return f"{server}{joiner}options={quote(f'-csearch_path={SCHEMA}')}"


async def _migrate(url: str) -> None:
    store = await Store.open(url)
    await store.close()


def copy_to_postgresql(sqlite_path: str, server: str = SERVER) -> str:
    """A fresh schema on the server with the SQLite database's queue tables; its URL."""
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        conn.execute(f"CREATE SCHEMA {SCHEMA}")
    url = schema_url(server)
    asyncio.run(_migrate(url))
    source = sqlite3.connect(sqlite_path)
    with psycopg.connect(url, autocommit=True) as conn:
        for table in TABLES:
            theirs = {row[0] for row in conn.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = %s AND table_name = %s",
                (SCHEMA, table))}
            columns = [row[1] for row in source.execute(f"PRAGMA table_info({table})") if row[1] in theirs]
            names = ", ".join(columns)
            with conn.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in source.execute(f"SELECT {names} FROM {table}"):
                    copy.write_row(row)
        for table in TABLES:
            if "id" in {row[1] for row in source.execute(f"PRAGMA table_info({table})")}:
                conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)")
            conn.execute(f"ANALYZE {table}")
    source.close()
    return url
