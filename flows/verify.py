"""Proving who you are: a deep-link token or the account reference, then a knowledge factor
(date of birth, the last 4 ID digits) or the person's own phone number.

No reply here says whether a reference exists or which answer was wrong; an unknown reference
is asked for its factor and fails exactly like a wrong one. Failures lock a chat, or slow down
chats guessing at an account (flows/verify_limits.py), and tell the collectors through the outbox.
A deep link stays usable until it has verified someone.
"""

from __future__ import annotations

import re
from datetime import date

import phonenumbers

from flows.context import Ctx
from flows.disclosure import say_disclosure
from flows.languages import locale_from_account
from flows.menus import bank_contact_text, command_button, person_row, show_menu
from flows.parsing import normal, parse_date_text
from flows.types import N_, Button, Text
from flows.verify_limits import account_waiting, after_failure, chat_locked, trusted
from store import chats, tokens
from store.accounts import as_stored, get_account

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
    if await chat_locked(ctx):
        return
    token = token.strip()
    if not token:
        ask_ref(ctx, Text(N_("Welcome. I can show your account and help you sort it out.")), after=after)
        return
    result, ref, digest = ("unknown", None, None)
    if _TOKEN.match(token):
        # Opening does not spend the link: only verifying through it does (in _bind).
        result, ref, digest = await tokens.open_link(ctx.db, ctx.secret, token, ctx.now)
    if result == "ok" and ref is not None:
        await ctx.audit("link_opened", ref)
        welcome = Text(N_("Welcome. First, let us confirm it is you."))
        ask_factor(ctx, ref, ctx.policy.verification.factor, welcome, link=digest)
        return
    ask_ref(ctx, Text(_TOKEN_PROBLEMS[result]))


async def begin(ctx: Ctx, after: str | None) -> None:
    """A command that needs verification arrived in an unverified chat: verify first, then run it."""
    if await chat_locked(ctx):
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
    _say_ref(ctx, *lead)


def _say_ref(ctx: Ctx, *lead: Text) -> None:
    ctx.say(*lead, Text(N_("Please type the account reference from the bank's letter or text message.")),
            buttons=(person_row(),))


def _factor_prompt(ctx: Ctx, kind: str) -> Text:
    if kind == "id_last4":
        return Text(N_("Please type the last 4 digits of your ID number."))
    return Text(N_("Please type your date of birth, for example {example} or {iso}."),
                {"example": _EXAMPLE_DOB, "iso": _EXAMPLE_DOB.isoformat()})


def ask_factor(ctx: Ctx, ref: str, kind: str, *lead: Text, link: str | None = None) -> None:
    """link: the digest of the deep link that named ref, kept until it verifies someone."""
    ctx.go(ASK_FACTOR, ref=ref, factor=kind, **({"link": link} if link else {}))
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
    # Typed in another case than the bank's ("demo-0003"): the bank's spelling from here on.
    ask_factor(ctx, await as_stored(ctx.db, ref[:MAX_REF_LENGTH]), ctx.policy.verification.factor)


async def on_factor_button(ctx: Ctx, payload: str) -> bool:
    if payload == "reref":
        ask_ref(ctx, after=ctx.data.get("after"))
        return True
    if payload == "back":  # from "Talk to a person": the same question again, link and all
        _prompt_factor(ctx)
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
    # Attempts and delays go by the reference as typed, known or not: an unknown reference is
    # slowed after as many failures as a real one, so the delay reveals nothing either.
    if await chat_locked(ctx):
        return
    own = bool(typed_ref) and await trusted(ctx, typed_ref)
    if typed_ref and not own and await account_waiting(ctx, typed_ref):
        return
    # The keyed comparison runs for unknown references too, so both cost the same time.
    ok = bool(value) and await tokens.check_factor(ctx.db, ctx.secret, typed_ref, kind, value)
    ok = ok and record is not None
    await chats.record_attempt(ctx.db, ctx.chat.chat_id, typed_ref or None, ok, ctx.now)
    if ok and record is not None:
        await _bind(ctx, record, kind)
        return
    await ctx.audit("verify_failed", ref, factor=kind)
    if await after_failure(ctx, typed_ref, record, own):
        return
    _prompt_factor(ctx, Text(N_("Those details do not match our records. Please check the reference and "
                                "your answer, and try again.")))


async def _bind(ctx: Ctx, record, kind: str) -> None:
    chat = ctx.chat
    chat.account_ref, chat.verified_at, chat.last_seen_at = record.account_ref, ctx.now, ctx.now
    if not chat.locale_chosen and record.account.locale:
        chat.locale = locale_from_account(record.account.locale)
    ctx.record = record
    after, link = ctx.data.get("after"), ctx.data.get("link")
    if isinstance(link, str):
        await tokens.spend_link(ctx.db, link, ctx.now)  # it has verified someone: it expires now
    ctx.go("menu")
    ctx.data.pop("after", None)
    await ctx.audit("verified", record.account_ref, factor=kind, link=isinstance(link, str))
    ctx.say(Text(N_("Thank you, {name}. You are confirmed."), {"name": record.customer_name}),
            remove_keyboard=True)
    say_disclosure(ctx)  # the policy's statement (US: an attempt to collect a debt), before the debt
    if after:
        ctx.continue_with = after
    else:
        show_menu(ctx)


def person_before_verification(ctx: Ctx) -> None:
    """The person button in a chat that has not proved who it is: the bank's number, then the
    way back to confirming who you are, not the same offer again. The step stays where it was."""
    label = N_("Back to confirming who I am")
    if ctx.state == ASK_FACTOR and ctx.data.get("ref"):
        back = ctx.btn(Text(label), "back")  # keeps the reference (and a link) already given
    else:
        back = command_button(label, "start")
    ctx.say(Text(N_("A person at the bank can help you by phone.")), bank_contact_text(ctx),
            buttons=((back,),))


# The questions asked again in place (after a language is chosen), their buttons still good.
ASK_AGAIN = {ASK_REF: _say_ref, ASK_FACTOR: _prompt_factor}
