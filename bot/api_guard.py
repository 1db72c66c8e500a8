"""What stands in front of every bank API endpoint: the key, the rate and the body.

- `Authorization: Bearer KEY`: a missing, unknown or revoked key is 401, a read key writing 403
  (store/api_keys.py keeps only the keys' keyed hashes).
- A token bucket per key, in memory: DEBTDESK_API_RATE requests a minute, bursts of up to ten
  seconds' worth; beyond that 429 with `Retry-After` (whole seconds).
- `GuardedRoute`, the router's route class: a body over MAX_BODY is 413 before it is read
  whole, and a request FastAPI cannot validate (bad JSON, a wrong type) is 422 in FastAPI's
  own shape, without the `input` and `ctx` it would echo (they may hold a debtor's data).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

MAX_BODY = 4 * 1024 * 1024  # a batch of 5,000 accounts is about 2.5 MB
BURST_SECONDS = 10  # the bucket holds this many seconds' worth of requests


class TooLarge(Exception):
    pass


@dataclass
class RateLimiter:
    """A token bucket per key name: `per_minute` requests a minute, in bursts of BURST_SECONDS'
    worth. One process's memory: a restart refills every bucket, which errs on the bank's side."""

    per_minute: float
    clock: Callable[[], float] = time.monotonic
    buckets: dict[str, tuple[float, float]] = field(default_factory=dict)  # name -> (tokens, at)

    @property
    def capacity(self) -> float:
        return max(1.0, self.per_minute / 60 * BURST_SECONDS)

    def take(self, name: str) -> float:
        """0 when the request may go ahead (a token is spent), else the seconds to wait."""
        now, rate = self.clock(), self.per_minute / 60
        tokens, at = self.buckets.get(name, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - at) * rate)
        if tokens >= 1:
            self.buckets[name] = (tokens - 1, now)
            return 0.0
        self.buckets[name] = (tokens, now)
        return (1 - tokens) / rate


def too_many(wait: float) -> HTTPException:
    return HTTPException(429, "too many requests for this key; try again later",
                         headers={"Retry-After": str(max(1, math.ceil(wait)))})


def unauthorized(reason: str) -> HTTPException:
    return HTTPException(401, reason, headers={"WWW-Authenticate": "Bearer"})


async def _read_limited(request: Request) -> None:
    """Read the body into the request (FastAPI reads it from there), refusing it as soon as it
    passes MAX_BODY, whatever Content-Length claimed."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
        raise TooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise TooLarge
    request._body = bytes(body)  # noqa: SLF001 - Starlette's cache of the body, which FastAPI reads


def _errors(exc: RequestValidationError) -> list[dict]:
    return [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors()]


class GuardedRoute(APIRoute):
    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                if request.method == "POST":
                    await _read_limited(request)
                return await handler(request)
            except TooLarge:
                return JSONResponse({"detail": f"the body is over {MAX_BODY} bytes; send smaller batches"},
                                    status_code=413)
            except RequestValidationError as exc:
                return JSONResponse({"detail": _errors(exc)}, status_code=422)

        return guarded
