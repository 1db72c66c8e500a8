"""The bank's staff for the console: accounts, sessions and sign-in attempts (every SQL statement
on the staff tables). Passwords arrive here already hashed (ops/staff_auth.py); a session is
found by the SHA-256 of its cookie, so the table holds nothing a browser could present."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

ROLES = ("collector", "supervisor", "admin")


@dataclass(frozen=True)
class StaffMember:
    id: int
    name: str
    role: str
    password_hash: str
    locale: str  # '' follows the collectors' locale
    created_at: str
    disabled_at: str | None

    @property
    def active(self) -> bool:
        return self.disabled_at is None


@dataclass(frozen=True)
class Session:
    staff: StaffMember
    csrf: str
    expires_at: datetime


_COLUMNS = "s.id, s.name, s.role, s.password_hash, s.locale, s.created_at, s.disabled_at"


def _member(r: aiosqlite.Row) -> StaffMember:
    return StaffMember(r[0], r[1], r[2], r[3], r[4], r[5], r[6])


async def add_staff(db: aiosqlite.Connection, name: str, role: str, password_hash: str,
                    now: datetime) -> bool:
    """False when the name is taken (a disabled member's name stays taken: the audit names it)."""
    async with db.execute(
        "INSERT INTO staff (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (name) DO NOTHING RETURNING id",
        (name, role, password_hash, now.isoformat()),
    ) as cur:
        return await cur.fetchone() is not None


async def get_staff(db: aiosqlite.Connection, name: str) -> StaffMember | None:
    async with db.execute(f"SELECT {_COLUMNS} FROM staff s WHERE s.name = ?", (name,)) as cur:
        row = await cur.fetchone()
    return _member(row) if row else None


async def list_staff(db: aiosqlite.Connection) -> list[StaffMember]:
    async with db.execute(f"SELECT {_COLUMNS} FROM staff s ORDER BY s.name") as cur:
        return [_member(r) for r in await cur.fetchall()]


async def set_password(db: aiosqlite.Connection, staff_id: int, password_hash: str) -> None:
    await db.execute("UPDATE staff SET password_hash = ? WHERE id = ?", (password_hash, staff_id))


async def set_disabled(db: aiosqlite.Connection, staff_id: int, now: datetime) -> bool:
    cur = await db.execute("UPDATE staff SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL",
                           (now.isoformat(), staff_id))
    return cur.rowcount == 1


async def set_locale(db: aiosqlite.Connection, staff_id: int, locale: str) -> None:
    await db.execute("UPDATE staff SET locale = ? WHERE id = ?", (locale, staff_id))


async def end_sessions(db: aiosqlite.Connection, staff_id: int) -> None:
    """Every session of the member ends (disabled, or a new password)."""
    await db.execute("DELETE FROM staff_sessions WHERE staff_id = ?", (staff_id,))


async def add_session(db: aiosqlite.Connection, digest: str, staff_id: int, csrf: str, now: datetime,
                      expires_at: datetime) -> None:
    await db.execute(
        "INSERT INTO staff_sessions (digest, staff_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        (digest, staff_id, csrf, now.isoformat(), expires_at.isoformat()),
    )


async def find_session(db: aiosqlite.Connection, digest: str, now: datetime) -> Session | None:
    """The unexpired session of an active member, or None."""
    async with db.execute(
        f"SELECT {_COLUMNS}, x.csrf, x.expires_at FROM staff_sessions x JOIN staff s ON s.id = x.staff_id"
        " WHERE x.digest = ? AND x.expires_at > ? AND s.disabled_at IS NULL",
        (digest, now.isoformat()),
    ) as cur:
        row = await cur.fetchone()
    return Session(_member(row), row[7], datetime.fromisoformat(row[8])) if row else None


async def drop_session(db: aiosqlite.Connection, digest: str) -> None:
    await db.execute("DELETE FROM staff_sessions WHERE digest = ?", (digest,))


async def drop_expired_sessions(db: aiosqlite.Connection, now: datetime) -> None:
    await db.execute("DELETE FROM staff_sessions WHERE expires_at <= ?", (now.isoformat(),))


async def record_attempt(db: aiosqlite.Connection, name: str, ok: bool, now: datetime) -> None:
    await db.execute("INSERT INTO staff_login_attempts (name, at, ok) VALUES (?, ?, ?)",
                     (name, now.isoformat(), int(ok)))


async def recent_attempts(
    db: aiosqlite.Connection, name: str, since: datetime
) -> list[tuple[datetime, bool]]:
    """The name's sign-in attempts at or after `since`, oldest first."""
    async with db.execute(
        "SELECT at, ok FROM staff_login_attempts WHERE name = ? AND at >= ? ORDER BY at, id",
        (name, since.isoformat()),
    ) as cur:
        return [(datetime.fromisoformat(r[0]), bool(r[1])) for r in await cur.fetchall()]
