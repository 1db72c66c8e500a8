"""Verification factors and single-use deep-link tokens, kept only as keyed hashes.

A link is spent when it has verified someone, not when it is opened.

A factor's digest mixes in the account reference, so two accounts sharing a birthday never
share a digest. A link token exists in readable form only in the value `issue_link` returns.
"""

from __future__ import annotations

import secrets as _secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta

import aiosqlite

from debt.portfolio import AccountRow, normalise_phone
from store.hashing import keyed_hash, same

FACTOR_KINDS = ("dob", "id_last4", "phone")
_DUMMY = "0" * 64  # compared against when no digest exists, so a miss costs the same as a hit


def _factor_digest(secret: bytes, ref: str, kind: str, value: str) -> str:
    return keyed_hash(secret, f"factor:{kind}:{ref}", value)


def _link_digest(secret: bytes, token: str) -> str:
    return keyed_hash(secret, "link", token)


def _digits(text: str) -> str:
    if text.isascii() and text.isdigit():  # the usual case, and the import's: already digits only
        return text
    return "".join(ch for ch in text if ch.isascii() and ch.isdigit())


def _factor_digests(secret: bytes, ref: str, dob: date, id_last4: str, phone_e164: str) -> tuple[str, ...]:
    """The three digests, in FACTOR_KINDS order."""
    return (
        _factor_digest(secret, ref, "dob", dob.isoformat()),
        _factor_digest(secret, ref, "id_last4", _digits(id_last4)),
        _factor_digest(secret, ref, "phone", phone_e164),
    )


_PUT_FACTOR = ("INSERT INTO factors (account_ref, kind, digest) VALUES (?, ?, ?) "
               "ON CONFLICT (account_ref, kind) DO UPDATE SET digest = excluded.digest")


async def store_factors(
    db: aiosqlite.Connection, secret: bytes, ref: str, dob: date, id_last4: str, phone_e164: str
) -> None:
    """Keep the account's date of birth, ID digits and phone as keyed hashes (replacing old ones)."""
    phone = normalise_phone(phone_e164)
    await put_factor_digests(db, [(ref, _factor_digests(secret, ref, dob, id_last4, phone))])


def factor_digests(secret: bytes, row: AccountRow) -> tuple[str, ...]:
    """An imported row's three digests, in FACTOR_KINDS order (pure: an import worker computes these)."""
    ref = row.account.account_ref
    return _factor_digests(secret, ref, row.date_of_birth, row.national_id_last4, row.phone)


async def store_factor_rows(db: aiosqlite.Connection, secret: bytes, rows: Iterable[AccountRow]) -> None:
    """store_factors for a batch of imported rows (their phones already E.164), in one statement."""
    await put_factor_digests(db, [(row.account.account_ref, factor_digests(secret, row)) for row in rows])


async def put_factor_digests(db: aiosqlite.Connection, pairs: Iterable[tuple[str, tuple[str, ...]]]) -> None:
    """Store (account_ref, `factor_digests`) pairs, replacing the accounts' old factors."""
    params: list[tuple] = []
    for ref, (dob, id_last4, phone) in pairs:  # FACTOR_KINDS order, unrolled: a million rows a file
        params += ((ref, "dob", dob), (ref, "id_last4", id_last4), (ref, "phone", phone))
    await db.executemany(_PUT_FACTOR, params)


async def check_factor(db: aiosqlite.Connection, secret: bytes, ref: str, kind: str, value: str) -> bool:
    """True when `value` (already normalised: ISO date, 4 digits, E.164) matches the stored factor."""
    sql = "SELECT digest FROM factors WHERE account_ref = ? AND kind = ?"
    async with db.execute(sql, (ref, kind)) as cur:
        row = await cur.fetchone()
    stored = row["digest"] if row else _DUMMY
    return same(stored, _factor_digest(secret, ref, kind, value)) and row is not None


async def issue_link(
    db: aiosqlite.Connection, secret: bytes, ref: str, now: datetime, expires_days: int
) -> str:
    """A new single-use token for the account; its older unused links stop working."""
    token = _secrets.token_urlsafe(24)  # 32 characters of A-Za-z0-9_-
    at = now.isoformat()
    await db.execute(
        "UPDATE link_tokens SET revoked_at = ? "
        "WHERE account_ref = ? AND used_at IS NULL AND revoked_at IS NULL",
        (at, ref),
    )
    await db.execute(
        "INSERT INTO link_tokens (digest, account_ref, created_at, expires_at) VALUES (?, ?, ?, ?)",
        (_link_digest(secret, token), ref, at, (now + timedelta(days=expires_days)).isoformat()),
    )
    await db.execute("INSERT INTO links_issued (account_ref, at) VALUES (?, ?)", (ref, at))
    return token


async def open_link(
    db: aiosqlite.Connection, secret: bytes, token: str, now: datetime
) -> tuple[str, str | None, str | None]:
    """("ok", ref, digest) for a link that still works; else ("expired" | "used" | "unknown", None,
    None). Opening does not spend the link: whoever opens it first (a preview, a relative, the
    wrong chat) must not use it up. `spend_link` does, once the link has verified someone.

    A link revoked by a newer one counts as expired: the person should use the newest link.
    """
    digest = _link_digest(secret, token)
    async with db.execute(
        "SELECT account_ref, expires_at, used_at, revoked_at FROM link_tokens WHERE digest = ?", (digest,)
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return "unknown", None, None
    if row["used_at"] is not None:
        return "used", None, None
    if row["revoked_at"] is not None or datetime.fromisoformat(row["expires_at"]) <= now:
        return "expired", None, None
    return "ok", row["account_ref"], digest


async def link_works(db: aiosqlite.Connection, digest: str, ref: str, now: datetime) -> bool:
    """True while the link (by the digest `open_link` gave) is for ref, unspent, unrevoked, unexpired."""
    sql = ("SELECT 1 FROM link_tokens WHERE digest = ? AND account_ref = ? AND used_at IS NULL"
           " AND revoked_at IS NULL AND expires_at > ?")
    async with db.execute(sql, (digest, ref, now.isoformat())) as cur:
        return await cur.fetchone() is not None


async def spend_link(db: aiosqlite.Connection, digest: str, now: datetime) -> None:
    """The link has verified someone: it stops working (a second verification is no longer its own)."""
    await db.execute("UPDATE link_tokens SET used_at = ? WHERE digest = ? AND used_at IS NULL",
                     (now.isoformat(), digest))


async def redeem_token(
    db: aiosqlite.Connection, secret: bytes, token: str, now: datetime
) -> tuple[str, str | None]:
    """`open_link` and `spend_link` at once: ("ok", ref) and the token is spent, else the problem."""
    result, ref, digest = await open_link(db, secret, token, now)
    if digest is not None:
        await spend_link(db, digest, now)
    return result, ref
