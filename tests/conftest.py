"""Shared fixtures: a real SQLite store in tmp_path, and the HMAC key."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from store.db import Store

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
    opened = await Store.open(str(tmp_path / "debtdesk.db"))
    yield opened
    await opened.close()
