"""Standard Webhooks signatures (standardwebhooks.com): the secret's format and the headers.

The secret is "whsec_" followed by the base64 of 24 to 64 random bytes; those bytes are the HMAC
key. Each request carries webhook-id, webhook-timestamp (Unix seconds of this attempt, so a
receiver can refuse old replays) and webhook-signature "v1,<base64 HMAC-SHA256 of
id.timestamp.body>".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

PREFIX = "whsec_"
MIN_KEY_BYTES, MAX_KEY_BYTES = 24, 64


class SecretError(ValueError):
    """The secret is not in the Standard Webhooks format: one line saying why."""


def parse_secret(text: str) -> bytes:
    """The HMAC key inside a "whsec_<base64>" secret."""
    if not text.startswith(PREFIX):
        raise SecretError(f"must start with {PREFIX} (the Standard Webhooks format)")
    try:
        key = base64.b64decode(text[len(PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raise SecretError(f"must be {PREFIX} followed by base64") from None
    if not MIN_KEY_BYTES <= len(key) <= MAX_KEY_BYTES:
        raise SecretError(f"must hold {MIN_KEY_BYTES} to {MAX_KEY_BYTES} bytes of key, not {len(key)}")
    return key


def signature(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signed_headers(key: bytes, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(key, msg_id, timestamp, body),
    }
