"""`debtdesk run` killed with SIGKILL at random points while debtors make promises and plans, and
started again each time: no promise lost or made twice, every notice reaches the collectors.

Each debtor behaves like a person: one message at a time, waiting for the answer. When the bot
dies, what became of the debtor's last update is decided from the outside once the process is
gone: committed (its row is in processed_updates; whatever it sent is all it will ever send),
still held by the fake Telegram (the next process gets it), or lost (fetched, confirmed by the
next getUpdates offset, never processed - python-telegram-bot confirms on fetch). A debtor
without the answer they waited for does what a person would: asks again.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import pytest
from db_kit import database
from fakeapi import FakeBotAPI, Sent
from fault_kit import (
    COLLECTORS,
    BotProcess,
    environment,
    integrity,
    leaks,
    query,
    queued_update_ids,
    secrets_of,
    seeded,
)

KILLS = 21
CHATS = 3
SEED = 20261129
PROMISED = "Your promise to pay"
PLAN_SET = "Your plan is set up"
STALE = "That button belongs to an older message"
AGAIN = "How much will you pay?"  # a confirmation refused because the day turned: asked afresh


class Rig:
    """The bot process, the kills, and the verdict on each debtor's update after a kill."""

    def __init__(self, api: FakeBotAPI, bot: BotProcess, db_path: str, rng: random.Random) -> None:
        self.api, self.bot, self.db_path, self.rng = api, bot, db_path, rng
        self.epoch = 0  # counts deaths: an update pushed before death `epoch` is judged after it
        self.debtors: list[Debtor] = []
        self.kill_on_send = 0  # > 0: SIGKILL inside the n-th next sendMessage, after Telegram took it
        self.lost = self.committed_unanswered = 0
        real_call = api.call

        async def call(method: str, args: dict):
            result = await real_call(method, args)
            if method == "sendMessage" and self.kill_on_send:
                self.kill_on_send -= 1
                if not self.kill_on_send:
                    bot.kill_now()  # the message is in; the bot never hears Telegram's answer
            return result

        api.call = call

    async def one_life(self) -> None:
        await self.bot.start()
        if self.rng.random() < 0.5:
            await asyncio.sleep(self.rng.uniform(0.0, 1.0))
        else:
            self.kill_on_send = self.rng.randint(1, 6)
            for _ in range(200):  # at most 2 s, in case the debtors are between messages
                if self.bot.pid is None:
                    break
                await asyncio.sleep(0.01)
        self.kill_on_send = 0
        await self.bot.kill()
        self.judge()

    def judge(self) -> None:
        """After a death: each waiting debtor learns whether its update is still coming."""
        self.epoch += 1
        queued = queued_update_ids(self.api)
        for debtor in self.debtors:
            waiting = debtor.waiting
            if waiting is None or waiting[1] >= self.epoch:
                continue
            update_id = waiting[0]
            if query(self.db_path, "SELECT 1 FROM processed_updates WHERE update_id = ?", update_id):
                debtor.verdict, self.committed_unanswered = "committed", self.committed_unanswered + 1
            elif update_id not in queued:
                debtor.verdict, self.lost = "lost", self.lost + 1


class Debtor:
    def __init__(self, rig: Rig, chat: int, token: str, dob: str, first_amount: int) -> None:
        self.rig, self.api, self.chat, self.token, self.dob = rig, rig.api, chat, token, dob
        self.next_amount = first_amount
        self.waiting: tuple[int, int] | None = None  # (update id, epoch when pushed)
        self.verdict: str | None = None
        self.pressed_confirm: set[Decimal] = set()  # amounts whose "Yes, I promise" was pressed
        self.answered: set[Decimal] = set()  # amounts the debtor knows are recorded
        self.plan_pressed = self.plan_known = False
        self.stopping = False

    async def act(self, push: Callable[[], dict], *expect: str, timeout: float = 60) -> Sent | None:
        """Push one update; the first new message holding an expected fragment, or None when the
        update is lost or was committed without such an answer."""
        start = len(self.api.to(self.chat))
        update = push()
        self.waiting, self.verdict = (update["update_id"], self.rig.epoch), None
        try:
            async with asyncio.timeout(timeout):
                while True:
                    for message in self.api.to(self.chat)[start:]:
                        if any(fragment in message.text for fragment in expect):
                            return message
                    if self.verdict is not None:
                        return None
                    await asyncio.sleep(0.01)
        finally:
            self.waiting = None

    def text(self, text: str) -> Callable[[], dict]:
        return lambda: self.api.push_text(self.chat, text)

    def command(self, name: str, args: str = "") -> Callable[[], dict]:
        return lambda: self.api.push_command(self.chat, name, args)

    def press(self, data: str) -> Callable[[], dict]:
        return lambda: self.api.push_button(self.chat, data)

    async def verify(self) -> None:
        said = await self.act(self.command("start", self.token), "First, let us confirm it is you")
        assert said is not None
        assert await self.act(self.text(self.dob), "You are confirmed") is not None

    async def promise(self) -> None:
        amount = Decimal(self.next_amount)
        self.next_amount += 1
        while True:
            if await self.act(self.command("promise"), AGAIN) is None:
                continue
            dates = await self.act(self.text(str(amount)), "By which date will you pay")
            if dates is None:
                continue
            choices = [data for _, data in dates.buttons if "date:" in data]
            asked = await self.act(self.press(self.rig.rng.choice(choices)), "Is that right?", STALE)
            if asked is None or STALE in asked.text:
                continue
            assert f"£{amount:,.2f}" in asked.text, asked.text
            while True:
                self.pressed_confirm.add(amount)
                said = await self.act(self.press(asked.data_for("Yes, I promise")), PROMISED, STALE, AGAIN)
                if said is not None and AGAIN in said.text:  # the day turned since the question
                    self.pressed_confirm.discard(amount)
                    break
                if said is not None:  # the answer, or the stale button: it went through before
                    self.answered.add(amount)
                    return

    async def plan(self) -> None:
        while not self.plan_known:
            shown = await self.act(self.command("plans"), "These are the ways", "You already have a")
            if shown is None:
                continue
            if "already have" in shown.text:
                self.plan_known = True
                return
            schedule = await self.act(self.press(shown.data_for("6 months")), "Do you want this plan?", STALE)
            if schedule is None or STALE in schedule.text:
                continue
            while True:
                self.plan_pressed = True
                said = await self.act(self.press(schedule.data_for("Confirm this plan")), PLAN_SET, STALE,
                                      "Do you want this plan?")
                if said is not None and "Do you want this plan?" in said.text:
                    schedule = said  # the day turned: the plan as it stands now, to confirm again
                    continue
                if said is not None:
                    self.plan_known = True
                    return

    async def journeys(self) -> None:
        while not self.stopping:
            if not self.plan_known and self.rig.rng.random() < 0.3:
                await self.plan()
            else:
                await self.promise()


@pytest.mark.slow  # about 20 s: real processes killed at random points; `pytest -m "not slow"` skips it
async def test_sigkill_at_random_points_loses_and_doubles_nothing(api, tmp_path):
    db_path = database(tmp_path, "bot.db")
    people = await seeded(db_path, CHATS)
    bot = BotProcess(api, environment(api, db_path), tmp_path / "bot.stderr")
    rig = Rig(api, bot, db_path, random.Random(SEED))
    rig.debtors = [Debtor(rig, 9100 + i, token, p["date_of_birth"], 10 + 100 * i)
                   for i, (p, token) in enumerate(people)]
    await bot.start()
    await asyncio.gather(*(d.verify() for d in rig.debtors))
    await bot.kill()
    rig.judge()

    work = [asyncio.create_task(d.journeys()) for d in rig.debtors]
    for _ in range(KILLS):
        await rig.one_life()
        assert not any(t.done() for t in work), [t.exception() for t in work if t.done()]
    for debtor in rig.debtors:
        debtor.stopping = True
    await bot.start()  # the last life: finish what was begun, and drain the outbox
    async with asyncio.timeout(30):
        await asyncio.gather(*work)
        while query(db_path, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")[0][0]:
            await asyncio.sleep(0.1)
    assert await bot.terminate() == 0
    err = bot.stderr()
    assert "Traceback" not in err and "database is locked" not in err
    assert leaks(err, secrets_of([p for p, _ in people]) + [t for _, t in people] + [api.token]) == []

    assert bot.starts == KILLS + 2
    for debtor, (p, _) in zip(rig.debtors, people, strict=True):
        ref = p["account_ref"]
        rows = query(db_path, "SELECT amount FROM promises WHERE account_ref = ? AND source = 'chat'", ref)
        amounts = Counter(Decimal(a) for (a,) in rows)
        assert max(amounts.values(), default=1) == 1, f"{ref}: a promise recorded twice: {amounts}"
        assert set(amounts) == debtor.pressed_confirm == debtor.answered, ref
        confirmations = Counter(re.search(r"£([\d,.]+)", m.text).group(1)
                                for m in api.to(debtor.chat) if PROMISED in m.text)
        assert max(confirmations.values(), default=1) == 1, confirmations
        assert {Decimal(a.replace(",", "")) for a in confirmations} <= set(amounts)
        plans = query(db_path, "SELECT id, months FROM arrangements WHERE account_ref = ?", ref)
        assert len(plans) == (1 if debtor.plan_pressed else 0), plans
        for plan_id, months in plans:
            (instalments,) = query(db_path, "SELECT count(*) FROM promises WHERE arrangement_id = ?",
                                   plan_id)[0]
            assert instalments == months == 6

    # Every notice reached the collectors at least once; each names its own outbox row.
    notices = [m.text for m in api.to(COLLECTORS)]
    delivered = Counter(int(re.search(r"#(\d+)$", text).group(1)) for text in notices)
    outbox = query(db_path, "SELECT id, kind, sent_at FROM outbox")
    assert all(sent_at for _, _, sent_at in outbox)
    assert set(delivered) == {row_id for row_id, _, _ in outbox}
    kinds = Counter(kind for _, kind, _ in outbox)
    (chat_promises,) = query(db_path, "SELECT count(*) FROM promises WHERE source = 'chat'")[0]
    (arrangements,) = query(db_path, "SELECT count(*) FROM arrangements")[0]
    assert (kinds["promise"], kinds["arrangement"]) == (chat_promises, arrangements)
    assert chat_promises >= 2 * CHATS, "the journeys hardly ran: the kills tested nothing"
    assert integrity(db_path) == "ok"
    print(f"\nkills: {KILLS}; promises {chat_promises}, plans {arrangements}, notices {len(outbox)} "
          f"(sent {len(notices)} times); updates lost unprocessed {rig.lost}, committed "
          f"unanswered {rig.committed_unanswered}")
