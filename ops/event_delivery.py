"""The deliverer: POSTs every outbox event to DEBTDESK_EVENTS_URL, signed, at least once.

It runs as one asyncio task beside the notifier while the bot serves. Each pass fans the new
outbox rows out into deliveries (store/event_deliveries.py), then sends the due ones, at most one
per account at a time and in id order, so an account's events arrive in the order they happened.
An answer other than 2xx, a timeout or a connection error is a failed try: retried after
backoff * 2**(tries-1) seconds (at most an hour), and after DEBTDESK_EVENTS_RETRIES retries the
event becomes a dead letter until `debtdesk events retry` replays it. The rows are the state, so
a restarted bot carries on where the last one stopped; a POST cut off by a crash goes again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx

from ops.event_body import encode, event_body, webhook_id
from ops.event_signing import signed_headers
from ops.settings import Config, EventsSettings
from store import event_deliveries as deliveries
from store.db import Store

log = logging.getLogger("debtdesk.events")

BATCH = 50
POLL_SECONDS = 1.0  # how often rows written by other processes (the CLI's approvals, sweep) are seen
STOP_AGAIN_SECONDS = 1.0  # stop(): how long a cancelled task may take before it is cancelled again
BACKOFF_CAP = timedelta(hours=1)


def wall_clock() -> datetime:
    """Real time: webhook-timestamp must be the receiver's now, whatever the bot's business clock."""
    return datetime.now(UTC)


def retry_delay(settings: EventsSettings, attempts: int) -> timedelta:
    """The wait after the attempts-th failure: backoff, twice as long each time, capped."""
    return min(BACKOFF_CAP, timedelta(seconds=settings.backoff) * (2 ** min(attempts - 1, 20)))


class Deliverer:
    """`start()` in the serving process, `kick()` after a unit of work that wrote events, `stop()`."""

    def __init__(self, store: Store, settings: EventsSettings, *,
                 clock: Callable[[], datetime] = wall_clock,
                 transport: httpx.AsyncBaseTransport | None = None,
                 subscriber: str = deliveries.WEBHOOK) -> None:
        self.store, self.settings, self.clock, self.subscriber = store, settings, clock, subscriber
        self._transport = transport
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        """Subscribe (from the events after now, on the first start ever), then deliver until stopped."""
        if self._task is None:
            await self.store.run_unit(deliveries.subscribe, self.subscriber, self.clock())
            self._task = asyncio.get_running_loop().create_task(self._run(), name="debtdesk-events")

    def kick(self) -> None:
        self._wake.set()

    async def stop(self) -> None:
        """Stop sending: what is left waits in the database for the next start. The task is
        cancelled again until it ends: on Python 3.11, asyncio.wait_for (in _sleep) can lose a
        cancellation that comes as its wait ends (python/cpython#86296, fixed in 3.12)."""
        task, self._task = self._task, None
        while task is not None and not task.done():
            task.cancel()
            await asyncio.wait({task}, timeout=STOP_AGAIN_SECONDS)
        if task is not None:
            await asyncio.gather(task, return_exceptions=True)  # its end retrieved, never raised

    async def _run(self) -> None:
        async with httpx.AsyncClient(timeout=self.settings.timeout, transport=self._transport,
                                     follow_redirects=False) as client:
            while True:
                try:
                    if not await self.deliver_due(client):
                        await self._sleep()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # a locked or broken database: keep serving, try again
                    log.error("event delivery pass failed: %s", type(exc).__name__)
                    await asyncio.sleep(POLL_SECONDS)

    async def _sleep(self) -> None:
        wait = POLL_SECONDS
        when = await self.store.run_read(deliveries.next_attempt, self.subscriber)
        if when is not None:
            wait = min(wait, max(0.0, (datetime.fromisoformat(when) - self.clock()).total_seconds()))
        self._wake.clear()
        try:
            await asyncio.wait_for(self._wake.wait(), wait)
        except TimeoutError:
            pass

    async def deliver_due(self, client: httpx.AsyncClient) -> int:
        """One pass: fan out, then send the oldest due event, again and again (at most BATCH), so
        that events go out in id order while they are taken; how many arrived. A failed one waits
        for its retry, and only its own account's later events wait with it. Instances sharing a
        PostgreSQL database take turns: one holds the subscriber's claim, the others skip the pass."""
        async with self.store.claim(f"events:{self.subscriber}") as mine:
            return await self._deliver_due(client) if mine else 0

    async def _deliver_due(self, client: httpx.AsyncClient) -> int:
        if await self.store.run_read(deliveries.behind, self.subscriber):
            await self.store.run_unit(deliveries.fan_out, self.subscriber, self.clock())
        sent = 0
        for _ in range(BATCH):
            rows = await self.store.run_read(deliveries.due, self.subscriber, self.clock(), 1)
            if not rows:
                break
            sent += await self._deliver(client, rows[0])
        return sent

    async def _deliver(self, client: httpx.AsyncClient, delivery: deliveries.Delivery) -> int:
        body = encode(event_body(delivery.event))
        msg_id = webhook_id(delivery.event.id)
        headers = signed_headers(self.settings.key, msg_id, int(self.clock().timestamp()), body)
        try:
            answer = await client.post(self.settings.url, content=body, headers=headers)
            error = None if 200 <= answer.status_code < 300 else f"HTTP {answer.status_code}"
        except httpx.HTTPError as exc:  # timeouts, refused connections, broken answers
            error = type(exc).__name__
        if error is None:
            await self.store.run_unit(deliveries.mark_delivered, self.subscriber, delivery.event.id,
                                      self.clock())
            return 1
        await self._failed(delivery, msg_id, error)
        return 0

    async def _failed(self, delivery: deliveries.Delivery, msg_id: str, error: str) -> None:
        attempts = delivery.attempts + 1
        now = self.clock()
        retry_at = now + retry_delay(self.settings, attempts) if attempts <= self.settings.retries else None
        if retry_at is None:
            log.error("event %s not delivered after %d tries (%s): kept as a dead letter",
                      msg_id, attempts, error)
        else:
            log.warning("event %s not delivered (%s); try %d again at %s", msg_id, error, attempts + 1,
                        retry_at.isoformat(timespec="seconds"))
        await self.store.run_unit(deliveries.mark_failed, self.subscriber, delivery.event.id, error,
                                  retry_at, now)


def events_deliverer(config: Config, store: Store, bot_data: dict) -> Deliverer | None:
    """The deliverer when DEBTDESK_EVENTS_URL is set; kept in bot_data for serve to start and stop."""
    if config.events is None:
        return None
    deliverer = Deliverer(store, config.events)
    bot_data["events"] = deliverer
    return deliverer


def kick_all(*subscribers) -> Callable[[], None] | None:
    """One callback that wakes every subscriber present (the notifier, the deliverer) after an update."""
    present = [subscriber for subscriber in subscribers if subscriber is not None]
    if not present:
        return None

    def kick() -> None:
        for subscriber in present:
            subscriber.kick()

    return kick
