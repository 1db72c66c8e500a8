"""The bank API served for real: uvicorn in a child process on a loopback port, over a database
prepared with the `debtdesk` command (import, apikey). For the black-box tests, the fuzzing in
.ci/run (tests/fuzz_api.py) and the bench."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from db_kit import database

ROOT = Path(__file__).resolve().parent.parent
SECRET = "api-test-secret-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api_env(db: Path | str, **extra: str) -> dict[str, str]:
    """A bank API server's settings, with a new database named after `db` on the suite's engine."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("DEBTDESK_")}
    target = db if isinstance(db, str) else database(db.parent, db.name)
    return {**base, "DEBTDESK_SECRET": SECRET, "DEBTDESK_DB": target, **extra}


def debtdesk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


def new_key(env: dict[str, str], name: str, scope: str) -> str:
    done = debtdesk(env, "apikey", "create", name, "--scope", scope)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@contextmanager
def serving(env: dict[str, str]) -> Iterator[str]:
    """The base URL of the bank API app served by uvicorn until the block ends."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "bot.bank_api:app_from_env", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                said = proc.stderr.read() if proc.stderr else ""
                raise RuntimeError(f"the API server did not start: {said}")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
