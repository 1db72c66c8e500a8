"""A bank's event receiver on 127.0.0.1, for the tests of events out: a plain asyncio HTTP server.

It records every POST (headers and raw body) and answers 500 to the first `fail_first` of them,
204 after. It checks signatures itself, with hmac and hashlib only, never through debtdesk's
signer: a test that used the production code to check the production code could not fail.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import socket
import time
from dataclasses import dataclass

SECRET = "whsec_" + base64.b64encode(bytes(range(32))).decode()  # 32 key bytes, Standard Webhooks form
KEY = bytes(range(32))
TOLERANCE_SECONDS = 300


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict:
        return json.loads(self.body)

    def signature_ok(self, key: bytes = KEY) -> bool:
        """The receiver's own check, as the README shows it: HMAC-SHA256 of id.timestamp.body."""
        msg_id, stamp = self.headers["webhook-id"], self.headers["webhook-timestamp"]
        if abs(time.time() - int(stamp)) > TOLERANCE_SECONDS:
            return False
        expected = base64.b64encode(
            hmac.new(key, f"{msg_id}.{stamp}.".encode() + self.body, hashlib.sha256).digest()
        ).decode()
        offered = [part.split(",", 1)[1] for part in self.headers["webhook-signature"].split() if "," in part]
        return any(hmac.compare_digest(expected, sig) for sig in offered)


class Receiver:
    def __init__(self, fail_first: int = 0, refuse=None) -> None:
        self.fail_first = fail_first
        self.refuse = refuse  # refuse(Received) -> True: answer 503 to it
        self.hang_up = None  # hang_up(Received) -> True: close the connection without an answer
        self.stall_first = 0  # the first n requests are answered only after 3 seconds
        self.received: list[Received] = []  # every request, failed answers included
        self.accepted: list[Received] = []  # the ones answered 2xx
        self._server: asyncio.Server | None = None
        self.port = 0
        self._arrived = asyncio.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/debtdesk"

    async def start(self) -> Receiver:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:  # keep-alive: httpx reuses the connection
                request_line = await reader.readline()
                if not request_line:
                    break
                headers: dict[str, str] = {}
                while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                got = Received(headers, body)
                self.received.append(got)
                if self.hang_up is not None and self.hang_up(got):
                    break
                if len(self.received) <= self.stall_first:
                    await asyncio.sleep(3)
                status = "204 No Content"
                if len(self.received) <= self.fail_first:
                    status = "500 Internal Server Error"
                elif self.refuse is not None and self.refuse(got):
                    status = "503 Service Unavailable"
                if status.startswith("204"):
                    self.accepted.append(got)
                writer.write(f"HTTP/1.1 {status}\r\ncontent-length: 0\r\n\r\n".encode())
                await writer.drain()
                self._arrived.set()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def wait_for(self, count: int, timeout: float = 15.0) -> list[Received]:
        """Until `count` requests have been answered 2xx; the accepted ones."""
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.accepted) < count:
            left = deadline - asyncio.get_running_loop().time()
            assert left > 0, f"{len(self.accepted)} of {count} events accepted: {self.types()}"
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), min(left, 0.5))
            except TimeoutError:
                pass
        return self.accepted

    def types(self) -> list[str]:
        return [r.event["type"] for r in self.accepted]


def closed_port_url() -> str:
    """A URL on loopback where nothing listens: a receiver down for the whole run."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hooks/debtdesk"
