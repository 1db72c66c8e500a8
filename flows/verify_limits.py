"""How guessing at verification is slowed (policy.verification).

Each chat has its own limit: max_chat_failures wrong answers within window_hours lock that chat
for lock_hours. Failures against one account are also counted from every chat together; past
max_account_failures, a chat that has not proved itself for that account waits after each
failure, longer each time (VerificationRule.account_delay). The debtor's own chat (one that was
verified for the account before) and a chat holding their valid deep link never wait on the
account, so a stranger typing the reference from a letter cannot lock the debtor out.

An unknown reference is counted and slowed exactly like a real one, so nothing the person sees
says which it was; only the collectors' notice names a real account, so someone can call.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from debt.local_time import debtor_zone
from flows.context import Ctx
from flows.menus import bank_contact_text
from flows.notices import lock_fields
from flows.types import N_, Text
from store import chats, tokens
from store.accounts import AccountRecord
from store.notice_payloads import LockNotice


async def chat_locked(ctx: Ctx) -> bool:
    """The chat's own lock: answered with the pause and the bank's number."""
    until = await chats.locked_until(ctx.db, f"chat:{ctx.chat.chat_id}", ctx.now)
    if until is None:
        return False
    say_paused(ctx, until)
    return True


async def trusted(ctx: Ctx, ref: str) -> bool:
    """The debtor's own way in: this chat holds a working link for ref, or proved itself for ref
    before (an idle binding, a /logout). Such a chat never waits on the account's failures."""
    link = ctx.data.get("link")
    if isinstance(link, str) and await tokens.link_works(ctx.db, link, ref, ctx.now):
        return True
    return await chats.verified_before(ctx.db, ctx.chat.chat_id, ref)


async def account_waiting(ctx: Ctx, ref: str) -> bool:
    """Before an attempt from a chat that is not trusted: is the account's delay still running?"""
    _, until = await _account_wait(ctx, ref)
    if until is None or until <= ctx.now:
        return False
    say_paused(ctx, until)
    return True


async def after_failure(ctx: Ctx, ref: str, record: AccountRecord | None, is_trusted: bool) -> bool:
    """After a wrong answer (already recorded): lock the chat or start the account's delay when
    their limits are reached, tell the collectors once, and say so. True when paused."""
    rule = ctx.policy.verification
    pauses: list[datetime] = []
    since = chats.window_start(ctx.now, rule.window_hours)
    if await chats.chat_failures(ctx.db, ctx.chat.chat_id, since) >= rule.max_chat_failures:
        until = ctx.now + timedelta(hours=rule.lock_hours)
        await chats.set_lock(ctx.db, f"chat:{ctx.chat.chat_id}", until)
        await _tell_collectors(ctx, "chat", until, record)
        pauses.append(until)
    if ref:
        failures, until = await _account_wait(ctx, ref)
        if until is not None:
            if failures == rule.max_account_failures:  # the first delay: one notice, not one a guess
                await _tell_collectors(ctx, "new_chats", until, record)
            if not is_trusted:
                pauses.append(until)
    if not pauses:
        return False
    say_paused(ctx, max(pauses))
    return True


async def _account_wait(ctx: Ctx, ref: str) -> tuple[int, datetime | None]:
    """The account's failures in the window, and when a chat that is not trusted may try again
    (None when it need not wait)."""
    rule = ctx.policy.verification
    since = chats.window_start(ctx.now, rule.window_hours)
    failures, latest = await chats.account_failures(ctx.db, ref, since)
    delay = rule.account_delay(failures)
    return failures, (latest + delay if latest is not None and delay else None)


async def _tell_collectors(ctx: Ctx, scope: str, until: datetime, record: AccountRecord | None) -> None:
    # A real account is named (reference, stage) so that someone can call; an unknown reference
    # gives the chat id only: what was typed may be anything, even someone's personal data.
    named = record.account_ref if record else None
    named_fields = lock_fields(ctx, record) if record is not None else {}
    await ctx.notify(LockNotice(chat_id=ctx.chat.chat_id, scope=scope, until=until, **named_fields))
    await ctx.audit("verify_locked", named, scope=scope)


def say_paused(ctx: Ctx, until: datetime) -> None:
    local = until.astimezone(debtor_zone(None, ctx.policy.contact.default_timezone))
    ctx.go("start")
    ctx.say(
        Text(N_("For your security, confirming who you are is paused until {date} at {time}."),
             {"date": local.date(), "time": local.strftime("%H:%M")}),
        bank_contact_text(ctx),
        remove_keyboard=True,  # no inline buttons: a message carries one markup, and the phone is here
    )
