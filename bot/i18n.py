"""Translations: the .po catalogs under locales/, compiled in memory when first asked for.

The catalogs travel inside the wheel (bot/locales/, package data); a checkout or an editable
install reads the repository's locales/; DEBTDESK_LOCALES points anywhere else.

Compiling at start (babel's read_po + write_mo into memory) means there is no .mo file
that could lag behind its .po. Each locale is compiled once per process and falls back to
English, and English falls back to the source text itself.

    python -m bot.i18n fill-source locales/en/LC_MESSAGES/messages.po

copies every msgid into its msgstr (the English catalog translates to itself) and clears
the fuzzy flags that `pybabel update` leaves behind.
"""

from __future__ import annotations

import gettext
import string
import sys
from functools import cache
from importlib import resources
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from bot.config import locales_setting

SOURCE_LOCALE = "en"
DOMAIN = "messages"

# Babel needs a territory to pick currency symbols and date patterns for the script locales.
_BABEL_NAMES = {"zh_Hans": "zh_Hans_CN", "zh_Hant": "zh_Hant_TW"}


@cache
def babel_locale(locale: str) -> str:
    """The babel locale name for one of ours (zh_Hans -> zh_Hans_CN); a BCP 47 tag such as
    "pt-BR" is read too, and anything babel does not know formats as English, never an error."""
    name = _BABEL_NAMES.get(locale, locale or SOURCE_LOCALE).replace("-", "_")
    try:
        Locale.parse(name)
    except (ValueError, UnknownLocaleError):
        return SOURCE_LOCALE
    return name


def locales_dir() -> Path:
    """DEBTDESK_LOCALES, else the catalogs installed with the package, else the repository's."""
    override = locales_setting()
    if override:
        return Path(override)
    packaged = resources.files("bot").joinpath("locales")  # an installed wheel: bot/locales/
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "locales"  # a checkout or an editable install


def po_path(locale: str, root: Path | None = None) -> Path:
    return (root or locales_dir()) / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def available_locales(root: Path | None = None) -> list[str]:
    """Every locale that has a catalog, sorted."""
    root = root or locales_dir()
    return sorted(p.parent.parent.name for p in root.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale, abort_invalid=True)  # a damaged .po is an error, not a guess


def compile_catalog(catalog: Catalog) -> gettext.GNUTranslations:
    """An in-memory .mo of the catalog, loaded as GNU translations (plural forms included)."""
    buffer = BytesIO()
    # Fuzzy entries are guesses by `pybabel update`; never show them (test_catalogs fails on them).
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@cache
def translator(locale: str) -> gettext.NullTranslations:
    """gettext/ngettext for one locale: its catalog, then English, then the source text."""
    chain: gettext.NullTranslations = gettext.NullTranslations()
    english = po_path(SOURCE_LOCALE)
    if english.exists():
        chain = compile_catalog(read_catalog(english, SOURCE_LOCALE))
    path = po_path(locale) if locale and locale != SOURCE_LOCALE else None
    if path is not None and path.exists():
        translations = compile_catalog(read_catalog(path, locale))
        translations.add_fallback(chain)
        chain = translations
    return chain


def load_all() -> list[str]:
    """Compile every catalog now, at start: a broken .po stops the bot before anyone chats."""
    found = available_locales()
    for locale in found:
        translator(locale)
    return found


def placeholders(text: str) -> set[str]:
    """The field names of a str.format pattern: "{amount} by {date:%d}" -> {"amount", "date"}."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:  # an unmatched brace: str.format would fail on it too
        return {"(unbalanced braces)"}
    return {field.split(".")[0].split("[")[0] for _, field, _, _ in parsed if field is not None}


def translation_problems(message: Message, num_plurals: int) -> list[str]:
    """What would go wrong showing this catalog entry: a guess, a gap, or a renamed placeholder.

    A plural form may use the singular's or the plural's placeholders ("one day" / "{n} days").
    """
    problems = ["fuzzy"] if message.fuzzy else []
    sources = message.id if isinstance(message.id, tuple) else (message.id,)
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    if len(sources) == 1 and len(forms) > 1:
        return [*problems, "has plural forms but the source has none"]
    if len(sources) > 1 and len(forms) != num_plurals:
        return [*problems, f"has {len(forms)} plural forms, the language needs {num_plurals}"]
    allowed = [placeholders(source) for source in sources]
    for index, form in enumerate(forms):
        where = f"plural form {index}" if len(sources) > 1 else "translation"
        if not form:
            problems.append(f"{where} untranslated")
        elif placeholders(form) not in allowed:
            problems.append(f"{where}: placeholders {sorted(placeholders(form))} differ from the source's")
    return problems


def fill_source(path: Path) -> int:
    """Make a source-language catalog translate every message to itself; returns the count."""
    catalog = read_catalog(path)
    for message in catalog:
        if not message.id:
            continue  # the header
        if message.pluralizable:
            singular, plural = message.id
            forms = max(catalog.num_plurals, 2)
            message.string = tuple([singular] + [plural] * (forms - 1))
        else:
            message.string = message.id
        message.flags.discard("fuzzy")
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100)
    return sum(1 for m in catalog if m.id)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "fill-source":
        print("usage: python -m bot.i18n fill-source <path/to/messages.po>", file=sys.stderr)
        return 2
    count = fill_source(Path(argv[1]))
    print(f"{argv[1]}: {count} messages translate to themselves")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
