"""Cases a person at the bank must answer: disputes, hardship reviews, callback requests.

A case is open until a person closes it with an outcome (OUTCOMES, by kind), or, for a
call-back request, until its window has passed ("expired"). While one is open the account is
out of the call queue; once closed the debtor may ask again, and is told the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from store.contact_log import CONTACTABLE, Recipient, recipient_fields

KINDS = ("dispute", "hardship", "callback")
# The outcomes a person may close a case with; "expired" is the clock's, for call-backs only.
OUTCOMES = {
    "dispute": ("upheld", "rejected"),
    "hardship": ("plan_agreed", "no_change"),
    "callback": ("done", "no_answer"),
}
EXPIRED = "expired"


@dataclass(frozen=True)
class CaseRow:
    id: int
    account_ref: str
    kind: str
    reason: str
    status: str  # open | closed
    created_at: datetime
    outcome: str | None


@dataclass(frozen=True)
class OwedOutcome(Recipient):
    """A closed case whose outcome the debtor has not been told, and one chat to tell."""

    id: int
    account_ref: str
    kind: str
    outcome: str


def _case(r: aiosqlite.Row) -> CaseRow:
    return CaseRow(r["id"], r["account_ref"], r["kind"], r["reason"], r["status"],
                   datetime.fromisoformat(r["created_at"]), r["outcome"])


async def open_case(
    db: aiosqlite.Connection, account_ref: str, kind: str, reason: str, detail: str, now: datetime
) -> int:
    if kind not in KINDS:
        raise ValueError(f"unknown case kind {kind!r}")
    async with db.execute(
        "INSERT INTO cases (account_ref, kind, reason, detail, status, created_at)"
        " VALUES (?, ?, ?, ?, 'open', ?) RETURNING id",
        (account_ref, kind, reason, detail, now.isoformat()),
    ) as cur:
        return (await cur.fetchone())[0]


async def has_open(db: aiosqlite.Connection, account_ref: str, kind: str) -> bool:
    """An open case of this kind; a closed or expired one does not count ("ask again")."""
    async with db.execute(
        "SELECT 1 FROM cases WHERE account_ref = ? AND kind = ? AND status = 'open' LIMIT 1",
        (account_ref, kind),
    ) as cur:
        return await cur.fetchone() is not None


async def open_cases(db: aiosqlite.Connection) -> list[CaseRow]:
    """Every open case, oldest first."""
    async with db.execute("SELECT * FROM cases WHERE status = 'open' ORDER BY id") as cur:
        return [_case(r) for r in await cur.fetchall()]


async def get_case(db: aiosqlite.Connection, case_id: int) -> CaseRow | None:
    async with db.execute("SELECT * FROM cases WHERE id = ?", (case_id,)) as cur:
        found = await cur.fetchone()
    return _case(found) if found else None


async def close_case(db: aiosqlite.Connection, case_id: int, outcome: str, now: datetime) -> bool:
    """Close an open case with an outcome; False when it was not open."""
    cur = await db.execute(
        "UPDATE cases SET status = 'closed', outcome = ?, closed_at = ? WHERE id = ? AND status = 'open'",
        (outcome, now.isoformat(), case_id),
    )
    return cur.rowcount == 1


async def callbacks_opened_before(db: aiosqlite.Connection, before: datetime) -> list[CaseRow]:
    """Open call-back requests made before `before`: their window has passed."""
    async with db.execute(
        "SELECT * FROM cases WHERE status = 'open' AND kind = 'callback' AND created_at < ? ORDER BY id",
        (before.isoformat(),),
    ) as cur:
        return [_case(r) for r in await cur.fetchall()]


async def owed_outcomes(
    db: aiosqlite.Connection, since: datetime, *, active_since: datetime
) -> list[OwedOutcome]:
    """Cases closed since `since` whose outcome the debtor has not been told, one row per
    chat that may be told (store.contact_log.CONTACTABLE: verified, not idle, not opted out,
    no dispute), the chat that wrote last first (waiting for contact hours)."""
    async with db.execute(
        f"""SELECT k.id, k.account_ref, k.kind, k.outcome, c.chat_id, c.locale,
                  a.locale AS account_locale, a.timezone
           FROM cases k
           JOIN accounts a ON a.account_ref = k.account_ref
           JOIN chats c ON c.account_ref = k.account_ref
           WHERE k.status = 'closed' AND k.closed_at >= :since AND k.told_at IS NULL
             AND {CONTACTABLE}
           ORDER BY k.closed_at, k.id, c.last_seen_at DESC, c.chat_id""",
        {"since": since.isoformat(), "active_since": active_since.isoformat()},
    ) as cur:
        return [OwedOutcome(id=r["id"], account_ref=r["account_ref"], kind=r["kind"], outcome=r["outcome"],
                            **recipient_fields(r))
                for r in await cur.fetchall()]


async def mark_told(db: aiosqlite.Connection, case_id: int, now: datetime) -> None:
    await db.execute("UPDATE cases SET told_at = ? WHERE id = ?", (now.isoformat(), case_id))
