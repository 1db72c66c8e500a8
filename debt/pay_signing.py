"""Signed amounts for paying now: a Telegram invoice's payload and a link to the bank's checkout.

Both carry what is to be paid (the account reference, the amount in its currency) and when the
offer ends, signed with HMAC-SHA256, so that whoever reads them back (this bot at Telegram's
pre-checkout query; the bank's checkout page) can trust them and refuse a changed amount or an
expired offer. Pure: the keys and the instants are passed in.

- An invoice payload (at most 128 bytes, Telegram's limit) is `ref~minor~expires~signature`,
  the amount in the currency's minor units as Telegram counts it; the signature covers the chat
  too, so a payload is good only in the chat it was sent to. Keyed with DEBTDESK_SECRET.
- A checkout link fills the policy's `[payment] checkout_url` template; its `{signature}` is
  the hex HMAC-SHA256 of `reference|amount|currency|expires` under DEBTDESK_CHECKOUT_SECRET, the
  key the bank's page shares. `checkout_is_genuine` is the check the README gives the bank.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from urllib.parse import quote

from debt.money import minor_units

LINK_FIELDS = ("reference", "amount", "currency", "expires", "signature")
MAX_PAYLOAD = 128  # bytes: Telegram's limit on an invoice payload
INVOICE_MINUTES = 30  # default life of an invoice or a link: [payment] offer_minutes


@dataclass(frozen=True)
class PayNow:
    """How "Pay now" is offered: a Telegram invoice, or a link to the bank's checkout page."""

    kind: str  # invoice | link
    link_template: str = ""  # link: the policy's [payment] checkout_url
    link_key: bytes = field(default=b"", repr=False)  # link: DEBTDESK_CHECKOUT_SECRET


@dataclass(frozen=True)
class InvoiceTerms:
    """What an invoice payload says, once its signature is found good for the chat."""

    account_ref: str
    minor: int  # the amount in minor units
    expires: int  # Unix seconds
    signature: str  # also the invoice's identity: a second payment of it is refused

    def amount(self, currency: str) -> Decimal:
        return Decimal(self.minor).scaleb(-minor_units(currency))


def to_minor(amount: Decimal, currency: str) -> int:
    """An amount in the currency's minor units (Telegram's `total_amount`)."""
    return int(amount.scaleb(minor_units(currency)).to_integral_value())


def _invoice_signature(key: bytes, chat_id: int, ref: str, currency: str, minor: int, expires: int) -> str:
    message = f"invoice|{chat_id}|{ref}|{currency}|{minor}|{expires}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def invoice_payload(key: bytes, chat_id: int, ref: str, amount: Decimal, currency: str,
                    expires: datetime) -> str | None:
    """The signed payload, or None when the reference is too long for Telegram's 128 bytes."""
    minor, until = to_minor(amount, currency), int(expires.timestamp())
    payload = f"{ref}~{minor}~{until}~{_invoice_signature(key, chat_id, ref, currency, minor, until)}"
    return payload if len(payload.encode()) <= MAX_PAYLOAD else None


def read_invoice(key: bytes, chat_id: int, currency: str, payload: str) -> InvoiceTerms | None:
    """The payload's terms if it was signed for this chat and currency, else None (forged,
    changed, or another chat's). The expiry is the caller's to judge."""
    parts = payload.rsplit("~", 3)
    if len(parts) != 4 or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    ref, minor, expires, signature = parts[0], int(parts[1]), int(parts[2]), parts[3]
    mine = _invoice_signature(key, chat_id, ref, currency, minor, expires)
    if not hmac.compare_digest(mine.encode(), signature.encode()):
        return None
    return InvoiceTerms(ref, minor, expires, signature)


def checkout_signature(key: bytes, reference: str, amount: str, currency: str, expires: str) -> str:
    message = "|".join((reference, amount, currency, expires)).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def checkout_link(template: str, key: bytes, reference: str, amount: Decimal, currency: str,
                  expires: datetime) -> str:
    """The policy's template filled in, every value URL-encoded, the signature over the values."""
    values = {"reference": reference, "amount": str(amount), "currency": currency,
              "expires": str(int(expires.timestamp()))}
    values["signature"] = checkout_signature(key, *values.values())
    return template.format(**{name: quote(value, safe="") for name, value in values.items()})


def checkout_is_genuine(key: bytes, reference: str, amount: str, currency: str, expires: str,
                        signature: str, now: float) -> bool:
    """The bank's check of a checkout link's values (the README shows the same in the standard
    library alone): signed with the shared key, and not expired at `now` (Unix seconds)."""
    mine = checkout_signature(key, reference, amount, currency, expires)
    if not hmac.compare_digest(mine.encode(), signature.encode()):
        return False
    return expires.isdigit() and int(expires) > now
