"""Leftovers cleared on a schedule (bot.jobs runs it on PTB's job queue): answered update ids
older than the policy's [updates] keep_days.

The ids only exist to answer a redelivered update once, and Telegram redelivers for a day at
most; after a week without updates it may start its ids afresh, and a remembered old id would
then make the bot ignore a new message as one it had already answered.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from debt.policy import Policy
from store import updates
from store.db import Store


async def prune_processed_updates(store: Store, policy: Policy, now: datetime) -> int:
    """Forget the update ids answered more than keep_days ago; the count forgotten."""
    before = now - timedelta(days=policy.update_keep_days)
    async with store.unit() as db:
        return await updates.prune(db, before)
