"""Random events into the flows (hypothesis state machine): text, numbers, dates, references,
buttons from the last answer and forged ones, every command and unknown ones, contacts, language
codes and a moving clock. After every step: no fault, every reply renders within Telegram's
limits, and a chat that has not proved who it is learns nothing about any account."""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import shutil
import tempfile
from datetime import date
from decimal import Decimal

import pytest
from accounts_kit import GB_CARD as ROW
from accounts_kit import person
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from flows_kit import START, Clock, link, make_flows, seed, texts
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from bot.i18n import babel_locale, translator
from bot.render import render, render_text
from debt.money import Money
from flows.commands import COMMANDS
from flows.types import Event, Outcome
from store import chats
from store.db import Store

ACCOUNTS = 2
CHAT_IDS = (501, 502)
FAULT = "Sorry, something went wrong on our side"
LANGS = ("", "en", "en-GB", "es", "ru", "pt-br", "zh-hans", "zh-hant", "zh-TW", "id", "in", "de", "xx-y", "ü")
STAGES = re.compile(r"(?<![A-Za-z0-9])M[0-9]\+?(?![0-9])")
AMOUNT_FIELDS = ("balance", "overdue_amount", "minimum_due", "fees_charged", "interest_charged",
                 "credit_limit")
PEOPLE = [person(i) for i in range(ACCOUNTS)]


def _date_forms(day: date) -> list[str]:
    return [day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%m/%d/%Y"), day.strftime("%d.%m.%Y"),
            f"{day.day} {day.strftime('%B %Y')}", day.strftime("%B %d, %Y"), day.strftime("%Y%m%d"),
            f"{day.year}年{day.month}月{day.day}日"]


def _private(p: dict[str, str]) -> list[str]:
    """What identifies a person, in the spellings a reply could use (checked in every locale)."""
    return [p["customer_name"], p["account_ref"], p["phone"], p["phone"][3:], p["national_id_last4"]]


def _dates(p: dict[str, str], locale: str) -> list[str]:
    days = [date.fromisoformat(p["date_of_birth"]), date.fromisoformat(ROW["oldest_due_date"])]
    where = babel_locale(locale)
    return [form for d in days for form in
            (d.isoformat(), *(format_date(d, format=f, locale=where) for f in ("short", "medium", "long")))]


def _amounts(locale: str) -> list[str]:
    where = babel_locale(locale)
    out = []
    for name in AMOUNT_FIELDS:
        value = Decimal(ROW[name])
        out += [format_currency(value, "GBP", locale=where), format_decimal(value, "#,##0.00", locale=where),
                f"{value:.2f}"]
    return out


refs = st.sampled_from([p["account_ref"] for p in PEOPLE] + ["UK-F999", "uk-f000", " UK-F001 ", "ＵＫ-Ｆ000"])
dates = st.one_of(
    st.sampled_from([date.fromisoformat(p["date_of_birth"]) for p in PEOPLE]),
    st.dates(date(1900, 1, 1), date(2100, 12, 31)),
).flatmap(lambda d: st.sampled_from(_date_forms(d)))
numbers = st.one_of(
    st.integers(-10**12, 10**12).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
    st.sampled_from(["1,234.50", "1.234,50", "2400", "2 400,00", "£50", "50 GBP", "0", "-5", "1e9", "١٢٣"]),
    st.sampled_from([p["national_id_last4"] for p in PEOPLE]),
)
typed = st.one_of(st.text(max_size=200), st.sampled_from(["x" * 5000, "€👍" * 3000]), numbers, dates, refs)


class FlowsMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.dir = tempfile.mkdtemp(prefix="debtdesk-sm-")
        self.clock = Clock(START)
        self.store = self.run(Store.open(f"{self.dir}/flows.db"))
        self.tokens = [self.run(self._seed(p)) for p in PEOPLE]
        self.flows = make_flows(self.store, self.clock)
        self.updates = itertools.count(1)
        self.last: dict[int, Outcome] = {}
        self.seen_data: list[str] = []
        self.faults: list[logging.LogRecord] = []
        self.watch = _Collect(self.faults)
        logging.getLogger("debtdesk").addHandler(self.watch)

    async def _seed(self, p: dict[str, str]) -> str:
        await seed(self.store, self.clock, **p)
        return await link(self.store, self.clock, p["account_ref"])

    def run(self, coroutine):
        return self.loop.run_until_complete(coroutine)

    def teardown(self) -> None:
        logging.getLogger("debtdesk").removeHandler(self.watch)
        self.run(self.store.close())
        self.loop.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- the events ----------------------------------------------------------------------------
    def send(self, chat: int, language: str, kind: str, **fields) -> None:
        event = Event(chat_id=chat, user_id=chat, kind=kind, update_id=next(self.updates),
                      language_code=language, **fields)
        outcome = self.run(self.flows.handle(event))
        self.last[chat] = outcome
        self.check(chat, outcome)

    @rule(chat=st.sampled_from(CHAT_IDS), language=st.sampled_from(LANGS), text=typed)
    def type_text(self, chat, language, text):
        self.send(chat, language, "text", text=text)

    @rule(chat=st.sampled_from(CHAT_IDS), language=st.sampled_from(LANGS), which=st.integers(0, ACCOUNTS - 1))
    def type_reference(self, chat, language, which):
        self.send(chat, language, "text", text=PEOPLE[which]["account_ref"])

    @rule(chat=st.sampled_from(CHAT_IDS), language=st.sampled_from(LANGS), which=st.integers(0, ACCOUNTS - 1),
          form=st.integers(0, 7), id_digits=st.booleans())
    def type_factor(self, chat, language, which, form, id_digits):
        """A seeded person's date of birth in one of several spellings, or ID digits: right or wrong."""
        p = PEOPLE[which]
        dob = _date_forms(date.fromisoformat(p["date_of_birth"]))[form]
        self.send(chat, language, "text", text=p["national_id_last4"] if id_digits else dob)

    @rule(chat=st.sampled_from(CHAT_IDS), language=st.sampled_from(LANGS), which=st.integers(0, ACCOUNTS - 1),
          form=st.integers(0, 7))
    def verify_honestly(self, chat, language, which, form):
        """/start, the reference, the date of birth: three events, each checked like any other."""
        self.send(chat, language, "command", command="start", text="")
        self.type_reference(chat, language, which)
        self.honest_answer(chat, language, form)

    @rule(chat=st.sampled_from(CHAT_IDS), language=st.sampled_from(LANGS), form=st.integers(0, 7))
    def honest_answer(self, chat, language, form):
        """The person the chat is being asked about answers with their own date of birth."""
        asked = self.chat_row(chat)
        wanted = asked.data.get("ref") if asked else None
        for p in PEOPLE:
            if p["account_ref"] == wanted:
                day = date.fromisoformat(p["date_of_birth"])
                self.send(chat, language, "text", text=_date_forms(day)[form])

    @rule(chat=st.sampled_from(CHAT_IDS), language=st.sampled_from(LANGS),
          name=st.sampled_from([name for name, _ in COMMANDS] + ["frobnicate", "START", "x" * 40, "pay_"]),
          args=st.one_of(st.just(""), typed, st.sampled_from(["bad-token", "A" * 64, "A" * 65, "../x"])))
    def command(self, chat, language, name, args):
        self.send(chat, language, "command", command=name, text=args)

    @rule(chat=st.sampled_from(CHAT_IDS), language=st.sampled_from(LANGS), which=st.integers(0, ACCOUNTS - 1))
    def deep_link(self, chat, language, which):
        """/start with a real link token (spent once it has verified someone)."""
        self.send(chat, language, "command", command="start", text=self.tokens[which])

    @rule(chat=st.sampled_from(CHAT_IDS), language=st.sampled_from(LANGS), data=st.data())
    def press_shown(self, chat, language, data):
        """A button of the last answer in this chat."""
        shown = [b.data for reply in getattr(self.last.get(chat), "replies", ()) for row in reply.buttons
                 for b in row]
        if shown:
            self.send(chat, language, "button", data=data.draw(st.sampled_from(shown)))

    @rule(chat=st.sampled_from(CHAT_IDS), language=st.sampled_from(LANGS),
          picks=st.lists(st.integers(0, 10**6), min_size=2, max_size=6))
    def follow_buttons(self, chat, language, picks):
        """Press a button of each answer in turn: how a person goes deep into plans and promises."""
        for pick in picks:
            shown = [b.data for reply in getattr(self.last.get(chat), "replies", ()) for row in reply.buttons
                     for b in row]
            if not shown:
                return
            self.send(chat, language, "button", data=shown[pick % len(shown)])

    @rule(chat=st.sampled_from(CHAT_IDS), language=st.sampled_from(LANGS), data=st.data(),
          forged=st.one_of(st.text(max_size=80), st.sampled_from(
              ["cmd:balance", "cmd:", "cmd:nope", "lang:xx", "lang:", "person", ".", "x.ok", "x.ok:plan",
               "x.date:2026-03-05", "x.date:bad", "x.amt:full", "x.factor:phone", "x.reref"])))
    def press_forged(self, chat, language, data, forged):
        """A forged payload, or a stale button of any earlier answer (in either chat)."""
        if self.seen_data and data.draw(st.booleans()):
            forged = data.draw(st.sampled_from(self.seen_data))
        self.send(chat, language, "button", data=forged)

    @rule(chat=st.sampled_from(CHAT_IDS), language=st.sampled_from(LANGS), own=st.booleans(),
          phone=st.one_of(st.sampled_from([p["phone"] for p in PEOPLE] + [p["phone"][1:] for p in PEOPLE]),
                          st.sampled_from(["+447700900123", "447911000000", "+8613800001000", "12", ""]),
                          st.text(max_size=30)))
    def contact(self, chat, language, own, phone):
        self.send(chat, language, "contact", phone=phone, contact_user_id=chat if own else chat + 1000)

    @rule(minutes=st.one_of(st.integers(1, 180), st.integers(1, 60 * 24 * 40)))
    def time_passes(self, minutes):
        self.clock.advance(minutes=minutes)

    # --- what must hold ---------------------------------------------------------------------------
    def chat_row(self, chat: int) -> chats.Chat | None:
        async def load():
            async with self.store.read() as db:
                return await chats.load_chat(db, chat)
        return self.run(load())

    def bound_to(self, chat: int) -> str | None:
        found = self.chat_row(chat)
        return found.account_ref if found else None

    def check(self, chat: int, outcome: Outcome) -> None:
        tr = translator(outcome.locale)
        shown = []
        for reply in outcome.replies:
            rendered = render(reply, outcome.locale, tr)
            assert len(rendered.text.encode("utf-16-le")) // 2 <= 4096
            shown.append(rendered.text)
            for row in reply.buttons:
                for button in row:
                    assert 1 <= len(button.data.encode()) <= 64, button.data
                    self.seen_data.append(button.data)
                    shown.append(render_text(button.label, outcome.locale, tr))
        said = "\n".join(shown)
        assert FAULT not in said and not any(FAULT in t.msgid for t in texts(outcome)), said
        bound = self.bound_to(chat)
        for p in PEOPLE:
            if p["account_ref"] == bound:
                continue  # the chat proved it is this person: their own data may show
            for secret in _private(p) + _dates(p, outcome.locale):
                assert secret not in said, (secret, said)
        if bound is None:  # before verification: no amount, no stage, no account date at all
            assert not any(isinstance(v, Money) for t in texts(outcome) for v in t.params.values()), said
            assert not any(amount in said for amount in _amounts(outcome.locale)), said
            assert not STAGES.search(said), said

    @invariant()
    def no_fault_logged(self) -> None:
        assert not self.faults, [r.getMessage() for r in self.faults]


class _Collect(logging.Handler):
    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__(logging.ERROR)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record)


FlowsMachine.TestCase.settings = settings(
    max_examples=80, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
# Several seconds a run: `pytest -m "not slow"` leaves it out of a quick local run.
TestFlowsUnderRandomEvents = pytest.mark.slow(FlowsMachine.TestCase)
