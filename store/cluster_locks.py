"""Locks across every debtdesk process on one PostgreSQL database: PostgreSQL's session advisory
locks, held on one connection of this process's own.

- `turn(key)`: one chat's updates one at a time in the whole cluster. Inside a process the
  waiters queue in arrival order (an asyncio lock per key); the one at the head then takes
  the cluster lock, retrying every few milliseconds while another instance holds it. A
  duplicate delivered to two instances at once thus waits, then finds its update id committed.
- `claim(name)`: a periodic job (the notifier, the events sender, the sweep, the reminders)
  runs in one process at a time: the others find the claim taken and skip that run.

A lock belongs to the connection that took it, so PostgreSQL itself ends the claim of a
process that dies (SIGKILL, power cut): the server sees the connection close and releases
every lock it held; the next instance to try takes over. The locks take no table and no
row: nothing to migrate, nothing left behind. Keys are 64-bit hashes of the schema and a name
("chat:42", "job:sweep"), in the same key space as store/pg_store.py's WRITE_LOCK (a collision
only makes two keys wait for each other).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg

log = logging.getLogger("debtdesk.cluster")

FIRST_RETRY_SECONDS = 0.002
MAX_RETRY_SECONDS = 0.05


def lock_key(name: str) -> int:
    """A signed 64-bit advisory lock key for a name."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


class LocalTurns:
    """One holder at a time per key inside this process, served in arrival order; a key's lock
    lives while in use. (On SQLite, one process per database, this is all there is.)"""

    def __init__(self) -> None:
        self._locks: dict[object, asyncio.Lock] = {}
        self._users: Counter = Counter()

    @asynccontextmanager
    async def turn(self, key: object) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] += 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]


class ClusterLocks:
    """Session advisory locks on one connection opened on first use (autocommit, never in a
    transaction); the locks' queries are one round trip each and never wait on the server."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._conn: psycopg.AsyncConnection | None = None
        self._guard = asyncio.Lock()
        self._local = LocalTurns()
        self._held: set[int] = set()
        self._scope: str | None = None  # database.schema, read once

    async def close(self) -> None:
        """Close the connection: PostgreSQL releases whatever it still holds."""
        async with self._guard:
            if self._conn is not None:
                await self._conn.close()
                self._conn = None
            self._held.clear()

    async def _connected(self) -> psycopg.AsyncConnection:
        """The lock connection (under the guard), opened again if it died."""
        if self._conn is None or self._conn.closed:
            if self._conn is not None:  # it died: the server has released what it held
                log.warning("the cluster lock connection was lost; reconnecting")
            self._conn = await psycopg.AsyncConnection.connect(self.url, autocommit=True)
            if self._scope is None:
                cur = await self._conn.execute("SELECT current_database() || '.' || current_schema()")
                self._scope = (await cur.fetchone())[0]
        return self._conn

    async def _key(self, name: str) -> int:
        """The name's key in this database's schema: advisory locks are per database server-wide,
        so two debtdesk databases in schemas of one PostgreSQL database never block each other."""
        if self._scope is None:
            async with self._guard:
                await self._connected()
        return lock_key(f"{self._scope}/{name}")

    async def _ask(self, sql: str, key: int) -> bool:
        async with self._guard:
            await self._connected()
            try:
                cur = await self._conn.execute(sql, (key,))
                return bool((await cur.fetchone())[0])
            except psycopg.OperationalError:
                await self._conn.close()  # taken again, on a new connection, at the next ask
                raise

    async def _try(self, key: int) -> bool:
        if key in self._held:  # a session lock is re-entrant: never hand it out twice in one process
            return False
        self._held.add(key)  # reserved before the round trip, against a second task of ours
        try:
            got = await self._ask("SELECT pg_try_advisory_lock(%s)", key)
        except BaseException:
            self._held.discard(key)
            raise
        if not got:
            self._held.discard(key)
        return got

    async def _release(self, key: int) -> None:
        self._held.discard(key)
        try:
            await self._ask("SELECT pg_advisory_unlock(%s)", key)
        except psycopg.OperationalError:
            pass  # the connection is gone, and the lock with it

    @asynccontextmanager
    async def turn(self, name: str) -> AsyncIterator[None]:
        """Wait for the name's lock (after this process's earlier waiters), hold it inside."""
        key = await self._key(name)
        async with self._local.turn(key):
            delay = FIRST_RETRY_SECONDS
            while not await self._try(key):
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_RETRY_SECONDS)
            try:
                yield
            finally:
                await asyncio.shield(self._release(key))

    @asynccontextmanager
    async def claim(self, name: str) -> AsyncIterator[bool]:
        """True inside when this process holds the name's lock; False when another one does."""
        key = await self._key(name)
        if not await self._try(key):
            yield False
            return
        try:
            yield True
        finally:
            await asyncio.shield(self._release(key))
