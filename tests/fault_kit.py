"""Helpers for the fault tests: `debtdesk run` as a process that can be killed and started again,
a seeded database the process can use (it reads the real clock), and synchronous peeks into
the database file between runs."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from accounts_kit import person
from db_kit import rows
from fakeapi import FakeBotAPI
from flows_kit import SECRET, Clock, link, seed

from store.db import Store

DEBTDESK = str(Path(sys.executable).parent / "debtdesk")
COLLECTORS = -1001000000001  # a group's chat id, as Telegram numbers them


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def seeded(db_path: str, n: int) -> list[tuple[dict[str, str], str]]:
    """n accounts (the GBP card as person(i)) and a deep-link token each, by the real clock."""
    store = await Store.open(db_path)
    try:
        clock = Clock(datetime.now(UTC))
        out = []
        for i in range(n):
            ref = await seed(store, clock, **person(i))
            out.append((person(i), await link(store, clock, ref)))
        return out
    finally:
        await store.close()


def environment(api: FakeBotAPI, db_path: str, **more: str) -> dict[str, str]:
    """What test_e2e_run gives the process, plus the collectors' chat and a health port of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEBTDESK_")}
    env.update(DEBTDESK_BOT_TOKEN=api.token, DEBTDESK_BOT_API_URL=api.base_url, DEBTDESK_DB=db_path,
               DEBTDESK_SECRET=SECRET.decode(), DEBTDESK_POLICY="uk",
               DEBTDESK_COLLECTORS_CHAT=str(COLLECTORS), DEBTDESK_HEALTH_PORT=str(free_port()))  # fmt: skip
    return {**env, **more}


class BotProcess:
    """`debtdesk run` (or any argv) against the fake API; stderr of every run appended to one file."""

    def __init__(self, api: FakeBotAPI, env: dict[str, str], stderr_path: Path,
                 argv: tuple[str, ...] = (DEBTDESK, "run")) -> None:
        self.api, self.env, self.stderr_path, self.argv = api, env, stderr_path, argv
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def start(self, ready_timeout: float = 20.0) -> None:
        """Spawn, and return once the bot long-polls (its first getUpdates after this start)."""
        seen = len(self.api.calls)
        with open(self.stderr_path, "ab") as err:
            self.process = await asyncio.create_subprocess_exec(
                *self.argv, env=self.env, stdout=asyncio.subprocess.DEVNULL, stderr=err
            )
        self.starts += 1
        # Whichever comes first: the stand-in sees the poll, or the process ends.
        polled = asyncio.create_task(self.api.wait_for_call("getUpdates", after=seen, timeout=ready_timeout))
        exited = asyncio.create_task(self.process.wait())
        await asyncio.wait({polled, exited}, return_when=asyncio.FIRST_COMPLETED)
        if not polled.done():
            polled.cancel()
            raise AssertionError(f"the bot exited with {exited.result()}: {self.stderr()[-2000:]}")
        exited.cancel()
        try:
            polled.result()
        except AssertionError:
            raise AssertionError("the bot never polled") from None

    @property
    def pid(self) -> int | None:
        return None if self.process is None or self.process.returncode is not None else self.process.pid

    def kill_now(self) -> None:
        """SIGKILL, from anywhere (also from inside the fake API's request handler)."""
        if self.pid is not None:
            os.kill(self.pid, signal.SIGKILL)

    async def kill(self) -> None:
        self.kill_now()
        if self.process is not None:
            await self.process.wait()

    async def terminate(self, timeout: float = 20.0) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), timeout)

    def stderr(self) -> str:
        return self.stderr_path.read_text("utf-8", errors="replace") if self.stderr_path.exists() else ""


def query(db_path: str, sql: str, *args) -> list[tuple]:
    """A read of the database, blocking and short: between runs or beside a running bot."""
    if db_path.startswith(("postgresql://", "postgres://")):
        return rows(db_path, sql, args)
    conn = sqlite3.connect(db_path, timeout=30)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def integrity(db_path: str) -> str:
    """SQLite's own check of the file; on PostgreSQL, that the server answers a query (a
    killed client cannot damage the server's files)."""
    if db_path.startswith(("postgresql://", "postgres://")):
        return "ok" if query(db_path, "SELECT 1") == [(1,)] else "no answer"
    return query(db_path, "PRAGMA integrity_check")[0][0]


def queued_update_ids(api: FakeBotAPI) -> set[int]:
    """Updates the fake still holds: Telegram would deliver them again (no higher offset seen yet)."""
    return {q.update["update_id"] for q in api._queue}  # noqa: SLF001 - the fake is ours to inspect


def secrets_of(people: list[dict[str, str]]) -> list[str]:
    """Every spelling of the portfolio's personal data a log line could carry."""
    found: list[str] = []
    for p in people:
        y, m, d = p["date_of_birth"].split("-")
        found += [p["customer_name"], p["customer_name"].split()[-1], p["national_id_last4"], p["phone"],
                  p["phone"].lstrip("+"), p["phone"][3:], "0" + p["phone"][3:],
                  p["date_of_birth"], f"{d}/{m}/{y}", f"{m}/{d}/{y}", f"{d}.{m}.{y}", f"{y}{m}{d}",
                  f"{int(d)} {_MONTHS[int(m) - 1]} {y}", f"{_MONTHS[int(m) - 1]} {int(d)}, {y}"]
    return found


def leaks(text: str, secrets: list[str]) -> list[str]:
    """The secrets found in text; digits only count as a whole number (not inside a port)."""
    found = []
    for secret in secrets:
        pattern = re.escape(secret)
        if secret.isdigit():
            pattern = rf"(?<!\d){pattern}(?!\d)"
        if re.search(pattern, text, flags=re.IGNORECASE):
            found.append(secret)
    return found


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]
