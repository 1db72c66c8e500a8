"""Proving who you are: a deep-link token or the account reference, then a knowledge factor
(date of birth, the last 4 ID digits) or the person's own phone number.

No reply here says whether a reference exists or which answer was wrong; an unknown reference
is asked for its factor and fails exactly like a wrong one. Failures lock verification per
chat and per account (policy.verification) and tell the collectors through the outbox.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import phonenumbers

from flows.context import Ctx
from flows.disclosure import say_disclosure
from flows.languages import locale_from_account
from flows.menus import bank_contact_text, person_row, show_menu
from flows.parsing import normal, parse_date_text
from flows.types import N_, Button, Text
from store import chats, tokens
from store.accounts import get_account

ASK_REF, ASK_FACTOR = "ask_ref", "ask_factor"
MAX_REF_LENGTH = 64
_EXAMPLE_DOB = date(1985, 12, 31)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

_TOKEN_PROBLEMS = {
    "expired": N_("This link has expired. Links work for a limited time only; you can still confirm "
                  "who you are here."),
    "used": N_("This link has already been used. Each link works once; you can still confirm who "
               "you are here."),
    "unknown": N_("I do not recognise this link. You can still confirm who you are here."),
}
_FACTOR_NAMES = {
    "dob": N_("Use my date of birth instead"),
    "id_last4": N_("Use the last 4 digits of my ID instead"),
}


async def start(ctx: Ctx, token: str, after: str | None = None) -> None:
    """/start, with or without a deep-link token."""
    if await _chat_locked(ctx):
        return
    token = token.strip()
    if not token:
        ask_ref(ctx, Text(N_("Welcome. I can show your account and help you sort it out.")), after=after)
        return
    result, ref = ("unknown", None)
    if _TOKEN.match(token):
        result, ref = await tokens.redeem_token(ctx.db, ctx.secret, token, ctx.now)
    if result == "ok" and ref is not None:
        await ctx.audit("link_redeemed", ref)
        welcome = Text(N_("Welcome. First, let us confirm it is you."))
        ask_factor(ctx, ref, ctx.policy.verification.factor, welcome)
        return
    ask_ref(ctx, Text(_TOKEN_PROBLEMS[result]))


async def begin(ctx: Ctx, after: str | None) -> None:
    """A command that needs verification arrived in an unverified chat: verify first, then run it."""
    if await _chat_locked(ctx):
        return
    lead = Text(N_("For your security, please confirm who you are first."))
    if ctx.state == ASK_FACTOR and ctx.data.get("ref"):
        # A reference is already given (or the binding went idle): only the factor is missing.
        if after:
            ctx.data["after"] = after
        _prompt_factor(ctx, lead)
        return
    ask_ref(ctx, lead, after=after)


def ask_ref(ctx: Ctx, *lead: Text, after: str | None = None) -> None:
    ctx.go(ASK_REF, **({"after": after} if after else {}))
    ctx.say(*lead, Text(N_("Please type the account reference from the bank's letter or text message.")),
            buttons=(person_row(),))


def _factor_prompt(ctx: Ctx, kind: str) -> Text:
    if kind == "id_last4":
        return Text(N_("Please type the last 4 digits of your ID number."))
    return Text(N_("Please type your date of birth, for example {example} or {iso}."),
                {"example": _EXAMPLE_DOB, "iso": _EXAMPLE_DOB.isoformat()})


def ask_factor(ctx: Ctx, ref: str, kind: str, *lead: Text) -> None:
    ctx.go(ASK_FACTOR, ref=ref, factor=kind)
    _prompt_factor(ctx, *lead)


def _prompt_factor(ctx: Ctx, *lead: Text) -> None:
    kind = ctx.data.get("factor", "dob")
    rule = ctx.policy.verification
    rows: list[tuple[Button, ...]] = []
    other = rule.alternative if kind == rule.factor else rule.factor
    if other and other != kind:
        rows.append((ctx.btn(Text(_FACTOR_NAMES[other]), f"factor:{other}"),))
    rows.append((ctx.btn(Text(N_("Type the reference again")), "reref"),))
    rows.append(person_row())
    ctx.say(*lead, _factor_prompt(ctx, kind), buttons=tuple(rows))
    ctx.say(Text(N_("Or share your phone number with the button below.")), ask_contact=True)


async def on_ref_text(ctx: Ctx, text: str) -> None:
    ref = normal(text)
    if not ref:
        ask_ref(ctx, Text(N_("I need the reference as text.")), after=ctx.data.get("after"))
        return
    # Too long to be a reference: still asked for the factor, so that nothing is revealed.
    ask_factor(ctx, ref[:MAX_REF_LENGTH], ctx.policy.verification.factor)


async def on_factor_button(ctx: Ctx, payload: str) -> bool:
    if payload == "reref":
        ask_ref(ctx, after=ctx.data.get("after"))
        return True
    if payload.startswith("factor:"):
        kind = payload.split(":", 1)[1]
        rule = ctx.policy.verification
        if kind in {rule.factor, rule.alternative} - {None}:
            ctx.data["factor"] = kind
            _prompt_factor(ctx)
            return True
    return False


def _normal_factor(kind: str, text: str, locale: str) -> str | None:
    """The factor as tokens.check_factor wants it, or None when it cannot be read."""
    if kind == "id_last4":
        digits = re.sub(r"\s", "", normal(text))
        return digits if re.fullmatch(r"[0-9]{4}", digits) else None
    found = parse_date_text(text, locale)
    return found.isoformat() if found else None


async def on_factor_text(ctx: Ctx, text: str) -> None:
    kind = ctx.data.get("factor", "dob")
    value = _normal_factor(kind, text, ctx.locale)
    if value is None:
        _prompt_factor(ctx, Text(N_("I could not read that.")))
        return
    await _check(ctx, kind, value)


def _e164(phone: str, region: str) -> str | None:
    raw = phone.strip()
    if raw and not raw.startswith("+"):
        raw = "+" + raw  # Telegram sends the international number without its plus sign
    try:
        number = phonenumbers.parse(raw, region or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


async def on_contact(ctx: Ctx) -> None:
    event = ctx.event
    if event.contact_user_id != event.user_id:
        _prompt_factor(ctx, Text(N_("Please share your own phone number, with the button below.")))
        return
    value = _e164(event.phone, ctx.policy.country)
    await _check(ctx, "phone", value or "")


async def _check(ctx: Ctx, kind: str, value: str) -> None:
    typed_ref = ctx.data.get("ref", "")
    record = await get_account(ctx.db, typed_ref) if typed_ref else None
    ref = record.account_ref if record else None
    # Attempts and locks go by the reference as typed, known or not: an unknown reference locks
    # after as many failures as a real one, so the lock reveals nothing either.
    if await _chat_locked(ctx) or (typed_ref and await _account_locked(ctx, typed_ref)):
        return
    # The keyed comparison runs for unknown references too, so both cost the same time.
    ok = bool(value) and await tokens.check_factor(ctx.db, ctx.secret, typed_ref, kind, value)
    ok = ok and record is not None
    await chats.record_attempt(ctx.db, ctx.chat.chat_id, typed_ref or None, ok, ctx.now)
    if ok and record is not None:
        await _bind(ctx, record, kind)
        return
    await ctx.audit("verify_failed", ref, factor=kind)
    if await _lock_if_needed(ctx, typed_ref or None):
        return
    _prompt_factor(ctx, Text(N_("Those details do not match our records. Please check the reference and "
                                "your answer, and try again.")))


async def _bind(ctx: Ctx, record, kind: str) -> None:
    chat = ctx.chat
    chat.account_ref, chat.verified_at, chat.last_seen_at = record.account_ref, ctx.now, ctx.now
    if not chat.locale_chosen and record.account.locale:
        chat.locale = locale_from_account(record.account.locale)
    ctx.record = record
    after = ctx.data.get("after")
    ctx.go("menu")
    ctx.data.pop("after", None)
    await ctx.audit("verified", record.account_ref, factor=kind)
    ctx.say(Text(N_("Thank you, {name}. You are confirmed."), {"name": record.customer_name}),
            remove_keyboard=True)
    say_disclosure(ctx)  # the policy's statement (US: an attempt to collect a debt), before the debt
    if after:
        ctx.continue_with = after
    else:
        show_menu(ctx)


async def _lock_if_needed(ctx: Ctx, ref: str | None) -> bool:
    rule = ctx.policy.verification
    since = chats.window_start(ctx.now, rule.window_hours)
    until = ctx.now + timedelta(hours=rule.lock_hours)
    scopes = []
    if await chats.chat_failures(ctx.db, ctx.chat.chat_id, since) >= rule.max_chat_failures:
        scopes.append("chat")
    if ref and await chats.account_failures(ctx.db, ref, since) >= rule.max_account_failures:
        scopes.append("account")
    if not scopes:
        return False
    chat_id = ctx.chat.chat_id
    for scope in scopes:
        await chats.set_lock(ctx.db, f"chat:{chat_id}" if scope == "chat" else f"account:{ref}", until)
        # The notice carries the chat id only: no reference, nothing personal.
        await ctx.notify("lock", None, {"chat_id": chat_id, "scope": scope, "until": until.isoformat()})
    await ctx.audit("verify_locked", ref, scopes=scopes)
    _say_locked(ctx, until)
    return True


async def _chat_locked(ctx: Ctx) -> bool:
    until = await chats.locked_until(ctx.db, f"chat:{ctx.chat.chat_id}", ctx.now)
    if until is None:
        return False
    _say_locked(ctx, until)
    return True


async def _account_locked(ctx: Ctx, ref: str) -> bool:
    until = await chats.locked_until(ctx.db, f"account:{ref}", ctx.now)
    if until is None:
        return False
    _say_locked(ctx, until)
    return True


def _say_locked(ctx: Ctx, until: datetime) -> None:
    local = until.astimezone(ZoneInfo(ctx.policy.contact.default_timezone))
    ctx.go("start")
    ctx.say(
        Text(N_("For your security, confirming who you are is paused until {date} at {time}."),
             {"date": local.date(), "time": local.strftime("%H:%M")}),
        bank_contact_text(ctx),
        remove_keyboard=True,  # no inline buttons: a message carries one markup, and the phone is here
    )
