"""Issue 11, item 12: `debtdesk sweep --as-of` in the future changed real data. A future date is
refused unless --force; --dry-run lists what a sweep would change and writes nothing."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from db_kit import ON_POSTGRESQL, database, rows
from loop_seed import add_account, add_promise

from bot.cli import main
from store.db import Store

# The cn policy (the default): grace 3 days, "today" is the bank's, in Asia/Shanghai.
TODAY = datetime.now(ZoneInfo("Asia/Shanghai")).date()
FUTURE = (TODAY + timedelta(days=10)).isoformat()


@pytest.fixture
def db_path(tmp_path, secret, monkeypatch) -> str:
    for key in [k for k in os.environ if k.startswith("DEBTDESK_")]:
        monkeypatch.delenv(key)
    path = database(tmp_path, "sweep.db")
    monkeypatch.setenv("DEBTDESK_SECRET", secret.decode())
    monkeypatch.setenv("DEBTDESK_DB", path)
    asyncio.run(_seed(path))
    return path


async def _seed(path: str) -> None:
    """One promise whose grace is over, one due in three days."""
    store = await Store.open(path)
    try:
        await add_account(store, "A-1")
        await add_promise(store, "A-1", "300.00", TODAY - timedelta(days=10))
        await add_promise(store, "A-1", "200.00", TODAY + timedelta(days=3))
    finally:
        await store.close()


def statuses(path: str) -> list[str]:
    return [row[0] for row in rows(path, "SELECT status FROM promises ORDER BY id")]


def dump(path: str) -> list:
    """Everything a sweep could write, on either engine."""
    if not ON_POSTGRESQL:
        with sqlite3.connect(path) as conn:
            return list(conn.iterdump())
    return [rows(path, f"SELECT * FROM {table} ORDER BY 1")
            for table in ("accounts", "promises", "outbox", "audit", "messages_sent", "cases")]


def test_sweep_refuses_a_future_as_of_without_force(db_path, capsys):
    before = dump(db_path)
    assert main(["sweep", "--as-of", FUTURE]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith(f"debtdesk: --as-of {FUTURE} is after today")
    assert "--dry-run" in err and "--force" in err
    assert dump(db_path) == before  # nothing broken, no notice queued


def test_sweep_dry_run_lists_what_would_change_and_writes_nothing(db_path, capsys):
    before = dump(db_path)
    assert main(["sweep", "--as-of", FUTURE, "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("would mark promise 1 of A-1 broken: 0.00 of 300.00 CNY paid")
    assert out[1].startswith("would mark promise 2 of A-1 broken: 0.00 of 200.00 CNY paid")
    summary = f"dry run as of {FUTURE}: 2 would be broken, 0 partly kept, 2 notices; nothing was written"
    assert out[2] == summary
    assert dump(db_path) == before


def test_sweep_dry_run_for_today_names_only_what_grace_no_longer_covers(db_path, capsys):
    assert main(["sweep", "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and out[0].startswith("would mark promise 1 of A-1 broken")
    assert statuses(db_path) == ["pending", "pending"]


def test_sweep_with_force_sweeps_the_future_date(db_path, capsys):
    assert main(["sweep", "--as-of", FUTURE, "--force"]) == 0
    assert capsys.readouterr().out.startswith(f"sweep as of {FUTURE}: 2 broken")
    assert statuses(db_path) == ["broken", "broken"]


def test_sweep_for_today_still_needs_no_flag(db_path, capsys):
    assert main(["sweep"]) == 0
    assert capsys.readouterr().out.startswith(f"sweep as of {TODAY.isoformat()}: 1 broken")
    assert statuses(db_path) == ["broken", "pending"]
