"""Unprompted messages the bot sent (reminders, broken-promise offers, decisions): the caps count
them; and the debtor's refusal of contact, which silences them all.

Only messages the debtor did not ask for are logged here; answers to the debtor's own
messages are never capped. They are counted, and stopped, per debtor: a message to any chat
of the account counts for all of them, and /stop from a verified chat holds for the account.
A 403 from Telegram (the bot was blocked) opts that chat out, the channel that closed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

KINDS = ("reminder", "broken", "decision", "outcome")  # decision/outcome: ops/decision_messages.py

# Whether a chat `c` of account `a` may receive an unprompted message; bind :active_since.
# Verified, and written in since :active_since (now - binding_idle_days: an idle chat would be
# asked to verify again, so it must not be told amounts); neither the chat nor the account opted
# out; and no dispute from any channel, the bank's portfolio status or a case opened in the chat
# (collection pauses until the bank has answered it).
CONTACTABLE = """c.verified_at IS NOT NULL AND c.opted_out = 0
             AND c.last_seen_at >= :active_since
             AND a.status <> 'disputed'
             AND NOT EXISTS (SELECT 1 FROM opt_outs o WHERE o.account_ref = a.account_ref)
             AND NOT EXISTS (SELECT 1 FROM contact_refusals r WHERE r.account_ref = a.account_ref)
             AND NOT EXISTS (SELECT 1 FROM cases k WHERE k.account_ref = a.account_ref
                             AND k.kind = 'dispute' AND k.status = 'open')"""



@dataclass(frozen=True)
class Recipient:
    """A chat that may be told something unprompted (CONTACTABLE), with what picks the language
    and the hour: the chat's locale, its account's (a BCP 47 tag) and the account's time zone."""

    chat_id: int
    locale: str | None
    account_locale: str | None
    timezone: str | None


def recipient_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """The Recipient part of a row selecting c.chat_id, c.locale, a.locale AS account_locale and
    a.timezone: the one conversion for every record that extends Recipient."""
    return {"chat_id": row["chat_id"], "locale": row["locale"], "account_locale": row["account_locale"],
            "timezone": row["timezone"]}


# The messages that count for chat :chat_id's debtor: to the chat, or about its account.
_DEBTORS = """(m.chat_id = :chat_id
               OR m.account_ref = (SELECT account_ref FROM chats WHERE chat_id = :chat_id))"""


async def record_sent(
    db: aiosqlite.Connection, chat_id: int, kind: str, at: datetime, account_ref: str | None = None
) -> None:
    """Log a message sent; without account_ref it is the chat's account at the time."""
    if kind not in KINDS:
        raise ValueError(f"unknown unprompted message kind {kind!r}")
    await db.execute(
        "INSERT INTO messages_sent (chat_id, kind, at, account_ref)"
        " VALUES (?, ?, ?, COALESCE(?, (SELECT account_ref FROM chats WHERE chat_id = ?)))",
        (chat_id, kind, at.isoformat(), account_ref, chat_id),
    )


async def sent_since(db: aiosqlite.Connection, chat_id: int, since: datetime) -> int:
    """How many unprompted messages went to the chat's debtor at or after `since`: to this chat,
    or about its account to any chat (the weekly cap is the debtor's, not the chat's)."""
    async with db.execute(
        f"SELECT COUNT(*) FROM messages_sent m WHERE m.at >= :since AND {_DEBTORS}",
        {"since": since.isoformat(), "chat_id": chat_id},
    ) as cur:
        (count,) = await cur.fetchone()
    return count


async def sent_times(db: aiosqlite.Connection, chat_id: int, since: datetime) -> list[datetime]:
    """When each unprompted message went to the chat's debtor at or after `since` (the caps of
    debt.contact_rules count them over every kind)."""
    async with db.execute(
        f"SELECT m.at FROM messages_sent m WHERE m.at >= :since AND {_DEBTORS}",
        {"since": since.isoformat(), "chat_id": chat_id},
    ) as cur:
        return [datetime.fromisoformat(row[0]) for row in await cur.fetchall()]


async def account_sent_times(db: aiosqlite.Connection, account_ref: str, since: datetime) -> list[datetime]:
    """The same for an account, whichever chat had them (`debtdesk show`)."""
    async with db.execute(
        "SELECT m.at FROM messages_sent m WHERE m.at >= ? AND (m.account_ref = ?"
        " OR m.chat_id IN (SELECT chat_id FROM chats WHERE account_ref = ?))",
        (since.isoformat(), account_ref, account_ref),
    ) as cur:
        return [datetime.fromisoformat(row[0]) for row in await cur.fetchall()]


async def last_sent(db: aiosqlite.Connection, chat_id: int, kind: str) -> datetime | None:
    """When the chat's debtor last had a message of this kind, in any of their chats."""
    async with db.execute(
        f"SELECT MAX(m.at) FROM messages_sent m WHERE m.kind = :kind AND {_DEBTORS}",
        {"kind": kind, "chat_id": chat_id},
    ) as cur:
        (at,) = await cur.fetchone()
    return datetime.fromisoformat(at) if at else None


async def mark_opted_out(db: aiosqlite.Connection, chat_id: int, at: datetime) -> None:
    """The chat blocked the bot: no more unprompted messages until it writes again."""
    await db.execute(
        "UPDATE chats SET opted_out = 1, updated_at = ? WHERE chat_id = ?", (at.isoformat(), chat_id)
    )


async def stop_account(db: aiosqlite.Connection, account_ref: str, at: datetime) -> None:
    """/stop from a chat verified for the account: every chat of it falls silent."""
    await db.execute(
        "INSERT INTO opt_outs (account_ref, at) VALUES (?, ?) ON CONFLICT (account_ref) DO NOTHING",
        (account_ref, at.isoformat()),
    )


async def resume_account(db: aiosqlite.Connection, account_ref: str) -> None:
    """/resume from a chat verified for the account."""
    await db.execute("DELETE FROM opt_outs WHERE account_ref = ?", (account_ref,))


async def account_opted_out(db: aiosqlite.Connection, account_ref: str) -> bool:
    async with db.execute("SELECT 1 FROM opt_outs WHERE account_ref = ?", (account_ref,)) as cur:
        return await cur.fetchone() is not None


async def refuse_contact(db: aiosqlite.Connection, account_ref: str, at: datetime, source: str) -> bool:
    """The debtor refused contact (a statement, recorded by staff or the bank's API). False if
    it was already recorded."""
    async with db.execute(
        "INSERT INTO contact_refusals (account_ref, at, source) VALUES (?, ?, ?)"
        " ON CONFLICT (account_ref) DO NOTHING RETURNING account_ref",
        (account_ref, at.isoformat(), source),
    ) as cur:
        return await cur.fetchone() is not None


async def withdraw_refusal(db: aiosqlite.Connection, account_ref: str) -> bool:
    """The debtor withdrew the refusal. False if there was none."""
    async with db.execute(
        "DELETE FROM contact_refusals WHERE account_ref = ? RETURNING account_ref", (account_ref,)
    ) as cur:
        return await cur.fetchone() is not None


async def contact_refused_at(db: aiosqlite.Connection, account_ref: str) -> datetime | None:
    async with db.execute("SELECT at FROM contact_refusals WHERE account_ref = ?", (account_ref,)) as cur:
        row = await cur.fetchone()
    return datetime.fromisoformat(row[0]) if row else None
