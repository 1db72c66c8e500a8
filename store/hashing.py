"""Keyed hashes for verification factors and link tokens: HMAC-SHA256 under DEBTDESK_SECRET.

A date of birth or four ID digits have tiny search spaces, so a plain hash would be reversed in
seconds; the key lives outside the database. Each purpose is mixed in so that one digest can
never stand in for another.
"""

from __future__ import annotations

import hmac
from functools import lru_cache


@lru_cache(maxsize=4)
def _keyed(secret: bytes) -> hmac.HMAC:
    """An HMAC with the key already mixed in: copying it skips redoing that for every value (a
    portfolio import hashes three values a row)."""
    return hmac.new(secret, digestmod="sha256")


def keyed_hash(secret: bytes, purpose: str, value: str) -> str:
    mac = _keyed(secret).copy()
    mac.update(f"{purpose}\x00{value}".encode())
    return mac.hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two digests."""
    return hmac.compare_digest(a.encode(), b.encode())
