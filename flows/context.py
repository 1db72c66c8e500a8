"""One step's working set: the event, the chat's session, the verified account, and the replies.

Flow functions read and change a Ctx; the engine loads it, and saves what they changed in the
same transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from debt.account import Account
from debt.local_time import debtor_zone, local_today
from debt.money import Money
from debt.pay_signing import PayNow
from debt.policy import Policy
from flows import keywords
from flows.types import Button, Event, Reply, Text
from store import audit, outbox
from store.accounts import AccountRecord
from store.chats import Chat
from store.db import Connection
from store.notice_payloads import NoticePayload

# Keys of chat.data that survive a change of state: a command waiting for verification to finish.
_KEPT = ("after",)


def new_nonce() -> str:
    """A state's nonce: short (it rides in every button's 64-byte callback data) and unguessable."""
    return secrets.token_hex(3)


@dataclass
class Ctx:
    db: Connection
    policy: Policy
    secret: bytes
    now: datetime
    event: Event
    chat: Chat
    record: AccountRecord | None = None  # set only while the chat is verified
    replies: list[Reply] = field(default_factory=list)
    continue_with: str | None = None  # a command to run once this step is done (after verification)
    commands_locale: str | None = None  # a language just chosen: the bot sets the chat's command menu
    # The chat language's gettext, to read keywords typed in that language (flows/keywords.py).
    gettext: Callable[[str], str] = field(default=lambda msgid: msgid)
    notices: int = 0  # enqueued by this step
    nonce: Callable[[], str] = new_nonce  # injected like the clock: tests make it deterministic
    pay_now: PayNow | None = None  # how "Pay now" is offered (flows/pay_now.py); None: not at all

    # --- the account -------------------------------------------------------------------
    @property
    def verified(self) -> bool:
        return self.record is not None

    @property
    def account(self) -> Account:
        assert self.record is not None, "only verified steps read the account"
        return self.record.account

    @property
    def ref(self) -> str:
        return self.account.account_ref

    def money(self, amount: Any) -> Money:
        return Money(amount, self.account.currency)

    @property
    def today(self) -> date:
        """Today where the debtor lives: the account's time zone, else the policy's."""
        return self.day_in(self.record.account.timezone if self.record else "")

    def day_in(self, timezone: str) -> date:
        """Today in that IANA zone, else in the policy's."""
        return local_today(self.now, debtor_zone(timezone, self.policy.contact.default_timezone))

    @property
    def locale(self) -> str:
        return self.chat.locale or "en"

    # --- the session -------------------------------------------------------------------
    @property
    def state(self) -> str:
        return self.chat.state

    @property
    def data(self) -> dict[str, Any]:
        return self.chat.data

    def go(self, state: str, **data: Any) -> None:
        """Enter a state with fresh data and a fresh nonce, so buttons of older messages go stale."""
        kept = {k: self.chat.data[k] for k in _KEPT if k in self.chat.data}
        self.chat.state = state
        self.chat.data = {**kept, **data, "n": self.nonce()}

    def said(self, keyword: str, text: str) -> bool:
        """Whether the typed text is one of a keyword's words (yes, no, skip ...) in this language."""
        return keywords.matches(text, keyword, self.gettext)

    def btn(self, label: Text, payload: str) -> Button:
        """A button of the current state: its data carries the state's nonce ("<nonce>.<payload>")."""
        return Button(label, f"{self.chat.data.get('n', '')}.{payload}")

    # --- output ------------------------------------------------------------------------
    def say(self, *parts: Text, buttons: tuple[tuple[Button, ...], ...] = (), ask_contact: bool = False,
            remove_keyboard: bool = False) -> None:
        self.replies.append(Reply(tuple(parts), tuple(buttons), ask_contact, remove_keyboard))

    # --- records -----------------------------------------------------------------------
    @property
    def actor(self) -> str:
        return f"chat:{self.chat.chat_id}"

    async def audit(self, action: str, account_ref: str | None, **detail: Any) -> None:
        await audit.append(self.db, self.actor, action, account_ref, self.now, detail)

    async def notify(self, payload: NoticePayload) -> int:
        self.notices += 1
        return await outbox.enqueue(self.db, payload, self.now)
