"""The bank's staff: who they are, what their role lets them do, and signing in to the console.

Passwords are hashed with argon2 (argon2-cffi's defaults); a sign-in is refused the same way for
an unknown name, a disabled member and a wrong password. `lock_failures` wrong passwords in a
row for one name (config.console) lock that name's sign-in for `lock_minutes` after the last of
them, the right password included. A session is a random cookie value; the database keeps its
SHA-256 and the CSRF token every form of the session carries. Every change leaves an audit row
whose actor is `staff:<name>` (or `cli` from the command line).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ops.settings import ConsoleSettings
from store import audit
from store.db import Store
from store.staff_rows import (
    ROLES,
    Session,
    StaffMember,
    add_session,
    add_staff,
    drop_expired_sessions,
    drop_session,
    end_sessions,
    find_session,
    get_staff,
    list_staff,
    recent_attempts,
    record_attempt,
    set_disabled,
    set_locale,
    set_password,
)

__all__ = ["ROLES", "Session", "StaffError", "StaffMember", "actor", "may"]

_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
MIN_PASSWORD = 12
MAX_PASSWORD = 256  # argon2 takes anything; a megabyte typed into the form is not a password
_hasher = PasswordHasher()
# Hashed once, so that an unknown name costs the same time as a known one.
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))

# What each role may do; each role may also do what the ones before it may.
RIGHTS = {
    "collector": {"accounts"},
    "supervisor": {"accounts", "approvals", "report"},
    "admin": {"accounts", "approvals", "report", "staff"},
}


class StaffError(Exception):
    """One line for the operator; `code` lets another door say it in its own words."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def may(member: StaffMember, right: str) -> bool:
    return right in RIGHTS.get(member.role, set())


def actor(member: StaffMember) -> str:
    """The audit rows' name for a staff member's actions."""
    return f"staff:{member.name}"


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise StaffError(f"staff name {name!r}: 1-64 lower-case letters, digits, '.', '_' or '-'", "bad_name")
    return name


def check_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise StaffError(f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters", "bad_password")
    return password


def one_time_password() -> str:
    return secrets.token_urlsafe(15)  # 20 characters, 120 bits


async def add(store: Store, name: str, role: str, password: str, now: datetime, by: str = "cli") -> None:
    check_name(name)
    if role not in ROLES:
        raise StaffError(f"role {role!r}: one of {', '.join(ROLES)}", "bad_role")
    hashed = _hasher.hash(check_password(password))
    async with store.unit() as db:
        if not await add_staff(db, name, role, hashed, now):
            raise StaffError(f"a staff member named {name} exists already", "taken")
        await audit.append(db, by, "staff_added", None, now, {"name": name, "role": role})


async def members(store: Store) -> list[StaffMember]:
    async with store.read() as db:
        return await list_staff(db)


async def _existing(db, name: str) -> StaffMember:
    member = await get_staff(db, name)
    if member is None:
        raise StaffError(f"there is no staff member named {name}", "unknown")
    return member


async def disable(store: Store, name: str, now: datetime, by: str = "cli") -> None:
    async with store.unit() as db:
        member = await _existing(db, name)
        if not await set_disabled(db, member.id, now):
            raise StaffError(f"{name} is disabled already", "disabled")
        await end_sessions(db, member.id)
        await audit.append(db, by, "staff_disabled", None, now, {"name": name})


async def reset(store: Store, name: str, password: str, now: datetime, by: str = "cli") -> None:
    """A new password; the member's sessions end."""
    hashed = _hasher.hash(check_password(password))
    async with store.unit() as db:
        member = await _existing(db, name)
        await set_password(db, member.id, hashed)
        await end_sessions(db, member.id)
        await audit.append(db, by, "staff_password_reset", None, now, {"name": name})


async def change(store: Store, action: str, name: str, role: str, now: datetime, by: str) -> str:
    """An admin's change from the console: add (with `role`) or reset, which return the new
    one-time password to show once, or disable, which returns ''."""
    if action == "disable":
        await disable(store, name, now, by=by)
        return ""
    password = one_time_password()
    if action == "add":
        await add(store, name, role, password, now, by=by)
    elif action == "reset":
        await reset(store, name, password, now, by=by)
    else:
        raise StaffError(f"no such change {action!r}", "bad_action")
    return password


async def choose_locale(store: Store, member: StaffMember, locale: str, now: datetime) -> None:
    async with store.unit() as db:
        await set_locale(db, member.id, locale)
        await audit.append(db, actor(member), "staff_locale", None, now, {"locale": locale})


def _locked_until(attempts: list[tuple[datetime, bool]], rules: ConsoleSettings) -> datetime | None:
    """When the latest `lock_failures` attempts all failed, the end of the lock after the last."""
    tail = attempts[-rules.lock_failures:]
    if len(tail) < rules.lock_failures or any(ok for _, ok in tail):
        return None
    return tail[-1][0] + timedelta(minutes=rules.lock_minutes)


@dataclass(frozen=True)
class SignIn:
    """A sign-in's outcome: a session cookie and the member, or why not (wrong | locked)."""

    cookie: str | None = None
    member: StaffMember | None = None
    refused: str = ""
    locked_until: datetime | None = None


def _digest(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()


def _verified(member: StaffMember | None, password: str) -> bool:
    try:
        return _hasher.verify(member.password_hash if member else _DUMMY, password[:MAX_PASSWORD]) \
            and member is not None and member.active
    except (VerificationError, InvalidHashError):
        return False


async def sign_in(store: Store, name: str, password: str, now: datetime, rules: ConsoleSettings) -> SignIn:
    name = name.strip().lower()[:64]
    since = now - timedelta(minutes=rules.lock_minutes)
    async with store.read() as db:
        until = _locked_until(await recent_attempts(db, name, since), rules)
        member = await get_staff(db, name)
    if until is not None and until > now:
        return SignIn(refused="locked", locked_until=until)
    ok = await asyncio.to_thread(_verified, member, password)  # argon2 takes its time: not on the loop
    async with store.unit() as db:
        await record_attempt(db, name, ok, now)
        if not ok:
            until = _locked_until(await recent_attempts(db, name, since), rules)
            if until is not None and member is not None:
                await audit.append(db, actor(member), "staff_login_locked", None, now)
            return SignIn(refused="locked" if until else "wrong", locked_until=until)
        cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        await drop_expired_sessions(db, now)
        await add_session(db, _digest(cookie), member.id, csrf, now,
                          now + timedelta(minutes=rules.session_minutes))
        await audit.append(db, actor(member), "staff_login", None, now)
        return SignIn(cookie=cookie, member=member)


async def session_for(store: Store, cookie: str | None, now: datetime) -> Session | None:
    if not cookie:
        return None
    async with store.read() as db:
        return await find_session(db, _digest(cookie), now)


async def sign_out(store: Store, cookie: str, member: StaffMember, now: datetime) -> None:
    async with store.unit() as db:
        await drop_session(db, _digest(cookie))
        await audit.append(db, actor(member), "staff_logout", None, now)


def same_token(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())
