"""Operations, the logs (issue 9 item 6, issue 10 item 11): DEBTDESK_LOG_LEVEL sets debtdesk's
own level while the libraries stay at WARNING, and an update the webhook cannot read leaves a
line that says so, without the update's content."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import signal
import socket
import sys
from contextlib import redirect_stderr
from pathlib import Path

import httpx
import pytest
from db_kit import database
from fakeapi import FakeBotAPI
from flows_kit import SECRET

from bot.config import ConfigError, load_config
from bot.health import probe
from bot.logging_setup import setup_logging

DEBTDESK = str(Path(sys.executable).parent / "debtdesk")
NAME, TYPED, PHONE = "Wang Fangfang", "born 1985-04-12, ID 4471", "+8613812345678"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _logged(env: dict[str, str]) -> str:
    """What each logger writes at each level once the settings in env are applied."""
    config = load_config(env=env)
    out = io.StringIO()
    with redirect_stderr(out):
        setup_logging(config.log_format, config.log_level)
        try:
            for name in ("debtdesk.serve", "aiosqlite", "telegram.ext.Application", "httpx"):
                for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR):
                    logging.getLogger(name).log(level, "%s at %s", name, logging.getLevelName(level))
        finally:
            setup_logging("text")
    return out.getvalue()


def test_debtdesk_log_level_sets_our_level_and_the_libraries_stay_capped_at_warning():
    debug = _logged({"DEBTDESK_LOG_LEVEL": "debug"})
    assert "debtdesk.serve at DEBUG" in debug and "debtdesk.serve at INFO" in debug
    for library in ("aiosqlite", "telegram.ext.Application", "httpx"):
        assert f"{library} at DEBUG" not in debug and f"{library} at INFO" not in debug
        assert f"{library} at WARNING" in debug
    quiet = _logged({"DEBTDESK_LOG_LEVEL": "ERROR"})
    assert "debtdesk.serve at WARNING" not in quiet and "debtdesk.serve at ERROR" in quiet
    assert "telegram.ext.Application at WARNING" not in quiet  # never louder than asked for
    default = _logged({})
    assert "debtdesk.serve at INFO" in default and "debtdesk.serve at DEBUG" not in default


def test_a_bad_log_level_is_one_clear_line():
    with pytest.raises(ConfigError, match="DEBTDESK_LOG_LEVEL must be one of DEBUG, INFO"):
        load_config(env={"DEBTDESK_LOG_LEVEL": "loud"})


def _unparsable_update() -> dict:
    """An update Telegram's schema would not produce (the sender lacks is_bot), full of a person."""
    person = {"id": 5150, "first_name": NAME}
    return {"update_id": 90001, "message": {
        "message_id": 7, "date": 1767225600, "chat": {"id": 5150, "type": "private", "first_name": NAME},
        "from": person, "text": TYPED, "contact": {"phone_number": PHONE, "first_name": NAME}}}


async def test_unparsable_webhook_update_is_logged_without_personal_data(tmp_path):
    api = await FakeBotAPI().start()
    port, health_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEBTDESK_")}
    env.update(DEBTDESK_BOT_TOKEN=api.token, DEBTDESK_BOT_API_URL=api.base_url, DEBTDESK_POLICY="cn",
               DEBTDESK_DB=database(tmp_path, "bot.db"), DEBTDESK_SECRET=SECRET.decode(),
               DEBTDESK_WEBHOOK_SECRET="hook-secret", DEBTDESK_HEALTH_PORT=str(health_port),
               DEBTDESK_LOG_LEVEL="DEBUG")  # fmt: skip
    process = await asyncio.create_subprocess_exec(
        DEBTDESK, "run", "--webhook", "--url", "https://bot.example.test/hook", "--port", str(port),
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        for _ in range(100):
            if await probe("127.0.0.1", health_port, timeout=1) == 200:
                break
            assert process.returncode is None, (await process.stderr.read()).decode()
            await asyncio.sleep(0.1)
        headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "hook-secret"}
        async with httpx.AsyncClient() as client:
            url = f"http://127.0.0.1:{port}/hook"
            bad = await client.post(url, content=json.dumps(_unparsable_update()), headers=headers)
            assert bad.status_code == 400
            broken = await client.post(url, content=f'{{"update_id": 1, "text": "{NAME}'.encode(),
                                       headers=headers)
            assert broken.status_code >= 400
        await asyncio.sleep(0.3)
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
        await api.stop()
    err = (await process.stderr.read()).decode()
    assert process.returncode == 0, err
    assert "could not be read and was dropped (TypeError)" in err, err
    for secret in (NAME, "Fangfang", TYPED, "1985-04-12", PHONE, "13812345678", "hook-secret"):
        assert secret not in err, f"{secret!r} in the log:\n{err}"
    assert "Traceback" not in err
