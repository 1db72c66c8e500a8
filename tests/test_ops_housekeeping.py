"""processed_updates does not grow for ever (issue 10, item 11): the bot's job queue forgets
answered update ids older than the policy's [updates] keep_days, so an id Telegram reuses after a
week of silence is answered, while a redelivery inside the window is still answered once."""

from __future__ import annotations

import pytest

from bot.jobs import PRUNE_JOB, JobDeps
from debt.policy import PolicyError, parse_policy
from ops.housekeeping import prune_processed_updates
from store import updates

CHAT = 4401


async def test_processed_updates_are_pruned_by_the_job_queue_and_a_reused_id_is_answered(bot):
    first = bot.api.push_command(CHAT, "start")
    assert await bot.deliver(first, CHAT)
    assert await bot.raw(first, CHAT) == []  # Telegram retrying: answered once

    bot.clock.advance(days=8)  # a week without updates: Telegram may start its ids afresh
    recent = bot.api.push_command(CHAT, "help")
    assert await bot.deliver(recent, CHAT)

    (job,) = bot.app.job_queue.get_jobs_by_name(PRUNE_JOB)  # scheduled with the bot's other jobs
    await job.run(bot.app)

    assert await bot.raw(first, CHAT), "an id older than keep_days is forgotten: the reuse is answered"
    assert await bot.raw(recent, CHAT) == [], "an id inside keep_days is still remembered"


async def test_prune_keeps_exactly_keep_days(bot):
    policy = bot.config.policy
    assert policy.update_keep_days == 2
    async with bot.store.unit() as db:
        await updates.mark(db, 1, bot.clock())
    bot.clock.advance(days=2, seconds=-1)
    deps = JobDeps(bot.store, policy, bot.clock)
    assert await prune_processed_updates(deps.store, deps.policy, deps.now()) == 0
    bot.clock.advance(seconds=2)
    assert await prune_processed_updates(deps.store, deps.policy, deps.now()) == 1


def test_keep_days_is_a_policy_key_below_a_week():
    import tomllib
    from importlib import resources

    data = tomllib.loads(resources.files("debt.presets").joinpath("uk.toml").read_text("utf-8"))
    assert data["updates"]["keep_days"] == 2
    with pytest.raises(PolicyError, match="updates.keep_days: must be at most 6"):
        parse_policy({**data, "updates": {"keep_days": 7}}, "test")
    with pytest.raises(PolicyError, match="updates.keep_days: must be at least 1"):
        parse_policy({**data, "updates": {"keep_days": 0}}, "test")
