"""Rendering replies: words from the catalogs, amounts and dates the way each language writes them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import PoFileError
from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot import i18n
from bot.render import MAX_TEXT, cut, render, render_plain, render_text
from debt.money import Money
from flows.types import NP_, Button, Reply, Text

RU_PO = r"""
msgid ""
msgstr ""
"Language: ru\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
"n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\n"
"Content-Type: text/plain; charset=utf-8\n"

msgid "{n} day late"
msgid_plural "{n} days late"
msgstr[0] "просрочка {n} день"
msgstr[1] "просрочка {n} дня"
msgstr[2] "просрочка {n} дней"

msgid "Pay {amount} by {due}"
msgstr "Оплатите {amount} до {due}"

msgid "Broken {amount}"
msgstr "Сломано {сумма}"

#, fuzzy
msgid "Guessed"
msgstr "Угадано"
"""

EN_PO = r"""
msgid ""
msgstr ""
"Language: en\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"
"Content-Type: text/plain; charset=utf-8\n"

msgid "Only in English"
msgstr "Only in English, from the catalog"
"""


@pytest.fixture
def catalogs(tmp_path: Path, monkeypatch):
    for locale, text in (("ru", RU_PO), ("en", EN_PO)):
        folder = tmp_path / locale / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "messages.po").write_text(text, "utf-8")
    monkeypatch.setenv("DEBTDESK_LOCALES", str(tmp_path))
    i18n.translator.cache_clear()
    yield tmp_path
    i18n.translator.cache_clear()


def test_russian_plural_forms_come_from_the_po_compiled_in_memory(catalogs):
    tr = i18n.translator("ru")
    said = [render_text(NP_("{n} day late", "{n} days late", n, {"n": n}), "ru", tr) for n in (1, 3, 5, 21)]
    assert said == ["просрочка 1 день", "просрочка 3 дня", "просрочка 5 дней", "просрочка 21 день"]


def test_a_changed_po_is_what_the_next_process_shows(catalogs):
    # No .mo file exists to go stale: the .po is read when the translator is first built.
    assert not list(catalogs.rglob("*.mo"))
    po = catalogs / "ru" / "LC_MESSAGES" / "messages.po"
    po.write_text(RU_PO.replace("Оплатите", "Заплатите"), "utf-8")
    i18n.translator.cache_clear()
    text = render_text(
        Text("Pay {amount} by {due}", {"amount": "1", "due": "2"}), "ru", i18n.translator("ru")
    )
    assert text == "Заплатите 1 до 2"


def test_missing_message_falls_back_to_english_then_the_source(catalogs):
    tr = i18n.translator("ru")
    assert render_text(Text("Only in English"), "ru", tr) == "Only in English, from the catalog"
    assert render_text(Text("Nowhere at all"), "ru", tr) == "Nowhere at all"
    # A language without a catalog gets English.
    assert render_text(Text("Only in English"), "es", i18n.translator("es")) == (
        "Only in English, from the catalog"
    )


def test_fuzzy_guesses_are_never_shown(catalogs):
    assert render_text(Text("Guessed"), "ru", i18n.translator("ru")) == "Guessed"


def test_a_translation_with_broken_placeholders_falls_back_to_the_source(catalogs):
    text = render_text(Text("Broken {amount}", {"amount": "5"}), "ru", i18n.translator("ru"))
    assert text == "Broken 5"


def test_amounts_dates_and_numbers_follow_the_locale(catalogs):
    tr = i18n.translator("ru")
    text = Text("Pay {amount} by {due}", {"amount": Money(Decimal("1234.5"), "RUB"), "due": date(2026, 3, 5)})
    assert render_text(text, "ru", tr) == "Оплатите 1\xa0234,50\xa0₽ до 5 мар. 2026\u202fг."
    en = i18n.translator("en")
    assert render_text(text, "en", en) == "Pay RUB1,234.50 by Mar 5, 2026"
    cny = Text("{a} {n}", {"a": Money(Decimal("88"), "CNY"), "n": Decimal("12345.6")})
    assert render_text(cny, "zh_Hans", i18n.translator("zh_Hans")) == "¥88.00 12,345.6"
    assert render_text(cny, "en", en) == "CN¥88.00 12,345.6"


def test_dates_in_chinese_use_the_chinese_pattern():
    text = Text("{d}", {"d": date(2026, 3, 5)})
    assert render_text(text, "zh_Hans", i18n.translator("zh_Hans")) == "2026年3月5日"
    assert render_text(text, "zh_Hant", i18n.translator("zh_Hant")) == "2026年3月5日"
    assert render_text(text, "pt_BR", i18n.translator("pt_BR")) == "5 de mar. de 2026"


def test_nested_text_is_rendered_inside_its_parent():
    inner = Text("{n} left", {"n": 3})
    outer = Text("Note: {what}", {"what": inner})
    assert render_text(outer, "en", i18n.translator("en")) == "Note: 3 left"


def test_parts_join_with_blank_lines_and_buttons_become_an_inline_keyboard():
    reply = Reply(
        parts=(Text("First"), Text("Second")),
        buttons=((Button(Text("Yes"), "y"), Button(Text("No"), "n")), (Button(Text("Person"), "p"),)),
    )
    out = render(reply, "en", i18n.translator("en"))
    assert out.text == "First\n\nSecond"
    assert isinstance(out.inline_markup, InlineKeyboardMarkup)
    rows = out.inline_markup.inline_keyboard
    assert [[(b.text, b.callback_data) for b in row] for row in rows] == [
        [("Yes", "y"), ("No", "n")],
        [("Person", "p")],
    ]
    assert out.reply_markup is None


def test_ask_contact_offers_the_share_phone_button_and_remove_keyboard_removes_it():
    tr = i18n.translator("en")
    asked = render(Reply(parts=(Text("Share?"),), ask_contact=True), "en", tr)
    assert isinstance(asked.reply_markup, ReplyKeyboardMarkup)
    (button,) = asked.reply_markup.keyboard[0]
    assert button.request_contact is True and button.text == "Share my phone number"
    removed = render(Reply(parts=(Text("Thanks"),), remove_keyboard=True), "en", tr)
    assert isinstance(removed.reply_markup, ReplyKeyboardRemove)


def test_long_text_is_cut_to_telegrams_limit_without_splitting_a_character():
    text = "a" * (MAX_TEXT - 2) + "😀😀😀"  # each emoji is two UTF-16 units
    out = cut(text)
    assert len(out.encode("utf-16-le")) // 2 <= MAX_TEXT
    assert out.endswith("…") and "\ud83d" not in out
    assert cut("short") == "short"
    reply = Reply(parts=(Text("x" * 3000), Text("y" * 3000)))
    assert len(render(reply, "en", i18n.translator("en")).text) == MAX_TEXT


def test_plain_rendering_numbers_the_buttons_for_the_terminal():
    reply = Reply(
        parts=(Text("Pick one"),), buttons=((Button(Text("Plans"), "p"),), (Button(Text("Help"), "h"),))
    )
    assert render_plain(reply, "en", i18n.translator("en")) == "Pick one\n[1] Plans\n[2] Help"


def test_every_catalog_compiles_at_start_and_a_broken_one_is_refused(catalogs):
    assert i18n.load_all() == ["en", "ru"]
    (catalogs / "ru" / "LC_MESSAGES" / "messages.po").write_text('msgid "x"\n', "utf-8")  # no msgstr
    i18n.translator.cache_clear()
    with pytest.raises(PoFileError):
        i18n.load_all()


def test_any_locale_tag_formats_without_error():
    amount = Text("{a}", {"a": Money(Decimal("1234.5"), "EUR")})
    tr = i18n.translator("en")
    assert render_text(amount, "pt-BR", tr) == render_text(amount, "pt_BR", tr) == "€\xa01.234,50"
    assert render_text(amount, "xx-nonsense", tr) == render_text(amount, "en", tr) == "€1,234.50"
