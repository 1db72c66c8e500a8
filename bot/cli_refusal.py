"""`debtdesk refuse-contact REF [--withdraw]`: the operator's line for ops/contact_refusal.py."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from ops.contact_refusal import set_refusal
from ops.settings import Config
from store.db import Store


async def run_refuse_contact(config: Config, ref: str, withdraw: bool) -> int:
    """A RefusalError (no such account) reaches the CLI as one line, exit 2."""
    store = await Store.open(config.db_path)
    try:
        changed = await set_refusal(store, ref, not withdraw, "cli", datetime.now(UTC))  # the shell's clock
    finally:
        await store.close()
    state = "withdrawn" if withdraw else "recorded: nothing unprompted is sent; the queue leaves it out"
    print(f"refuse-contact: {ref} {state}" + ("" if changed else " (already so)"), file=sys.stderr)
    return 0
