"""Reminders the day before a promise or instalment is due, and the rules for any unprompted message.

An unprompted message goes out only inside the day's contact window in the debtor's time zone
(the account's, else the policy's default), never after /stop or a 403 or a refusal of contact,
never beyond a cap (per day, week or month, counted over every kind), never while a dispute
from any channel is open, never to a chat idle past binding_idle_days, and always with the
lender's name and phone, the policy's disclosure and its opt-out line.
The debtor is the account: its chats share the caps, one /stop, and one message per run
(to the chat that wrote last). `debt.contact_rules.should_remind` is the pure decision; here the
candidates are read (store.contact_log.CONTACTABLE) and what was sent is recorded; the sending
(rendering in the debtor's language, Telegram) is injected by the door (bot.jobs).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from debt.contact_rules import should_remind
from debt.local_time import debtor_zone
from debt.money import Money
from debt.policy import Policy
from flows.languages import locale_from_account
from flows.types import N_, Button, Reply, Text, command_button, disclosure_texts, person_button
from store.contact_log import Recipient, last_sent, mark_opted_out, record_sent, sent_times
from store.db import Store
from store.promise_rows import PromiseToTell, iter_due_soon

log = logging.getLogger(__name__)

OPT_OUT = N_("Reply /stop to stop these reminders.")
WEEK = timedelta(days=7)
CAP_SPAN = timedelta(days=31)  # the longest cap's span (debt.policy.ContactRule.caps)
LENDER = N_("From {lender}, phone {phone}.")
LENDER_WITH_ID = N_("From {lender} ({id_label} {id_number}), phone {phone}.")


class Delivery(enum.Enum):
    """What became of one message, as the door that sent it (bot.jobs) saw it."""

    SENT = "sent"
    BLOCKED = "blocked"  # the chat blocked the bot: it is opted out of unprompted messages
    FAILED = "failed"  # not sent this time: not logged as sent, so the next run tries again




@dataclass(frozen=True)
class Unprompted:
    """A message the debtor did not ask for, ready to render in their language."""

    chat_id: int
    locale: str
    kind: str  # reminder | broken (store.contact_log.KINDS)
    reply: Reply
    account_ref: str | None = None  # whose debt: counted against the account's weekly cap


# Renders one message in its language and sends it (bot.jobs.telegram_sender); injected.
Send = Callable[[Unprompted], Awaitable[Delivery]]


def message_locale(row: Recipient) -> str:
    """The chat's language, else the account's (a BCP 47 tag such as zh-CN) mapped to ours."""
    return row.locale or locale_from_account(row.account_locale or "")


def lender_texts(policy: Policy) -> tuple[Text, ...]:
    """Who sends it, where the policy names the lender (230-FZ art. 7, CDC art. 42-A)."""
    lender = policy.lender
    if lender is None:
        return ()
    values = {"lender": lender.name, "phone": lender.phone}
    if lender.id_label:
        return (Text(LENDER_WITH_ID, {**values, "id_label": lender.id_label, "id_number": lender.id_number}),)
    return (Text(LENDER, values),)


def unprompted_reply(
    policy: Policy, parts: tuple[Text, ...], buttons: tuple[tuple[Button, ...], ...]
) -> Reply:
    """Every unprompted message ends alike: who sends it, the policy's disclosure, then the way
    to stop them."""
    return Reply((*parts, *lender_texts(policy), *disclosure_texts(policy), Text(OPT_OUT)), buttons)


async def debtor_sent(store: Store, chat_id: int, now: datetime) -> list[datetime]:
    """The unprompted messages the chat's debtor had within the longest cap's span."""
    async with store.read() as db:
        return await sent_times(db, chat_id, now - CAP_SPAN)


def reminder_reply(policy: Policy, amount: Money, due: date) -> Reply:
    return unprompted_reply(
        policy,
        (
            Text(
                N_("A friendly reminder: {amount} is due tomorrow, {due_date}."),
                {"amount": amount, "due_date": due},
            ),
            Text(N_("If you have already paid, thank you, and please ignore this message.")),
        ),
        ((command_button(N_("How to pay"), "pay"), person_button()),),
    )


def active_since(policy: Policy, now: datetime) -> datetime:
    """A chat silent since before this must verify again, so it is told nothing unprompted.
    In UTC: the store compares instants as ISO text."""
    return (now - timedelta(days=policy.verification.binding_idle_days)).astimezone(UTC)


async def due_reminders(store: Store, policy: Policy, now: datetime) -> list[Unprompted]:
    """The reminders to send now: one per account and due date, amounts due that day summed,
    to the account's chat that wrote last; then at most one per account."""
    today = now.date()
    # Any zone is within a day of UTC: tomorrow somewhere is between today and the day after next.
    async with store.read() as db:
        rows = [row async for row in iter_due_soon(db, today, today + timedelta(days=2),
                                                   active_since=active_since(policy, now))]
    firsts: dict[tuple[str, date], PromiseToTell] = {}
    owed: dict[tuple[str, date], dict[int, Money]] = {}
    for row in rows:  # a promise comes once per chat of its account: count it once
        key = (row.promise.account_ref, row.promise.due_date)
        firsts.setdefault(key, row)
        owed.setdefault(key, {})[row.promise.id] = row.promise.unpaid
    out = []
    for (ref, due), amounts in owed.items():
        row = firsts[(ref, due)]
        chat_id = row.chat_id
        zone = debtor_zone(row.timezone, policy.contact.default_timezone)
        sent = await debtor_sent(store, chat_id, now)
        async with store.read() as db:
            last = await last_sent(db, chat_id, "reminder")
        total = sum(amounts.values(), Money(Decimal(0), row.promise.amount.currency))
        if should_remind(now=now, due=due, zone=zone, contact=policy.contact, opted_out=False,
                         sent_last_week=sent, last_reminder_at=last):
            reply = reminder_reply(policy, total, due)
            out.append(Unprompted(chat_id, message_locale(row), "reminder", reply, ref))
    return one_per_debtor(out)


def one_per_debtor(messages: list[Unprompted]) -> list[Unprompted]:
    """At most one unprompted message per account (and per chat) per run, the first (soonest)."""
    seen: set[object] = set()
    kept = []
    for message in messages:
        keys = {("chat", message.chat_id), ("account", message.account_ref or message.chat_id)}
        if not keys & seen:
            seen |= keys
            kept.append(message)
    return kept


async def deliver(
    store: Store, send: Send, messages: list[Unprompted], now: Callable[[], datetime]
) -> int:
    """Send each message; log it once sent; a blocked chat is opted out. The count sent."""
    sent = 0
    for message in messages:
        outcome = await send(message)
        if outcome is Delivery.BLOCKED:
            async with store.unit() as db:
                await mark_opted_out(db, message.chat_id, now())
            log.info("a chat blocked the bot; it is opted out of %s messages", message.kind)
            continue
        if outcome is not Delivery.SENT:
            continue
        async with store.unit() as db:
            await record_sent(db, message.chat_id, message.kind, now(), message.account_ref)
        sent += 1
    return sent
