"""Keyed hashes for verification factors and link tokens: HMAC-SHA256 under DEBTDESK_SECRET.

A date of birth or four ID digits have tiny search spaces, so a plain hash would be reversed in
seconds; the key lives outside the database. Each purpose is mixed in so that one digest can
never stand in for another.
"""

from __future__ import annotations

import hmac


def keyed_hash(secret: bytes, purpose: str, value: str) -> str:
    # hmac.digest runs in C in one call: the same digest as hmac.new(...).hexdigest(), faster.
    return hmac.digest(secret, f"{purpose}\x00{value}".encode(), "sha256").hex()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two digests."""
    return hmac.compare_digest(a.encode(), b.encode())
