"""The store on PostgreSQL: a pool of psycopg connections shared by any number of processes.

A unit of work is one transaction on one pooled connection. Writers queue on one transaction
advisory lock, taken first thing in every unit, so the units of every debtdesk process on the
database apply one after another, as SQLite's BEGIN IMMEDIATE makes them within one file: a
balance read in a unit is still the balance when the unit writes it, whichever instance (or the
bank API, or an import) wrote last. Reads run in a REPEATABLE READ snapshot and wait for nobody.

Migrations run under the same lock, so instances started together migrate once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool

from store.cluster_locks import ClusterLocks, lock_key
from store.migrations_files import SchemaTooNew, migrations
from store.onthread import Work
from store.pg_connection import PgConnection

POOL_MAX = 8  # connections per process; PostgreSQL's default allows 100 in all
WRITE_LOCK = "write"  # the advisory lock every writing unit holds until it ends (per schema)
SCOPE_SQL = "SELECT current_database() || '.' || current_schema()"  # whose write lock it is


def write_key(scope: str) -> int:
    """WRITE_LOCK's advisory key in one database and schema (SCOPE_SQL's answer)."""
    return lock_key(f"{scope}/{WRITE_LOCK}")
SCHEMA_TABLE = "debtdesk_schema"


class PgStore:
    """An open PostgreSQL database, with the same interface as store.db.Store."""

    engine = "postgresql"

    def __init__(self, pool: AsyncConnectionPool, url: str) -> None:
        self.pool, self.path = pool, url
        self.locks = ClusterLocks(url)  # store/cluster_locks.py: chat turns and job claims
        self.write_key = 0  # set by open(): WRITE_LOCK's key in this database and schema

    @classmethod
    async def open(cls, url: str, max_size: int = POOL_MAX) -> PgStore:
        pool = AsyncConnectionPool(url, min_size=1, max_size=max_size, open=False,
                                   kwargs={"autocommit": True}, name="debtdesk")
        await pool.open(wait=True, timeout=30)
        store = cls(pool, url)
        try:
            async with pool.connection() as raw:
                cur = await raw.execute(SCOPE_SQL)
                store.write_key = write_key((await cur.fetchone())[0])
            await store.migrate()
        except BaseException:
            await pool.close()
            raise
        return store

    async def close(self) -> None:
        await self.locks.close()
        await self.pool.close()

    def chat_turn(self, key: int) -> AbstractAsyncContextManager[None]:
        """One chat's updates one at a time across every instance (a session advisory lock)."""
        return self.locks.turn(f"chat:{key}")

    def claim(self, job: str) -> AbstractAsyncContextManager[bool]:
        """True inside while this process alone runs the job; False when another instance does."""
        return self.locks.claim(f"job:{job}")

    async def schema_version(self) -> int:
        async with self.pool.connection() as raw:
            return await _version(raw)

    async def migrate(self) -> None:
        known = migrations("postgresql")
        latest = known[-1][0] if known else 0
        async with self.pool.connection() as raw, raw.transaction():
            await raw.execute("SELECT pg_advisory_xact_lock(%s)", (self.write_key,))
            await raw.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA_TABLE} (version BIGINT NOT NULL)")
            current = await _version(raw)
            if current > latest:
                raise SchemaTooNew(
                    f"the database has schema version {current}; this debtdesk knows up to {latest}")
            for version, sql in known:
                if version > current:
                    await raw.execute(sql.encode())  # bytes: no placeholders, `%` as written
                    await raw.execute(f"DELETE FROM {SCHEMA_TABLE}")
                    await raw.execute(f"INSERT INTO {SCHEMA_TABLE} (version) VALUES (%s)", (version,))

    async def ping(self) -> bool:
        async with self.pool.connection() as raw:
            cur = await raw.execute("SELECT 1")
            return (await cur.fetchone())[0] == 1

    async def backup(self, target: str) -> None:
        raise RuntimeError("on PostgreSQL, back up with pg_dump (README: Several instances on PostgreSQL)")

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[PgConnection]:
        """One transaction, after every other process's writing unit has ended."""
        async with self.pool.connection() as raw, _unit(raw, self.write_key) as db:
            yield db

    @asynccontextmanager
    async def read(self) -> AsyncIterator[PgConnection]:
        """A consistent snapshot for queries that change nothing."""
        async with self.pool.connection() as raw, _read(raw) as db:
            yield db

    @asynccontextmanager
    async def pinned(self) -> AsyncIterator[Pinned]:
        """This store with every unit on one connection of the pool, held until the block ends:
        for work whose units share a temporary table (an import's keys already seen)."""
        async with self.pool.connection() as raw:
            yield Pinned(self, raw)

    async def run_unit(self, work: Work, *args: Any):
        async with self.unit() as db:
            return await work(db, *args)

    async def run_read(self, work: Work, *args: Any):
        async with self.read() as db:
            return await work(db, *args)


class Pinned:
    """PgStore.pinned(): units and reads, one after another on one connection."""

    engine = "postgresql"

    def __init__(self, store: PgStore, raw: psycopg.AsyncConnection) -> None:
        self.store, self.raw, self.path = store, raw, store.path

    def unit(self):
        return _unit(self.raw, self.store.write_key)

    def read(self):
        return _read(self.raw)

    @asynccontextmanager
    async def pinned(self) -> AsyncIterator[Pinned]:
        yield self

    async def run_unit(self, work: Work, *args: Any):
        async with self.unit() as db:
            return await work(db, *args)

    async def run_read(self, work: Work, *args: Any):
        async with self.read() as db:
            return await work(db, *args)


@asynccontextmanager
async def _unit(raw: psycopg.AsyncConnection, write_key: int) -> AsyncIterator[PgConnection]:
    await raw.execute("BEGIN")
    try:
        await raw.execute("SELECT pg_advisory_xact_lock(%s)", (write_key,))
        yield PgConnection(raw)
    except BaseException:
        await _rollback(raw)
        raise
    else:
        await raw.execute("COMMIT")


@asynccontextmanager
async def _read(raw: psycopg.AsyncConnection) -> AsyncIterator[PgConnection]:
    await raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    try:
        yield PgConnection(raw)
    finally:
        await _rollback(raw)


async def _version(raw: psycopg.AsyncConnection) -> int:
    cur = await raw.execute(
        "SELECT to_regclass(%s) IS NOT NULL", (SCHEMA_TABLE,))
    if not (await cur.fetchone())[0]:
        return 0
    cur = await raw.execute(f"SELECT max(version) FROM {SCHEMA_TABLE}")
    found = (await cur.fetchone())[0]
    return int(found or 0)


async def _rollback(raw: psycopg.AsyncConnection) -> None:
    """Roll back, unless the connection is already gone (the pool then replaces it)."""
    if not raw.closed:
        await raw.execute("ROLLBACK")
