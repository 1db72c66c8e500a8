"""One outbox row as the event the bank's systems receive (pushed or pulled), as JSON.

The shape follows Standard Webhooks: {"type", "timestamp", "data"}, plus the event's "id" (the
same as the webhook-id header, so a receiver can drop a repeat). The data is the outbox payload
cut down to an allow-list: the account reference, stage, days late, amounts (Decimal strings with
their currency), dates, ids and codes. Anything else the collectors' notice carries stays out: the
debtor's phone for a call-back, a chat id, the free text of a dispute or of a decline (it may hold
anything, a name included). A new payload key is left out until it is added here on purpose.
"""

from __future__ import annotations

import json
from typing import Any

from store.event_deliveries import OutboxEvent

# outbox kind -> event type; "broken" with status "partial" is promise.partial (bot/sweeper.py).
TYPES = {
    "promise": "promise.made",
    "arrangement": "arrangement.chosen",
    "dispute": "dispute.opened",
    "hardship": "hardship.reported",
    "callback": "callback.requested",
    "lock": "verification.locked",
    "kept": "promise.kept",
    "broken": "promise.broken",
    "approved": "arrangement.approved",
    "declined": "arrangement.declined",
    "case_closed": "case.closed",
    "opt_out": "contact.opted_out",
    "opt_in": "contact.opted_in",
    "payment": "payment.received",
    "reversal": "payment.reversed",
}
ALLOWED = frozenset({
    "account_ref", "stage", "dpd", "today", "currency",
    "balance", "overdue", "amount", "paid", "total", "fees", "discount", "amount_now",
    "due", "first_due", "until", "schedule", "day",
    "promise_id", "arrangement_id", "case_id", "payment_id",
    "status", "source", "plan", "plan_kind", "months", "reason", "window", "scope", "case_kind", "outcome",
})
SCHEDULE_KEYS = frozenset({"number", "due", "amount"})


def webhook_id(event_id: int) -> str:
    """The event's id in headers and body: the same on every retry and in the feed."""
    return f"evt_{event_id}"


def event_type(kind: str, payload: dict[str, Any]) -> str:
    if kind == "broken" and payload.get("status") == "partial":
        return "promise.partial"
    return TYPES.get(kind, f"notice.{kind}")


def _data(payload: dict[str, Any], account_ref: str | None) -> dict[str, Any]:
    data = {key: value for key, value in payload.items() if key in ALLOWED}
    schedule = data.get("schedule")
    if isinstance(schedule, list):
        data["schedule"] = [{k: v for k, v in item.items() if k in SCHEDULE_KEYS}
                            for item in schedule if isinstance(item, dict)]
    elif "schedule" in data:
        del data["schedule"]
    data["account_ref"] = account_ref  # the row's own column: None for a lock on an unknown reference
    return data


def payload_of(event: OutboxEvent) -> dict[str, Any]:
    """The outbox row's JSON payload as a dict (an empty one where it is damaged)."""
    try:
        payload = json.loads(event.payload or "{}")
    except ValueError:
        payload = {}
    return payload if isinstance(payload, dict) else {}


def event_body(event: OutboxEvent) -> dict[str, Any]:
    """The event for one outbox row."""
    payload = payload_of(event)
    return {
        "id": webhook_id(event.id),
        "type": event_type(event.kind, payload),
        "timestamp": event.created_at,
        "data": _data(payload, event.account_ref),
    }


def encode(body: dict[str, Any]) -> bytes:
    """The bytes that are signed and sent: compact, keys sorted, UTF-8."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
