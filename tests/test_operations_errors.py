"""Errors that guide (issue 11, item 13): an unknown DEBTDESK_POLICY names the presets, and `run`
that cannot reach the Bot API keeps trying, with a growing wait, naming the settings to check,
and serves as soon as the API answers."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

from db_kit import database
from fakeapi import FakeBotAPI
from flows_kit import SECRET

from bot.health import probe

DEBTDESK = str(Path(sys.executable).parent / "debtdesk")
PROXIES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _clean_env(**more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("DEBTDESK_") and k.upper() not in PROXIES}
    return {**env, **more}


def test_unknown_debtdesk_policy_lists_the_presets(tmp_path):
    done = subprocess.run([DEBTDESK, "show", "CN-0001"], capture_output=True, text=True, timeout=60,
                          env=_clean_env(DEBTDESK_POLICY="xx", DEBTDESK_SECRET=SECRET.decode(),
                                         DEBTDESK_DB=database(tmp_path, "x.db")))
    assert done.returncode == 2
    assert done.stderr.startswith("debtdesk: DEBTDESK_POLICY: xx: ")
    assert "a preset (cn, us, uk, ru, id, br) or the path of a TOML file" in done.stderr, done.stderr


async def _line(process: asyncio.subprocess.Process, timeout: float = 20) -> str:
    line = await asyncio.wait_for(process.stderr.readline(), timeout)
    assert line, "the bot ended"
    return line.decode()


async def test_run_that_cannot_reach_the_bot_api_retries_with_backoff_and_names_the_settings(tmp_path):
    port, health_port = free_port(), free_port()  # nothing listens on port yet: unreachable
    api = FakeBotAPI()
    env = _clean_env(DEBTDESK_BOT_TOKEN=api.token, DEBTDESK_BOT_API_URL=f"http://127.0.0.1:{port}/bot",
                     DEBTDESK_DB=database(tmp_path, "bot.db"), DEBTDESK_SECRET=SECRET.decode(),
                     DEBTDESK_POLICY="uk", DEBTDESK_HEALTH_PORT=str(health_port))
    process = await asyncio.create_subprocess_exec(DEBTDESK, "run", env=env, stderr=asyncio.subprocess.PIPE)
    try:
        tries = []
        while len(tries) < 2:
            line = await _line(process)
            if "cannot reach the Bot API" in line:
                tries.append(line)
        for line in tries:
            assert f"http://127.0.0.1:{port}/bot" in line and "DEBTDESK_BOT_API_URL" in line
            assert "HTTPS_PROXY" in line and "HTTP_PROXY" in line and "set here: none" in line
            assert api.token not in line
        waits = [float(re.search(r"retrying in ([\d.]+)s", line).group(1)) for line in tries]
        assert waits[1] > waits[0] > 0, waits  # backoff

        await api.start(port)  # the network comes up: the bot carries on by itself
        for _ in range(200):
            if await probe("127.0.0.1", health_port, timeout=1) == 200:
                break
            assert process.returncode is None
            await asyncio.sleep(0.1)
        api.push_command(881, "start")
        said = await api.wait_for_messages(881, 1, timeout=15)
        assert "account reference" in said[0].text
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
        await api.stop()
    assert process.returncode == 0


async def test_run_stops_on_sigterm_while_it_waits_for_the_bot_api(tmp_path):
    env = _clean_env(DEBTDESK_BOT_TOKEN="1:x", DEBTDESK_BOT_API_URL=f"http://127.0.0.1:{free_port()}/bot",
                     DEBTDESK_DB=database(tmp_path, "bot.db"), DEBTDESK_SECRET=SECRET.decode(),
                     DEBTDESK_HEALTH_PORT=str(free_port()))
    process = await asyncio.create_subprocess_exec(DEBTDESK, "run", env=env, stderr=asyncio.subprocess.PIPE)
    while "cannot reach the Bot API" not in await _line(process):
        pass
    process.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(process.wait(), 10) == 0  # not after the next try: at once
    rest = (await process.stderr.read()).decode()
    assert "Traceback" not in rest
