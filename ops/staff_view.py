"""One account as the bank's staff see it (`debtdesk show REF`, bot/cli_show.py; /account in the
collectors' chat), as a JSON-ready dict.

Everything the bot could tell the debtor, plus what staff need besides: balances, days past
due, stage, what happens next (debt.timeline), the plans on offer (debt.arrangements), the
promises made and the flags that change how the account is handled. Amounts are strings.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from debt.arrangements import quotes
from debt.contact_rules import counts, next_allowed
from debt.local_time import debtor_zone
from debt.money import Money, round_minor
from debt.policy import Policy, Stage
from debt.timeline import timeline
from store.accounts import AccountRecord, get_account
from store.arrangement_rows import open_arrangement
from store.cleared_arrears import last_cleared
from store.contact_log import account_opted_out, account_sent_times, contact_refused_at
from store.db import Store
from store.promise_rows import broken_in_row, promises_for
from store.staff_queries import chat_summary, open_cases


def plain(value: Any) -> Any:
    """JSON-ready: Money and Decimal as strings, dates ISO, a Stage by name, dataclasses as dicts."""
    if isinstance(value, Money):
        return str(value.amount)
    if isinstance(value, Stage):
        return value.name
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def _flags(record: AccountRecord, promises: list, cases: list, broken: int, policy: Policy,
           chats: Any, arrangement: Any, refused: datetime | None = None) -> list[str]:
    status = record.account.status
    kinds = {case.kind for case in cases}
    flags = [status] if status != "open" else []
    if "dispute" in kinds and status != "disputed":
        flags.append("disputed")
    flags += [name for kind, name in (("hardship", "hardship_review"), ("callback", "callback_requested"))
              if kind in kinds]
    if any(p.status == "pending" for p in promises):
        flags.append("promise_pending")
    if arrangement is not None:
        flags.append(f"arrangement_{arrangement[2]}")
    if broken >= policy.promise.max_broken:
        flags.append("self_service_promises_paused")
    if chats.verified:
        flags.append("chat_verified")
    if chats.opted_out:
        flags.append("opted_out")
    if refused is not None:
        flags.append("refused_contact")
    return flags


_SPANS = {1: "day", 7: "week", 31: "month"}
_MONTH = timedelta(days=31)


def _contact(policy: Policy, record: AccountRecord, sent: list[datetime], refused: datetime | None,
             stopped: bool, now: datetime) -> dict[str, Any]:
    """The unprompted messages counted against each cap, whether one may go now, else when the
    next may (None: not while the debtor has refused contact or said /stop, or never under a
    cap of 0)."""
    contact = policy.contact
    zone = debtor_zone(record.account.timezone, contact.default_timezone)
    sent_in = counts(sent, now, contact)
    at = None if refused or stopped else next_allowed(now, zone, contact, sent)
    return {
        "sent": {_SPANS[days]: sent_in[days] for _, days in contact.caps()},
        "caps": {_SPANS[days]: cap for cap, days in contact.caps()},
        "allowed_now": at == now,
        "next_allowed_at": at.astimezone(zone).isoformat() if at and at != now else None,
        "refused_contact_at": plain(refused),
    }


async def account_view(store: Store, policy: Policy, ref: str, as_of: date,
                       now: datetime | None = None) -> dict[str, Any] | None:
    """The account's view as plain data, or None when there is no such account. With `now`, also
    its unprompted messages against the caps and when the next may go ("contact")."""
    async with store.read() as db:
        record = await get_account(db, ref)
        if record is None:
            return None
        promises = await promises_for(db, ref)
        cases = await open_cases(db, ref)
        broken = await broken_in_row(db, ref)
        chats = await chat_summary(db, ref)
        arrangement = await open_arrangement(db, ref)
        cleared = await last_cleared(db, ref)
        refused = await contact_refused_at(db, ref)
        stopped = await account_opted_out(db, ref)
        sent = [] if now is None else await account_sent_times(db, ref, now - _MONTH)
    account = record.account
    line = timeline(account, policy, as_of, cleared)
    return {
        "account_ref": account.account_ref,
        "customer_name": record.customer_name,
        "as_of": as_of.isoformat(),
        "currency": account.currency,
        "product": account.product,
        "status": account.status,
        "locale": account.locale,
        "figures_as_of": plain(record.as_of),  # the bank's date for the figures; None if never given
        "credit_balance": str(round_minor(record.credit_balance, account.currency)),
        **{name: plain(getattr(account, name)) for name in (
            "balance", "overdue_amount", "minimum_due", "fees_charged", "interest_charged", "credit_limit",
            "oldest_due_date", "last_payment_date", "last_payment_amount", "payment_due_date")},
        "dpd": line.dpd,
        "stage": line.stage.name,
        "class": policy.class_for(line.dpd),  # the regulator's delinquency class, if the policy has one
        "timeline": plain(line),
        "arrangements": plain(quotes(account, policy, as_of)),
        "promises": [
            {"id": p.id, "amount": str(p.amount.amount), "due_date": p.due_date.isoformat(),
             "status": p.status, "source": p.source}
            for p in promises
        ],
        "cases": plain(cases),
        "broken_promises_in_row": broken,
        "flags": _flags(record, promises, cases, broken, policy, chats, arrangement, refused),
        **({"contact": _contact(policy, record, sent, refused, stopped, now)} if now else {}),
    }


def as_json(view: dict[str, Any]) -> str:
    return json.dumps(view, ensure_ascii=False, indent=2)
