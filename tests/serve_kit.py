"""`debtdesk serve` as a process for black-box tests: started against tests/fakeapi.py, ready once
its /healthz answers 200, talked to with a real HTTP client (httpx) on loopback, killed or
stopped from outside."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

import httpx
from fakeapi import FakeBotAPI, Sent
from fault_kit import environment, free_port
from prometheus_client.parser import text_string_to_metric_families

DEBTDESK = str(Path(sys.executable).parent / "debtdesk")
WEBHOOK_SECRET = "hook_secret-0123456789"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def serve_environment(api: FakeBotAPI, db_path: str, **more: str) -> dict[str, str]:
    return environment(api, db_path, DEBTDESK_WEBHOOK_SECRET=WEBHOOK_SECRET, **more)


class ServeProcess:
    """`debtdesk serve --port N`; every run's stderr appended to one file."""

    def __init__(self, api: FakeBotAPI, env: dict[str, str], stderr_path: Path) -> None:
        self.api, self.env, self.stderr_path = api, env, stderr_path
        self.port = free_port()
        self.process: asyncio.subprocess.Process | None = None
        self.client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{self.port}", timeout=30)

    async def start(self, timeout: float = 30.0, **more_env: str) -> None:
        """Spawn, and return once GET /healthz answers 200."""
        with open(self.stderr_path, "ab") as err:
            self.process = await asyncio.create_subprocess_exec(
                DEBTDESK, "serve", "--port", str(self.port), env={**self.env, **more_env},
                stdout=asyncio.subprocess.DEVNULL, stderr=err,
            )
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            if self.process.returncode is not None:
                raise AssertionError(f"serve exited with {self.process.returncode}: {self.stderr()[-2000:]}")
            try:
                if (await self.client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("serve never became healthy")
            await asyncio.sleep(0.05)

    async def post(self, update: dict | bytes | str, secret: str | None = WEBHOOK_SECRET,
                   **headers: str) -> httpx.Response:
        body = json.dumps(update) if isinstance(update, dict) else update
        sent = {"Content-Type": "application/json", **headers}
        if secret is not None:
            sent[SECRET_HEADER] = secret
        return await self.client.post("/telegram", content=body, headers=sent)

    async def say(self, chat: int, update: dict) -> list[Sent]:
        """Post one update; the messages the bot sent the chat before answering 200."""
        before = len(self.api.to(chat))
        answer = await self.post(update)
        assert answer.status_code == 200, answer.text
        return self.api.to(chat)[before:]

    async def metrics(self) -> dict[tuple[str, tuple], float]:
        """/metrics read with prometheus-client's own parser: (sample name, labels) -> value."""
        answer = await self.client.get("/metrics")
        assert answer.status_code == 200
        return {(s.name, tuple(sorted(s.labels.items()))): s.value
                for family in text_string_to_metric_families(answer.text) for s in family.samples}

    async def wait_dead(self, timeout: float = 15.0) -> int:
        assert self.process is not None
        return await asyncio.wait_for(self.process.wait(), timeout)

    async def terminate(self, timeout: float = 20.0) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await self.wait_dead(timeout)

    async def close(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        await self.client.aclose()

    def stderr(self) -> str:
        return self.stderr_path.read_text("utf-8", errors="replace") if self.stderr_path.exists() else ""
