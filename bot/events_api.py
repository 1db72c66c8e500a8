"""`GET /api/v1/events?after=CURSOR`: the event feed, for banks that pull instead of receiving.

The same events as the webhook (ops/event_body.py), straight from the outbox in id order. The
cursor is the id of the last event read (an opaque string to the caller); `next` in the answer is
the cursor for the following call, the same one again when nothing new has happened, so a
client loops on it. The feed keeps no state of its own: any number of readers, each its cursor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel

from ops.event_body import event_body
from store import event_deliveries as deliveries
from store.db import Store

MAX_LIMIT = 1000


class Event(BaseModel):
    id: str  # evt_N, as the webhook-id header
    type: str  # promise.made, promise.kept, case.closed ... (README, "Events")
    timestamp: str
    data: dict[str, Any]


class EventPage(BaseModel):
    events: list[Event]
    next: str  # pass as ?after= for the events after these


def parse_cursor(after: str) -> int:
    """The id inside a cursor: "" or "0" is the start, "evt_N" and "N" are both accepted."""
    digits = after.removeprefix("evt_") or "0"
    if not digits.isdigit() or len(digits) > 18:
        raise HTTPException(status_code=400, detail="after must be a cursor from an earlier answer's next")
    return int(digits)


def events_router(store: Store, auth_dependency: Callable[..., Any] | None = None,
                  prefix: str = "/api/v1") -> APIRouter:
    """The feed's router; `auth_dependency` (the API's Bearer-key check) guards every route."""
    dependencies = [Depends(auth_dependency)] if auth_dependency is not None else []
    router = APIRouter(prefix=prefix, tags=["events"], dependencies=dependencies)

    @router.get("/events", response_model=EventPage, summary="The events after a cursor, oldest first")
    async def list_events(
        after: str = Query("0", max_length=40, description="`next` of the previous page; 0 for the start"),
        limit: int = Query(100, ge=1, le=MAX_LIMIT),
    ) -> EventPage:
        start = parse_cursor(after)
        rows = await store.run_read(deliveries.feed, start, limit)
        events = [Event(**event_body(row)) for row in rows]
        return EventPage(events=events, next=str(rows[-1].id if rows else start))

    return router
