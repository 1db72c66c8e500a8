"""A whole unit of work in one trip to aiosqlite's thread.

Through aiosqlite every statement, every fetch and every cursor close is a trip to the
connection's thread and back (a queue put, a thread wake-up, a call_soon_threadsafe): about
twenty per debtor update. Here the unit's coroutine itself runs on that thread, against a
connection that answers at once, so the event loop waits for the thread once per unit.

The store functions stay as they are (`async with db.execute(...) as cur`): they are handed
an aiosqlite Connection whose trips to the thread run in place. Such a coroutine must await
nothing but the database; if it ever suspends, that is an error, raised on the thread.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import aiosqlite

T = TypeVar("T")
Work = Callable[..., Coroutine[Any, Any, T]]  # work(db, *args)


class Suspended(RuntimeError):
    """A unit run on the database thread awaited something other than the database."""


class InPlaceConnection(aiosqlite.Connection):
    """aiosqlite's interface over the same sqlite3 connection, for code already on its thread."""

    def __init__(self, outer: aiosqlite.Connection) -> None:  # no thread of its own: not super()
        self._outer = outer
        self._running = True
        self._connection = None  # so aiosqlite's __del__ has nothing to close: the outer owns it
        self._iter_chunk_size = outer._iter_chunk_size

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._outer._conn

    async def _execute(self, fn, *args, **kwargs):
        return fn(*args, **kwargs)


def drive(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never suspends to its end, here, without an event loop."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    coro.close()
    raise Suspended("a unit of work on the database thread awaited something other than the database")


async def run_in_one_hop(conn: aiosqlite.Connection, work: Work[T], args: tuple, begin: str, end: str) -> T:
    """`begin`, work(db, *args), then `end` ("COMMIT" or "ROLLBACK"); any error rolls back and is raised.

    A caller cancelled while the thread works (a stopping bot) gets a rollback, not a commit, so
    the update is not marked done without its replies: the same as when a cancel hit the old
    statement-by-statement unit. Only a cancel after the commit check is too late, as it always was.
    """
    abandoned = threading.Event()

    def on_thread() -> T:
        raw = conn._conn
        raw.execute(begin)
        try:
            result = drive(work(InPlaceConnection(conn), *args))
        except BaseException:
            raw.execute("ROLLBACK")
            raise
        raw.execute("ROLLBACK" if abandoned.is_set() else end)
        return result

    try:
        return await conn._execute(on_thread)
    except asyncio.CancelledError:
        abandoned.set()
        raise
