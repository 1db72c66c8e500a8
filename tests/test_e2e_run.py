"""`debtdesk run` as a real process: polling the fake Bot API, or behind a webhook with a secret,
answering its health probe, and stopping cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from db_kit import database
from fakeapi import FakeBotAPI
from flows_kit import SECRET, Clock, link, seed

from bot.config import ConfigError, load_config
from bot.health import probe
from bot.serve import WebhookOptions, serve
from store.db import Store

DEBTDESK = str(Path(sys.executable).parent / "debtdesk")
CHAT = 701


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def seeded_token(db_path: str) -> str:
    store = await Store.open(db_path)
    try:
        clock = Clock(datetime.now(UTC))  # the process under test reads the real clock
        return await link(store, clock, await seed(store, clock))
    finally:
        await store.close()


def environment(api: FakeBotAPI, db_path: str, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEBTDESK_")}
    env.update(DEBTDESK_BOT_TOKEN=api.token, DEBTDESK_BOT_API_URL=api.base_url, DEBTDESK_DB=db_path,
               DEBTDESK_SECRET=SECRET.decode(), DEBTDESK_POLICY="uk")  # fmt: skip
    return {**env, **more}


async def spawn(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        DEBTDESK, "run", *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )


async def until_healthy(port: int, process: asyncio.subprocess.Process) -> None:
    for _ in range(100):
        if process.returncode is not None:
            raise AssertionError((await process.stderr.read()).decode())
        if await probe("127.0.0.1", port, timeout=1) == 200:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the bot never became healthy")


async def stop(process: asyncio.subprocess.Process) -> str:
    process.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(process.wait(), 15)
    err = (await process.stderr.read()).decode()
    assert code == 0, err
    assert "Traceback" not in err
    return err


async def test_run_polls_answers_and_stops_on_sigterm(api, tmp_path):
    db_path = database(tmp_path, "bot.db")
    token = await seeded_token(db_path)
    health_port = free_port()
    process = await spawn(environment(api, db_path, DEBTDESK_HEALTH_PORT=str(health_port)))
    try:
        await until_healthy(health_port, process)
        api.push_command(CHAT, "start", token)
        said = await api.wait_for_messages(CHAT, 1, timeout=15)
        assert "First, let us confirm it is you" in said[0].text
    finally:
        err = await stop(process)
    assert token not in err and api.token not in err


async def test_a_webhook_without_its_secret_is_refused_before_it_starts(api, tmp_path):
    config = load_config(env=environment(api, database(tmp_path, "bot.db")))
    hook = WebhookOptions("127.0.0.1", free_port(), "hook", "https://bot.example.test/hook")
    with pytest.raises(ConfigError, match="DEBTDESK_WEBHOOK_SECRET"):
        await serve(config, hook)
    assert api.calls == [] and not (tmp_path / "bot.db").exists()


async def test_a_refused_token_is_one_clear_line(api, tmp_path):
    # An unreachable Bot API is retried instead: tests/test_operations_errors.py.
    env = environment(api, database(tmp_path, "bot.db"), DEBTDESK_BOT_TOKEN="999:not-the-token")
    with pytest.raises(ConfigError, match="Telegram refused DEBTDESK_BOT_TOKEN"):
        await serve(load_config(env=env))


async def test_webhook_takes_updates_only_with_the_secret_header(api, tmp_path):
    db_path = database(tmp_path, "bot.db")
    token = await seeded_token(db_path)
    port, health_port = free_port(), free_port()
    env = environment(
        api, db_path, DEBTDESK_WEBHOOK_SECRET="s3cret_token-1", DEBTDESK_HEALTH_PORT=str(health_port)
    )
    process = await spawn(env, "--webhook", "--url", "https://bot.example.test/hook", "--port", str(port))
    try:
        await until_healthy(health_port, process)
        (set_webhook,) = [args for method, args in api.calls if method == "setWebhook"]
        assert set_webhook["url"] == "https://bot.example.test/hook"
        assert set_webhook["secret_token"] == "s3cret_token-1"
        update = api.push_command(CHAT, "start", token)  # built by the fake; posted by us
        body = json.dumps(update)
        url = f"http://127.0.0.1:{port}/hook"
        headers = {"Content-Type": "application/json"}
        async with httpx.AsyncClient() as client:
            forged = await client.post(url, content=body, headers=headers)
            assert forged.status_code == 403
            wrong = await client.post(
                url, content=body, headers={**headers, "X-Telegram-Bot-Api-Secret-Token": "x"}
            )
            assert wrong.status_code == 403
            assert api.to(CHAT) == []
            signed = {**headers, "X-Telegram-Bot-Api-Secret-Token": "s3cret_token-1"}
            assert (await client.post(url, content=body, headers=signed)).status_code == 200
            said = await api.wait_for_messages(CHAT, 2, timeout=15)  # the question, the phone button
            assert "First, let us confirm it is you" in said[0].text
            # Telegram retries a webhook delivery it thinks failed: the same update, answered once.
            assert (await client.post(url, content=body, headers=signed)).status_code == 200
            then = json.dumps(api.push_text(CHAT, "12 April 1985"))
            assert (await client.post(url, content=then, headers=signed)).status_code == 200
            # Updates run in order, so a second answer to the repeat would come before this one.
            said = await api.wait_for_messages(CHAT, 1, timeout=15)
            assert "You are confirmed" in said[0].text
    finally:
        await stop(process)
