"""Telling the debtor what the bank decided: an arrangement approved or declined, a case closed.

Each is an answer to something the debtor asked for, sent unprompted under the rules of
ops/reminders.py: inside the policy's contact hours in the debtor's zone, never to a chat that
opted out or blocked the bot, nor to an idle chat or while a dispute is open (CONTACTABLE), once
per debtor, with the policy's disclosure and the opt-out line, logged as sent (so it counts toward the
weekly cap for reminders). The cap itself does not hold it back: the debtor is waiting for the
bank's answer. What is owed is read from the rows (told_at is empty), so a message outside
contact hours simply waits. The same job (bot.jobs) expires call-back requests whose window has
passed (ops.case_closing.expire_callbacks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from debt.contact_rules import may_contact
from debt.local_time import debtor_zone
from debt.money import Money
from debt.pay_signing import PayNow
from debt.policy import Policy
from flows.types import N_, Reply, Text, command_button, pay_button, person_button
from ops.reminders import (
    WEEK,
    Send,
    Unprompted,
    active_since,
    debtor_sent,
    deliver,
    message_locale,
    unprompted_reply,
)
from store import arrangement_decisions, cases
from store.arrangement_decisions import OwedDecision
from store.db import Store

OUTCOME_MESSAGES = {
    ("dispute", "upheld"): N_("The bank has answered your dispute: you were right, and your account will be "
                              "corrected."),
    ("dispute", "rejected"): N_("The bank has answered your dispute: it found the debt to be correct, so "
                                "collection on this account starts again. If you disagree, please talk to a "
                                "person."),
    ("hardship", "plan_agreed"): N_("The bank has finished reviewing your situation, and a plan has been "
                                    "agreed with you."),
    ("hardship", "no_change"): N_("The bank has finished reviewing your situation and is not changing your "
                                  "account for now. You can tell us again at any time if things change."),
    ("callback", "done"): N_("Your request for a call is now closed. If you need to talk to a person again, "
                             "just ask."),
    ("callback", "no_answer"): N_("We tried to call you but could not reach you. You can ask for a new call "
                                  "at any time."),
    ("callback", "expired"): N_("We are sorry: nobody called you in the time you asked for, and that "
                                "request has closed. You can ask for a new call at any time."),
}


@dataclass(frozen=True)
class Owed:
    """One message for one chat, and the row to mark told once it has gone."""

    message: Unprompted
    table: str  # arrangement | case
    row_id: int


def approved_reply(policy: Policy, amount: Money, due: date, pay_now: PayNow | None = None) -> Reply:
    """With Telegram invoices on, "Pay {amount} now" for the first payment comes first. A checkout
    link is not offered here: it expires within the policy's offer minutes, and this message may be
    read hours later; /pay makes a fresh one."""
    approved = Text(N_("The bank has approved the plan you chose. The first payment is {amount} by {date}."),
                    {"amount": amount, "date": due})
    rows = ((command_button(N_("How to pay"), "pay"), person_button()),)
    if pay_now is not None and pay_now.kind == "invoice" and amount.amount > 0:
        return unprompted_reply(policy, (approved, Text(N_("You can pay it now, here in the chat."))),
                                ((pay_button(amount),), *rows))
    return unprompted_reply(policy, (approved, Text(N_("Use /pay to see how to pay."))), rows)


def declined_reply(policy: Policy) -> Reply:
    return unprompted_reply(
        policy,
        (Text(N_("The bank has not approved the plan you chose. You can choose another plan, or talk to a "
                 "person.")),),
        ((command_button(N_("Repayment plans"), "plans"),), (person_button(),)),
    )


def outcome_reply(policy: Policy, kind: str, outcome: str) -> Reply | None:
    msgid = OUTCOME_MESSAGES.get((kind, outcome))
    if msgid is None:
        return None
    return unprompted_reply(policy, (Text(msgid),), ((person_button(),),))


def _decision(policy: Policy, row: OwedDecision, pay_now: PayNow | None) -> Reply:
    if row.status == "declined":
        return declined_reply(policy)
    due, amount = row.schedule[0]
    return approved_reply(policy, amount, due, pay_now)


async def owed_messages(store: Store, policy: Policy, now: datetime,
                        pay_now: PayNow | None = None) -> list[Owed]:
    """Decisions and outcomes of the last week not yet told, inside contact hours now: one
    message per decision, to the debtor's chat that wrote last (a debtor with two chats is told
    once, as with reminders)."""
    since = active_since(policy, now)
    async with store.read() as db:
        decisions = await arrangement_decisions.owed_decisions(db, now - WEEK, active_since=since)
        outcomes = await cases.owed_outcomes(db, now - WEEK, active_since=since)
    owed, seen, debtors = [], set(), set()
    for table, rows in (("arrangement", decisions), ("case", outcomes)):
        for row in rows:
            zone = debtor_zone(row.timezone, policy.contact.default_timezone)
            if (table, row.id) in seen or row.chat_id in debtors:
                continue
            # the caps count every kind: one message per debtor per run, and only under them
            if not may_contact(now, zone, policy.contact, False, await debtor_sent(store, row.chat_id, now)):
                continue
            seen.add((table, row.id))
            debtors.add(row.chat_id)
            if isinstance(row, OwedDecision):
                reply = _decision(policy, row, pay_now)
            else:
                reply = outcome_reply(policy, row.kind, row.outcome)
            if reply is not None:
                kind = "decision" if table == "arrangement" else "outcome"
                message = Unprompted(row.chat_id, message_locale(row), kind, reply)
                owed.append(Owed(message, table, row.id))
    return owed


async def tell(store: Store, send: Send, owed: list[Owed], now: Callable[[], datetime]) -> int:
    """Send each message; a row is told once any of its chats has it. How many went out."""
    sent = 0
    for item in owed:
        if await deliver(store, send, [item.message], now):
            sent += 1
            async with store.unit() as db:
                mark = arrangement_decisions.mark_told if item.table == "arrangement" else cases.mark_told
                await mark(db, item.row_id, now())
    return sent
