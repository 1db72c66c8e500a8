"""Reminders: the pure decision with a moved clock, then the job against a real database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from loop_seed import add_account, add_case, add_promise, bind_chat
from telegram.error import Forbidden

from bot.jobs import telegram_sender
from debt.contact_rules import should_remind
from debt.local_time import debtor_zone
from debt.policy import load_policy
from ops.reminders import deliver, due_reminders
from store.chats import load_chat
from store.contact_log import record_sent, sent_since

POLICY = load_policy("cn")  # 08:00-21:00, reminders at 10:00, 3 a week, Asia/Shanghai
SHANGHAI = debtor_zone("Asia/Shanghai", "UTC")
DUE = date(2026, 3, 10)


def at_shanghai(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def decide(now: datetime, **changes) -> bool:
    args = dict(now=now, due=DUE, zone=SHANGHAI, contact=POLICY.contact, opted_out=False,
                sent_last_week=0, last_reminder_at=None)
    args.update(changes)
    return should_remind(**args)


def test_reminds_the_day_before_from_reminder_time_in_the_debtors_zone():
    assert decide(at_shanghai(9, 10, 0))
    assert decide(at_shanghai(9, 20, 59))  # a late run still reminds that day
    assert not decide(at_shanghai(9, 9, 59))  # before reminder time
    assert not decide(at_shanghai(8, 12))  # two days before
    assert not decide(at_shanghai(10, 12))  # on the due date itself


def test_never_outside_contact_hours():
    assert not decide(at_shanghai(9, 21, 0))  # the end is exclusive
    late = replace(POLICY.contact, reminder_time=time(22, 0))
    assert not decide(at_shanghai(9, 22, 30), contact=late)


def test_the_same_utc_instant_is_judged_in_each_debtors_own_zone():
    instant = datetime(2026, 3, 9, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai, 02:30 in London
    assert decide(instant)
    assert not decide(instant, zone=debtor_zone("Europe/London", "UTC"))
    assert debtor_zone("Not/AZone", "Asia/Shanghai") == SHANGHAI


def test_never_after_stop_nor_beyond_the_weekly_cap_nor_twice_a_day():
    now = at_shanghai(9, 11)
    assert not decide(now, opted_out=True)
    assert not decide(now, sent_last_week=POLICY.contact.weekly_cap)
    assert decide(now, sent_last_week=POLICY.contact.weekly_cap - 1)
    assert not decide(now, last_reminder_at=at_shanghai(9, 10))
    assert decide(now, last_reminder_at=at_shanghai(8, 10))


class Phone:
    def __init__(self, blocked: set[int] | None = None) -> None:
        self.blocked = blocked or set()
        self.texts: dict[int, str] = {}

    async def __call__(self, chat_id, rendered):
        if chat_id in self.blocked:
            raise Forbidden("bot was blocked by the user")
        self.texts[chat_id] = rendered.text


async def test_job_reminds_bound_chats_with_the_opt_out_line_and_counts_them(store):
    await add_account(store, "A-1")
    await add_account(store, "A-2")
    await bind_chat(store, 101, "A-1")
    await bind_chat(store, 102, "A-2", opted_out=True)
    await add_promise(store, "A-1", "300.00", DUE)
    await add_promise(store, "A-1", "200.00", DUE)  # an instalment due the same day: one message
    await add_promise(store, "A-2", "300.00", DUE)
    now = at_shanghai(9, 10, 5)
    messages = await due_reminders(store, POLICY, now)
    assert [m.chat_id for m in messages] == [101]
    phone = Phone()
    assert await deliver(store, telegram_sender(phone), messages, lambda: now) == 1
    text = phone.texts[101]
    assert "CN¥500.00" in text and "Mar 10, 2026" in text
    assert text.endswith("Reply /stop to stop these reminders.")
    assert await due_reminders(store, POLICY, now + timedelta(hours=1)) == []  # once a day


async def test_job_respects_the_weekly_cap_and_hours(store):
    await add_account(store, "A-1")
    await bind_chat(store, 101, "A-1")
    await add_promise(store, "A-1", "300.00", DUE)
    assert await due_reminders(store, POLICY, at_shanghai(9, 7)) == []  # too early
    now = at_shanghai(9, 10)
    async with store.unit() as db:
        for days_ago in (1, 2, 3):  # three unprompted messages this week already
            await record_sent(db, 101, "reminder", now - timedelta(days=days_ago))
    assert await due_reminders(store, POLICY, now) == []
    async with store.unit() as db:  # one of them eight days ago instead: under the cap again
        await db.execute("UPDATE messages_sent SET at = ? WHERE at = ?",
                         ((now - timedelta(days=8)).isoformat(), (now - timedelta(days=3)).isoformat()))
    assert [m.chat_id for m in await due_reminders(store, POLICY, now)] == [101]


async def test_a_chat_without_a_language_gets_the_accounts_one(store):
    await add_account(store, "A-1", locale="zh-CN")
    await bind_chat(store, 101, "A-1", locale=None)
    await add_promise(store, "A-1", "300.00", DUE)
    now = at_shanghai(9, 10)
    messages = await due_reminders(store, POLICY, now)
    assert [m.locale for m in messages] == ["zh_Hans"]
    phone = Phone()
    assert await deliver(store, telegram_sender(phone), messages, lambda: now) == 1
    assert "¥300.00" in phone.texts[101]


async def test_no_reminder_while_a_dispute_is_open(store):
    await add_account(store, "A-1")
    await bind_chat(store, 101, "A-1")
    await add_promise(store, "A-1", "300.00", DUE)
    await add_case(store, "A-1", "dispute")
    assert await due_reminders(store, POLICY, at_shanghai(9, 10)) == []


async def test_a_blocked_bot_opts_the_chat_out(store):
    await add_account(store, "A-1")
    await bind_chat(store, 101, "A-1")
    await add_promise(store, "A-1", "300.00", DUE)
    now = at_shanghai(9, 10)
    messages = await due_reminders(store, POLICY, now)
    assert await deliver(store, telegram_sender(Phone(blocked={101})), messages, lambda: now) == 0
    async with store.read() as db:
        assert (await load_chat(db, 101)).opted_out
        assert await sent_since(db, 101, now - timedelta(days=7)) == 0
    assert await due_reminders(store, POLICY, now + timedelta(hours=1)) == []
