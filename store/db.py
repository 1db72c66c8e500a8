"""The database: opening it, migrating it, and one unit of work per use case.

`Store.open(target)` takes a file path (SQLite, the default) or a `postgresql://` URL
(store/pg_store.py). On SQLite: one aiosqlite connection per process, with an asyncio lock so
that units of work never interleave; WAL lets other processes (an import, a sweep) read and
write beside the bot.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiosqlite

from store.migrations_files import SchemaTooNew, migrations
from store.onthread import Work, run_in_one_hop
from store.pg_store import PgStore

BUSY_TIMEOUT_MS = 30_000

# The connection type the layers above name in signatures: they never import the driver.
Connection = aiosqlite.Connection


__all__ = ["Connection", "SchemaTooNew", "Store", "is_postgresql", "migrations", "shown"]


def is_postgresql(target: str) -> bool:
    """True for a PostgreSQL URL (DEBTDESK_DB=postgresql://...), False for a SQLite file."""
    return target.startswith(("postgresql://", "postgres://"))


def shown(target: str) -> str:
    """The database as messages and logs may name it: a URL without its password."""
    if not is_postgresql(target):
        return target
    parts = urlsplit(target)
    if parts.password is None:
        return target
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


async def _migrate(conn: aiosqlite.Connection) -> None:
    known = migrations()
    latest = known[-1][0] if known else 0
    async with conn.execute("PRAGMA user_version") as cur:
        (current,) = await cur.fetchone()
    if current > latest:
        raise SchemaTooNew(
            f"the database has schema version {current}; this debtdesk knows up to {latest}"
        )
    for version, sql in known:
        if version > current:
            # executescript commits first; the version bump rides in the same script.
            await conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")


class Store:
    """An open database. Use `async with store.unit() as db:` for every change."""

    engine = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self.conn, self.path = conn, path
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str) -> Store:
        if is_postgresql(path):
            return await PgStore.open(path)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        try:  # a file that is not a database fails here: close, or its thread keeps the process alive
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await _migrate(conn)
        except BaseException:
            await conn.close()
            raise
        return cls(conn, path)

    async def close(self) -> None:
        await self.conn.close()

    async def schema_version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cur:
            return (await cur.fetchone())[0]
    @asynccontextmanager
    async def chat_turn(self, key: int) -> AsyncIterator[None]:
        """Nothing more on SQLite: one process serves a file, and it orders a chat's updates itself
        (bot/webhook.py). PostgreSQL's (store/pg_store.py) holds them across instances."""
        yield

    @asynccontextmanager
    async def claim(self, job: str) -> AsyncIterator[bool]:
        """Always this process's on SQLite; on PostgreSQL, one instance's at a time."""
        yield True

    async def ping(self) -> bool:
        """True when the database answers a trivial query (for the health endpoint)."""
        async with self.read() as db:
            async with db.execute("SELECT 1") as cur:
                return (await cur.fetchone())[0] == 1

    async def backup(self, target: str) -> None:
        """A consistent copy into a new file with SQLite's online backup API, while others write."""
        dest = sqlite3.connect(target, check_same_thread=False)  # used from aiosqlite's thread
        try:
            async with self._lock:
                await self.conn.backup(dest)
        finally:
            dest.close()

    @asynccontextmanager
    async def pinned(self) -> AsyncIterator[Store]:
        """This store (one connection already): PostgreSQL's holds one of its pool (pg_store.py)."""
        yield self

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[aiosqlite.Connection]:
        """One transaction: everything inside commits together, or nothing does."""
        async with self._lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            else:
                await self.conn.execute("COMMIT")

    async def run_unit(self, work: Work, *args: Any):
        """`unit()` for a hot path: the same transaction, in one trip to the database thread
        (store/onthread.py). `work(db, *args)` must await nothing but the database."""
        async with self._lock:
            return await run_in_one_hop(self.conn, work, args, "BEGIN IMMEDIATE", "COMMIT")

    async def run_read(self, work: Work, *args: Any):
        """`read()` in one trip to the database thread, for queries polled often."""
        async with self._lock:
            return await run_in_one_hop(self.conn, work, args, "BEGIN", "ROLLBACK")

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """A consistent read (a deferred transaction) for queries that change nothing."""
        async with self._lock:
            await self.conn.execute("BEGIN")
            try:
                yield self.conn
            finally:
                await self.conn.execute("ROLLBACK")
