"""The last word when a handler fails: a polite sorry to the user, a log line without their data.

The log names the exception type and where it was raised, never the exception's message or
the update: either may carry a name, a date of birth or a phone number.
"""

from __future__ import annotations

import logging
import traceback

from telegram import Update
from telegram.error import NetworkError, TelegramError
from telegram.ext import ContextTypes

from bot.i18n import translator
from flows.languages import locale_from_language_code
from flows.types import N_

log = logging.getLogger("debtdesk.errors")

# It does not promise that nothing changed: the failure may come after the step was saved.
SORRY = N_("Sorry, something went wrong on our side. Please try again, or send /help.")


def where(error: BaseException) -> str:
    """file:line in function, innermost last: enough to find the bug, nothing the user wrote."""
    frames = traceback.extract_tb(error.__traceback__)[-5:]
    return " < ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} in {f.name}" for f in reversed(frames))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    if error is None:
        return
    if isinstance(error, NetworkError) and not isinstance(update, Update):
        # Polling hiccups: PTB retries by itself.
        log.warning("Telegram network trouble: %s", type(error).__name__)
        return
    log.error("handler failed: %s at %s", type(error).__name__, where(error))
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    user = update.effective_user
    tr = translator(locale_from_language_code(user.language_code if user and user.language_code else ""))
    try:
        await context.bot.send_message(chat_id=update.effective_chat.id, text=tr.gettext(SORRY))
    except TelegramError as exc:  # blocked, or Telegram itself is the trouble: nothing more to do
        log.warning("could not send the apology: %s", type(exc).__name__)
