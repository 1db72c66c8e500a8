"""PostgreSQL behind the interface store/ already speaks: aiosqlite's.

Every store function is written once, against `db.execute(sql, params)` with `?` or `:name`
placeholders, `async with ... as cur`, `cur.fetchone()`, rows read by index or by name. On
PostgreSQL `db` is a PgConnection over one psycopg connection of the pool: the placeholders
become psycopg's, parameters are turned into the text SQLite would have stored (a date as
"2026-03-01", a bool as 0/1), and rows answer by index and by name as sqlite3.Row does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import psycopg


class Row(tuple):
    """A result row read by position or by column name (sqlite3.Row's interface)."""

    __slots__ = ()
    _names: dict[str, int]

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


_ROW_CLASSES: dict[tuple[str, ...], type[Row]] = {}


def _row_class(cursor: psycopg.AsyncCursor) -> type[Row]:
    """One Row class per list of column names, made once: a step runs a dozen statements, and
    building a class and psycopg's column descriptions for each cost a third of its time."""
    result = cursor.pgresult
    names = tuple(result.fname(i).decode() for i in range(result.nfields)) if result is not None else ()
    cls = _ROW_CLASSES.get(names)
    if cls is None:
        if len(_ROW_CLASSES) >= 4096:  # the statements are the code's own: a bound, never reached
            _ROW_CLASSES.clear()
        cls = _ROW_CLASSES[names] = type("Row", (Row,), {"__slots__": (), "_names": {
            name: i for i, name in enumerate(names)}})
    return cls


def row_factory(cursor: psycopg.AsyncCursor):
    cls = _row_class(cursor)
    return lambda values: cls(values)


def tuple_factory(cursor: psycopg.AsyncCursor):
    return tuple


_CONVERTED: dict[str, tuple[str, bool]] = {}


def convert(sql: str) -> tuple[str, bool]:
    """SQLite's placeholders (`?`, `:name`) as psycopg's (`%s`, `%(name)s`), `%` doubled;
    whether it has any. Quoted strings, quoted names and comments are left as they are."""
    done = _CONVERTED.get(sql)
    if done is None:
        done = _CONVERTED[sql] = _convert(sql)
    return done


def _convert(sql: str) -> tuple[str, bool]:
    out, i, n, any_param = [], 0, len(sql), False
    while i < n:
        char = sql[i]
        if char in "'\"":
            end = sql.find(char, i + 1)
            while end != -1 and end + 1 < n and sql[end + 1] == char:  # a doubled quote inside
                end = sql.find(char, end + 2)
            end = n - 1 if end == -1 else end
            out.append(sql[i:end + 1].replace("%", "%%"))
            i = end + 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end == -1 else end
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif char == "?":
            out.append("%s")
            any_param, i = True, i + 1
        elif char == ":" and sql[i + 1:i + 2].isidentifier() and sql[i - 1:i] != ":":
            j = i + 1
            while j < n and (sql[j].isalnum() or sql[j] == "_"):
                j += 1
            out.append(f"%({sql[i + 1:j]})s")
            any_param, i = True, j
        elif char == "%":
            out.append("%%")
            i += 1
        else:
            out.append(char)
            i += 1
    return "".join(out), any_param


def _value(value: Any) -> Any:
    """A parameter as SQLite stores it, so that both engines hold the same text."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.isoformat(" ")  # sqlite3's default adapter
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def adapt(params: Any) -> Any:
    if params is None:
        return None
    if isinstance(params, dict):
        return {key: _value(value) for key, value in params.items()}
    return tuple(_value(value) for value in params)


class PgCursor:
    """aiosqlite's cursor interface over a psycopg cursor."""

    def __init__(self, cur: psycopg.AsyncCursor) -> None:
        self._cur = cur

    @property
    def rowcount(self) -> int:
        return self._cur.rowcount

    @property
    def description(self):
        return self._cur.description

    async def execute(self, sql: str, params: Any = None) -> PgCursor:
        query, has_params = convert(sql)
        await self._cur.execute(query if has_params else sql, adapt(params) if has_params else None)
        return self

    def _rows(self) -> bool:
        """Whether the statement gave rows to read (not psycopg's `description`: it builds the
        columns' descriptions each time it is asked)."""
        result = self._cur.pgresult
        return result is not None and result.nfields > 0

    async def fetchone(self):
        return await self._cur.fetchone() if self._rows() else None

    async def fetchall(self) -> list:
        return await self._cur.fetchall() if self._rows() else []

    async def fetchmany(self, size: int) -> list:
        return await self._cur.fetchmany(size) if self._rows() else []

    def __aiter__(self) -> AsyncIterator:
        return self._cur.__aiter__()

    async def close(self) -> None:
        await self._cur.close()


class _Done:
    """What executemany leaves: the rows it changed."""

    def __init__(self, rowcount: int) -> None:
        self.rowcount = rowcount


class _Pending:
    """What `execute` returns: awaited, the cursor; used with `async with`, closed after."""

    def __init__(self, conn: PgConnection, sql: str, params: Any) -> None:
        self._conn, self._sql, self._params = conn, sql, params
        self._cursor: PgCursor | None = None

    def __await__(self):
        return self._open().__await__()

    async def _open(self) -> PgCursor:
        cur = PgCursor(self._conn.raw.cursor(row_factory=self._conn.factory))
        await cur.execute(self._sql, self._params)
        self._cursor = cur
        return cur

    async def __aenter__(self) -> PgCursor:
        return await self._open()

    async def __aexit__(self, *exc) -> None:
        if self._cursor is not None:
            await self._cursor.close()


class PgConnection:
    """The connection a unit of work is handed on PostgreSQL."""

    dialect = "postgresql"

    def __init__(self, raw: psycopg.AsyncConnection) -> None:
        self.raw = raw
        self.factory = row_factory

    def execute(self, sql: str, params: Any = None) -> _Pending:
        return _Pending(self, sql, params)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> _Done:
        """Every row through one statement (pipelined); the cursor's rowcount is their total."""
        query, _ = convert(sql)
        async with self.raw.cursor() as cur:
            await cur.executemany(query, [adapt(row) for row in rows])
            return _Done(cur.rowcount)

    async def cursor(self) -> PgCursor:
        return PgCursor(self.raw.cursor(row_factory=self.factory))

    async def stream(self, sql: str, params: Any, size: int) -> AsyncIterator[list[tuple]]:
        """The rows as plain tuples, `size` at a time, as the server sends them (psycopg's
        stream, libpq's chunked rows): a long result is never held whole, as a cursor holds it."""
        query, _ = convert(sql)
        rows: list[tuple] = []
        async with self.raw.cursor(row_factory=tuple_factory) as cur:
            async for row in cur.stream(query, adapt(params), size=size):
                rows.append(row)
                if len(rows) == size:
                    yield rows
                    rows = []
        if rows:
            yield rows
