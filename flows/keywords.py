"""Words a person may type instead of pressing a button, in their own language.

Each keyword is one catalog message whose translation lists the words, separated by commas
("yes, y, ok" in English, "是, 是的, 好, 对" in Chinese). A typed answer matches when it is one
of the words of the chat's language or of English, ignoring case, width and end punctuation.
"""

from __future__ import annotations

from collections.abc import Callable

from flows.parsing import normal
from flows.types import N_

YES = N_("yes, y, ok, okay, sure, confirm")
NO = N_("no, n, nope, change")
SKIP = N_("skip, no details")
MENU = N_("menu, cancel")
# Typed with a slash they arrive as commands (/skip, /menu, /cancel): flows/support.py has them.

_TRAILING = " .!?。！？,，"


def words(msgid: str, gettext: Callable[[str], str]) -> frozenset[str]:
    """The words of one keyword in the chat's language, with the English ones."""
    found = set()
    for listing in (msgid, gettext(msgid)):
        found |= {w.strip().casefold() for w in listing.replace("，", ",").replace("、", ",").split(",")}
    return frozenset(w for w in found if w)


def matches(text: str, msgid: str, gettext: Callable[[str], str]) -> bool:
    """Whether the typed text is exactly one of the keyword's words."""
    typed = normal(text).strip(_TRAILING).casefold()
    return bool(typed) and typed in words(msgid, gettext)
