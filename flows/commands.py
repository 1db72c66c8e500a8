"""The bot's commands, as the bot registers them with setMyCommands."""

from __future__ import annotations

from flows.types import N_

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Start, or confirm who you are")),
    ("balance", N_("Your balance, arrears and stage")),
    ("next", N_("What happens next, with dates")),
    ("plans", N_("Repayment plans you can choose")),
    ("promise", N_("Promise to pay an amount by a date")),
    ("pay", N_("How to pay")),
    ("dispute", N_("Dispute this debt")),
    ("hardship", N_("Tell us you are struggling to pay")),
    ("callback", N_("Ask a person to call you")),
    ("language", N_("Change the language")),
    ("stop", N_("Stop messages you did not ask for")),
    ("resume", N_("Receive reminders again")),
    ("logout", N_("Unlink this chat from your account")),
    ("help", N_("What I can do")),
)

# Commands that show or change something about the debt: they need a verified chat.
NEEDS_VERIFICATION = frozenset(
    {"balance", "next", "plans", "promise", "pay", "dispute", "hardship", "callback"}
)
