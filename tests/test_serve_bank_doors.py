"""Issue 13: one server. `debtdesk serve` holds the Telegram webhook and, behind the same API
keys, the bank API and the event feed under /api/v1, all in one OpenAPI document."""

from __future__ import annotations

import subprocess
import sys

from db_kit import database
from serve_kit import ServeProcess, serve_environment


def new_key(env: dict[str, str], name: str, scope: str) -> str:
    done = subprocess.run([sys.executable, "-m", "bot", "apikey", "create", name, "--scope", scope],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


async def test_serve_answers_the_bank_api_and_the_event_feed_behind_the_same_keys(api, tmp_path):
    env = serve_environment(api, database(tmp_path, "bot.db"))
    server = ServeProcess(api, env, tmp_path / "serve.err")
    try:
        await server.start()
        key = new_key(env, "dialer", "read")  # the server and the command line share the database
        bearer = {"Authorization": f"Bearer {key}"}
        document = (await server.client.get("/openapi.json")).json()
        assert {"/api/v1/accounts", "/api/v1/queue", "/api/v1/events"} <= set(document["paths"])
        assert (await server.client.get("/api/v1/queue")).status_code == 401
        assert (await server.client.get("/api/v1/events")).status_code == 401
        assert (await server.client.get("/api/v1/queue", headers=bearer)).status_code == 200
        feed = await server.client.get("/api/v1/events", headers=bearer)
        assert feed.status_code == 200 and feed.json()["events"] == []
        refused = await server.client.post("/api/v1/accounts", json={"accounts": []}, headers=bearer)
        assert refused.status_code == 403  # a read key does not write, on this server too
    finally:
        await server.close()
