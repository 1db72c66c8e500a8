"""A tiny health endpoint for container and service managers: `GET /healthz` over HTTP/1.1.

200 `ok` when the database answers `SELECT 1` within a few seconds, 503 otherwise. It is plain
asyncio (no web framework) so it costs nothing beside the bot and works the same whether the
bot polls or sits behind a webhook. Bind it to loopback unless a load balancer must reach it.

    python -m bot.health [--host 127.0.0.1] [--port 8080]

asks a running bot and exits 0 when it is healthy, 1 otherwise: the Dockerfile's HEALTHCHECK
(python:slim has no curl). The port defaults to DEBTDESK_HEALTH_PORT, else 8080.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable

from bot.config import health_port_setting
from ops.settings import HEALTH_PORT
from store.db import Store

log = logging.getLogger(__name__)

DEFAULT_PORT = HEALTH_PORT
PATH = "/healthz"
DB_TIMEOUT_SECONDS = 3.0
READ_TIMEOUT_SECONDS = 5.0
MAX_HEADER_BYTES = 8192
_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
            503: "Service Unavailable"}


async def database_answers(store: Store, timeout: float = DB_TIMEOUT_SECONDS) -> bool:
    """True when `SELECT 1` comes back in time. The store's lock is shared with the bot, so a
    unit of work stuck for longer than the timeout also reads as unhealthy, which it is."""
    try:
        return await asyncio.wait_for(store.ping(), timeout)
    except Exception as exc:  # closed connection, locked file, timeout: all mean "not healthy"
        log.warning("health check: the database did not answer (%s)", type(exc).__name__)
        return False


def _response(status: int, body: str) -> bytes:
    payload = body.encode("ascii")
    head = (f"HTTP/1.1 {status} {_REASONS[status]}\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(payload)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n")
    return head.encode("ascii") + payload


async def _read_head(reader: asyncio.StreamReader) -> tuple[str, str] | None:
    """(method, path) of the request line; the headers are read and ignored. None: malformed."""
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_TIMEOUT_SECONDS)
    parts = head.split(b"\r\n", 1)[0].decode("latin-1").split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        return None
    return parts[0], parts[1].split("?", 1)[0]


async def _status(store: Store, request: tuple[str, str] | None,
                  ready: Callable[[], bool] | None) -> tuple[int, str]:
    if request is None:
        return 400, "bad request\n"
    method, path = request
    if path != PATH:
        return 404, "not found\n"
    if method not in ("GET", "HEAD"):
        return 405, "method not allowed\n"
    healthy = await database_answers(store) and (ready is None or ready())
    return (200, "ok\n") if healthy else (503, "unavailable\n")


def _handler(store: Store, ready: Callable[[], bool] | None):
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            try:
                request = await _read_head(reader)
            except (asyncio.LimitOverrunError, asyncio.IncompleteReadError, TimeoutError):
                request = None
            status, body = await _status(store, request, ready)
            data = _response(status, body)
            if request is not None and request[0] == "HEAD":
                data = data[: data.index(b"\r\n\r\n") + 4]
            writer.write(data)
            await writer.drain()
        except (ConnectionError, OSError):
            pass  # the prober went away; nothing to tell it
        finally:
            writer.close()
    return handle


async def start_health_server(
    store: Store, host: str, port: int, *, ready: Callable[[], bool] | None = None
) -> asyncio.Server:
    """Serve `GET /healthz` on host:port until the returned server is closed. `ready`, when
    given, must also say True (e.g. "the updater is running") for a 200. Port 0 picks a free
    port: read it from `server.sockets[0].getsockname()[1]`."""
    server = await asyncio.start_server(_handler(store, ready), host, port, limit=MAX_HEADER_BYTES)
    log.info("health endpoint on %s:%d%s", host, server.sockets[0].getsockname()[1], PATH)
    return server


async def probe(host: str, port: int, timeout: float = 5.0) -> int:
    """The HTTP status `GET /healthz` gets from host:port (0 when nothing answers)."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except (OSError, TimeoutError):
        return 0
    try:
        writer.write(f"GET {PATH} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode("ascii"))
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), timeout)
        parts = line.split()
        return int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else 0
    except (OSError, TimeoutError):
        return 0
    finally:
        writer.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.health",
                                     description="Ask a running bot whether it is healthy.")
    parser.add_argument("--host", default="127.0.0.1")
    # A string default goes through type=int too, so a bad DEBTDESK_HEALTH_PORT is one clear line.
    default_port = health_port_setting()
    parser.add_argument("--port", type=int, default=default_port)
    args = parser.parse_args(argv)
    status = asyncio.run(probe(args.host, args.port))
    print("healthy" if status == 200 else f"unhealthy ({status or 'no answer'})")
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
