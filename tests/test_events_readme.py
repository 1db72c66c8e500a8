"""The README's event receiver works: run as written (but on a free port), it accepts the events
debtdesk signs and refuses a tampered one, so a bank can start from it (issue 13, item 5)."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from pathlib import Path

import httpx
from event_receiver import KEY, SECRET

from bot.config import EventsSettings
from ops.event_delivery import Deliverer
from store import event_deliveries as deliveries
from store import outbox
from store.notice_payloads import from_dict

README = Path(__file__).resolve().parent.parent / "README.md"

async def enqueue_legacy(db, kind: str, ref: str | None, payload: dict, now) -> int:
    """A notice written as its JSON payload (the record is read from it, as from an old outbox row)."""
    return await outbox.enqueue(db, from_dict(kind, payload, ref), now)



def readme_receiver(monkeypatch) -> type:
    section = README.read_text("utf-8").split("## Events\n", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    *lines, serve = code.strip().splitlines()
    assert serve.startswith("HTTPServer(") and len(lines) + 1 <= 12
    monkeypatch.setenv("DEBTDESK_EVENTS_SECRET", SECRET)
    namespace: dict = {}
    exec("\n".join(lines), namespace)  # noqa: S102 - the README's own code, under test
    return namespace["Receiver"]


async def test_the_readme_receiver_accepts_debtdesks_events_and_refuses_a_tampered_one(
    store, now, monkeypatch
):
    from http.server import HTTPServer

    server = HTTPServer(("127.0.0.1", 0), readme_receiver(monkeypatch))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        deliverer = Deliverer(store, EventsSettings(url, KEY, 0, 0.05, 2.0))
        await deliverer.start()
        async with store.unit() as db:
            await enqueue_legacy(db, "promise", "UK-0001", {"kind": "promise", "amount": "10.00"}, now)
        deliverer.kick()
        for _ in range(100):
            if (await store.run_read(deliveries.counts, deliveries.WEBHOOK))["delivered"] == 1:
                break
            await asyncio.sleep(0.05)
        await deliverer.stop()
        assert (await store.run_read(deliveries.counts, deliveries.WEBHOOK))["delivered"] == 1
        stamp = str(int(time.time()))
        forged = {"webhook-id": "evt_1", "webhook-timestamp": stamp, "webhook-signature": "v1,AAAA"}
        async with httpx.AsyncClient() as client:
            answer = await client.post(url, content=b'{"id":"evt_1"}', headers=forged)
        assert answer.status_code == 401
    finally:
        server.shutdown()
        server.server_close()
