"""What a typed message asks for: an intent, its slots and a confidence, in every catalog
language, deterministically (word tables and calendars, no model): the same text, locale and
day always give the same answer.

    understand("I can pay 500 on Friday", "en", date(2026, 12, 2), "GBP")
    -> Understanding("promise", {"amount": Decimal("500"), "date": date(2026, 12, 4)}, ...)

A slot seen but readable more than one way (03/04, "1.500" in English, another currency) is
listed in `unclear` and left out of the slots: the flow asks for it, it never guesses. Before
verification only what the verification step needs is read: no amount, date or reason.
Pure: no I/O, no clock; the caller passes the debtor's local today.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from flows.nlu_amounts import UNCLEAR, find_amount
from flows.nlu_dates import find_date, find_window, take
from flows.nlu_text import language_of, plain
from flows.nlu_words_latin import EN, EN_REASONS, ES, ES_REASONS, ID, ID_REASONS, PT, PT_REASONS
from flows.nlu_words_other import LANGUAGE_NAMES, RU, RU_REASONS, ZH, ZH_REASONS

TABLES = {"en": (EN, EN_REASONS), "es": (ES, ES_REASONS), "pt": (PT, PT_REASONS), "id": (ID, ID_REASONS),
          "ru": (RU, RU_REASONS), "zh": (ZH, ZH_REASONS)}
# When two intents are heard, the earlier wins: "what happens if I can't pay" asks what happens
# next; "someone used my card" disputes; "call me" outranks "a person".
PRIORITY = ("stop", "resume", "language", "dispute", "next", "hardship", "callback", "person", "promise",
            "pay", "plans", "balance", "thanks", "goodbye", "greeting")
POLITE = frozenset({"thanks", "goodbye", "greeting"})
# What a chat that has not proved who it is may ask: anything else is "verify" (confirm who you are first).
GUEST = frozenset({"stop", "resume", "language", "person", "thanks", "goodbye", "greeting"})
VERIFY = "verify"
_MAX_CHARS = 500  # longer messages are read from their start only


@dataclass(frozen=True)
class Understanding:
    intent: str | None  # one of PRIORITY, VERIFY, or None when nothing was understood
    slots: Mapping[str, Any] = field(default_factory=dict)
    unclear: frozenset[str] = frozenset()  # slots seen but not readable one way only
    confidence: float = 0.0


@lru_cache(maxsize=16)
def _intents(lang: str) -> dict[str, re.Pattern[str]]:
    words, _ = TABLES[lang]
    return {intent: _compile(pattern, lang) for intent, pattern in words.items()}


@lru_cache(maxsize=16)
def _reasons(lang: str) -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    _, reasons = TABLES[lang]
    return {kind: [(key, _compile(p, lang)) for key, p in table.items()] for kind, table in reasons.items()}


@lru_cache(maxsize=1)
def _language_names() -> list[tuple[str, re.Pattern[str]]]:
    return [(code, re.compile(rf"(?<![a-zа-я])(?:{p})(?![a-zа-я])")) for code, p in LANGUAGE_NAMES]


def _compile(pattern: str, lang: str) -> re.Pattern[str]:
    if lang == "zh":
        return re.compile(pattern)
    return re.compile(rf"(?<!\w)(?:{pattern})(?!\w)")


def _hits(text: str, lang: str) -> set[str]:
    return {intent for intent, pattern in _intents(lang).items() if pattern.search(text)}


def _order(locale_lang: str) -> tuple[str, ...]:
    """The chat's language first, then English, then the others: people mix and switch."""
    rest = [lang for lang in TABLES if lang not in (locale_lang, "en")]
    return tuple(dict.fromkeys((locale_lang, "en", *rest)))


def _language_named(text: str) -> str | None:
    for code, pattern in _language_names():
        if pattern.search(text):
            return code
    return None


def _reason(text: str, lang: str, kind: str) -> str | None:
    for key, pattern in _reasons(lang).get(kind, ()):
        if pattern.search(text):
            return key
    return None


def understand(text: str, locale: str, today: date, currency: str = "", *,
               verified: bool = True) -> Understanding:
    """The intent, slots and confidence of one typed message in the chat's locale."""
    typed = plain(text[:_MAX_CHARS])
    if not typed:
        return Understanding(None)
    chat_lang = language_of(locale)
    chat_lang = chat_lang if chat_lang in TABLES else "en"
    lang, hits = chat_lang, set()
    for candidate in _order(chat_lang):
        hits = _hits(typed, candidate)
        if hits:
            lang = candidate
            break
    named = _language_named(typed)
    if named and (len(typed.split()) <= 3 or len(typed) <= 8):
        hits.add("language")  # "español", "English please", "中文"
    if not verified:
        return _guest(hits, named)
    slots: dict[str, Any] = {}
    unclear: set[str] = set()
    intent = _choose(hits, False, False, False)
    when = day = money = None
    if intent in (None, "callback", "promise", "pay", "plans", "balance", "thanks", "goodbye", "greeting"):
        # Only these can change with a day or an amount: "pay" with an amount is a promise.
        rest = typed
        when = find_window(typed, lang) if intent == "callback" else None
        rest = take(rest, when)
        day = find_date(rest, lang, today)
        if day is None and lang != chat_lang:
            day = find_date(rest, chat_lang, today)
        rest = take(rest, day)
        if intent != "callback" and currency:
            money = find_amount(rest, lang, locale, currency)
        number = money is not None and not isinstance(money.value, str)
        intent = _choose(hits, number, money is not None, day is not None)
    if intent is None:
        return Understanding(None)
    if intent == "promise":
        _fill(slots, unclear, "amount", money.value if money else None, money is not None)
        _fill(slots, unclear, "date", day.value if day else None, day is not None)
    elif intent == "callback":
        _fill(slots, unclear, "window", when.value if when else None, when is not None)
        _fill(slots, unclear, "day", day.value if day else None, day is not None)
    elif intent in ("hardship", "dispute"):
        reason = _reason(typed, lang, intent)
        if reason:
            slots["reason"] = reason
    elif intent == "language" and named:
        slots["language"] = named
    return Understanding(intent, slots, frozenset(unclear), _confidence(intent, hits, unclear))


def _fill(slots: dict[str, Any], unclear: set[str], name: str, value: Any, seen: bool) -> None:
    if value is not None and value != UNCLEAR:
        slots[name] = value
    elif seen:
        unclear.add(name)


def _choose(hits: set[str], number: bool, amount: bool, day: bool) -> str | None:
    """The intent heard first by PRIORITY; an amount or a date beside "pay" makes a promise."""
    weak = ("promise", "pay", "plans", "balance", *POLITE)
    strong = [i for i in PRIORITY if i in hits and i not in weak]
    if strong:
        return strong[0]
    if ("promise" in hits or "pay" in hits) and (amount or day):
        return "promise"
    for intent in ("pay", "plans"):  # "where can I pay", "can I pay in instalments"
        if intent in hits:
            return intent
    if "promise" in hits:
        return "promise"
    if amount and day or number and not hits:
        return "promise"
    for intent in ("plans", "balance", "thanks", "goodbye", "greeting"):
        if intent in hits:
            return intent
    return None


def _confidence(intent: str, hits: set[str], unclear: set[str]) -> float:
    """1.0: one thing heard, every slot clear; less when the words pointed several ways, when the
    intent was inferred from an amount and a date alone, or when a slot must be asked for."""
    heard = hits - POLITE
    if intent not in hits:
        score = 0.6
    elif len(heard) <= 1:
        score = 1.0
    else:
        score = 0.8
    return round(score - (0.2 if unclear else 0.0), 2)


def _guest(hits: set[str], named: str | None) -> Understanding:
    """Before verification: what a stranger may ask, or "confirm who you are first"; nothing more
    is read (no amounts, dates or reasons)."""
    intent = _choose(hits, False, False, False)
    if intent in GUEST:
        slots = {"language": named} if intent == "language" and named else {}
        return Understanding(intent, slots, frozenset(), 1.0)
    if intent is not None:  # what to show once they have confirmed who they are
        return Understanding(VERIFY, {"after": intent}, frozenset(), 0.8)
    return Understanding(None)


def promise_slots(text: str, locale: str, today: date, currency: str) -> Understanding:
    """Only an amount and a day, for the promise's own steps ("half", "next Friday")."""
    typed = plain(text[:_MAX_CHARS])
    lang = language_of(locale) if language_of(locale) in TABLES else "en"
    slots: dict[str, Any] = {}
    unclear: set[str] = set()
    day = find_date(typed, lang, today)
    money = find_amount(take(typed, day), lang, locale, currency)
    _fill(slots, unclear, "amount", money.value if money else None, money is not None)
    _fill(slots, unclear, "date", day.value if day else None, day is not None)
    return Understanding("promise" if slots or unclear else None, slots, frozenset(unclear),
                         1.0 if slots and not unclear else 0.6)


def choice_in(text: str, locale: str, kind: str) -> str | None:
    """A call-back's time of day ("callback"), or a dispute's or hardship's reason, typed at that
    step: "in the evening", "I lost my job", "已经还了"."""
    typed = plain(text[:_MAX_CHARS])
    chat_lang = language_of(locale) if language_of(locale) in TABLES else "en"
    for lang in _order(chat_lang):
        if kind == "callback":
            window = find_window(typed, lang)
            found = window.value if window else None
        else:
            found = _reason(typed, lang, kind)
        if isinstance(found, str):
            return found
    return None
