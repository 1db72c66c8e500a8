"""DEBTDESK_JOBS_FIRST: the sweep, the reminders and the decisions' messages first run that many
seconds after start (a restarted instance catches up at once); unset, one interval in, as
before. A bad value stops the program with one line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.config import ConfigError, load_config
from bot.telegram_app import build_application
from flows.engine import Flows

ENV = {"DEBTDESK_BOT_TOKEN": "123456:TEST-token", "DEBTDESK_POLICY": "uk",
       "DEBTDESK_SECRET": "test-secret-0123456789abcdef"}
JOBS = ("reminder_job", "sweep_job", "decisions_job")


async def first_runs(store, api, env: dict[str, str]) -> dict[str, timedelta]:
    """How long after the job queue starts each periodic job first runs."""
    config = load_config(env={**ENV, "DEBTDESK_DB": store.path, "DEBTDESK_BOT_API_URL": api.base_url, **env})
    application = build_application(config, Flows(store, config.policy, config.secret, lambda: None),
                                    now=lambda: None)
    async with application:
        await application.start()
        try:
            started = datetime.now(UTC)
            jobs = application.job_queue.jobs()
            return {job.name: job.next_t - started for job in jobs if job.name in JOBS}
        finally:
            await application.stop()


async def test_the_jobs_run_first_after_the_seconds_set(store, api):
    soon = await first_runs(store, api, {"DEBTDESK_JOBS_FIRST": "2"})
    assert set(soon) == set(JOBS)
    assert all(timedelta(0) < wait <= timedelta(seconds=2) for wait in soon.values()), soon
    later = await first_runs(store, api, {})
    assert later["sweep_job"] > timedelta(minutes=59) and later["reminder_job"] > timedelta(minutes=9)


@pytest.mark.parametrize("value", ["0", "-1", "soon", "3601"])
def test_a_bad_first_run_is_refused(value):
    with pytest.raises(ConfigError, match="DEBTDESK_JOBS_FIRST"):
        load_config(env={**ENV, "DEBTDESK_JOBS_FIRST": value})
