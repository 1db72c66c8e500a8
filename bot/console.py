"""`debtdesk demo`: the debtor's side of the chat in a terminal, over the seeded demo database.

The same Flows and the same rendering as the Telegram bot; only the transport differs.
Buttons are numbered and typing the number presses the button; `/phone <number>` stands in
for Telegram's share-my-phone button; `/quit` or end of input ends the chat.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from bot.config import Config
from bot.i18n import load_all, locales_dir, translator
from bot.render import flat_buttons, render_plain
from bot.serve import utc_now
from bot.telegram_app import split_command
from flows.engine import Flows
from flows.languages import LANGUAGE_NAMES, locale_from_account
from flows.types import N_, Button, Event, Reply
from ops.demo_data import DemoIdentity, demo_language, seed_demo
from store.chats import load_chat, locked_until
from store.db import Store

log = logging.getLogger("debtdesk.demo")

CHAT_ID = 1  # the one person at this terminal
CONSOLE_LOCALE = "en"  # the demo's own lines; the bot's replies follow the account's language

WELCOME = N_(
    "This is the debtdesk demo. You are a person behind on a card or loan, chatting with the "
    "bank's bot. Type as you would in Telegram: text, or a /command. Type a button's number to "
    "press it, /phone and a number to share your phone, /logout to sign out and be someone "
    "else, /quit to leave."
)
PHONE_HINT = N_("(In this terminal: type /phone and your number, for example /phone {phone}.)")
IDENTITIES = N_("Invented people you can be (every name and number in this demo is made up):")
IDENTITY = N_(
    "{stage}: reference {ref}, date of birth {dob}, last 4 ID digits {last4}, phone {phone}, "
    "language {language}"
)
STILL_SIGNED_IN = N_(
    "From an earlier run of the demo you are still signed in as {ref}. Type /logout to sign out "
    "and be someone else, or start afresh with: debtdesk demo --reset"
)
STILL_LOCKED = N_(
    "In an earlier run of the demo, signing in was paused after too many wrong answers, until "
    "{until}. To start afresh now: debtdesk demo --reset"
)
GOODBYE = N_("Goodbye.")
PROMPT = "> "


class ConsoleChat:
    """One person typing: turns lines into events and replies into numbered text."""

    def __init__(self, flows: Flows, write: Callable[[str], None], phone_example: str = "",
                 language_code: str = "") -> None:
        self.flows, self.write = flows, write
        self.language_code = language_code  # as a Telegram app set to that language sends it
        self.phone_example = phone_example  # a number from the demo's own people, in the policy's country
        self.buttons: list[Button] = []

    def event_for(self, line: str) -> Event:
        base = {"chat_id": CHAT_ID, "user_id": CHAT_ID, "language_code": self.language_code}
        if line.isdigit() and 1 <= int(line) <= len(self.buttons):
            return Event(kind="button", data=self.buttons[int(line) - 1].data, **base)
        command = split_command(line)
        if command is not None and command[0] == "phone":
            return Event(kind="contact", phone=command[1], contact_user_id=CHAT_ID, **base)
        if command is not None:
            return Event(kind="command", command=command[0], text=command[1], **base)
        return Event(kind="text", text=line, **base)

    async def say(self, line: str) -> None:
        outcome = await self.flows.handle(self.event_for(line))
        tr = translator(outcome.locale)
        self.buttons = []
        for reply in outcome.replies:
            self.write(self._plain(reply, outcome.locale, tr, self.phone_example) + "\n\n")
            # The newest buttons are the ones a number presses, as in a chat.
            if reply.buttons:
                self.buttons = flat_buttons(reply)

    @staticmethod
    def _plain(reply: Reply, locale: str, tr, phone: str) -> str:
        text = render_plain(reply, locale, tr)
        return f"{text}\n{tr.gettext(PHONE_HINT).format(phone=phone)}" if reply.ask_contact else text


def introduce(identities: list[DemoIdentity], write: Callable[[str], None]) -> None:
    """The welcome, and who to be: one open account per stage."""
    tr = translator(CONSOLE_LOCALE)
    lines = [tr.gettext(WELCOME), "", tr.gettext(IDENTITIES)]
    for who in identities:
        params = {
            "stage": who.stage,
            "ref": who.account_ref,
            "dob": who.date_of_birth.isoformat(),  # the form anyone can type back
            "last4": who.id_last4,
            "phone": who.phone,
            "language": LANGUAGE_NAMES[locale_from_account(who.locale)],
        }
        lines.append("  " + tr.gettext(IDENTITY).format(**params))
    write("\n".join(lines) + "\n\n")


async def earlier_run(store: Store, now: datetime, zone: str) -> list[str]:
    """What an earlier run left that would otherwise puzzle the person: a chat still signed in,
    or signing-in paused by wrong answers (the chat's own lock; an account is never locked for
    everyone)."""
    tr = translator(CONSOLE_LOCALE)
    async with store.read() as db:
        chat = await load_chat(db, CHAT_ID)
        until = await locked_until(db, f"chat:{CHAT_ID}", now)
    notes = []
    if chat is not None and chat.account_ref and chat.verified_at:
        notes.append(tr.gettext(STILL_SIGNED_IN).format(ref=chat.account_ref))
    if until is not None:
        stamp = format_datetime(until, "yyyy-MM-dd HH:mm zzzz", tzinfo=ZoneInfo(zone), locale=CONSOLE_LOCALE)
        notes.append(tr.gettext(STILL_LOCKED).format(until=stamp))
    return notes


def warn_without_catalogs() -> None:
    """As `run` does: without the catalogs every reply would silently be English."""
    if not load_all():
        log.warning("no catalogs in %s (set DEBTDESK_LOCALES): all messages in English", locales_dir())


async def run_demo(
    config: Config, stdin: TextIO, stdout: TextIO, now: Callable[[], datetime] = utc_now
) -> None:
    def write(text: str) -> None:
        stdout.write(text)
        stdout.flush()

    secret = config.require_secret()  # the CLI passes the demo's own key
    warn_without_catalogs()
    store = await Store.open(config.db_path)
    try:
        identities = await seed_demo(store, secret, config.policy, now())
        introduce(identities, write)
        for note in await earlier_run(store, now(), config.policy.contact.default_timezone):
            write(note + "\n\n")
        phone = identities[0].phone if identities else ""
        chat = ConsoleChat(Flows(store, config.policy, secret, now, translator), write, phone,
                           demo_language(config.policy))
        await chat.say("/start")  # as if the person had just opened the bot
        while True:
            write(PROMPT)
            line = await asyncio.to_thread(stdin.readline)
            if line and not stdin.isatty():
                write(line)  # piped input: show it, so the transcript reads like a chat
            if not line or line.strip().lower() in ("/quit", "/exit"):
                break
            if line.strip():
                await chat.say(line.strip())
        write("\n" + translator(CONSOLE_LOCALE).gettext(GOODBYE) + "\n")
    finally:
        await store.close()
