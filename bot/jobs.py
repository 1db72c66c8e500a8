"""The scheduled jobs on PTB's JobQueue, and the door through which unprompted messages go.

Each job calls a use case in ops/ (which decides who gets which Reply and records what was
sent) and hands it `telegram_sender`: render in the debtor's language, send, and say what
became of it. Telegram's errors stop here.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from telegram.error import Forbidden, TelegramError

from bot.i18n import translator
from bot.render import Rendered, render
from debt.local_time import bank_today
from debt.pay_signing import PayNow
from debt.policy import Policy
from ops.case_closing import expire_callbacks
from ops.decision_messages import owed_messages, tell
from ops.housekeeping import prune_processed_updates
from ops.reminders import Delivery, Send, Unprompted, deliver, due_reminders
from ops.sweeper import sweep
from store.db import Store

log = logging.getLogger("debtdesk.jobs")

SendRendered = Callable[[int, Rendered], Awaitable[Any]]
PRUNE_INTERVAL_SECONDS = 3600
PRUNE_JOB = "prune processed updates"


@dataclass(frozen=True)
class JobDeps:
    """What the scheduled jobs need; pass as `data=` to run_repeating."""

    store: Store
    policy: Policy
    now: Callable[[], datetime]
    pay_now: PayNow | None = None  # "Pay now" in the bank's answers (ops/decision_messages.py)


def telegram_send_rendered(bot: Any) -> SendRendered:
    async def send(chat_id: int, rendered: Rendered) -> Any:
        markup = rendered.inline_markup
        return await bot.send_message(chat_id=chat_id, text=rendered.text, reply_markup=markup)

    return send


def telegram_sender(send: SendRendered) -> Send:
    """Render each message in its language and send it; a 403 is BLOCKED, any other Telegram
    error FAILED (not logged as sent: the next run tries again)."""

    async def deliver_one(message: Unprompted) -> Delivery:
        rendered = render(message.reply, message.locale, translator(message.locale))
        try:
            await send(message.chat_id, rendered)
        except Forbidden:
            return Delivery.BLOCKED
        except TelegramError as exc:
            log.warning("unprompted %s message not sent: %s", message.kind, type(exc).__name__)
            return Delivery.FAILED
        return Delivery.SENT

    return deliver_one


def once_in_cluster(job: Callable[[Any], Awaitable[None]]) -> Callable[[Any], Awaitable[None]]:
    """The job's run, unless another instance on the same PostgreSQL database is running it now
    (the store's claim, released by PostgreSQL if that instance dies). What each job sends is
    derived from the rows and recorded once sent, so a later run by any instance finds it done:
    the runs one after another, never side by side, send each message once."""

    @functools.wraps(job)
    async def run(context: Any) -> None:
        deps: JobDeps = context.job.data
        async with deps.store.claim(job.__name__) as mine:
            if mine:
                await job(context)

    return run


def _sender(context: Any) -> Send:
    return telegram_sender(telegram_send_rendered(context.bot))


@once_in_cluster
async def reminder_job(context: Any) -> None:
    """For PTB's JobQueue.run_repeating(reminder_job, interval=600, data=JobDeps(...))."""
    deps: JobDeps = context.job.data
    messages = await due_reminders(deps.store, deps.policy, deps.now())
    if messages:
        sent = await deliver(deps.store, _sender(context), messages, deps.now)
        log.info("reminders: %d of %d sent", sent, len(messages))


@once_in_cluster
async def sweep_job(context: Any) -> None:
    """For PTB's JobQueue.run_repeating(sweep_job, interval=3600, data=JobDeps(...))."""
    deps: JobDeps = context.job.data
    report = await sweep(deps.store, deps.policy, bank_today(deps.policy, deps.now()), deps.now)
    sent = await deliver(deps.store, _sender(context), report.messages, deps.now)
    log.info("sweep: %d broken, %d partial, %d debtor messages sent", report.broken, report.partial, sent)


@once_in_cluster
async def decisions_job(context: Any) -> None:
    """For PTB's JobQueue.run_repeating(decisions_job, interval=600, data=JobDeps(...))."""
    deps: JobDeps = context.job.data
    expired = await expire_callbacks(deps.store, deps.policy, deps.now())
    owed = await owed_messages(deps.store, deps.policy, deps.now(), deps.pay_now)
    sent = await tell(deps.store, _sender(context), owed, deps.now)
    if expired or owed:
        log.info("decisions: %d call-back requests expired, %d of %d messages sent", expired, sent, len(owed))


@once_in_cluster
async def prune_job(context: Any) -> None:
    """For PTB's JobQueue.run_repeating(prune_job, interval=3600, data=JobDeps(...))."""
    deps: JobDeps = context.job.data
    forgotten = await prune_processed_updates(deps.store, deps.policy, deps.now())
    if forgotten:
        log.info("forgot %d answered update ids older than the policy's keep_days", forgotten)


def schedule_housekeeping(job_queue: Any, deps: JobDeps) -> None:
    # first=60: a restart after a long silence clears old ids a minute in, not an hour later.
    job_queue.run_repeating(prune_job, interval=PRUNE_INTERVAL_SECONDS, first=60, data=deps, name=PRUNE_JOB)
