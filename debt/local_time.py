"""Days where people are: "today" for a debtor or for the bank, from an instant passed in.

The one place a time zone turns an instant into a date. No clock here: `now` is always given
(aware, usually UTC).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from debt.policy import Policy


def debtor_zone(name: str | None, default: str) -> ZoneInfo:
    """The account's time zone if it is a real one, else the policy's default, else UTC."""
    for candidate in (name, default):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def local_today(now: datetime, zone: ZoneInfo) -> date:
    """The date at `now` in `zone`."""
    return now.astimezone(zone).date()


def bank_today(policy: Policy | None, now: datetime) -> date:
    """The date in the bank's own zone (the policy's default), which grace days count in; in
    UTC without a policy."""
    zone = policy.contact.default_timezone if policy else None
    return local_today(now, debtor_zone(None, zone or "UTC"))
