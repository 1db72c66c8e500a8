"""Creating and revoking the bank API's keys, from `debtdesk apikey` (bot/api_keys_command.py) or
the staff console (bot/console_admin.py): the key is returned once, only its keyed hash is kept,
and each change is an audit row naming who made it (`cli`, or `staff:<name>`)."""

from __future__ import annotations

import re
from datetime import datetime

from store import audit
from store.api_keys import create_key, revoke_key
from store.db import Store

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class ApiKeyError(Exception):
    """One line for the operator."""


async def create_api_key(store: Store, secret: bytes, name: str, scope: str, now: datetime,
                         by: str = "cli") -> str:
    if not _NAME.fullmatch(name):
        raise ApiKeyError(f"key name {name!r}: 1-64 letters, digits, '.', '_' or '-'")
    async with store.unit() as db:
        key = await create_key(db, secret, name, scope, now)
        if key is None:
            raise ApiKeyError(f"a key named {name} exists already (revoked names stay taken)")
        await audit.append(db, by, "apikey_create", None, now, {"name": name, "scope": scope})
    return key


async def revoke_api_key(store: Store, name: str, now: datetime, by: str = "cli") -> None:
    async with store.unit() as db:
        if not await revoke_key(db, name, now):
            raise ApiKeyError(f"there is no active key named {name}")
        await audit.append(db, by, "apikey_revoke", None, now, {"name": name})
