"""Unprompted messages the bot sent (reminders, broken-promise offers): the weekly cap counts them.

Only messages the debtor did not ask for are logged here; answers to the debtor's own
messages are never capped. A 403 from Telegram (the bot was blocked) is an opt-out.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime

import aiosqlite

KINDS = ("reminder", "broken", "decision", "outcome")  # decision/outcome: bot/decision_messages.py


async def record_sent(db: aiosqlite.Connection, chat_id: int, kind: str, at: datetime) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown unprompted message kind {kind!r}")
    await db.execute(
        "INSERT INTO messages_sent (chat_id, kind, at) VALUES (?, ?, ?)", (chat_id, kind, at.isoformat())
    )


async def sent_since(db: aiosqlite.Connection, chat_id: int, since: datetime) -> int:
    """How many unprompted messages went to the chat at or after `since`."""
    async with db.execute(
        "SELECT COUNT(*) FROM messages_sent WHERE chat_id = ? AND at >= ?", (chat_id, since.isoformat())
    ) as cur:
        (count,) = await cur.fetchone()
    return count


async def last_sent(db: aiosqlite.Connection, chat_id: int, kind: str) -> datetime | None:
    async with db.execute(
        "SELECT MAX(at) FROM messages_sent WHERE chat_id = ? AND kind = ?", (chat_id, kind)
    ) as cur:
        (at,) = await cur.fetchone()
    return datetime.fromisoformat(at) if at else None


async def mark_opted_out(db: aiosqlite.Connection, chat_id: int, at: datetime) -> None:
    """The chat blocked the bot: no more unprompted messages until it writes again."""
    await db.execute(
        "UPDATE chats SET opted_out = 1, updated_at = ? WHERE chat_id = ?", (at.isoformat(), chat_id)
    )


async def iter_due_soon(
    db: aiosqlite.Connection, first: date, last: date
) -> AsyncIterator[aiosqlite.Row]:
    """Pending promises due between first and last (inclusive) with each verified, bound chat
    that has not opted out, and no open dispute (collection pauses until the bank answers): the
    candidates for a reminder. Streamed, soonest first."""
    async with db.execute(
        """SELECT p.id AS promise_id, p.account_ref, p.amount, p.paid_amount, p.currency,
                  p.due_date, p.source, c.chat_id, c.locale, a.locale AS account_locale,
                  a.timezone
           FROM promises p
           JOIN accounts a ON a.account_ref = p.account_ref
           JOIN chats c ON c.account_ref = p.account_ref
           WHERE p.status = 'pending' AND p.due_date BETWEEN ? AND ?
             AND c.verified_at IS NOT NULL AND c.opted_out = 0
             AND NOT EXISTS (SELECT 1 FROM cases k WHERE k.account_ref = p.account_ref
                             AND k.kind = 'dispute' AND k.status = 'open')
           ORDER BY p.due_date, p.id""",
        (first.isoformat(), last.isoformat()),
    ) as cur:
        async for row in cur:
            yield row
