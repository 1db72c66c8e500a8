"""The languages debtdesk speaks, and how a Telegram or account language maps onto them."""

from __future__ import annotations

SUPPORTED_LOCALES = ("en", "zh_Hans", "zh_Hant", "es", "ru", "pt_BR", "id")

# Each language named in itself, on purpose untranslated: a reader who cannot read the current
# language must still find their own.
LANGUAGE_NAMES = {
    "en": "English",
    "zh_Hans": "简体中文",
    "zh_Hant": "繁體中文",
    "es": "Español",
    "ru": "Русский",
    "pt_BR": "Português (Brasil)",
    "id": "Bahasa Indonesia",
}

_HANT_REGIONS = ("tw", "hk", "mo")


def _parts(code: str) -> list[str]:
    return [p for p in (code or "").strip().lower().replace("_", "-").split("-") if p]


def locale_from_language_code(code: str) -> str:
    """A Telegram language code (IETF, e.g. "pt-br", "zh-hans") to a supported locale; else en."""
    parts = _parts(code)
    if not parts:
        return "en"
    lang, rest = parts[0], parts[1:]
    if lang == "zh":
        if "hant" in rest or any(r in _HANT_REGIONS for r in rest):
            return "zh_Hant"
        return "zh_Hans"
    if lang == "pt":
        return "pt_BR"
    if lang == "in":  # the old ISO 639 code for Indonesian, still sent by some clients
        return "id"
    return lang if lang in ("en", "es", "ru", "id") else "en"


def locale_from_account(locale: str) -> str:
    """An account's BCP 47 locale (zh-CN, zh-TW, pt-BR, es-MX ...) to a supported locale."""
    if locale in SUPPORTED_LOCALES:
        return locale
    return locale_from_language_code(locale)
