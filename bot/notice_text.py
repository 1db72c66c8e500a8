"""Notices for the collectors: one outbox row to one message in the collectors' language.

Each kind has its own gettext message, its placeholders the fields of the kind's record
(store/notice_payloads.py): amounts are Money and dates are dates there, so babel formats them
for the collectors' locale; codes are shown in words (flows/notice_labels.py). Every notice ends
with its id ("#123"), so a collector can refer to it and spot a repeat after a redelivery.
"""

from __future__ import annotations

import gettext
import string
from dataclasses import fields
from datetime import datetime
from typing import Any

from bot.render import cut, render_text
from flows.notice_labels import label
from flows.types import N_, NP_, Text
from store.notice_payloads import (
    ArrangementNotice,
    BrokenNotice,
    CallbackNotice,
    LockNotice,
    NoticePayload,
    UnknownNotice,
)
from store.outbox_drain import Notice

# One message per kind; placeholders are the record's fields (store/notice_payloads.py); a
# missing one shows as a dash rather than losing the notice.
MESSAGES = {
    "promise": N_(
        "Promise to pay: account {account_ref} ({stage}, {late}, {overdue} overdue) "
        "will pay {amount} by {due}."
    ),
    "arrangement": N_(
        "Arrangement: account {account_ref} ({stage}) chose {plan}: {total} in total, "
        "first payment {amount_now} by {first_due}. Status: {status}."
    ),
    "dispute": N_(
        "Dispute: account {account_ref} ({stage}): {reason}. Details: {detail}. "
        "Collection is paused until the bank answers."
    ),
    "hardship": N_(
        "Hardship: account {account_ref} ({stage}): {reason}. Review forbearance before any call."
    ),
    "callback": N_("Call back: account {account_ref} ({stage}) asks for a call on {phone}: {window}."),
    "callback_day": N_(
        "Call back: account {account_ref} ({stage}) asks for a call on {phone} on {day}: {window}."
    ),
    "lock": N_("Verification locked: {scope} after too many failed attempts, until {until} (UTC)."),
    "lock_named": N_(
        "Verification locked for account {account_ref} ({stage}): {scope} after too many failed "
        "attempts, until {until} (UTC). Someone may be struggling to get in: a call could help."
    ),
    "kept": N_("Promise kept: account {account_ref} paid {paid} against {amount} due {due}."),
    "broken": N_(
        "Promise broken: account {account_ref} ({stage}) promised {amount} by {due} and paid {paid}. "
        "The account is back in the call queue."
    ),
    "partial": N_(
        "Promise partly kept: account {account_ref} ({stage}) promised {amount} by {due} and paid "
        "{paid}. The account is back in the call queue."
    ),
    "approved": N_(
        "Arrangement approved: account {account_ref}, {plan}: {total} in total, first payment {amount_now} "
        "by {first_due}. The debtor will be told."
    ),
    "declined": N_(
        "Arrangement declined: account {account_ref}, {plan}. Reason: {note}. The debtor will be told."
    ),
    "case_closed": N_("Case closed: account {account_ref}, {case_kind} (case {case_id}): {outcome}."),
    "opt_out": N_(
        "Opted out: account {account_ref} ({stage}) wants no more reminders or other unprompted messages."
    ),
    "opt_in": N_("Opted in: account {account_ref} ({stage}) wants reminders again."),
    "payment": N_(
        "Paid in the chat: account {account_ref} ({stage}) paid {amount}; the balance is now {balance}. "
        "Payment {payment_id}."
    ),
    "reversal": N_(
        "Payment reversed: account {account_ref}: {amount} of payment {payment_id} is owed again; "
        "the balance is now {balance}."
    ),
}
UNKNOWN = N_("Notice {kind} for account {account_ref}.")
MISSING = "—"

def _value(name: str, value: Any) -> Any:
    """A payload field as render_text wants it: its record already holds Money, dates and
    numbers; a code is shown as its label, an instant to the minute, a missing value as a dash."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, str):
        words = label(name, value)
        return words if words is not None else value
    if isinstance(value, datetime):  # the end of a lock, in UTC
        return value.strftime("%Y-%m-%d %H:%M")
    return value


def late(dpd: int) -> Text:
    """The days late ("45 days late") in the language's plural form for the count."""
    return NP_("{dpd} day late", "{dpd} days late", dpd, {"dpd": dpd})


def _fields(msgid: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(msgid) if name]


def _message_key(payload: NoticePayload) -> str:
    if isinstance(payload, BrokenNotice) and payload.status == "partial":
        return "partial"
    if isinstance(payload, LockNotice) and payload.stage:  # a real account: named so that someone can call
        return "lock_named"
    if isinstance(payload, CallbackNotice) and payload.day:  # a day of the debtor's choosing, not the next
        return "callback_day"
    return payload.KIND


def _params(payload: NoticePayload) -> dict[str, Any]:
    """The record's fields by name, and what the messages derive from them."""
    params = {f.name: getattr(payload, f.name) for f in fields(payload)}
    params["kind"] = payload.kind if isinstance(payload, UnknownNotice) else payload.KIND
    if isinstance(payload, ArrangementNotice) and payload.schedule:
        params["first_due"] = payload.schedule[0].due
    if isinstance(params.get("dpd"), int):
        params["late"] = late(params["dpd"])
    return params


def notice_text(payload: NoticePayload) -> Text:
    """The Text for one notice; every placeholder filled so that no notice fails to render."""
    msgid = MESSAGES.get(_message_key(payload), UNKNOWN)
    params = _params(payload)
    return Text(msgid, {name: _value(name, params.get(name)) for name in _fields(msgid)})


def render_notice(row: Notice, locale: str, tr: gettext.NullTranslations) -> str:
    """One outbox row (id and its typed payload) as the collectors read it, ending "#id"."""
    text = render_text(notice_text(row.payload), locale, tr)
    suffix = f"\n#{row.id}"
    return cut(text, 4096 - len(suffix)) + suffix
