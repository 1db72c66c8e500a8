"""Promises meet payments and the calendar: kept when paid, broken when grace runs out.

- `apply_new_payments` runs inside the payments import's transaction, with the ids it recorded:
  each payment goes to the account's pending promises, oldest due first (debt.matching), and a
  promise that is paid in full becomes kept, with a "kept" notice for the collectors.
- `sweep` turns pending promises past due + grace into broken (or partial, if something was
  paid), each with a "broken" notice; the account is back in the call queue (store.queue_sql reads
  the statuses). The debtor gets one kind message offering a new plan, inside contact hours
  only: outside them it waits, because the message owed is derived from the rows, not memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from debt import matching
from debt.contact_rules import may_contact
from debt.local_time import debtor_zone
from debt.money import Money
from debt.policy import Policy
from debt.portfolio import PaymentRow
from flows.types import N_, Reply, Text, command_button, person_button
from ops.reminders import WEEK, Unprompted, active_since, debtor_sent, message_locale, unprompted_reply
from store import audit, outbox
from store.accounts import get_account
from store.db import Connection, Store
from store.notice_payloads import BrokenNotice, KeptNotice
from store.payments import payments_recorded
from store.promise_rows import (
    Promise,
    owed_broken_messages,
    past_grace,
    pending_promises_of,
    promise_state,
    save_state,
)

BATCH = 500
ACTOR = "scheduler"


@dataclass
class SweepReport:
    broken: int = 0
    partial: int = 0
    notices: list[int] = field(default_factory=list)
    messages: list[Unprompted] = field(default_factory=list)  # for the shell to send now


async def resolved_notice(
    db: Connection, policy: Policy, kind: str, row: Promise,
    state: matching.PromiseState, as_of: date, now: datetime,
) -> int:
    """A self-contained kept/broken notice (store.notice_payloads.KeptNotice, BrokenNotice)."""
    record = await get_account(db, row.account_ref)
    stage = policy.stage_for(record.account.days_past_due(as_of)).name if record else ""
    notice = KeptNotice if kind == "kept" else BrokenNotice
    payload = notice(account_ref=row.account_ref, stage=stage, promise_id=row.id, source=row.source,
                     status=state.status, amount=state.amount, paid=state.paid, due=state.due)
    detail = {"promise_id": row.id}
    await audit.append(db, ACTOR, f"promise_{state.status}", row.account_ref, now, detail)
    return await outbox.enqueue(db, payload, now)


def _match_account(
    promises: list[Promise], payments: Iterable[PaymentRow], grace_days: int
) -> dict[int, matching.PromiseState]:
    """Each payment, in date order, against the promises already made on its date."""
    states = {row.id: promise_state(row) for row in promises}
    made_on = {row.id: row.created_at.date() for row in promises}
    for pay in sorted(payments, key=lambda p: (p.paid_on, p.payment_id)):
        paid_on = pay.paid_on
        # A payment made before a promise existed does not keep that promise.
        open_ids = [pid for pid, made in made_on.items() if made <= paid_on]
        amount = Money(pay.amount, pay.currency)
        payment = matching.PaymentIn(pay.payment_id, amount, paid_on)
        after = matching.apply_payments([states[pid] for pid in open_ids], [payment], grace_days)
        states.update(zip(open_ids, after, strict=True))
    return states


async def apply_new_payments(
    db: Connection, payment_ids: Iterable[str], policy: Policy, now: datetime
) -> list[int]:
    """Match newly recorded payments (call once per payment, in the import's transaction).
    Returns the ids of the "kept" notices enqueued."""
    by_account: dict[str, list[PaymentRow]] = defaultdict(list)
    for pay in (await payments_recorded(db, payment_ids)).values():
        by_account[pay.account_ref].append(pay)
    notices, pending = [], await pending_promises_of(db, by_account)
    for ref, payments in sorted(by_account.items()):
        promises = pending.get(ref)
        if not promises:
            continue
        states = _match_account(promises, payments, policy.promise.grace_days)
        for row in promises:
            state = states[row.id]
            if state.paid == promise_state(row).paid:
                continue
            await save_state(db, state, now)
            if state.status == "kept":
                notices.append(await resolved_notice(db, policy, "kept", row, state, now.date(), now))
    return notices


async def _break_due(store: Store, policy: Policy, as_of: date, now: Callable[[], datetime]) -> SweepReport:
    report = SweepReport()
    due_before = as_of - timedelta(days=policy.promise.grace_days)  # due + grace < as_of
    while True:
        async with store.unit() as db:
            rows = await past_grace(db, due_before, BATCH)
            after = matching.sweep([promise_state(r) for r in rows], as_of, policy.promise.grace_days)
            for row, state in zip(rows, after, strict=True):
                await save_state(db, state, now())
                report.notices.append(await resolved_notice(db, policy, "broken", row, state, as_of, now()))
                if state.status == "partial":
                    report.partial += 1
                else:
                    report.broken += 1
        if len(rows) < BATCH:
            return report


def broken_reply(policy: Policy, amount: Money, due: date) -> Reply:
    return unprompted_reply(
        policy,
        (
            Text(
                N_("Your payment of {amount} due {due_date} has not arrived in full. That can happen."),
                {"amount": amount, "due_date": due},
            ),
            Text(N_("If you like, you can pick a new plan that suits you better, or talk to a person.")),
        ),
        ((command_button(N_("Repayment plans"), "plans"),), (person_button(),)),
    )


async def owed_messages(store: Store, policy: Policy, now: datetime) -> list[Unprompted]:
    """One kind message per account for promises broken in the last week, if it may be sent now,
    to the account's chat that wrote last."""
    async with store.read() as db:
        rows = await owed_broken_messages(db, now - WEEK, active_since=active_since(policy, now))
    out, seen = [], set()
    for row in rows:
        ref = row.promise.account_ref
        if ref in seen or row.chat_id in seen:
            continue
        seen |= {ref, row.chat_id}
        zone = debtor_zone(row.timezone, policy.contact.default_timezone)
        sent = await debtor_sent(store, row.chat_id, now)
        if may_contact(now, zone, policy.contact, False, sent):
            reply = broken_reply(policy, row.promise.unpaid, row.promise.due_date)
            out.append(Unprompted(row.chat_id, message_locale(row), "broken", reply, ref))
    return out


async def sweep(store: Store, policy: Policy, as_of: date, now: Callable[[], datetime]) -> SweepReport:
    """Break what grace no longer covers; return the debtor messages that may go out now."""
    report = await _break_due(store, policy, as_of, now)
    report.messages = await owed_messages(store, policy, now())
    return report


async def would_break(store: Store, policy: Policy, as_of: date) -> list[tuple[Any, matching.PromiseState]]:
    """The pending promises a sweep as of `as_of` would resolve, with the state each would take."""
    due_before = as_of - timedelta(days=policy.promise.grace_days)
    found: list[tuple[Any, matching.PromiseState]] = []
    after_id = 0
    while True:
        async with store.read() as db:
            rows = await past_grace(db, due_before, BATCH, after_id)
        states = matching.sweep([promise_state(r) for r in rows], as_of, policy.promise.grace_days)
        found += [(r, s) for r, s in zip(rows, states, strict=True) if s.status != "pending"]
        if len(rows) < BATCH:
            return found
        after_id = rows[-1].id
