"""Whether a message the debtor did not ask for may go now: contact hours, the weekly cap,
/stop, and the day-before rule for reminders. Pure: the instant and the counts are passed in.

An unprompted message goes out only inside the policy's contact hours [start, end) in the
debtor's time zone, never after /stop, never beyond the weekly cap. The use cases that read
the candidates and record what was sent are in ops/ (ops.reminders, ops.sweeper,
ops.decision_messages).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from debt.local_time import local_today
from debt.policy import ContactRule


def inside_hours(local: datetime, contact: ContactRule) -> bool:
    return contact.start <= local.time().replace(tzinfo=None) < contact.end


def may_contact(
    now: datetime, zone: ZoneInfo, contact: ContactRule, opted_out: bool, sent_last_week: int
) -> bool:
    """Any unprompted message: inside the hours, not opted out, under the weekly cap."""
    if opted_out or sent_last_week >= contact.weekly_cap:
        return False
    return inside_hours(now.astimezone(zone), contact)


def should_remind(
    *,
    now: datetime,
    due: date,
    zone: ZoneInfo,
    contact: ContactRule,
    opted_out: bool,
    sent_last_week: int,
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
