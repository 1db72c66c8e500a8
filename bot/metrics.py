"""Prometheus metrics for `debtdesk serve`: what the bot does, in counts and seconds.

Every label is a code from a closed set (an update's kind, a flow event's kind, a Bot API
method, an exception class, a notice kind): never a chat id, a reference or anything a person
typed. Each Metrics has a registry of its own, so tests and benchmarks can build several apps
in one process.
"""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

from bot.notifier import Send
from flows.engine import Flows
from flows.types import Event, Outcome
from store import event_deliveries as deliveries
from store.db import Store
from store.outbox_stats import outbox_stats

CONTENT_TYPE = CONTENT_TYPE_LATEST
# A flow step takes about a millisecond on a quiet machine; a slow one (a locked file) seconds.
FLOW_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
LOCK_KIND = "lock"  # the outbox kind flows/verify_limits.py writes when verification locks


class Metrics:
    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        self.updates = Counter("debtdesk_updates", "Telegram updates handled, by the update's kind",
                               ["kind"], registry=registry)
        self.rejected = Counter("debtdesk_webhook_rejected", "Webhook requests refused or dropped, by reason",
                                ["reason"], registry=registry)
        self.update_seconds = Histogram("debtdesk_update_seconds",
                                        "A webhook update from its arrival to its answer (flow and replies)",
                                        buckets=FLOW_BUCKETS, registry=registry)
        self.flow_seconds = Histogram("debtdesk_flow_seconds", "One flow step (a transaction), by event",
                                      ["event"], buckets=FLOW_BUCKETS, registry=registry)
        self.api_errors = Counter("debtdesk_bot_api_errors", "Bot API calls that failed, by method and error",
                                  ["method", "error"], registry=registry)
        self.backlog = Gauge("debtdesk_outbox_backlog", "Collectors' notices not yet delivered",
                             registry=registry)
        self.delivered = Counter("debtdesk_notices_delivered", "Collectors' notices Telegram accepted",
                                 registry=registry)
        self.failed = Counter("debtdesk_notices_failed", "Notice sends that failed (tried again later)",
                              registry=registry)
        self.queued = Counter("debtdesk_notices_queued", "Collectors' notices written to the outbox, by kind",
                              ["kind"], registry=registry)
        self.locks = Counter("debtdesk_verification_locks", "Verification locks (a chat paused, an account "
                             "slowed down)", registry=registry)
        self.events = Gauge("debtdesk_events", "The bank's event deliveries by state: pending (the backlog), "
                            "delivered, dead (retries ran out; `debtdesk events retry`)", ["state"],
                            registry=registry)
        self._last_outbox_id: int | None = None

    def counting_request(self) -> HTTPXRequest:
        """The Bot API request object for ApplicationBuilder.request(): PTB's own, counting errors."""
        return CountingRequest(self, connection_pool_size=256)  # PTB's default pool size

    def counted_send(self, send: Send) -> Send:
        """The notifier's send, counting what Telegram accepted and what failed."""

        async def counted(chat_id: int, text: str) -> Any:
            try:
                result = await send(chat_id, text)
            except Exception:
                self.failed.inc()
                raise
            self.delivered.inc()
            return result

        return counted

    async def refresh(self, store: Store) -> None:
        """Read what only the database knows (the backlog, notices queued by any process)."""
        stats = await store.run_read(outbox_stats, self._last_outbox_id)
        self.backlog.set(stats.backlog)
        for kind, count in stats.queued.items():
            self.queued.labels(kind=kind).inc(count)
            if kind == LOCK_KIND:
                self.locks.inc(count)
        self._last_outbox_id = stats.last_id
        for state, count in (await store.run_read(deliveries.counts, deliveries.WEBHOOK)).items():
            self.events.labels(state=state).set(count)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class CountingRequest(HTTPXRequest):
    """PTB's HTTPX request, counting every failed call by Bot API method and error class."""

    def __init__(self, metrics: Metrics, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._metrics = metrics

    async def post(self, url: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().post(url, *args, **kwargs)
        except TelegramError as exc:
            # The URL carries the token: only its last part, the method's name, is kept.
            method = url.rsplit("/", 1)[-1]
            self._metrics.api_errors.labels(method=method, error=type(exc).__name__).inc()
            raise


class MeteredFlows(Flows):
    """Flows whose every step is timed, by the event's kind (command, text, button, contact)."""

    def __init__(self, *args: Any, metrics: Metrics, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.metrics = metrics

    async def handle(self, event: Event) -> Outcome:
        started = time.perf_counter()
        try:
            return await super().handle(event)
        finally:
            self.metrics.flow_seconds.labels(event=event.kind).observe(time.perf_counter() - started)
