"""`GET /api/v1/events?after=CURSOR` (issue 13): the event feed for banks that pull, a FastAPI
router mounted here on a tiny app of the test's own, with a stand-in Bearer-key dependency."""

from __future__ import annotations

import httpx
from fastapi import FastAPI, Header, HTTPException

from bot.events_api import events_router
from store import outbox
from store.notice_payloads import from_dict

PHONE = "+447911000001"

async def enqueue_legacy(db, kind: str, ref: str | None, payload: dict, now) -> int:
    """A notice written as its JSON payload (the record is read from it, as from an old outbox row)."""
    return await outbox.enqueue(db, from_dict(kind, payload, ref), now)



def bearer(authorization: str = Header("")) -> None:
    if authorization != "Bearer good-key":
        raise HTTPException(status_code=401, detail="no such key")


def client(app: FastAPI, key: str | None = "good-key") -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://feed", headers=headers)


async def enqueue_some(store, now, count: int) -> list[int]:
    ids = []
    async with store.unit() as db:
        for n in range(count):
            ids.append(await enqueue_legacy(db, "callback", f"UK-{n:04d}", {
                "kind": "callback", "account_ref": f"UK-{n:04d}", "stage": "M1", "window": "evening",
                "phone": PHONE, "case_id": n}, now))
    return ids


async def test_the_event_feed_pages_through_every_event_with_a_cursor(store, now):
    app = FastAPI()
    app.include_router(events_router(store, auth_dependency=bearer))
    ids = await enqueue_some(store, now, 5)
    async with client(app) as http:
        first = (await http.get("/api/v1/events", params={"limit": 2})).json()
        rest = (await http.get("/api/v1/events", params={"after": first["next"], "limit": 10})).json()
        empty = (await http.get("/api/v1/events", params={"after": rest["next"]})).json()
    assert [e["id"] for e in first["events"] + rest["events"]] == [f"evt_{i}" for i in ids]
    assert empty == {"events": [], "next": rest["next"]}  # nothing new: the same cursor again
    event = first["events"][0]
    assert event["type"] == "callback.requested" and event["timestamp"] == now.isoformat()
    assert event["data"] == {"account_ref": "UK-0000", "stage": "M1", "window": "evening", "case_id": 0}
    assert PHONE not in str(first) + str(rest)


async def test_the_event_feed_needs_the_apis_key_and_a_real_cursor(store, now):
    app = FastAPI()
    app.include_router(events_router(store, auth_dependency=bearer))
    await enqueue_some(store, now, 1)
    async with client(app, key=None) as http:
        assert (await http.get("/api/v1/events")).status_code == 401
    async with client(app, key="wrong") as http:
        assert (await http.get("/api/v1/events")).status_code == 401
    async with client(app) as http:
        assert (await http.get("/api/v1/events", params={"after": "yesterday"})).status_code == 400
        assert (await http.get("/api/v1/events", params={"limit": 0})).status_code == 422
        assert (await http.get("/api/v1/events", params={"after": "evt_1"})).json()["events"] == []
        schema = (await http.get("/openapi.json")).json()
    assert "/api/v1/events" in schema["paths"]
