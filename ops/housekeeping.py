"""Leftovers the bot clears on a schedule (PTB's job queue): answered update ids older than the
policy's [updates] keep_days.

The ids only exist to answer a redelivered update once, and Telegram redelivers for a day at
most; after a week without updates it may start its ids afresh, and a remembered old id would
then make the bot ignore a new message as one it had already answered.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from ops.reminders import JobDeps
from store import updates

log = logging.getLogger("debtdesk.housekeeping")

PRUNE_INTERVAL_SECONDS = 3600
PRUNE_JOB = "prune processed updates"


async def prune_processed_updates(deps: JobDeps) -> int:
    """Forget the update ids answered more than keep_days ago; the count forgotten."""
    before = deps.now() - timedelta(days=deps.policy.update_keep_days)
    async with deps.store.unit() as db:
        return await updates.prune(db, before)


async def prune_job(context: Any) -> None:
    """For PTB's JobQueue.run_repeating(prune_job, interval=3600, data=JobDeps(...))."""
    forgotten = await prune_processed_updates(context.job.data)
    if forgotten:
        log.info("forgot %d answered update ids older than the policy's keep_days", forgotten)


def schedule_housekeeping(job_queue: Any, deps: JobDeps) -> None:
    # first=60: a restart after a long silence clears old ids a minute in, not an hour later.
    job_queue.run_repeating(prune_job, interval=PRUNE_INTERVAL_SECONDS, first=60, data=deps, name=PRUNE_JOB)
