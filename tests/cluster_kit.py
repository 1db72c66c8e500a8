"""The cluster test's parts: debtors seeded on one database, several `debtdesk serve` processes
behind a chooser that spreads updates at random (some twice, some to two at once), and the
journey each debtor walks.

The debtors' time zones are picked from the real clock so that the outcome never depends on
the hour the test runs: the journeys' chats sit at 03:00 local time (outside contact hours: no
unprompted message ever lands among their replies), the reminders' and the sweep's at 14:00
(inside contact hours, after the policy's reminder time).
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
from accounts_kit import account_row
from fakeapi import FakeBotAPI, Sent
from flows_kit import SECRET
from serve_kit import ServeProcess

from debt.money import Money
from store.accounts import upsert_accounts
from store.chats import Chat, save_chat
from store.db import Store
from store.promise_rows import insert_promise
from store.tokens import issue_link, store_factor_rows

FIRST_CHAT = 810_001
DOB = "1979-06-14"


def zone_at(local_hour: int, now: datetime) -> tuple[str, timedelta]:
    """An Etc/GMT zone where it is now local_hour:mm, and its offset from UTC."""
    offset = (local_hour - now.hour + 12) % 24 - 12  # -12..11: every such Etc zone exists
    return f"Etc/GMT{-offset:+d}", timedelta(hours=offset)


@dataclass
class Seeded:
    tokens: dict[int, str]  # journey chat -> its deep-link token
    reminded: dict[int, str]  # chat -> account with a promise due tomorrow (local)
    swept: dict[int, str]  # chat -> account with a promise past its grace


async def seed(db_url: str, journeys: int, reminders: int, sweeps: int) -> Seeded:
    now = datetime.now(UTC)
    quiet, _ = zone_at(3, now)
    awake, offset = zone_at(14, now)
    local_today = (now + offset).date()
    store = await Store.open(db_url)
    try:
        seeded = Seeded({}, {}, {})
        rows = [account_row("gb", account_ref=f"CL-J{n:04d}", date_of_birth=DOB, timezone=quiet,
                            customer_name=f"Journey Debtor{n}") for n in range(journeys)]
        rows += [account_row("gb", account_ref=f"CL-R{n:04d}", timezone=awake) for n in range(reminders)]
        rows += [account_row("gb", account_ref=f"CL-S{n:04d}", timezone=awake) for n in range(sweeps)]
        async with store.unit() as db:
            await upsert_accounts(db, rows, now)
            await store_factor_rows(db, SECRET, rows)
            for n in range(journeys):
                chat = FIRST_CHAT + n
                seeded.tokens[chat] = await issue_link(db, SECRET, f"CL-J{n:04d}", now, 14)
            bound = [("R", reminders, local_today + timedelta(days=1), seeded.reminded),
                     ("S", sweeps, local_today - timedelta(days=10), seeded.swept)]
            chat = FIRST_CHAT + journeys
            for letter, count, due, chats in bound:
                for n in range(count):
                    ref = f"CL-{letter}{n:04d}"
                    await save_chat(db, Chat(chat, ref, verified_at=now, last_seen_at=now, locale="en",
                                             state="menu"), now)
                    made = now - timedelta(days=20)
                    await insert_promise(db, ref, Money(Decimal("40.00"), "GBP"), due, "chat", made)
                    chats[chat] = ref
                    chat += 1
        return seeded
    finally:
        await store.close()


@dataclass
class Cluster:
    """The serve processes and the way updates reach them, as Telegram's webhook would: an
    update is posted until some instance answers 200."""

    api: FakeBotAPI
    bots: list[ServeProcess]
    rng: random.Random
    double: float = 0.15  # to two instances at once
    again: float = 0.1  # once more after its 200
    down: set[int] = field(default_factory=set)
    in_flight: list[int] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)  # chats with a post cut off by the kill

    def __post_init__(self) -> None:
        self.in_flight = [0] * len(self.bots)

    def live(self) -> list[int]:
        return [i for i in range(len(self.bots)) if i not in self.down]

    async def _post(self, i: int, chat: int, update: dict) -> bool:
        self.in_flight[i] += 1
        try:
            answer = await self.bots[i].post(update)
        except httpx.TransportError:
            self.touched.add(chat)
            return False
        finally:
            self.in_flight[i] -= 1
        return answer.status_code == 200

    async def deliver(self, chat: int, update: dict, to: int | None = None) -> None:
        """Post until answered 200: first to `to` (when it is up) or one at random, or two."""
        while True:
            live = self.live()
            if to in live:
                targets, to = [to], None
            elif len(live) > 1 and self.rng.random() < self.double:
                targets = self.rng.sample(live, 2)
            else:
                targets = [self.rng.choice(live)]
            answers = await asyncio.gather(*(self._post(i, chat, update) for i in targets))
            if any(answers):
                break
            await asyncio.sleep(0.1)
        if self.rng.random() < self.again:  # Telegram did not see the 200: it posts once more
            await self.deliver(chat, update)

    async def kill_and_restart(self, i: int, after: asyncio.Event) -> None:
        """Once `after` is set and instance i has updates in hand: SIGKILL it, then start it again."""
        await after.wait()
        while self.in_flight[i] < 2:
            await asyncio.sleep(0.005)
        self.down.add(i)
        self.bots[i].process.kill()
        assert await self.bots[i].wait_dead() == -9
        await asyncio.sleep(0.5)
        await self.bots[i].start(timeout=60)
        self.down.discard(i)


def fragment_in(messages: list[Sent], fragment: str) -> Sent | None:
    found = [m for m in messages if fragment in m.text]
    return found[-1] if found else None


# The journey: each step's answer, and a sentence its answer must contain.
CONFIRM_IT_IS_YOU = "First, let us confirm it is you"
CONFIRMED = "You are confirmed"
HOW_MUCH = "How much will you pay?"
WHICH_DATE = "By which date will you pay"
IS_THAT_RIGHT = "Is that right?"
PROMISED = "Your promise to pay"
FRAGMENTS = (CONFIRM_IT_IS_YOU, CONFIRMED, HOW_MUCH, WHICH_DATE, IS_THAT_RIGHT, PROMISED)


async def journey(cluster: Cluster, chat: int, token: str) -> bool:
    """One debtor's journey; False when a reply it needs never came (lost with the killed
    instance between its commit and its send: the update is done, so nobody sends it again)."""
    api = cluster.api

    async def step(update: dict, fragment: str) -> Sent | None:
        before = len(api.to(chat))
        await cluster.deliver(chat, update)
        return fragment_in(api.to(chat)[before:], fragment)

    if not await step(api.push_command(chat, "start", token), CONFIRM_IT_IS_YOU):
        return False
    # The date of birth and /promise posted to two instances nearly at once: /promise goes in
    # once the first sentence of the answer to the date of birth is out, while that turn is held.
    before = len(api.to(chat))
    one, other = cluster.rng.sample(range(len(cluster.bots)), 2)
    dob = api.push_text(chat, DOB)
    first = asyncio.create_task(cluster.deliver(chat, dob, to=one))
    async with asyncio.timeout(30):
        while len(api.to(chat)) == before and not first.done():
            await asyncio.sleep(0.002)
    second = asyncio.create_task(cluster.deliver(chat, api.push_command(chat, "promise"), to=other))
    await asyncio.gather(first, second)
    answers = api.to(chat)[before:]
    if not (fragment_in(answers, CONFIRMED) and fragment_in(answers, HOW_MUCH)):
        return False
    dates = await step(api.push_text(chat, "25"), WHICH_DATE)
    if not dates:
        return False
    choice = next(data for _, data in dates.buttons if "date:" in data)
    asked = await step(api.push_button(chat, choice), IS_THAT_RIGHT)
    if not asked:
        return False
    return bool(await step(api.push_button(chat, asked.data_for("Yes, I promise")), PROMISED))
