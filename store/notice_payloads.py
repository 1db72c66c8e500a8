"""What each notice for the collectors carries: one typed record per kind, and one JSON form.

The outbox stores a notice as self-contained JSON (store/outbox.py), rendered later by the
notifier without reading any other table. Each kind's record declares its fields with their
types, and `to_json`/`from_json` convert by those declarations: an amount is a Money written as
a Decimal string beside the payload's one "currency" key, a date or an instant is ISO text, a
plan's schedule a list of {number, due, amount}. That is the JSON the outbox has always held,
so rows written before these records existed read back the same. A value missing or damaged
reads as None (the notice shows a dash) rather than losing the notice.
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, ClassVar

from debt.money import Money, MoneyError


@dataclass(frozen=True)
class Instalment:
    number: int | None
    due: date | None
    amount: Money | None


@dataclass(frozen=True, kw_only=True)
class NoticePayload:
    """The fields every notice may carry; KIND names the notice (the outbox's kind column)."""

    KIND: ClassVar[str] = ""

    account_ref: str | None = None

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.KIND}
        currencies = set()
        for name in _hints(type(self)):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, Money):
                currencies.add(value.currency)
            out[name] = _dump(value)
        if currencies:
            out["currency"] = currencies.pop()
        return out


@dataclass(frozen=True, kw_only=True)
class AccountNotice(NoticePayload):
    """What every notice the debtor's own step causes carries about the account."""

    stage: str | None = None
    dpd: int | None = None
    today: date | None = None
    balance: Money | None = None
    overdue: Money | None = None


@dataclass(frozen=True, kw_only=True)
class PromiseNotice(AccountNotice):
    KIND: ClassVar[str] = "promise"
    promise_id: int | None = None
    due: date | None = None
    amount: Money | None = None


@dataclass(frozen=True, kw_only=True)
class ArrangementNotice(AccountNotice):
    KIND: ClassVar[str] = "arrangement"
    arrangement_id: int | None = None
    plan: str | None = None
    plan_kind: str | None = None
    months: int | None = None
    status: str | None = None
    amount_now: Money | None = None
    total: Money | None = None
    fees: Money | None = None
    discount: Money | None = None
    schedule: tuple[Instalment, ...] | None = None


@dataclass(frozen=True, kw_only=True)
class DisputeNotice(AccountNotice):
    KIND: ClassVar[str] = "dispute"
    case_id: int | None = None
    reason: str | None = None
    detail: str | None = None


@dataclass(frozen=True, kw_only=True)
class HardshipNotice(AccountNotice):
    KIND: ClassVar[str] = "hardship"
    case_id: int | None = None
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class CallbackNotice(AccountNotice):
    KIND: ClassVar[str] = "callback"
    case_id: int | None = None
    window: str | None = None
    day: date | None = None  # the day the debtor asked for; None: the soonest such window
    phone: str | None = None  # for the collectors to call: the notice stays inside the bank
    locale: str | None = None


@dataclass(frozen=True, kw_only=True)
class OptOutNotice(AccountNotice):
    """/stop from a verified chat: no unprompted messages to any chat of the account."""

    KIND: ClassVar[str] = "opt_out"


@dataclass(frozen=True, kw_only=True)
class OptInNotice(AccountNotice):
    """/resume from a verified chat: reminders again."""

    KIND: ClassVar[str] = "opt_in"


@dataclass(frozen=True, kw_only=True)
class LockNotice(NoticePayload):
    """A lock on a real account names it (reference, stage, days late); one on an unknown
    reference carries the chat id, the scope and the end only."""

    KIND: ClassVar[str] = "lock"
    chat_id: int | None = None
    scope: str | None = None
    until: datetime | None = None
    stage: str | None = None
    dpd: int | None = None


@dataclass(frozen=True, kw_only=True)
class PromiseResolved(NoticePayload):
    """A promise kept, or broken (status broken or partial), as the payments and the sweep found it."""

    stage: str | None = None
    promise_id: int | None = None
    source: str | None = None
    status: str | None = None
    amount: Money | None = None
    paid: Money | None = None
    due: date | None = None


@dataclass(frozen=True, kw_only=True)
class KeptNotice(PromiseResolved):
    KIND: ClassVar[str] = "kept"


@dataclass(frozen=True, kw_only=True)
class BrokenNotice(PromiseResolved):
    KIND: ClassVar[str] = "broken"


@dataclass(frozen=True, kw_only=True)
class PaymentNotice(NoticePayload):
    """A payment taken in the chat (source "telegram"): the collectors and the bank hear of it
    at once, before the bank's own payments file; balance is the account's after it."""

    KIND: ClassVar[str] = "payment"
    stage: str | None = None
    payment_id: str | None = None
    source: str | None = None
    amount: Money | None = None
    balance: Money | None = None


@dataclass(frozen=True, kw_only=True)
class ReversalNotice(NoticePayload):
    """A payment the bank reversed (its file or API): what is owed again, and the balance now."""

    KIND: ClassVar[str] = "reversal"
    payment_id: str | None = None
    amount: Money | None = None
    balance: Money | None = None


@dataclass(frozen=True, kw_only=True)
class DecisionNotice(NoticePayload):
    """The bank's decision on an arrangement that waited for approval."""

    arrangement_id: int | None = None
    plan: str | None = None
    total: Money | None = None
    amount_now: Money | None = None
    first_due: date | None = None


@dataclass(frozen=True, kw_only=True)
class ApprovedNotice(DecisionNotice):
    KIND: ClassVar[str] = "approved"


@dataclass(frozen=True, kw_only=True)
class DeclinedNotice(DecisionNotice):
    KIND: ClassVar[str] = "declined"
    note: str | None = None  # the bank's reason, for staff only


@dataclass(frozen=True, kw_only=True)
class CaseClosedNotice(NoticePayload):
    KIND: ClassVar[str] = "case_closed"
    case_id: int | None = None
    case_kind: str | None = None
    outcome: str | None = None


@dataclass(frozen=True, kw_only=True)
class UnknownNotice(NoticePayload):
    """A kind this version does not know (written by a newer one): shown by kind and account."""

    kind: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "kind": self.kind}


KINDS: dict[str, type[NoticePayload]] = {
    cls.KIND: cls for cls in (PromiseNotice, ArrangementNotice, DisputeNotice, HardshipNotice, CallbackNotice,
                              OptOutNotice, OptInNotice, LockNotice, KeptNotice, BrokenNotice,
                              ApprovedNotice, DeclinedNotice, CaseClosedNotice, PaymentNotice, ReversalNotice)
}


def from_json(kind: str, text: str | None, account_ref: str | None = None) -> NoticePayload:
    """The record for an outbox row's kind and payload; the row's account_ref fills a payload
    without one. Text that is not a JSON object reads as an empty payload."""
    try:
        data = json.loads(text or "{}")
    except ValueError:
        data = {}
    return from_dict(kind, data if isinstance(data, dict) else {}, account_ref)


def from_dict(kind: str, data: dict[str, Any], account_ref: str | None = None) -> NoticePayload:
    cls = KINDS.get(kind)
    if cls is None:
        ref = data.get("account_ref") if isinstance(data.get("account_ref"), str) else None
        return UnknownNotice(kind=kind, account_ref=ref or account_ref)
    currency = data.get("currency") if isinstance(data.get("currency"), str) else None
    values = {name: _load(hint, data.get(name), currency) for name, hint in _hints(cls).items()}
    values["account_ref"] = values.get("account_ref") or account_ref
    return cls(**values)


# --- conversion by declared type ---------------------------------------------------------------

@cache
def _hints(cls: type) -> dict[str, Any]:
    """Field name -> the declared type without its "| None" (every field is optional)."""
    hints = typing.get_type_hints(cls)
    out = {}
    for f in fields(cls):
        hint = hints[f.name]
        if isinstance(hint, types.UnionType):
            hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
        out[f.name] = hint
    return out


def _dump(value: Any) -> Any:
    if isinstance(value, Money):
        return str(value.amount)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, tuple):  # a plan's schedule
        return [{name: _dump(getattr(item, name)) for name in ("number", "due", "amount")
                 if getattr(item, name) is not None} for item in value]
    return value


def _load(hint: Any, raw: Any, currency: str | None) -> Any:
    if raw is None or (raw == "" and hint is not str):
        return None
    try:
        if hint is Money:
            return Money(Decimal(str(raw)), currency) if currency else None
        if hint is date:
            return date.fromisoformat(raw)
        if hint is datetime:
            return datetime.fromisoformat(raw)
        if hint is int:
            return raw if isinstance(raw, int) and not isinstance(raw, bool) else None
        if hint is str:
            return raw if isinstance(raw, str) else str(raw)
        if typing.get_origin(hint) is tuple:
            return tuple(_instalment(item, currency) for item in raw if isinstance(item, dict))
    except (ValueError, TypeError, InvalidOperation, MoneyError):
        return None
    return None


def _instalment(item: dict[str, Any], currency: str | None) -> Instalment:
    return Instalment(number=_load(int, item.get("number"), currency),
                      due=_load(date, item.get("due"), currency),
                      amount=_load(Money, item.get("amount"), currency))
