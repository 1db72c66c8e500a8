"""Help, a person, disputes, hardship, callbacks, opting out, language and signing out.

A person is always one step away: every menu has the "talk to a person" button, which asks
for a callback when the chat is verified and gives the bank's number when it is not.
"""

from __future__ import annotations

from datetime import date

from flows import verify
from flows.context import Ctx
from flows.keywords import SKIP
from flows.languages import LANGUAGE_NAMES, SUPPORTED_LOCALES
from flows.menus import (
    bank_contact_text,
    menu_button,
    person_button,
    person_row,
    show_menu,
    stale,
    unclear,
    way_on,
)
from flows.notice_labels import DISPUTE_REASONS, HARDSHIP_REASONS, WINDOWS
from flows.notices import account_fields
from flows.types import N_, Button, Text
from store import cases, contact_log
from store.notice_payloads import CallbackNotice, DisputeNotice, HardshipNotice, OptInNotice, OptOutNotice

DISPUTE_REASON, DISPUTE_DETAIL = "dispute_reason", "dispute_detail"
HARDSHIP_REASON, CALLBACK_WINDOW = "hardship_reason", "callback_window"
MAX_DETAIL = 1000

# The confirmation names the window in a sentence of its own, not in the button's words.
WINDOW_CONFIRMATIONS = {
    "morning": N_("Thank you. A person from the bank will call you in the morning."),
    "afternoon": N_("Thank you. A person from the bank will call you in the afternoon."),
    "evening": N_("Thank you. A person from the bank will call you in the evening."),
}
WINDOW_DAY_CONFIRMATIONS = {
    "morning": N_("Thank you. A person from the bank will call you on {date} in the morning."),
    "afternoon": N_("Thank you. A person from the bank will call you on {date} in the afternoon."),
    "evening": N_("Thank you. A person from the bank will call you on {date} in the evening."),
}
FORBEARANCE = {
    "longer_term": N_("More time: a longer repayment plan with smaller payments"),
    "fee_waiver": N_("Reduced or waived fees and interest"),
    "token_payment": N_("Small token payments for a while"),
    "payment_holiday": N_("A short break from payments"),
    "reduced_rate": N_("A lower interest rate"),
}


def _choice_rows(ctx: Ctx, labels: dict[str, str], prefix: str) -> tuple[tuple[Button, ...], ...]:
    return (*((ctx.btn(Text(label), f"{prefix}:{key}"),) for key, label in labels.items()), person_row())


def _picked(payload: str, prefix: str, labels: dict[str, str]) -> str | None:
    kind, _, key = payload.partition(":")
    return key if kind == prefix and key in labels else None


async def help_(ctx: Ctx, args: str = "") -> None:
    """The menu; a flow in progress stays where it was, its buttons still good."""
    show_menu(ctx, Text(N_("I can show your balance and what happens next, set up a repayment plan or a "
                           "promise to pay, record a dispute or hardship, and put you in touch with a "
                           "person.")))


async def menu(ctx: Ctx, args: str = "") -> None:
    """The Menu button, /menu, /cancel, or "menu" typed: out of any step, to the menu."""
    if ctx.verified:
        ctx.go("menu")
    show_menu(ctx)


# --- a person ---------------------------------------------------------------------------
async def person(ctx: Ctx) -> None:
    if not ctx.verified:
        verify.person_before_verification(ctx)
        return
    await callback(ctx)


async def callback(ctx: Ctx, args: str = "") -> None:
    if await cases.has_open(ctx.db, ctx.ref, "callback"):
        ctx.go("menu")
        show_menu(ctx, Text(N_("You have already asked for a call; a person from the bank will call you.")),
                  bank_contact_text(ctx))
        return
    ctx.go(CALLBACK_WINDOW)
    _ask_window(ctx)


def _ask_window(ctx: Ctx, *lead: Text) -> None:
    rows = tuple((ctx.btn(Text(label), f"win:{key}"),) for key, label in WINDOWS.items())
    ctx.say(*lead, Text(N_("A person from the bank can call you. When suits you best?")),
            bank_contact_text(ctx), buttons=(*rows, (menu_button(),)))


async def on_window(ctx: Ctx, payload: str) -> bool:
    window = _picked(payload, "win", WINDOWS)
    if window is None:
        return False
    await record_callback(ctx, window)
    return True


async def record_callback(ctx: Ctx, window: str, day: date | None = None) -> None:
    """The call-back asked for: in `window` of `day` (typed: "tomorrow morning"), else of the
    soonest day. The case keeps the day in its detail; the collectors' notice and the bank's event
    name it."""
    detail = day.isoformat() if day else ""
    case_id = await cases.open_case(ctx.db, ctx.ref, "callback", window, detail, ctx.now)
    record = ctx.record
    assert record is not None
    # The collectors need the number to call; the notice is for them and stays inside the bank.
    await ctx.notify(CallbackNotice(**account_fields(ctx), case_id=case_id, window=window, phone=record.phone,
                                    locale=ctx.locale, day=day))
    await ctx.audit("callback", ctx.ref, case_id=case_id, window=window, **({"day": detail} if day else {}))
    ctx.go("menu")
    if day:
        show_menu(ctx, Text(WINDOW_DAY_CONFIRMATIONS[window], {"date": day}))
    else:
        show_menu(ctx, Text(WINDOW_CONFIRMATIONS[window]))


# --- disputes ---------------------------------------------------------------------------
async def dispute(ctx: Ctx, args: str = "") -> None:
    if await cases.has_open(ctx.db, ctx.ref, "dispute"):
        ctx.go("menu")
        ctx.say(Text(N_("Your dispute is already open. The bank will answer it; until then collection on "
                        "this account is paused.")), buttons=way_on())
        return
    ctx.go(DISPUTE_REASON)
    _ask_dispute_reason(ctx)


def _ask_dispute_reason(ctx: Ctx, *lead: Text) -> None:
    ctx.say(*lead, Text(N_("What is wrong with this debt?")),
            buttons=_choice_rows(ctx, DISPUTE_REASONS, "why"))


async def on_dispute_reason(ctx: Ctx, payload: str) -> bool:
    reason = _picked(payload, "why", DISPUTE_REASONS)
    if reason is None:
        return False
    ctx.go(DISPUTE_DETAIL, reason=reason)
    _ask_detail_again(ctx)
    return True


def _ask_detail(ctx: Ctx, *parts: Text) -> None:
    ctx.say(*parts, buttons=((ctx.btn(Text(N_("Skip")), "skip"),), person_row()))


async def on_dispute_skip(ctx: Ctx, payload: str) -> bool:
    if payload != "skip":
        return False
    await _open_dispute(ctx, "")
    return True


async def skip(ctx: Ctx, args: str = "") -> None:
    """/skip: the dispute's details left out; anywhere else it is only the menu."""
    if ctx.verified and ctx.state == DISPUTE_DETAIL:
        await _open_dispute(ctx, "")
        return
    show_menu(ctx)


async def on_dispute_text(ctx: Ctx, text: str) -> None:
    detail = text.strip()
    if ctx.said(SKIP, detail):
        await _open_dispute(ctx, "")
        return
    if not any(c.isalnum() for c in detail):  # empty, a sticker, only emoji: no words to record
        _ask_detail(ctx, unclear(), Text(N_("Please type a few words, or press Skip.")))
        return
    await _open_dispute(ctx, detail[:MAX_DETAIL])


async def record_dispute(ctx: Ctx, reason: str, detail: str) -> None:
    """A dispute confirmed from a typed sentence (flows/understood.py), its words as the detail."""
    ctx.go(DISPUTE_DETAIL, reason=reason)
    await _open_dispute(ctx, detail)


async def _open_dispute(ctx: Ctx, detail: str) -> None:
    reason = ctx.data["reason"]
    case_id = await cases.open_case(ctx.db, ctx.ref, "dispute", reason, detail, ctx.now)
    await ctx.notify(DisputeNotice(**account_fields(ctx), case_id=case_id, reason=reason, detail=detail))
    await ctx.audit("dispute", ctx.ref, case_id=case_id, reason=reason)
    ctx.go("menu")
    show_menu(ctx, Text(N_("Your dispute is recorded. Collection on this account is paused until the bank "
                           "has looked into it and answered you. Promises you already made stay as they "
                           "are.")))


# --- hardship ---------------------------------------------------------------------------
async def hardship(ctx: Ctx, args: str = "") -> None:
    ctx.go(HARDSHIP_REASON)
    _ask_hardship_reason(ctx)


def _ask_hardship_reason(ctx: Ctx, *lead: Text) -> None:
    ctx.say(*lead, Text(N_("I am sorry things are hard. What has changed?")),
            buttons=_choice_rows(ctx, HARDSHIP_REASONS, "why"))


async def on_hardship_reason(ctx: Ctx, payload: str) -> bool:
    reason = _picked(payload, "why", HARDSHIP_REASONS)
    if reason is None:
        return False
    case_id = await cases.open_case(ctx.db, ctx.ref, "hardship", reason, "", ctx.now)
    await ctx.notify(HardshipNotice(**account_fields(ctx), case_id=case_id, reason=reason))
    await ctx.audit("hardship", ctx.ref, case_id=case_id, reason=reason)
    parts = [Text(N_("Thank you for telling us. A person at the bank will review your situation and contact "
                     "you. The bank can offer, for example:"))]
    parts += [Text(FORBEARANCE[key]) for key in ctx.policy.forbearance if key in FORBEARANCE]
    if ctx.policy.debt_advice:
        parts.append(Text(N_("Free, independent debt advice: {advice}"), {"advice": ctx.policy.debt_advice}))
    ctx.go("menu")
    show_menu(ctx, *parts)
    return True


# --- opting out, language, signing out -------------------------------------------------
async def stop(ctx: Ctx, args: str = "") -> None:
    ctx.chat.opted_out = True
    if ctx.verified:  # the debtor's wish, in every chat of the account
        await contact_log.stop_account(ctx.db, ctx.ref, ctx.now)
        await ctx.notify(OptOutNotice(**account_fields(ctx)))  # the bank's systems follow the wish
    await ctx.audit("opt_out", ctx.chat.account_ref)
    ctx.say(Text(N_("Done: I will not send you messages you did not ask for. You can still use me at any "
                    "time; send /resume to receive reminders again.")), buttons=way_on())


async def resume(ctx: Ctx, args: str = "") -> None:
    ctx.chat.opted_out = False
    if ctx.verified:
        await contact_log.resume_account(ctx.db, ctx.ref)
        await ctx.notify(OptInNotice(**account_fields(ctx)))
    await ctx.audit("opt_in", ctx.chat.account_ref)
    ctx.say(Text(N_("Done: you will receive reminders again. Send /stop at any time to end them.")),
            buttons=way_on())


async def language(ctx: Ctx, args: str = "") -> None:
    """The language buttons; the conversation stays where it was."""
    buttons = [Button(Text(N_("{name}"), {"name": LANGUAGE_NAMES[code]}), f"lang:{code}")
               for code in SUPPORTED_LOCALES]
    ctx.say(Text(N_("Choose your language.")), buttons=(*((b,) for b in buttons), (person_button(),)))


async def choose_language(ctx: Ctx, code: str) -> Text | None:
    """The chosen language set; returns the sentence that says so, for the engine to follow with
    the step the chat is in (or the menu). None for a forged code, answered here."""
    if code not in SUPPORTED_LOCALES:  # forged: no such button was ever sent
        stale(ctx)
        return None
    ctx.chat.locale, ctx.chat.locale_chosen = code, True
    ctx.commands_locale = code  # the bot sets this chat's command menu in the new language
    # Said in the new language, which names itself as its own sentences do ("en español"): the
    # button label "Español" would read wrong inside a sentence.
    return Text(N_("Done. I will write to you in English."))


async def logout(ctx: Ctx, args: str = "") -> None:
    ref = ctx.chat.account_ref
    ctx.chat.account_ref, ctx.chat.verified_at = None, None
    ctx.record = None
    ctx.go("start")
    ctx.data.pop("after", None)
    if ref:
        await ctx.audit("logout", ref)
    show_menu(ctx, Text(N_("This chat is no longer linked to your account.")))


COMMANDS = {
    "help": help_, "dispute": dispute, "hardship": hardship, "callback": callback, "stop": stop,
    "resume": resume, "language": language, "logout": logout,
    # Not in the command menu: typed answers that happen to start with a slash.
    "skip": skip, "menu": menu, "cancel": menu,
}
BUTTONS = {
    DISPUTE_REASON: on_dispute_reason, DISPUTE_DETAIL: on_dispute_skip,
    HARDSHIP_REASON: on_hardship_reason, CALLBACK_WINDOW: on_window,
}


# --- a step asked again, in the same state so its earlier buttons still work -------------
def _ask_detail_again(ctx: Ctx, *lead: Text) -> None:
    _ask_detail(ctx, *lead, Text(N_("Please tell us in a few words what happened, or press Skip.")))


ASK_AGAIN = {
    DISPUTE_REASON: _ask_dispute_reason, DISPUTE_DETAIL: _ask_detail_again,
    HARDSHIP_REASON: _ask_hardship_reason, CALLBACK_WINDOW: _ask_window,
}


async def _reask(ctx: Ctx, text: str) -> None:
    """Stray text inside a choice keeps the person where they were."""
    ASK_AGAIN[ctx.state](ctx, unclear())


TEXTS = {DISPUTE_DETAIL: on_dispute_text, DISPUTE_REASON: _reask, HARDSHIP_REASON: _reask,
         CALLBACK_WINDOW: _reask}
