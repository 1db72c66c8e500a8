"""Many rows at once, on either engine: rows looked up by a list of keys, and rows staged by COPY.

Looking up a batch's keys (an import's 5,000 references): SQLite binds at most a few hundred
parameters, so the keys go 500 at a time in `IN (?, ...)`; PostgreSQL takes them all in one
round trip, as one JSON array of strings (json.dumps is far quicker than adapting a list).

Staging (PostgreSQL only): a batch is sent with COPY into a temporary table of this connection
(emptied at every commit), and one set-based statement then writes it where it belongs: far
fewer round trips and far less parsing than one INSERT a row.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any

CHUNK = 500  # keys a statement on SQLite: under its bound-parameter limit


def dialect(db: Any) -> str:
    """"sqlite" or "postgresql" for a unit's connection (aiosqlite's has no `dialect`)."""
    return getattr(db, "dialect", "sqlite")


async def rows_for_keys(db: Any, select: str, column: str, keys: Iterable[str], tail: str = "",
                        params: Sequence[Any] = ()) -> AsyncIterator[Any]:
    """The rows of `{select} {column} IN keys{tail}` (`params` bind the tail's placeholders),
    for the keys given once each, in as few statements as the engine allows."""
    wanted = sorted(set(keys))
    if not wanted:
        return
    if dialect(db) == "postgresql":
        chunks: Iterable[list[str]] = [wanted]
        where = f"{column} IN (SELECT json_array_elements_text(?::json))"
    else:
        chunks = (wanted[start:start + CHUNK] for start in range(0, len(wanted), CHUNK))
        where = ""
    for chunk in chunks:
        if where:
            sql, bound = f"{select} {where}{tail}", (json.dumps(chunk), *params)
        else:
            sql, bound = f"{select} {column} IN ({', '.join('?' * len(chunk))}){tail}", (*chunk, *params)
        async with db.execute(sql, bound) as cur:
            async for row in cur:
                yield row


async def stage(db: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """PostgreSQL: COPY `rows` into the temporary table `table` (TEXT columns, plus `seq`, each
    row's place in `rows` from 0), created on this connection if need be and emptied first."""
    raw = db.raw
    names = ", ".join(columns)
    await raw.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} (seq BIGINT NOT NULL, "
                      + ", ".join(f"{c} TEXT" for c in columns) + ") ON COMMIT DELETE ROWS")
    await raw.execute(f"DELETE FROM {table}")
    async with raw.cursor() as cur, cur.copy(f"COPY {table} (seq, {names}) FROM STDIN") as copy:
        for seq, row in enumerate(rows):
            await copy.write_row((seq, *row))


async def copy_into(db: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """PostgreSQL: COPY `rows` straight into `table`: rows that cannot conflict with any there."""
    async with db.raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            await copy.write_row(row)
