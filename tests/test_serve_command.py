"""`debtdesk serve` from the command line: registering the webhook, refusing to start without its
secret; and the app factory taking the routers of other parts of debtdesk (the bank's API)."""

from __future__ import annotations

import asyncio
import socket

import httpx
from db_kit import database
from fastapi import APIRouter, Request
from serve_kit import DEBTDESK, WEBHOOK_SECRET, serve_environment
from telegram.ext import ApplicationBuilder

from bot.config import load_config
from bot.web_app import build_web_app


async def run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(DEBTDESK, "serve", *args, env=env,
                                                   stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, out.decode(), err.decode()


async def test_set_webhook_registers_the_url_with_the_secret_and_update_kinds_then_exits(api, tmp_path):
    env = serve_environment(api, database(tmp_path, "bot.db"))
    code, out, err = await run(env, "--set-webhook", "https://bot.example.test/telegram")
    assert code == 0, err
    assert "https://bot.example.test/telegram" in out
    (args,) = [args for method, args in api.calls if method == "setWebhook"]
    assert args["url"] == "https://bot.example.test/telegram"
    assert args["secret_token"] == WEBHOOK_SECRET
    assert args["allowed_updates"] == ["message", "callback_query", "pre_checkout_query"]
    assert WEBHOOK_SECRET not in err + out and api.token not in err + out


async def test_set_webhook_refuses_an_address_that_is_not_https(api, tmp_path):
    env = serve_environment(api, database(tmp_path, "bot.db"))
    code, _, err = await run(env, "--set-webhook", "http://bot.example.test/telegram")
    assert code == 2
    assert err.strip() == "debtdesk: --set-webhook must be an https:// address, not " \
                          "'http://bot.example.test/telegram'"
    assert api.calls == []


async def test_serve_refuses_to_start_without_the_webhook_secret(api, tmp_path):
    env = serve_environment(api, database(tmp_path, "bot.db"))
    del env["DEBTDESK_WEBHOOK_SECRET"]
    code, _, err = await run(env)
    assert code == 2
    assert "DEBTDESK_WEBHOOK_SECRET" in err and "Traceback" not in err
    assert api.calls == [] and not (tmp_path / "bot.db").exists()


async def test_the_app_factory_includes_the_routers_it_is_given(api, tmp_path, store):
    router = APIRouter(prefix="/api/v1")

    @router.get("/ping")
    async def ping(request: Request) -> dict:
        return {"store": request.app.state.store is store}

    config = load_config(env=serve_environment(api, database(tmp_path, "bot.db")))
    telegram = ApplicationBuilder().token(api.token).build()  # never started: only routed to
    app = build_web_app(config, store, telegram, routers=[router])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app") as client:
        assert (await client.get("/api/v1/ping")).json() == {"store": True}
        paths = (await client.get("/openapi.json")).json()["paths"]
        # The bank's API is described; Telegram's door and the operators' endpoints are not.
        assert set(paths) == {"/api/v1/ping"}
        assert (await client.post("/telegram", content=b"{}")).status_code == 401


async def test_serve_on_a_port_in_use_is_one_clear_line(api, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = await run(serve_environment(api, database(tmp_path, "bot.db")), "--port", str(port))
    assert code == 2
    assert f"debtdesk: cannot listen on 127.0.0.1:{port}" in err and "Traceback" not in err
