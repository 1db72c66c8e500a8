"""Issue 10 item 11, the import half: a damaged row is refused and the import goes on, and an
import killed with SIGKILL leaves no worker processes behind."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from db_kit import database
from test_audit_payments import account

import ops.importer
from debt.portfolio import ACCOUNT_COLUMNS
from ops.importer import import_accounts
from store.accounts import count_accounts, get_account


def rows(n: int, start: int = 0) -> list[dict[str, str]]:
    return [{**account("5000.00"), "account_ref": f"G-{i:06d}"} for i in range(start, start + n)]


def write(path: Path, records: list[dict[str, str]]) -> str:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, ACCOUNT_COLUMNS)
        writer.writeheader()
        writer.writerows(records)
    return str(path)


@pytest.fixture(params=["inline", "workers"])
def mode(request, monkeypatch) -> str:
    if request.param == "workers":
        monkeypatch.setattr(ops.importer, "POOL_MIN_BYTES", 0)
    return request.param


async def test_a_field_over_the_csv_limit_rejects_that_row_and_the_import_goes_on(
    store, secret, now, tmp_path, mode
):
    long_name = {**rows(1, 7000)[0], "customer_name": "x" * 200_000}  # past csv's 131072
    path = write(tmp_path / "long.csv", [*rows(7000), long_name, *rows(3, 7001)])
    heard: list[str] = []
    report = await import_accounts(store, secret, path, now, progress=False, on_error=heard.append)
    assert report.errors == heard == [
        "line 7002: (row): field larger than field limit (131072); the row is skipped"]
    assert (report.read, report.changed, report.rejected, report.fatal) == (7004, 7003, 1, None)
    async with store.read() as db:
        assert await count_accounts(db) == 7003
        assert await get_account(db, "G-007000") is None
        assert await get_account(db, "G-007003") is not None


async def test_a_nul_byte_in_a_field_rejects_the_row(store, secret, now, tmp_path, mode):
    records = rows(3)
    records[1]["customer_name"] = "Li\x00Wei"
    report = await import_accounts(store, secret, write(tmp_path / "nul.csv", records), now, progress=False)
    assert report.errors == ["line 3: customer_name: holds a NUL byte"]
    assert (report.changed, report.rejected) == (2, 1)


# The importer as `debtdesk import` runs it, with workers that never finish their chunk: the code
# at the top level runs in every spawned worker too, so their check_chunk is the slow one.
SCRIPT = textwrap.dedent('''
    import asyncio, sys, time
    from datetime import UTC, datetime
    import ops.import_rows, ops.importer

    def stuck(context, rows):
        time.sleep(120)
    ops.import_rows.check_chunk = stuck

    async def main(db, path):
        from store.db import Store
        store = await Store.open(db)
        await ops.importer.import_accounts(store, b"k" * 20, path, datetime.now(UTC), progress=False)

    if __name__ == "__main__":
        ops.importer.POOL_MIN_BYTES = 0
        asyncio.run(main(sys.argv[1], sys.argv[2]))
''')


def children(pid: int) -> list[int]:
    """Live child processes of pid that are multiprocessing workers."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z" and b"spawn_main" in cmdline:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's wait is missing


def wait_for(condition, seconds: float):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    return condition()


def test_an_import_killed_with_sigkill_leaves_no_worker_processes(tmp_path):
    script = tmp_path / "run_import.py"
    script.write_text(SCRIPT)
    path = write(tmp_path / "big.csv", rows(12_000))
    proc = subprocess.Popen([sys.executable, str(script), database(tmp_path, "k.db"), path],
                            cwd=Path(__file__).parent.parent)
    workers: list[int] = []
    try:
        workers = wait_for(lambda: len(children(proc.pid)) == 2 and children(proc.pid), 60) or []
        assert len(workers) == 2, "the import never started its two workers"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        left = wait_for(lambda: not any(map(alive, workers)), 5)
        assert left, f"workers still running 5 s after their parent was killed: {workers}"
    finally:
        for pid in workers:  # on the old code they would sleep on: end them, by their own ids
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
