"""Whether a message the debtor did not ask for may go now: contact hours, the caps, /stop,
and the day-before rule for reminders. Pure: the instant and what was sent are passed in.

An unprompted message goes out only inside the day's contact window [start, end) in the
debtor's time zone (the policy's [contact.hours] by kind of day: working day, weekend, public
holiday; else its start-end every day), never after /stop or a refusal of contact, never
beyond a cap: no more than daily_cap, weekly_cap, monthly_cap unprompted messages of any kind
in any 1, 7, 31 days (a message sent at t counts until t + the span). The use cases that read
the candidates and record what was sent are in ops/ (ops.reminders, ops.sweeper,
ops.decision_messages).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from debt.conduct import Window
from debt.local_time import local_today
from debt.policy import ContactRule

# What was sent: the instants of the unprompted messages of the last 31 days (any order), or,
# as callers that only know the weekly cap pass it, how many went in the last 7 days.
Sent = Sequence[datetime] | int
SEARCH_DAYS = 400  # a window is looked for this far ahead; beyond it, never


def window_on(day: date, contact: ContactRule) -> Window | None:
    """The day's contact window, None if no unprompted message may go that day."""
    if contact.hours is None:
        return Window(contact.start, contact.end)
    return contact.hours.window_on(day)


def inside_hours(local: datetime, contact: ContactRule) -> bool:
    window = window_on(local.date(), contact)
    return window is not None and window.holds(local.time().replace(tzinfo=None))


def counts(sent: Sequence[datetime], now: datetime, contact: ContactRule) -> dict[int, int]:
    """Messages in the span of each cap, by its days (1, 7, 31)."""
    return {days: sum(1 for at in sent if at > now - timedelta(days=days)) for _, days in contact.caps()}


def cap_free_at(sent: Sent, now: datetime, contact: ContactRule) -> datetime | None:
    """When every cap has room: `now` if it has now, None if never (a cap of 0)."""
    if isinstance(sent, int):
        return now if sent < contact.weekly_cap else None
    free = now
    for cap, days in contact.caps():
        span = timedelta(days=days)
        inside = sorted(at for at in sent if at > now - span)
        if len(inside) >= cap:
            if cap == 0:
                return None
            free = max(free, inside[len(inside) - cap] + span)
    return free


def may_contact(now: datetime, zone: ZoneInfo, contact: ContactRule, opted_out: bool, sent: Sent) -> bool:
    """Any unprompted message: inside the day's window, not opted out, under every cap."""
    if opted_out or cap_free_at(sent, now, contact) != now:
        return False
    return inside_hours(now.astimezone(zone), contact)


def next_open(at: datetime, zone: ZoneInfo, contact: ContactRule) -> datetime | None:
    """The first instant at or after `at` inside a contact window, None if none within a year."""
    local = at.astimezone(zone)
    for ahead in range(SEARCH_DAYS):
        day = local.date() + timedelta(days=ahead)
        window = window_on(day, contact)
        if window is None:
            continue
        start = datetime.combine(day, window.start, zone)
        end = datetime.combine(day, window.end, zone)
        if ahead == 0:
            if local >= end:
                continue
            return max(local, start).astimezone(at.tzinfo)
        return start.astimezone(at.tzinfo)
    return None


def next_allowed(now: datetime, zone: ZoneInfo, contact: ContactRule, sent: Sent) -> datetime | None:
    """When the next unprompted message may go: now, a later instant, or None (never)."""
    free = cap_free_at(sent, now, contact)
    return None if free is None else next_open(free, zone, contact)


def should_remind(
    *,
    now: datetime,
    due: date,
    zone: ZoneInfo,
    contact: ContactRule,
    opted_out: bool,
    sent_last_week: Sent,
    last_reminder_at: datetime | None,
) -> bool:
    """True when a reminder for a payment due on `due` should go out at `now` (aware UTC).

    The day before it is due, from reminder_time on (a late run still reminds the same day),
    at most one reminder per local day.
    """
    local = now.astimezone(zone)
    if local.date() != due - timedelta(days=1) or local.time().replace(tzinfo=None) < contact.reminder_time:
        return False
    if last_reminder_at is not None and local_today(last_reminder_at, zone) == local.date():
        return False
    return may_contact(now, zone, contact, opted_out, sent_last_week)
