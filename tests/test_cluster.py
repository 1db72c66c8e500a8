"""Three `debtdesk serve` processes on one PostgreSQL database behind one webhook, as a load
balancer would run them: 200 debtors walk a scripted journey (link, date of birth, balance,
/promise, £25 by a date, confirm) whose updates land on the instances at random, some posted
twice, some to two instances at once, a chat's date of birth and /promise to two instances
nearly together; one instance is SIGKILLed with updates in hand and started again; the sweep
and the reminders run on all three, started together, with slow sends that keep each run busy
for seconds.

Afterwards, as the issue asks: every promise exactly once; every collectors' notice and every
bank event delivered, and after dedupe by id each once (at most the one in hand when the kill
came goes twice: at-least-once); every chat's replies complete and in order; each reminder
and each sweep message sent once, not three times.

A chat whose reply was lost with the killed instance (its update committed, its reply not yet
sent: the update is done, so no instance sends it again) stops its journey there; only chats
with a post cut off by the kill may, and their replies are still never repeated nor out of order.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections import Counter

import pytest
from cluster_kit import FIRST_CHAT, FRAGMENTS, Cluster, journey, seed
from db_kit import database, postgresql_only, rows
from event_receiver import SECRET as EVENTS_SECRET
from event_receiver import Receiver
from fakeapi import FakeBotAPI
from fault_kit import COLLECTORS
from serve_kit import ServeProcess, serve_environment

pytestmark = [postgresql_only, pytest.mark.slow, pytest.mark.timeout(1200)]

INSTANCES, JOURNEYS, REMINDERS, SWEEPS = 3, 200, 8, 8
AT_ONCE = 16  # journeys under way together
KILLED = 2
REMINDER = "A friendly reminder"
BROKEN = "has not arrived in full"
SLOW_SEND_SECONDS = 0.4  # to the reminded and swept chats: each job run holds its claim for seconds


@pytest.fixture
async def api():
    fake = await FakeBotAPI().start()
    real_call = fake.call
    quiet_from = FIRST_CHAT + JOURNEYS

    async def call(method: str, args: dict):
        if method == "sendMessage" and int(args.get("chat_id", 0)) >= quiet_from:
            await asyncio.sleep(SLOW_SEND_SECONDS)
        return await real_call(method, args)

    fake.call = call
    yield fake
    await fake.stop()


def in_order(texts: list[str]) -> list[int]:
    """The index of each journey fragment's message (-1: none), after checking none repeats."""
    found = []
    for fragment in FRAGMENTS:
        at = [i for i, text in enumerate(texts) if fragment in text]
        assert len(at) <= 1, (fragment, texts)
        found.append(at[0] if at else -1)
    return found


def notice_ids(api: FakeBotAPI) -> Counter:
    return Counter(int(re.search(r"#(\d+)$", m.text).group(1)) for m in api.to(COLLECTORS))


async def until(check, timeout: float, what: str) -> None:
    try:
        async with asyncio.timeout(timeout):
            while not check():
                await asyncio.sleep(0.2)
    except TimeoutError:
        raise AssertionError(f"not within {timeout}s: {what}") from None


async def test_three_instances_one_database_every_effect_once_and_every_chat_in_order(api, tmp_path):
    db = database(tmp_path, "cluster.db")
    seeded = await seed(db, JOURNEYS, REMINDERS, SWEEPS)
    receiver = await Receiver().start()
    receiver.refuse = lambda got: not got.signature_ok()  # checked on arrival, in the timestamp's tolerance
    env = serve_environment(api, db, DEBTDESK_EVENTS_URL=receiver.url, DEBTDESK_EVENTS_SECRET=EVENTS_SECRET,
                            DEBTDESK_EVENTS_BACKOFF="0.1", DEBTDESK_JOBS_FIRST="2",
                            DEBTDESK_SEND_RATE="100000", DEBTDESK_GROUP_SEND_RATE="100000")
    bots = [ServeProcess(api, env, tmp_path / f"serve{i}.stderr") for i in range(INSTANCES)]
    cluster = Cluster(api, bots, random.Random(14))
    outcome: dict[int, bool] = {}
    third = asyncio.Event()
    try:
        await asyncio.gather(*(bot.start(timeout=90) for bot in bots))
        killer = asyncio.create_task(cluster.kill_and_restart(KILLED, third))
        gate = asyncio.Semaphore(AT_ONCE)

        async def walk(chat: int, token: str) -> None:
            async with gate:
                outcome[chat] = await journey(cluster, chat, token)
            if len(outcome) >= JOURNEYS // 3:
                third.set()

        await asyncio.gather(*(walk(chat, token) for chat, token in seeded.tokens.items()))
        await killer
        await until(lambda: not rows(db, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")[0][0], 300,
                    "every notice sent")
        await until(lambda: not rows(db, "SELECT count(*) FROM event_deliveries WHERE state <> 'delivered'")
                    [0][0], 300, "every event delivered")
        wanted = {**seeded.reminded, **seeded.swept}
        await until(lambda: all(api.to(chat) for chat in wanted), 120, "the jobs' messages")
        await asyncio.sleep(3)  # the restarted instance's own runs of the jobs are over by now
        for bot in bots:
            assert await bot.terminate(timeout=60) == 0
    finally:
        for bot in bots:
            await bot.close()
        await receiver.stop()

    # The kill came with updates in hand; only chats it cut off may have stopped early.
    assert cluster.touched
    stopped = {chat for chat, done in outcome.items() if not done}
    assert stopped <= cluster.touched, stopped - cluster.touched
    assert len(outcome) == JOURNEYS

    # Every promise exactly once: one for each journey that got its confirmation, none twice.
    made = Counter(ref for (ref,) in rows(db, "SELECT account_ref FROM promises WHERE source = 'chat'"
                                               " AND account_ref LIKE 'CL-J%'"))
    assert max(made.values()) == 1
    assert len(made) >= JOURNEYS - len(stopped)

    # Each chat's replies in order, none repeated; the same replies for every chat the kill left alone.
    counts = Counter()
    for chat, done in outcome.items():
        texts = [m.text for m in api.to(chat)]
        at = in_order(texts)
        reached = [i for i in at if i >= 0]
        assert reached == sorted(reached) and at[: len(reached)] == reached, (chat, texts)
        if chat not in cluster.touched:
            assert done and -1 not in at, (chat, texts)
            counts[len(texts)] += 1
    assert len(counts) == 1, counts  # every undisturbed chat got the very same number of messages

    # Every notice and every event, after dedupe by id, exactly once; at most one sent twice
    # (the one in hand when the kill came), and never by two live instances at once.
    outbox = dict(rows(db, "SELECT id, kind FROM outbox"))
    sent = notice_ids(api)
    assert set(sent) == set(outbox) and sum(sent.values()) - len(sent) <= 1, sent - Counter(set(sent))
    assert len(receiver.received) == len(receiver.accepted)  # every event signed, none refused
    events = Counter(r.event["id"] for r in receiver.accepted)
    assert len(events) == len(outbox) and sum(events.values()) - len(events) <= 1
    kinds = Counter(outbox.values())
    assert kinds["promise"] == sum(made.values())
    assert kinds["broken"] == SWEEPS  # the sweep broke each overdue promise once, not three times

    # The sweep's and the reminders' messages: one each, though three instances (and a restart) ran them.
    for chat in seeded.reminded:
        assert [REMINDER in m.text for m in api.to(chat)] == [True], [m.text for m in api.to(chat)]
    for chat in seeded.swept:
        assert [BROKEN in m.text for m in api.to(chat)] == [True], [m.text for m in api.to(chat)]
    assert rows(db, "SELECT count(*) FROM messages_sent")[0][0] == REMINDERS + SWEEPS

    for bot in bots:
        assert "Traceback" not in bot.stderr()
