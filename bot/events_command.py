"""`debtdesk events failed|retry [ID|--all]`: the dead letters of the event deliveries, and replay.

`failed` lists each event whose retries ran out (id, type, account, tries, last error, when);
the later events of its account wait behind it, so that an account's events always arrive in
order. `retry ID` or `retry --all` puts dead letters back in line with a fresh count of tries,
and the running bot sends them within a second or so, the events behind them after them. Nothing here prints
a payload: the type and the account reference say which event it is.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

from ops.event_body import event_type, payload_of, webhook_id
from ops.settings import Config
from store import event_deliveries as deliveries
from store.db import Store


class EventsError(Exception):
    """A request the command cannot meet: one line for the operator."""


def parse_event_id(text: str) -> int:
    """An event id as `failed` prints it ("evt_12") or bare ("12")."""
    digits = text.removeprefix("evt_")
    if not digits.isdigit():
        raise EventsError(f"not an event id: {text!r} (as `debtdesk events failed` shows them, evt_N)")
    return int(digits)


def _line(dead: deliveries.Delivery) -> str:
    event = dead.event
    kind = event_type(event.kind, payload_of(event))
    return (f"{webhook_id(event.id)}\t{kind}\t{event.account_ref or '-'}\t"
            f"{dead.attempts} tries\t{dead.last_error or '-'}\t{dead.dead_at}")


async def run_events(config: Config, action: str, target: str | None, every: bool, out: Any = None) -> int:
    """The CLI's `events` command; an EventsError reaches the CLI as one line, exit 2."""
    out = out or sys.stdout
    now = datetime.now(UTC)  # the shell owns the wall clock
    event_id = None if every or target is None else parse_event_id(target)
    if action == "retry" and event_id is None and not every:
        raise EventsError("name the event to send again (evt_N) or give --all")
    store = await Store.open(config.db_path)
    try:
        if action == "failed":
            async with store.read() as db:
                rows = await deliveries.dead_letters(db, deliveries.WEBHOOK)
                waiting = (await deliveries.counts(db, deliveries.WEBHOOK))["pending"]
            for row in rows:
                print(_line(row), file=out)
            # An account's later events wait behind its dead letter, so that they arrive in order.
            print(f"events: {len(rows)} dead letters; {waiting} more waiting to be sent", file=sys.stderr)
            return 0
        async with store.unit() as db:
            count = await deliveries.replay(db, deliveries.WEBHOOK, event_id, now)
        if event_id is not None and not count:
            raise EventsError(f"{webhook_id(event_id)} is not a dead letter (see `debtdesk events failed`)")
        print(f"events: {count} sent back to the queue; the running bot delivers them in order", file=out)
        return 0
    finally:
        await store.close()
