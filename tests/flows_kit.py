"""A small harness for flow tests: a real SQLite store, the real policy, an injected clock, and
helpers that send events through Flows.handle and read what came back."""

from __future__ import annotations

import string
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from accounts_kit import account_row

from bot.i18n import translator
from debt.policy import load_policy
from flows.engine import Flows
from flows.types import Button, Event, Outcome, Text
from store.accounts import upsert_accounts
from store.db import Store
from store.tokens import issue_link, store_factor_rows

SECRET = b"test-secret-0123456789abcdef"
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, start: datetime = START) -> None:
        self.at = start

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: Any) -> None:
        self.at += timedelta(**delta)


async def seed(store: Store, clock: Clock, **changes: str) -> str:
    """One account (accounts_kit's GBP card with changes) and its factors; returns its reference."""
    row = account_row("gb", **changes)
    async with store.unit() as db:
        await upsert_accounts(db, [row], clock())
        await store_factor_rows(db, SECRET, [row])
    return row.account.account_ref


async def link(store: Store, clock: Clock, ref: str, days: int = 14) -> str:
    async with store.unit() as db:
        return await issue_link(db, SECRET, ref, clock(), days)


class Chat:
    """One Telegram chat talking to the flows; update ids count up like Telegram's."""

    _next_update = 1000

    def __init__(self, flows: Flows, chat_id: int = 42, language_code: str = "en") -> None:
        self.flows, self.chat_id, self.language_code = flows, chat_id, language_code
        self.last: Outcome | None = None

    async def send(self, kind: str, update_id: int | None = None, **fields: Any) -> Outcome:
        if update_id is None:
            Chat._next_update += 1
            update_id = Chat._next_update
        event = Event(chat_id=self.chat_id, user_id=self.chat_id, kind=kind, update_id=update_id,
                      language_code=self.language_code, **fields)
        self.last = await self.flows.handle(event)
        check_placeholders(self.last)
        return self.last

    async def cmd(self, command: str, args: str = "") -> Outcome:
        return await self.send("command", command=command, text=args)

    async def text(self, text: str) -> Outcome:
        return await self.send("text", text=text)

    async def press(self, data: str) -> Outcome:
        return await self.send("button", data=data)

    async def tap(self, label_fragment: str) -> Outcome:
        """Press the button of the last answer whose label (msgid or params) holds the fragment."""
        return await self.press(find_button(self.last, label_fragment).data)

    async def contact(self, phone: str, owner: int | None = None) -> Outcome:
        owner = self.chat_id if owner is None else owner
        return await self.send("contact", phone=phone, contact_user_id=owner)


def texts(outcome: Outcome) -> Iterator[Text]:
    def walk(text: Text) -> Iterator[Text]:
        yield text
        for value in text.params.values():
            if isinstance(value, Text):
                yield from walk(value)
    for reply in outcome.replies:
        for part in reply.parts:
            yield from walk(part)
        for row in reply.buttons:
            for button in row:
                yield from walk(button.label)


def check_placeholders(outcome: Outcome) -> None:
    """Every placeholder of every message (and plural) has its parameter, and no button's data
    passes Telegram's 64 bytes: a reply that would fail to render fails the test instead."""
    for text in texts(outcome):
        for pattern in (text.msgid, text.plural or ""):
            names = {field for _, field, _, _ in string.Formatter().parse(pattern) if field}
            assert names <= set(text.params), (pattern, text.params)
    for button in buttons(outcome):
        assert 1 <= len(button.data.encode()) <= 64, button.data


def msgids(outcome: Outcome) -> list[str]:
    return [t.msgid for t in texts(outcome)]


def rendered(outcome: Outcome) -> str:
    """Every msgid, plural and parameter as plain strings: what could reach the screen."""
    bits = []
    for text in texts(outcome):
        bits += [text.msgid, text.plural or ""]
        bits += [str(v) for v in text.params.values() if not isinstance(v, Text)]
    for reply in outcome.replies:
        bits += [b.data for row in reply.buttons for b in row]
    return "\n".join(bits)


def buttons(outcome: Outcome) -> list[Button]:
    return [b for reply in outcome.replies for row in reply.buttons for b in row]


def find_button(outcome: Outcome | None, fragment: str) -> Button:
    assert outcome is not None
    for button in buttons(outcome):
        label = button.label
        if fragment in label.msgid or any(fragment in str(v) for v in label.params.values()):
            return button
    raise AssertionError(f"no button with {fragment!r} in {[b.label.msgid for b in buttons(outcome)]}")


def has(outcome: Outcome, fragment: str) -> bool:
    return any(fragment in m for m in msgids(outcome))


async def rows(store: Store, sql: str, *args: Any) -> list[dict[str, Any]]:
    async with store.read() as db:
        async with db.execute(sql, args) as cur:
            return [dict(r) for r in await cur.fetchall()]


def make_flows(store: Store, clock: Clock, policy: str = "uk") -> Flows:
    return Flows(store, load_policy(policy), SECRET, clock, translator)


async def verified(flows: Flows, ref: str, chat_id: int = 42, language_code: str = "en",
                   dob: str = "1985-04-12") -> Chat:
    """A chat that has confirmed who it is for ref (by reference and date of birth)."""
    chat = Chat(flows, chat_id=chat_id, language_code=language_code)
    await chat.cmd("start")
    await chat.text(ref)
    out = await chat.text(dob)
    assert any("You are confirmed" in m for m in msgids(out)), msgids(out)
    return chat


def param(outcome: Outcome, msgid_fragment: str, name: str) -> Any:
    for text in texts(outcome):
        if msgid_fragment in text.msgid:
            return text.params[name]
    raise AssertionError(f"no {msgid_fragment!r} in {msgids(outcome)}")


async def promise_asked(chat: Chat, amount: str = "50", due: str = "2026-03-05") -> Outcome:
    """/promise with a typed amount and date, up to (not including) the confirmation."""
    await chat.cmd("promise")
    await chat.text(amount)
    return await chat.text(due)
