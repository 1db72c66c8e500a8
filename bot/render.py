"""Replies to finished messages: gettext for the words, babel for amounts, dates and numbers.

Pure apart from python-telegram-bot's markup types: the same Reply renders the same way
for Telegram (render) and for the terminal (render_plain).
"""

from __future__ import annotations

import gettext
import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.i18n import babel_locale
from bot.money_format import format_money
from debt.money import Money
from flows.types import N_, Button, Reply, Text

log = logging.getLogger("debtdesk.render")

MAX_TEXT = 4096  # Telegram's limit, counted in UTF-16 code units
ELLIPSIS = "…"

# The label of the one reply-keyboard button that shares the sender's phone number.
SHARE_PHONE = N_("Share my phone number")


@dataclass(frozen=True)
class Rendered:
    text: str
    inline_markup: InlineKeyboardMarkup | None = None
    reply_markup: ReplyKeyboardMarkup | ReplyKeyboardRemove | None = None


@cache
def babel_locale_object(locale: str) -> Locale:
    """babel's Locale, parsed once per locale: given a name, babel parses it again on every call."""
    return Locale.parse(babel_locale(locale))


# babel's formatting costs tens of microseconds a value, and a conversation shows the same
# amounts and dates again and again (a balance, a schedule): kept per locale. Equal values
# format alike (babel rounds to the pattern), so Decimal("5") and Decimal("5.00") may share.
FORMATTED = 4096


@lru_cache(maxsize=FORMATTED)
def _currency(amount: Decimal, currency: str, where: Locale) -> str:
    return format_money(Money(amount, currency), where)  # ISO 4217 decimals, not CLDR's cash digits


@lru_cache(maxsize=FORMATTED)
def _date(value: date, where: Locale) -> str:
    return format_date(value, format="medium", locale=where)


@lru_cache(maxsize=FORMATTED)
def _decimal(value: int | Decimal, where: Locale) -> str:
    return format_decimal(value, locale=where)


def format_param(value: Any, locale: str, tr: gettext.NullTranslations) -> str:
    """One parameter as the locale writes it; nested Text is rendered, str passes as is."""
    if isinstance(value, Text):
        return render_text(value, locale, tr)
    where = babel_locale_object(locale)
    if isinstance(value, Money):
        return _currency(value.amount, value.currency, where)
    if isinstance(value, date):
        return _date(value, where)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | Decimal):
        return _decimal(value, where)
    return str(value)


def render_text(text: Text, locale: str, tr: gettext.NullTranslations) -> str:
    if text.plural is not None:
        n = text.n if text.n is not None else 0
        pattern = tr.ngettext(text.msgid, text.plural, n)
        source = text.msgid if n == 1 else text.plural
    else:
        pattern = tr.gettext(text.msgid)
        source = text.msgid
    params = {key: format_param(value, locale, tr) for key, value in text.params.items()}
    try:
        return pattern.format(**params)
    except (KeyError, IndexError, ValueError):
        # A broken translation must not cost the user the message: fall back to the source.
        log.warning("translation of a message for %s has broken placeholders", locale)
        return source.format(**params)


def cut(text: str, limit: int = MAX_TEXT) -> str:
    """At most `limit` UTF-16 code units, never splitting a character, marked with an ellipsis."""
    if len(text.encode("utf-16-le")) // 2 <= limit:
        return text
    units, kept = 0, []
    for char in text:
        width = len(char.encode("utf-16-le")) // 2
        if units + width > limit - 1:
            break
        kept.append(char)
        units += width
    return "".join(kept) + ELLIPSIS


def body(reply: Reply, locale: str, tr: gettext.NullTranslations) -> str:
    return cut("\n\n".join(render_text(part, locale, tr) for part in reply.parts))


def flat_buttons(reply: Reply) -> list[Button]:
    """The buttons in reading order: what the numbers in render_plain refer to."""
    return [button for row in reply.buttons for button in row]


def _inline_button(button: Button, locale: str, tr: gettext.NullTranslations) -> InlineKeyboardButton:
    """A press (callback data) or a link (the bank's checkout page)."""
    label = render_text(button.label, locale, tr)
    if button.url:
        return InlineKeyboardButton(label, url=button.url)
    return InlineKeyboardButton(label, callback_data=button.data)


def render(reply: Reply, locale: str, tr: gettext.NullTranslations) -> Rendered:
    inline = None
    if reply.buttons:
        inline = InlineKeyboardMarkup(
            [
                [_inline_button(b, locale, tr) for b in row]
                for row in reply.buttons
            ]
        )
    keyboard: ReplyKeyboardMarkup | ReplyKeyboardRemove | None = None
    if reply.ask_contact:
        share = KeyboardButton(tr.gettext(SHARE_PHONE), request_contact=True)
        keyboard = ReplyKeyboardMarkup([[share]], resize_keyboard=True, one_time_keyboard=True)
    elif reply.remove_keyboard:
        keyboard = ReplyKeyboardRemove()
    return Rendered(body(reply, locale, tr), inline, keyboard)


def render_plain(reply: Reply, locale: str, tr: gettext.NullTranslations) -> str:
    """The terminal's version: the text, then one numbered line per button ("[1] label")."""
    lines = [body(reply, locale, tr)]
    for number, button in enumerate(flat_buttons(reply), start=1):
        lines.append(f"[{number}] {render_text(button.label, locale, tr)}")
    return "\n".join(lines)
