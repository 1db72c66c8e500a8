"""Free text, acted on: what flows/understanding.py heard becomes a step of a flow.

Reading answers at once (the balance, what happens next, the plans, how to pay, a language, a
person). Anything that records something (a promise, a call-back, a dispute, hardship, stopping
or restarting reminders) is first said back exactly as understood, with Confirm and "No, change
it": nothing is recorded before Confirm, and a wrong guess costs one tap. A slot that is missing
or unclear is asked for by the flow's own question, with its buttons. Before verification only
what the verification step needs is read.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any

from debt.money import Money, round_minor
from debt.portfolio import reference_like
from flows import overview, plans, promise, support, verify
from flows.context import Ctx
from flows.keywords import NO, YES
from flows.menus import person_row, show_menu, unclear
from flows.notice_labels import DISPUTE_REASONS, HARDSHIP_REASONS
from flows.parsing import impossible_date, normal, parse_date_text, read_amount
from flows.types import N_, Text
from flows.understanding import VERIFY, Understanding, choice_in, promise_slots, understand
from store import cases

CONFIRM, GUEST_CONFIRM = "understood_confirm", "understood_guest_confirm"
MAX_DETAIL = 1000

_READING = {**overview.COMMANDS, **plans.COMMANDS}  # balance, next, pay, plans: nothing to confirm
_POLITE = {
    "thanks": N_("You are welcome."),
    "greeting": N_("Hello."),
    "goodbye": N_("Goodbye. I am here whenever you need me."),
}
_CALLBACK_SUMMARIES = {
    "morning": N_("Call-back: a person from the bank will call you in the morning. Confirm?"),
    "afternoon": N_("Call-back: a person from the bank will call you in the afternoon. Confirm?"),
    "evening": N_("Call-back: a person from the bank will call you in the evening. Confirm?"),
}
_CALLBACK_DAY_SUMMARIES = {
    "morning": N_("Call-back: a person from the bank will call you on {date} in the morning. Confirm?"),
    "afternoon": N_("Call-back: a person from the bank will call you on {date} in the afternoon. Confirm?"),
    "evening": N_("Call-back: a person from the bank will call you on {date} in the evening. Confirm?"),
}
_UNCLEAR_DATE = N_("I could not tell which day you mean. Please choose a date, or write it with the month in "
                   "words.")
_UNCLEAR_AMOUNT = N_("I could not tell the amount for sure.")


def did_not_understand(ctx: Ctx) -> None:
    """Nothing understood: what the bot can do, how to ask for it, and the buttons."""
    if not ctx.verified:
        show_menu(ctx, Text(N_("Sorry, I did not understand that. Once you have confirmed who you are, I can "
                               "show your account and help you sort it out.")))
        return
    show_menu(ctx, Text(N_("Sorry, I did not understand that. I can show your balance and what happens "
                           "next, set up a repayment plan or a promise to pay, record a dispute or hardship, "
                           "and put you in touch with a person. Press a button, or type what you need, for "
                           "example \"how much do I owe?\" or \"I can pay 50 on Friday\".")))


def _hear(ctx: Ctx, text: str) -> Understanding:
    if not ctx.verified:
        return understand(text, ctx.locale, ctx.today, verified=False)
    return understand(text, ctx.locale, ctx.today, ctx.account.currency)


async def on_free_text(ctx: Ctx, text: str) -> None:
    """Text typed where no step waits for it: at the menu, or before anything was asked."""
    await act(ctx, _hear(ctx, text), text)


async def on_ref_text(ctx: Ctx, text: str) -> None:
    """At the reference step. Text no reference could be ("привет", "talk to a person") or a
    greeting without a digit is heard as a sentence: what it asks is done, else the question is
    asked again. Anything else is taken as the reference (verify.on_ref_text). Decided on the
    text alone, so nothing tells which references exist."""
    typed = normal(text)
    got = _hear(ctx, typed) if typed else None
    greeting = got is not None and got.intent in _POLITE and not any(c.isdigit() for c in typed)
    if not typed or (reference_like(typed) and not greeting):
        await verify.on_ref_text(ctx, text)
        return
    if greeting:
        verify.ask_ref(ctx, Text(_POLITE[got.intent]), after=ctx.data.get("after"))
    elif not await instead(ctx, text):
        verify.ask_ref(ctx, Text(N_("That does not look like an account reference: it is written with "
                                    "letters and digits only, as in the bank's letter or text message.")),
                       after=ctx.data.get("after"))


async def instead(ctx: Ctx, text: str) -> bool:
    """Inside a step that could not read the text: whether it asked for something else that was
    understood clearly (then that is done, and the step is left); False keeps the step."""
    got = _hear(ctx, text)
    if got.intent is None or got.intent in _POLITE or got.confidence < 0.8:
        return False
    await act(ctx, got, text)
    return True


async def act(ctx: Ctx, got: Understanding, text: str) -> None:
    intent = got.intent
    if not ctx.verified:
        await _as_guest(ctx, got)
    elif intent is None:
        did_not_understand(ctx)
    elif intent in _READING:
        ctx.go("menu")
        await _READING[intent](ctx, "")
    elif intent in _POLITE:
        ctx.go("menu")
        show_menu(ctx, Text(_POLITE[intent]))
    elif intent == "language":
        await _language(ctx, got)
    elif intent == "person":
        await support.person(ctx)
    elif intent == "promise":
        await promise_understood(ctx, got.slots, got.unclear)
    else:
        await _to_confirm(ctx, intent, got.slots, text)


async def _as_guest(ctx: Ctx, got: Understanding) -> None:
    """Before verification: a language, a person, reminders; anything about the account first
    asks who they are (and runs once they have answered, for the commands that show something)."""
    intent = got.intent
    if intent == "language":
        await _language(ctx, got)
    elif intent == "person":
        await support.person(ctx)
    elif intent in ("stop", "resume"):
        ctx.go(GUEST_CONFIRM, do=intent)
        _say_confirm(ctx)
    elif intent in _POLITE:
        await verify.start(ctx, "")
    elif intent == VERIFY:
        await verify.begin(ctx, after=got.slots.get("after"))
    else:
        did_not_understand(ctx)


async def _language(ctx: Ctx, got: Understanding) -> None:
    code = got.slots.get("language")
    if not code:
        await support.language(ctx)
        return
    done = await support.choose_language(ctx, code)
    if done is None:
        return
    # Asked inside a step: that step again, now in the new language; else the menu.
    steps = {**verify.ASK_AGAIN, **plans.ASK_AGAIN, **promise.ASK_AGAIN, **support.ASK_AGAIN, **ASK_AGAIN}
    steps.get(ctx.state, show_menu)(ctx, done)


# --- a promise ------------------------------------------------------------------------------
def _amount(ctx: Ctx, value: Any) -> Money | None:
    """A number as it was typed, or what a word stands for on this account today."""
    account = ctx.account
    if isinstance(value, Decimal):
        return ctx.money(value)
    base = {"full": account.balance, "minimum": account.minimum_due, "overdue": account.overdue_amount,
            "half": account.balance / 2}.get(value)
    if base is None or base <= 0:
        return None
    return ctx.money(round_minor(base, account.currency, ROUND_DOWN))


async def promise_understood(ctx: Ctx, slots: Any, unclear_slots: frozenset[str]) -> None:
    """The promise flow, entered with what was understood: it asks only for what is missing or
    unclear, and ends at the summary with Confirm."""
    amount = _amount(ctx, slots["amount"]) if "amount" in slots else None
    due: date | None = slots.get("date")
    lead = []
    if "amount" in unclear_slots:
        lead.append(Text(_UNCLEAR_AMOUNT))
    elif "date" in unclear_slots:
        lead.append(Text(_UNCLEAR_DATE))
    await promise.begin_with(ctx, amount, due, *lead)


async def promise_step_text(ctx: Ctx, text: str, step: str) -> bool:
    """At the promise's amount or date step, a sentence ("half", "next Friday", "500 on the
    15th"): whether it was used."""
    got = promise_slots(text, ctx.locale, ctx.today, ctx.account.currency)
    wanted = "amount" if step == promise.AMOUNT else "date"
    if wanted in got.unclear:
        promise.say_step_again(ctx, Text(_UNCLEAR_AMOUNT if wanted == "amount" else _UNCLEAR_DATE))
        return True
    if wanted not in got.slots:
        return await instead(ctx, text)
    slots = dict(got.slots)
    if step == promise.DATE:
        slots.setdefault("amount", Decimal(ctx.data["amount"]))
    await promise_understood(ctx, slots, got.unclear)
    return True


# --- anything else that records something: said back, then Confirm ---------------------------
async def _to_confirm(ctx: Ctx, intent: str, slots: Any, text: str) -> None:
    if intent == "callback":
        if await cases.has_open(ctx.db, ctx.ref, "callback") or "window" not in slots:
            await support.callback(ctx)  # says a call is already asked for, or asks when
            return
        day = slots.get("day")  # today is the soonest anyway; a day gone by is no day to call
        later = {"day": day.isoformat()} if isinstance(day, date) and day > ctx.today else {}
        ctx.go(CONFIRM, do=intent, window=slots["window"], **later)
    elif intent == "dispute":
        if await cases.has_open(ctx.db, ctx.ref, "dispute") or "reason" not in slots:
            await support.dispute(ctx)
            return
        ctx.go(CONFIRM, do=intent, reason=slots["reason"], detail=text.strip()[:MAX_DETAIL])
    elif intent == "hardship":
        if "reason" not in slots:
            await support.hardship(ctx)
            return
        ctx.go(CONFIRM, do=intent, reason=slots["reason"])
    else:  # stop, resume
        ctx.go(CONFIRM, do=intent)
    _say_confirm(ctx)


def _summary(ctx: Ctx) -> Text:
    data = ctx.data
    do = data.get("do")
    if do == "callback" and data.get("day"):
        return Text(_CALLBACK_DAY_SUMMARIES[data["window"]], {"date": date.fromisoformat(data["day"])})
    if do == "callback":
        return Text(_CALLBACK_SUMMARIES[data["window"]])
    if do == "dispute":
        return Text(N_("Dispute: \"{reason}\". Collection on this account pauses until the bank has "
                       "answered. Confirm?"), {"reason": Text(DISPUTE_REASONS[data["reason"]])})
    if do == "hardship":
        return Text(N_("Hard to pay: \"{reason}\". A person at the bank will review your situation and "
                       "contact you. Confirm?"), {"reason": Text(HARDSHIP_REASONS[data["reason"]])})
    if do == "resume":
        return Text(N_("Reminders: I will send you reminders again. Confirm?"))
    return Text(N_("Stop reminders: I will not send you messages you did not ask for. Confirm?"))


def _say_confirm(ctx: Ctx, *lead: Text) -> None:
    buttons = ((ctx.btn(Text(N_("Confirm")), "ok"), ctx.btn(Text(N_("No, change it")), "change")),
               person_row())
    ctx.say(*lead, _summary(ctx), buttons=buttons)


async def on_confirm(ctx: Ctx, payload: str) -> bool:
    if payload not in ("ok", "change"):
        return False
    do, data = ctx.data.get("do"), ctx.data
    if do not in ("stop", "resume") and not ctx.verified:  # a guest confirms only reminders
        return False
    if payload == "change":
        await _change(ctx, do)
    elif do == "callback":
        if await cases.has_open(ctx.db, ctx.ref, "callback"):
            await support.callback(ctx)
        else:
            day = data.get("day")
            await support.record_callback(ctx, data["window"], date.fromisoformat(day) if day else None)
    elif do == "dispute":
        if await cases.has_open(ctx.db, ctx.ref, "dispute"):
            await support.dispute(ctx)
        else:
            await support.record_dispute(ctx, data["reason"], data.get("detail", ""))
    elif do == "hardship":
        await support.on_hardship_reason(ctx, f"why:{data['reason']}")
    elif do in ("stop", "resume"):
        ctx.go("menu" if ctx.verified else "start")
        await (support.stop if do == "stop" else support.resume)(ctx)
    else:
        return False
    return True


async def _change(ctx: Ctx, do: str | None) -> None:
    """No, change it: the flow's own question with its buttons, or (reminders) nothing changed."""
    if do == "callback":
        await support.callback(ctx)
    elif do == "dispute":
        await support.dispute(ctx)
    elif do == "hardship":
        await support.hardship(ctx)
    else:
        ctx.go("menu" if ctx.verified else "start")
        show_menu(ctx, Text(N_("Nothing was changed.")))


async def on_confirm_text(ctx: Ctx, text: str) -> None:
    """Typed "no" changes it; typed "yes" does not record (only the Confirm press does: the
    summary was understood from typed words, and typing more words is not the press)."""
    if ctx.said(YES, text):
        _say_confirm(ctx, Text(promise.PRESS_CONFIRM))
    elif ctx.said(NO, text):
        await on_confirm(ctx, "change")
    elif not await instead(ctx, text):
        _say_confirm(ctx, unclear())


# --- inside a step: its own reading first, then what a sentence says ---------------------------
def _typed_words(text: str) -> bool:
    """Whether the text has letters (a sentence or a word), not only a number or a date."""
    return any(c.isalpha() for c in normal(text))


def _one_number(text: str, locale: str, currency: str) -> bool:
    """An amount as the step has always read it: one number, any currency mark around it."""
    numbers = re.findall(r"\d[\d.,'\u00a0\u202f ]*", normal(text))
    return len(numbers) == 1 and read_amount(text, locale, currency)[0] is not None


async def on_amount_text(ctx: Ctx, text: str) -> None:
    plain_amount = not _typed_words(text) or _one_number(text, ctx.locale, ctx.account.currency)
    if plain_amount or not await promise_step_text(ctx, text, promise.AMOUNT):
        await promise.on_amount_text(ctx, text)


async def on_date_text(ctx: Ctx, text: str) -> None:
    """A date the step reads itself (or can say why no calendar has it) goes to it as before."""
    own = parse_date_text(text, ctx.locale) is not None or impossible_date(text, ctx.locale) is not None
    if own or not await promise_step_text(ctx, text, promise.DATE):
        await promise.on_date_text(ctx, text)


async def on_choice_text(ctx: Ctx, text: str) -> None:
    """A call-back's time, a dispute's or a hardship's reason typed instead of pressed: said back
    with Confirm; something else asked for clearly is done; anything else asks the step again."""
    kind = {support.CALLBACK_WINDOW: "callback", support.DISPUTE_REASON: "dispute",
            support.HARDSHIP_REASON: "hardship"}[ctx.state]
    found = choice_in(text, ctx.locale, kind)
    if found is not None:
        await _to_confirm(ctx, kind, {"window" if kind == "callback" else "reason": found}, text)
    elif not await instead(ctx, text):
        support.ASK_AGAIN[ctx.state](ctx, unclear())


async def on_plans_text(ctx: Ctx, text: str) -> None:
    if not await instead(ctx, text):
        await plans.on_choose_text(ctx, text)


BUTTONS = {CONFIRM: on_confirm, GUEST_CONFIRM: on_confirm}
TEXTS = {verify.ASK_REF: on_ref_text, CONFIRM: on_confirm_text, GUEST_CONFIRM: on_confirm_text,
         promise.AMOUNT: on_amount_text,
         promise.DATE: on_date_text, support.CALLBACK_WINDOW: on_choice_text,
         support.DISPUTE_REASON: on_choice_text, support.HARDSHIP_REASON: on_choice_text,
         plans.CHOOSE: on_plans_text}
ASK_AGAIN = {CONFIRM: _say_confirm, GUEST_CONFIRM: _say_confirm}
