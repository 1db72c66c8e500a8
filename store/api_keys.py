"""The bank's API keys, kept only as keyed hashes (HMAC-SHA256 under DEBTDESK_SECRET).

A key is 32 random bytes, URL-safe; it exists in readable form only in the value `create_key`
returns. A lookup hashes the key presented and finds the row by its digest, so the database
never holds anything that would let someone call the API.
"""

from __future__ import annotations

import secrets as _secrets
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from store.hashing import keyed_hash

SCOPES = ("read", "write")
PREFIX = "ddk_"  # lets a secret scanner (and a person) recognise a debtdesk key


@dataclass(frozen=True)
class ApiKey:
    name: str
    scope: str  # read | write
    created_at: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _digest(secret: bytes, key: str) -> str:
    return keyed_hash(secret, "apikey", key)


async def create_key(
    db: aiosqlite.Connection, secret: bytes, name: str, scope: str, now: datetime
) -> str | None:
    """A new key for `name`, or None when that name is taken (revoked names stay taken)."""
    key = PREFIX + _secrets.token_urlsafe(32)
    cur = await db.execute(
        "INSERT INTO api_keys (name, scope, digest, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (name, scope, _digest(secret, key), now.isoformat()),
    )
    return key if cur.rowcount == 1 else None


async def list_keys(db: aiosqlite.Connection) -> list[ApiKey]:
    async with db.execute("SELECT name, scope, created_at, revoked_at FROM api_keys ORDER BY name") as cur:
        return [ApiKey(*row) for row in await cur.fetchall()]


async def revoke_key(db: aiosqlite.Connection, name: str, now: datetime) -> bool:
    """True when an active key of that name was revoked."""
    cur = await db.execute(
        "UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", (now.isoformat(), name)
    )
    return cur.rowcount == 1


async def find_key(db: aiosqlite.Connection, secret: bytes, key: str) -> ApiKey | None:
    """The key presented, active or revoked, or None when no key hashes to it. The digest is
    looked up by equality: what is compared is an HMAC of the key, so timing tells nothing."""
    async with db.execute(
        "SELECT name, scope, created_at, revoked_at FROM api_keys WHERE digest = ?", (_digest(secret, key),)
    ) as cur:
        row = await cur.fetchone()
    return ApiKey(*row) if row else None
