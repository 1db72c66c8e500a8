"""`debtdesk apikey create NAME --scope read|write | list | revoke NAME`: keys for the bank API.

`create` prints the key once, on stdout alone (so `KEY=$(debtdesk apikey create ...)` works);
only its keyed hash is stored. A revoked key's name stays taken: the audit rows name it.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

from ops.api_key_admin import ApiKeyError, create_api_key, revoke_api_key
from ops.settings import Config
from store.api_keys import list_keys
from store.db import Store

__all__ = ["ApiKeyError", "run_apikey"]

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
