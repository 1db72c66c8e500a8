"""The staff console's pages drawn in the staff member's language: Jinja2 templates (bot/templates/,
package data) with gettext from the same catalogs as the bot (bot.i18n) and babel's formats for
amounts, dates and numbers (bot.render.format_param).

A template says `{{ _("Today") }}` for a word and `{{ _("{n} to call").format(n=num(count)) }}`
for a sentence with values; autoescaping is on, so nothing typed by anyone becomes markup.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime
from babel.numbers import format_percent
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from bot.i18n import available_locales, babel_locale, translator
from bot.notice_text import late
from bot.render import format_param, render_text
from debt.money import Money
from flows.languages import LANGUAGE_NAMES
from flows.notice_labels import CASE_KINDS, LABELS, OUTCOMES, PLANS, STATUSES
from flows.notice_labels import label as notice_label
from ops.staff_labels import ACTIONS, CREDIT, FLAGS, PROMISE_STATUSES, REASONS, ROLES

_env = Environment(loader=PackageLoader("bot", "templates"), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)

CODES = {"reason": REASONS, "flag": FLAGS, "kind": CASE_KINDS, "outcome": OUTCOMES, "plan": PLANS,
         "status": STATUSES, "promise": PROMISE_STATUSES, "role": ROLES, "case_reason": LABELS["reason"],
         "action": ACTIONS, "credit": CREDIT}


def languages() -> list[tuple[str, str]]:
    """(locale, its own name) for every catalog installed."""
    return [(code, LANGUAGE_NAMES.get(code, code)) for code in available_locales()]


def words(locale: str, zone: str = "UTC") -> dict[str, Any]:
    """The helpers every template gets, in one locale; times are shown in `zone` (the bank's)."""
    tr = translator(locale)

    def fmt_time(value: datetime | str | None) -> str:
        if value is None:
            return ""
        when = datetime.fromisoformat(value) if isinstance(value, str) else value
        return format_datetime(when, "short", tzinfo=ZoneInfo(zone), locale=babel_locale(locale))

    def fmt(value: Any) -> str:
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
            try:
                value = date.fromisoformat(value[:10])
            except ValueError:
                pass
        return format_param(value, locale, tr)

    def code(table: str, value: str) -> str:
        """A code in words; a code we have no words for stays a code."""
        label = CODES[table].get(value)
        if label is None and table == "plan":
            found = notice_label("plan", value)  # inst12: "12 monthly payments"
            return render_text(found, locale, tr) if found else value
        return tr.gettext(label) if label else value

    def language_name(tag: str) -> str:
        """A debtor's BCP 47 tag (pt-BR) named in this locale's words (português (Brasil))."""
        try:
            return Locale.parse(tag.replace("-", "_")).get_display_name(babel_locale(locale)) or tag
        except (ValueError, UnknownLocaleError):
            return tag

    def money(amount: Any, currency: str) -> Money:
        return Money(Decimal(str(amount)), currency)

    def pct(rate: str | None) -> str:
        return format_percent(Decimal(rate), "#,##0.0%", locale=babel_locale(locale)) if rate else "—"

    return {"_": tr.gettext, "fmt": fmt, "fmt_time": fmt_time, "money": money, "language_name": language_name,
            "pct": pct, "code": code,
            "late": late, "locale": locale,
            "dir": "ltr", "lang": locale.replace("_", "-")}


def page(template: str, locale: str, zone: str, status: int = 200, /, **context: Any) -> HTMLResponse:
    html = _env.get_template(template).render(**words(locale, zone), **context)
    return HTMLResponse(html, status_code=status, headers={
        "Cache-Control": "no-store",
        # No script, no frame, no form to elsewhere: the pages need none of them.
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self';"
                                   " frame-ancestors 'none'; base-uri 'none'",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    })
