"""What goes into a flow and what comes out: events in, replies out. No Telegram here.

A reply never holds a finished sentence: it holds gettext message ids (the English source
text, marked with N_ so `pybabel extract` finds it) and typed parameters. The bot renders
them in the chat's language, formatting Money, dates and numbers with babel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from debt.policy import Policy


def N_(msgid: str) -> str:
    """Marks a message for extraction; translation happens when the bot renders it."""
    return msgid


def NP_(singular: str, plural: str, n: int, params: Mapping[str, Any] | None = None) -> Text:
    """A message with plural forms (`pybabel extract -k NP_:1,2` makes it one plural entry).

    Write `NP_("{n} day", "{n} days", n, {"n": n})`, never Text(N_(..), plural=N_(..)):
    two N_ calls extract two unrelated singular entries that no language can pluralise.
    """
    return Text(singular, params or {}, plural, n)


@dataclass(frozen=True)
class Event:
    """One thing a person did in a chat."""

    chat_id: int
    user_id: int
    kind: str  # command | text | button | contact
    update_id: int | None = None  # None for the console, which never redelivers
    command: str = ""  # without the slash, lower-case
    text: str = ""  # the text, or a command's arguments
    data: str = ""  # a button's callback data
    phone: str = ""  # a shared contact's number
    contact_user_id: int | None = None  # whose number it is, as Telegram says
    language_code: str = ""  # the Telegram user's interface language


@dataclass(frozen=True)
class Text:
    """One translatable paragraph. params values may be Money, date, int, Decimal, str or Text."""

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)
    plural: str | None = None  # with n: rendered with ngettext
    n: int | None = None


@dataclass(frozen=True)
class Button:
    label: Text
    data: str  # callback data, at most 64 bytes
    url: str = ""  # a link button instead (the bank's checkout page): data unused


@dataclass(frozen=True)
class Invoice:
    """A bill to pay in the chat (a Telegram invoice through the bank's payment provider)."""

    title: Text  # Telegram: 1-32 characters
    description: Text  # 1-255 characters
    amount: Any  # Money
    payload: str  # signed (debt/pay_signing.py): read back at the pre-checkout query


@dataclass(frozen=True)
class Reply:
    """One message to the chat: paragraphs joined by blank lines, with buttons under it."""

    parts: tuple[Text, ...]
    buttons: tuple[tuple[Button, ...], ...] = ()  # rows of inline buttons
    ask_contact: bool = False  # show the "share my phone number" keyboard button
    remove_keyboard: bool = False
    invoice: Invoice | None = None  # sent as an invoice after the text (when there is text)


@dataclass(frozen=True)
class Outcome:
    """What one event produced: the replies, and the language to render them in."""

    replies: tuple[Reply, ...]
    locale: str
    commands_locale: str | None = None  # set after /language: this chat's command menu changes
    notices: int = 0  # collectors' notices the step left in the outbox (the bot drains them at once)


# --- the pieces every message shares, conversations' and unprompted ones' (ops/ uses these) ---

PERSON = "person"  # the "talk to a person" button's callback data


def person_button() -> Button:
    return Button(Text(N_("Talk to a person")), PERSON)


PAY = "pay:"  # a "Pay now" button's callback data: "pay:<amount>" or "pay:other" (flows/pay_now.py)


def pay_label(amount: Any) -> Text:
    """"Pay {amount} now" (amount: Money), on an invoice button or a checkout link."""
    return Text(N_("Pay {amount} now"), {"amount": amount})


def pay_button(amount: Any) -> Button:
    """The button that sends a Telegram invoice for `amount` when pressed; checked then, so a
    button read late still bills only what is owed."""
    return Button(pay_label(amount), f"{PAY}{amount.amount}")


def command_button(label: str, command: str) -> Button:
    """A button that does what typing the command does ("cmd:balance"): it never goes stale."""
    return Button(Text(label), f"cmd:{command}")


# Statements a policy requires where the bot speaks of the debt (debt.policy.DISCLOSURES); the
# words live in the catalogs, so each debtor reads them in their language (flows.disclosure).
STATEMENTS = {
    "attempt_to_collect": N_(
        "This is an attempt to collect a debt. Any information obtained will be used for that purpose."
    ),
}


def disclosure_texts(policy: Policy) -> tuple[Text, ...]:
    """The policy's statement as a paragraph, or nothing when it names none."""
    return (Text(STATEMENTS[policy.disclosure]),) if policy.disclosure else ()
