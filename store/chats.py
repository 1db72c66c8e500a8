"""A chat's session: which account it is bound to, where its conversation stands, its
language; and the verification attempts and locks that throttle guessing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import aiosqlite


@dataclass
class Chat:
    chat_id: int
    account_ref: str | None = None
    verified_at: datetime | None = None
    last_seen_at: datetime | None = None
    locale: str | None = None
    locale_chosen: bool = False
    state: str = "start"
    data: dict[str, Any] = field(default_factory=dict)
    opted_out: bool = False


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


async def load_chat(db: aiosqlite.Connection, chat_id: int) -> Chat | None:
    async with db.execute("SELECT * FROM chats WHERE chat_id = ?", (chat_id,)) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    try:
        data = json.loads(row["data"] or "{}")
    except ValueError:  # a damaged session starts over rather than failing every update
        data = {}
    return Chat(
        chat_id=row["chat_id"],
        account_ref=row["account_ref"],
        verified_at=_instant(row["verified_at"]),
        last_seen_at=_instant(row["last_seen_at"]),
        locale=row["locale"],
        locale_chosen=bool(row["locale_chosen"]),
        state=row["state"],
        data=data if isinstance(data, dict) else {},
        opted_out=bool(row["opted_out"]),
    )


async def save_chat(db: aiosqlite.Connection, chat: Chat, now: datetime) -> None:
    await db.execute(
        """INSERT INTO chats (chat_id, account_ref, verified_at, last_seen_at, locale, locale_chosen,
                              state, data, opted_out, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (chat_id) DO UPDATE SET
             account_ref = excluded.account_ref, verified_at = excluded.verified_at,
             last_seen_at = excluded.last_seen_at, locale = excluded.locale,
             locale_chosen = excluded.locale_chosen, state = excluded.state, data = excluded.data,
             opted_out = excluded.opted_out, updated_at = excluded.updated_at""",
        (
            chat.chat_id, chat.account_ref, _iso(chat.verified_at), _iso(chat.last_seen_at),
            chat.locale, int(chat.locale_chosen), chat.state,
            json.dumps(chat.data, sort_keys=True), int(chat.opted_out), now.isoformat(),
        ),
    )


async def record_attempt(
    db: aiosqlite.Connection, chat_id: int, account_ref: str | None, ok: bool, now: datetime
) -> None:
    """account_ref is the reference as typed, whether or not an account has it (no foreign key on
    purpose), so that unknown references are throttled exactly like real ones."""
    await db.execute(
        "INSERT INTO verify_attempts (chat_id, account_ref, at, ok) VALUES (?, ?, ?, ?)",
        (chat_id, account_ref, now.isoformat(), int(ok)),
    )


async def chat_failures(db: aiosqlite.Connection, chat_id: int, since: datetime) -> int:
    """Every failure of the chat inside the window. A success does not clear it: otherwise one
    could verify an account of one's own between guesses at someone else's."""
    sql = "SELECT COUNT(*) FROM verify_attempts WHERE chat_id = ? AND ok = 0 AND at >= ?"
    async with db.execute(sql, (chat_id, since.isoformat())) as cur:
        (count,) = await cur.fetchone()
    return count


async def account_failures(
    db: aiosqlite.Connection, account_ref: str, since: datetime
) -> tuple[int, datetime | None]:
    """The account's failures inside the window since its last success (the owner got in), from
    every chat, and when the latest was."""
    sql = """SELECT COUNT(*), MAX(at) FROM verify_attempts
             WHERE account_ref = ? AND ok = 0 AND at >= ?
               AND at > COALESCE((SELECT MAX(at) FROM verify_attempts
                                  WHERE account_ref = ? AND ok = 1), '')"""
    async with db.execute(sql, (account_ref, since.isoformat(), account_ref)) as cur:
        count, latest = await cur.fetchone()
    return count, _instant(latest)


async def verified_before(db: aiosqlite.Connection, chat_id: int, account_ref: str) -> bool:
    """Whether this chat has ever proved who it is for this account: the debtor's own chat."""
    sql = "SELECT 1 FROM verify_attempts WHERE account_ref = ? AND chat_id = ? AND ok = 1 LIMIT 1"
    async with db.execute(sql, (account_ref, chat_id)) as cur:
        return await cur.fetchone() is not None


async def set_lock(db: aiosqlite.Connection, scope: str, until: datetime) -> None:
    """scope: chat:<id> (an account is slowed down by `account_failures`, never locked)."""
    await db.execute(
        "INSERT INTO locks (scope, until) VALUES (?, ?)"
        " ON CONFLICT (scope) DO UPDATE SET until = excluded.until",
        (scope, until.isoformat()),
    )


async def locked_until(db: aiosqlite.Connection, scope: str, now: datetime) -> datetime | None:
    """When the lock on scope ends, or None when there is none in force."""
    async with db.execute("SELECT until FROM locks WHERE scope = ?", (scope,)) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    until = datetime.fromisoformat(row["until"])
    return until if until > now else None


def window_start(now: datetime, hours: int) -> datetime:
    return now - timedelta(hours=hours)
