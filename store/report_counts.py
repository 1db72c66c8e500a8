"""Counts for the bank's report, each up to the end of a day (instants are ISO UTC text).

Aggregates only: no names, phones or references leave here.
"""

from __future__ import annotations

from datetime import date, timedelta

import aiosqlite

from store.promise_rows import PROMISED_IN_CHAT_BEFORE


async def _scalar(db: aiosqlite.Connection, sql: str, *args: object) -> int:
    async with db.execute(sql, args) as cur:
        (value,) = await cur.fetchone()
    return value or 0


async def links_issued(db: aiosqlite.Connection, before: str) -> int:
    """Links issued by then and not revoked by then: a link replaced by a newer one for the same
    account was never one more person reached."""
    return await _scalar(
        db,
        "SELECT COUNT(*) FROM link_tokens WHERE created_at < ? AND (revoked_at IS NULL OR revoked_at >= ?)",
        before, before,
    )


async def accounts_disputed_by_bank(db: aiosqlite.Connection) -> int:
    """Accounts the bank's own file marks disputed (and not closed): the queue leaves them out,
    but the bot saved no call there."""
    return await _scalar(db, "SELECT COUNT(*) FROM accounts WHERE status = 'disputed'")


async def accounts_verified(db: aiosqlite.Connection, before: str) -> int:
    return await _scalar(
        db, "SELECT COUNT(DISTINCT account_ref) FROM chats WHERE verified_at IS NOT NULL AND verified_at < ?",
        before,
    )


async def accounts_self_served(db: aiosqlite.Connection, before: str) -> int:
    """Accounts that made a promise in the chat or chose an arrangement there."""
    return await _scalar(
        db,
        f"""SELECT COUNT(*) FROM (
             {PROMISED_IN_CHAT_BEFORE}
             UNION SELECT account_ref FROM arrangements WHERE created_at < ?) AS served""",
        before, before,
    )


async def grouped(db: aiosqlite.Connection, table: str, column: str, before: str) -> dict[str, int]:
    """{value: count} of arrangements by kind, cases by kind, ... (table and column are ours)."""
    async with db.execute(
        f"SELECT {column}, COUNT(*) FROM {table} WHERE created_at < ? GROUP BY {column} ORDER BY {column}",
        (before,),
    ) as cur:
        return {row[0]: row[1] for row in await cur.fetchall()}


def end_of(day: date) -> str:
    """The text every ISO instant on or before `day` sorts below: the next day's date."""
    return (day + timedelta(days=1)).isoformat()
