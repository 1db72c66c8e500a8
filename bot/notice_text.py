"""Notices for the collectors: one outbox row to one message in the collectors' language.

Each kind has its own gettext message. The payload (JSON written by whoever caused the notice)
carries amounts as strings beside a currency and dates as ISO text; they are turned back into
Money and dates here so that babel formats them for the collectors' locale. Every notice ends
with its id ("#123"), so a collector can refer to it and spot a repeat after a redelivery.
"""

from __future__ import annotations

import gettext
import json
import re
import string
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.render import cut, render_text
from debt.money import Money, MoneyError
from flows.support import DISPUTE_REASONS, HARDSHIP_REASONS, WINDOWS
from flows.types import N_, NP_, Text
from store.outbox_drain import Notice

# One message per kind; placeholders are payload keys (flows/notices.py, ops/sweeper.py); a
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
}
UNKNOWN = N_("Notice {kind} for account {account_ref}.")
MISSING = "—"

# Payload keys that hold an amount in the payload's currency.
AMOUNT_KEYS = frozenset(
    {"amount", "paid", "total", "fees", "overdue", "balance", "discount", "amount_now"}
)
# Internal codes that a notice names, as words the collectors read in their language.
SCOPES = {
    "chat": N_("the chat"),
    "account": N_("the account"),
    "new_chats": N_("new chats for this account wait longer after each failure (the debtor's own chat "
                    "and link still work)"),
}
PLANS = {
    "cure": N_("payment of the overdue amount"),
    "full": N_("payment in full"),
    "settlement": N_("a settlement for less than the balance"),
}
STATUSES = {
    "active": N_("active"),
    "pending_approval": N_("waiting for approval"),
    "declined": N_("declined"),
    "cancelled": N_("cancelled"),
    "completed": N_("completed"),
}
KINDS = {
    "promise": N_("promise to pay"),
    "arrangement": N_("repayment plan"),
    "dispute": N_("dispute"),
    "hardship": N_("hardship"),
    "callback": N_("call back"),
    "lock": N_("verification lock"),
    "kept": N_("promise kept"),
    "broken": N_("promise broken"),
    "approved": N_("arrangement approved"),
    "declined": N_("arrangement declined"),
    "case_closed": N_("case closed"),
}
# How a case closed (store.cases.OUTCOMES, and "expired" for a call-back nobody answered in time).
OUTCOMES = {
    "upheld": N_("upheld"),
    "rejected": N_("rejected"),
    "plan_agreed": N_("plan agreed"),
    "no_change": N_("no change"),
    "done": N_("call made"),
    "no_answer": N_("no answer"),
    "expired": N_("expired unanswered"),
}
CASE_KINDS = {"dispute": N_("dispute"), "hardship": N_("hardship"), "callback": N_("call back")}
# Payload keys holding a key of one of the flows' labelled choices: shown as that label; an
# unknown code is shown as it is rather than losing the notice.
LABELS = {
    "reason": {**DISPUTE_REASONS, **HARDSHIP_REASONS},
    "window": WINDOWS,
    "scope": SCOPES,
    "plan": PLANS,
    "status": STATUSES,
    "kind": KINDS,
    "outcome": OUTCOMES,
    "case_kind": CASE_KINDS,
}
_INSTALMENTS = re.compile(r"^inst(\d{1,3})$")  # plan keys such as inst12 (debt/arrangements.py)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _label(key: str, raw: str) -> Text | None:
    """The words for a code the flows wrote into the payload, or None when it is not one."""
    if raw in LABELS.get(key, {}):
        return Text(LABELS[key][raw])
    instalments = _INSTALMENTS.match(raw) if key == "plan" else None
    if instalments:
        months = int(instalments.group(1))
        return NP_("{months} monthly payment", "{months} monthly payments", months, {"months": months})
    return None


def _value(key: str, raw: Any, currency: str | None) -> Any:
    """A payload value as render_text wants it: Money for amounts, date for ISO dates, a label
    for a choice key, the minute for an instant."""
    if raw is None or raw == "":
        return MISSING
    if not isinstance(raw, str):
        return raw
    label = _label(key, raw)
    if label is not None:
        return label
    if key in AMOUNT_KEYS and currency:
        try:
            return Money(Decimal(raw), currency)
        except (InvalidOperation, MoneyError):
            return raw
    if _ISO_DATE.match(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            return raw
    if "T" in raw and key in ("until",):
        return raw[:16].replace("T", " ")
    return raw


def late(dpd: int) -> Text:
    """The days late ("45 days late") in the language's plural form for the count."""
    return NP_("{dpd} day late", "{dpd} days late", dpd, {"dpd": dpd})


def _fields(msgid: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(msgid) if name]


def _message_key(kind: str, payload: dict[str, Any]) -> str:
    if kind == "broken" and payload.get("status") == "partial":
        return "partial"
    if kind == "lock" and payload.get("stage"):  # a real account: named so that someone can call
        return "lock_named"
    return kind


def notice_text(kind: str, payload: dict[str, Any]) -> Text:
    """The Text for one notice; every placeholder filled so that no notice fails to render."""
    msgid = MESSAGES.get(_message_key(kind, payload), UNKNOWN)
    currency = payload.get("currency")
    schedule = payload.get("schedule")
    if isinstance(schedule, list) and schedule and isinstance(schedule[0], dict):
        payload = {**payload, "first_due": schedule[0].get("due")}
    if isinstance(payload.get("dpd"), int):
        payload = {**payload, "late": late(payload["dpd"])}
    params: dict[str, Any] = {}
    for name in _fields(msgid):
        params[name] = _value(name, kind if name == "kind" else payload.get(name), currency)
    return Text(msgid, params)


def render_notice(row: Notice, locale: str, tr: gettext.NullTranslations) -> str:
    """One outbox row (id, kind, account_ref, payload) as the collectors read it, ending "#id"."""
    try:
        payload = json.loads(row.payload or "{}")
    except ValueError:
        payload = {}
    if not isinstance(payload, dict):
        payload = {}
    payload.setdefault("account_ref", row.account_ref or MISSING)
    text = render_text(notice_text(row.kind, payload), locale, tr)
    suffix = f"\n#{row.id}"
    return cut(text, 4096 - len(suffix)) + suffix
