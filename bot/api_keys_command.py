"""`debtdesk apikey create NAME --scope read|write | list | revoke NAME`: keys for the bank API.

`create` prints the key once, on stdout alone (so `KEY=$(debtdesk apikey create ...)` works);
only its keyed hash is stored. A revoked key's name stays taken: the audit rows name it.
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from typing import Any

from ops.settings import Config
from store import audit
from store.api_keys import create_key, list_keys, revoke_key
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


async def run_apikey(
    config: Config, action: str, name: str | None, scope: str | None, out: Any = None
) -> int:
    out = out or sys.stdout
    now = datetime.now(UTC)  # the shell owns the wall clock
    store = await Store.open(config.db_path)
    try:
        if action == "create":
            key = await create_api_key(store, config.require_secret(), name or "", scope or "read", now)
            print(key, file=out)
            print(f"apikey: {name} ({scope}) created; the key is shown this once", file=sys.stderr)
        elif action == "revoke":
            await revoke_api_key(store, name or "", now)
            print(f"apikey: {name} revoked", file=out)
        else:
            async with store.read() as db:
                keys = await list_keys(db)
            for k in keys:
                state = f"revoked {k.revoked_at}" if k.revoked_at else "active"
                print(f"{k.name}\t{k.scope}\tcreated {k.created_at}\t{state}", file=out)
            print(f"apikey: {len(keys)} keys", file=sys.stderr)
    finally:
        await store.close()
    return 0
