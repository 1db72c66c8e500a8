"""The bank API's account upsert rate beside the CLI import, on the same machine and rows.

Both load the same generated portfolio (GBP, the `uk` policy) into fresh databases: the CLI as
`debtdesk import accounts FILE` (a process of its own, start-up included), the API as POSTs of
1,000 accounts each to /api/v1/accounts on uvicorn over loopback, one after the other on one
keep-alive connection, the server started and its key made beforehand.
"""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.portfolio_file import write_portfolio
from bench.table import Row

API_BATCH = 1000
MAX_ROWS = 100_000  # enough for a steady rate; a million over HTTP would add minutes, not insight
SECRET = "bench-secret-0123456789abcdef"


def _env(db: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DEBTDESK_")}
    return {**base, "DEBTDESK_SECRET": SECRET, "DEBTDESK_DB": str(db), "DEBTDESK_POLICY": "uk",
            "DEBTDESK_API_RATE": "1000000"}


def _debtdesk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, capture_output=True, text=True,
                          timeout=3600, check=True)


@contextmanager
def _server(env: dict[str, str]) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "bot.bank_api:app_from_env",
                             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(base + "/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(30)


def _batches(csv_path: Path) -> Iterator[list[dict[str, str]]]:
    with csv_path.open(encoding="utf-8", newline="") as fh:
        batch: list[dict[str, str]] = []
        for row in csv.DictReader(fh):
            batch.append({k: v for k, v in row.items() if v != ""})
            if len(batch) == API_BATCH:
                yield batch
                batch = []
        if batch:
            yield batch


def run_api_upsert(work: Path, rows: int) -> tuple[list[Row], dict]:
    rows = min(rows, MAX_ROWS)
    csv_path = write_portfolio(work / f"api-portfolio-{rows}.csv", rows)
    cli_env = _env(work / "cli-import.db")
    started = time.perf_counter()
    _debtdesk(cli_env, "import", "accounts", str(csv_path), "--no-progress")
    cli_seconds = time.perf_counter() - started

    api_env = _env(work / "api-upsert.db")
    key = _debtdesk(api_env, "apikey", "create", "bench", "--scope", "write").stdout.strip()
    changed = 0
    with _server(api_env) as base, httpx.Client(base_url=base, timeout=300,
                                                 headers={"Authorization": f"Bearer {key}"}) as client:
        started = time.perf_counter()
        for batch in _batches(csv_path):
            answer = client.post("/api/v1/accounts", json={"accounts": batch})
            answer.raise_for_status()
            body = answer.json()
            if body["rejected"]:
                raise RuntimeError(f"the API refused rows: {body['rejected'][:3]}")
            changed += body["changed"]
        api_seconds = time.perf_counter() - started
    cli_rate, api_rate = round(rows / cli_seconds), round(changed / api_seconds)
    table = [
        Row(f"API account upsert, {rows:,} rows in batches of {API_BATCH:,}",
            f"{api_rate:,} rows/s ({api_seconds:.1f} s)"),
        Row(f"CLI import of the same {rows:,} rows (process start included)",
            f"{cli_rate:,} rows/s ({cli_seconds:.1f} s)"),
        Row("API upsert rate / CLI import rate", f"{api_rate / cli_rate:.2f}x"),
    ]
    return table, {"rows": rows, "batch": API_BATCH, "api_seconds": round(api_seconds, 2),
                   "cli_seconds": round(cli_seconds, 2), "api_rows_per_second": api_rate,
                   "cli_rows_per_second": cli_rate}
