"""The menus: what a verified debtor can do, what a stranger can do, and the person button.

Menu buttons carry plain commands ("cmd:balance"), not a state nonce: pressing one is the same
as typing the command, so they never go stale.
"""

from __future__ import annotations

from flows.context import Ctx
from flows.types import N_, Button, Text
from flows.types import PERSON as PERSON  # the shared pieces live in flows.types (ops/ uses them too)
from flows.types import command_button as command_button
from flows.types import person_button as person_button

MENU_BUTTON = "menu"


def person_row() -> tuple[Button, ...]:
    return (person_button(),)


def menu_button() -> Button:
    return Button(Text(N_("Menu")), MENU_BUTTON)


def way_on() -> tuple[tuple[Button, ...], ...]:
    """Under an answer that ends something: a person, or the menu."""
    return ((person_button(), menu_button()),)


def unclear() -> Text:
    """The lead of a step asked again after something it could not read."""
    return Text(N_("Sorry, I did not understand that."))


def verified_buttons() -> tuple[tuple[Button, ...], ...]:
    return (
        (command_button(N_("Balance"), "balance"), command_button(N_("What happens next"), "next")),
        (command_button(N_("Repayment plans"), "plans"), command_button(N_("Promise to pay"), "promise")),
        (command_button(N_("How to pay"), "pay"), command_button(N_("Hard to pay?"), "hardship")),
        (command_button(N_("Dispute"), "dispute"), command_button(N_("Language"), "language")),
        person_row(),
    )


def guest_buttons() -> tuple[tuple[Button, ...], ...]:
    return (
        (command_button(N_("Confirm who I am"), "start"),),
        (command_button(N_("Language"), "language"),),
        person_row(),
    )


def show_menu(ctx: Ctx, *lead: Text) -> None:
    """The menu for where the chat stands, after any leading paragraphs."""
    if ctx.verified:
        ctx.say(*lead, Text(N_("What would you like to do?")), buttons=verified_buttons())
    else:
        ctx.say(*lead, Text(N_("To see your account, first confirm who you are.")), buttons=guest_buttons())


def bank_contact_text(ctx: Ctx) -> Text:
    pay = ctx.policy.payment
    if pay.hours:
        return Text(N_("You can call the bank on {phone} ({hours})."),
                    {"phone": pay.phone, "hours": pay.hours})
    return Text(N_("You can call the bank on {phone}."), {"phone": pay.phone})


def not_understood(ctx: Ctx) -> None:
    """Anything unexpected: a short answer and the current menu; nothing changes."""
    show_menu(ctx, Text(N_("Sorry, I did not understand that. Please use the buttons or a command.")))


def stale(ctx: Ctx) -> None:
    show_menu(ctx, Text(N_("That button belongs to an older message. Here is the menu again.")))
