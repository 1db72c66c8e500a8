"""Issue 12, item 1: an unprompted message is chosen and recorded by the use case (ops), and sent
by whichever door hands it a sender: Telegram today, an API or a console later. No Telegram
and no rendering is needed to run the use case."""

from __future__ import annotations

from datetime import timedelta

from loop_seed import add_account, add_promise, bind_chat
from test_ops_reminders import DUE, POLICY, at_shanghai

from ops.reminders import Delivery, Unprompted, deliver, due_reminders
from store.chats import load_chat
from store.contact_log import sent_since


class Door:
    """A sender that is not Telegram: it keeps what it was given and answers as told."""

    def __init__(self, answer: Delivery) -> None:
        self.answer = answer
        self.given: list[Unprompted] = []

    async def __call__(self, message: Unprompted) -> Delivery:
        self.given.append(message)
        return self.answer


async def seeded(store):
    await add_account(store, "A-1")
    await bind_chat(store, 101, "A-1")
    await add_promise(store, "A-1", "300.00", DUE)
    now = at_shanghai(9, 10)
    return now, await due_reminders(store, POLICY, now)


async def sent_this_week(store, now) -> int:
    async with store.read() as db:
        return await sent_since(db, 101, now - timedelta(days=7))


async def test_a_reminder_goes_through_any_door_and_is_counted_once_sent(store):
    now, messages = await seeded(store)
    door = Door(Delivery.SENT)
    assert await deliver(store, door, messages, lambda: now) == 1
    (given,) = door.given  # the Reply in the debtor's language, still unrendered
    assert (given.chat_id, given.locale, given.kind) == (101, "en", "reminder")
    assert given.reply.parts[-1].msgid == "Reply /stop to stop these reminders."
    assert await sent_this_week(store, now) == 1


async def test_a_door_that_could_not_send_leaves_it_for_the_next_run(store):
    now, messages = await seeded(store)
    assert await deliver(store, Door(Delivery.FAILED), messages, lambda: now) == 0
    assert await sent_this_week(store, now) == 0
    assert [m.chat_id for m in await due_reminders(store, POLICY, now)] == [101]


async def test_a_door_that_was_blocked_opts_the_chat_out(store):
    now, messages = await seeded(store)
    assert await deliver(store, Door(Delivery.BLOCKED), messages, lambda: now) == 0
    async with store.read() as db:
        assert (await load_chat(db, 101)).opted_out
