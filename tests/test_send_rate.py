"""Issue 9, item 3: the send rate is no longer fixed at Telegram's free limit.

DEBTDESK_SEND_RATE (messages a second) and DEBTDESK_GROUP_SEND_RATE (messages a minute into one
group) reach python-telegram-bot's AIORateLimiter; a bad value stops the program with one line.
How fast sends really go under a burst of debtors is measured by `python -m bench`, not here.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from db_kit import database

from bot.config import ConfigError, load_config
from bot.telegram_app import build_application
from flows.engine import Flows

ENV = {"DEBTDESK_BOT_TOKEN": "123456:TEST-token", "DEBTDESK_BOT_API_URL": "http://127.0.0.1:9/bot",
       "DEBTDESK_POLICY": "uk", "DEBTDESK_SECRET": "test-secret-0123456789abcdef"}


def _limiter(env: dict[str, str], store):
    config = load_config(env={**ENV, "DEBTDESK_DB": store.path, **env})
    application = build_application(config, Flows(store, config.policy, config.secret, lambda: None),
                                    now=lambda: None)
    return application.bot.rate_limiter


async def test_the_send_rate_settings_reach_the_rate_limiter(store):
    limiter = _limiter({"DEBTDESK_SEND_RATE": "120", "DEBTDESK_GROUP_SEND_RATE": "45"}, store)
    # PTB keeps its limits in private slots; these are the values its aiolimiter buckets get.
    assert (limiter._base_limiter.max_rate, limiter._base_limiter.time_period) == (120.0, 1)
    assert (limiter._group_max_rate, limiter._group_time_period) == (45.0, 60)


async def test_without_settings_the_limits_are_telegrams_free_ones(store):
    limiter = _limiter({}, store)
    assert limiter._base_limiter.max_rate == 30.0 and limiter._group_max_rate == 20.0


def test_the_send_rate_settings_come_from_the_config_file_too(tmp_path):
    path = tmp_path / "debtdesk.toml"
    path.write_text("send_rate = 75.5\ngroup_send_rate = 30\n", "utf-8")
    config = load_config(str(path), env={})
    assert (config.send_rate, config.group_send_rate) == (75.5, 30.0)


@pytest.mark.parametrize("key, value", [("DEBTDESK_SEND_RATE", "fast"), ("DEBTDESK_SEND_RATE", "0"),
                                        ("DEBTDESK_SEND_RATE", "-5"), ("DEBTDESK_GROUP_SEND_RATE", "inf")])
def test_a_bad_send_rate_is_refused(key, value):
    with pytest.raises(ConfigError, match=key):
        load_config(env={key: value})


def test_a_bad_send_rate_stops_the_program_with_one_line(tmp_path):
    base = {k: v for k, v in os.environ.items() if not k.startswith("DEBTDESK_")}
    env = {**base, **ENV, "DEBTDESK_DB": database(tmp_path, "x.db"), "DEBTDESK_SEND_RATE": "lots"}
    result = subprocess.run([sys.executable, "-m", "bot", "run"], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == ("debtdesk: DEBTDESK_SEND_RATE must be a number of messages a second above 0, "
                             "not 'lots'\n")
