"""Issue 13 item 6: /metrics counts the bank's events: the backlog, the deliveries and the failures."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from bot.metrics import Metrics
from store import event_deliveries as deliveries
from store import outbox
from store.notice_payloads import PromiseNotice


def events_by_state(metrics: Metrics) -> dict[str, float]:
    text = metrics.exposition().decode()
    return {s.labels["state"]: s.value for family in text_string_to_metric_families(text)
            for s in family.samples if s.name == "debtdesk_events"}


async def test_metrics_show_the_events_pending_delivered_and_dead(store, now):
    async with store.unit() as db:
        await deliveries.subscribe(db, deliveries.WEBHOOK, now)
        ids = [await outbox.enqueue(db, PromiseNotice(account_ref=f"A-{n}"), now) for n in range(3)]
        await deliveries.fan_out(db, deliveries.WEBHOOK, now)
        await deliveries.mark_delivered(db, deliveries.WEBHOOK, ids[0], now)
        await deliveries.mark_failed(db, deliveries.WEBHOOK, ids[1], "HTTP 500", None, now)  # retries ran out
    metrics = Metrics()
    await metrics.refresh(store)
    assert events_by_state(metrics) == {"pending": 1.0, "delivered": 1.0, "dead": 1.0}
