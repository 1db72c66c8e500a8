"""Shared fixtures: a real SQLite store in tmp_path, the HMAC key, the real bot over loopback
HTTP (`bot`), and the hypothesis profiles.

Hypothesis: under CI (the CI variable set, as every CI service and .ci/run's caller do) the
examples are derandomised, so a run fails or passes the same way every time; elsewhere they are
random. `pytest --hypothesis-profile=nightly` runs many more random examples, for a search
worth leaving to run.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from db_kit import ON_POSTGRESQL, database, drop_all
from e2e_harness import BotUnderTest
from fakeapi import FakeBotAPI
from hypothesis import settings

from store.db import Store

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", derandomize=False)
settings.register_profile("nightly", derandomize=False, max_examples=2000, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

SECRET = b"test-secret-0123456789abcdef"
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def secret() -> bytes:
    return SECRET


@pytest.fixture
def now() -> datetime:
    """A fixed instant (aware UTC) for tests that do not move time."""
    return NOW


@pytest.fixture
async def store(tmp_path):
    opened = await Store.open(database(tmp_path, "debtdesk.db"))
    yield opened
    await opened.close()


@pytest.fixture
def bot_env() -> dict[str, str]:
    """Settings for the `bot` fixture's bot before it starts; a test module overrides this."""
    return {}


@pytest.fixture
async def bot(tmp_path, bot_env):
    """The unmodified bot (python-telegram-bot's Application) against tests/fakeapi.py."""
    under_test = BotUnderTest(tmp_path)
    under_test.env.update(bot_env)
    await under_test.start()
    yield under_test
    await under_test.stop()


@pytest.fixture
def settings(tmp_path, secret, monkeypatch) -> str:
    """The command line's settings from the environment alone: the secret and a database of the
    test's own, nothing inherited from the machine. The database (DEBTDESK_DB)."""
    for key in [k for k in os.environ if k.startswith("DEBTDESK_")]:
        monkeypatch.delenv(key)
    target = database(tmp_path, "cli.db")
    monkeypatch.setenv("DEBTDESK_SECRET", secret.decode())
    monkeypatch.setenv("DEBTDESK_DB", target)
    return target


@pytest.fixture(scope="session", autouse=True)
def _fresh_server():
    """On a PostgreSQL run, the schemas of runs that ended go first, and this run's at its end."""
    if ON_POSTGRESQL:
        drop_all()
    yield
    if ON_POSTGRESQL:
        drop_all()


@pytest.fixture
async def api():
    """The stand-in for the Bot API on a loopback port, for tests that start the bot themselves."""
    fake = await FakeBotAPI().start()
    yield fake
    await fake.stop()
