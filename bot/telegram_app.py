"""The Telegram side: one Application, every handler wired here, in order.

An update becomes a flow Event; Flows answers with replies, which are rendered in the chat's
language and sent. Flows records the update id in its own transaction, so this module keeps
no state of its own: a restarted bot, or a second one, carries on from the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, TypeHandler
from telegram.request import BaseRequest

from bot.collectors import collector_handlers
from bot.config import Config, ConfigError
from bot.errors import on_error
from bot.i18n import load_all, locales_dir, translator
from bot.jobs import JobDeps, decisions_job, reminder_job, schedule_housekeeping, sweep_job
from bot.notifier import Notifier, notifier_job, telegram_send
from bot.payments_door import payment_handlers, send_invoice
from bot.render import render
from flows.commands import COMMANDS
from flows.engine import Flows
from flows.languages import locale_from_language_code
from flows.types import N_, Event, Outcome
from ops.event_delivery import events_deliverer, kick_all

log = logging.getLogger("debtdesk.telegram")

NOTIFIER_INTERVAL_SECONDS = 5
SEND_RETRIES = 3
REMINDER_INTERVAL_SECONDS = 600
SWEEP_INTERVAL_SECONDS = 3600
PRIVATE_ONLY = N_("I only talk about accounts in a private chat. Please write to me directly.")

# (locale, language_code) for setMyCommands. "zh" gets Simplified (the larger audience); the
# script codes some Telegram apps send ("zh-hans", "zh-hant") get their own script, where the
# Bot API accepts them; after /language a chat gets its own menu in the chosen language.
# English is the default for every other code.
COMMAND_LANGUAGES = (("en", ""), ("zh_Hans", "zh"), ("zh_Hans", "zh-hans"), ("zh_Hant", "zh-hant"),
                     ("es", "es"), ("ru", "ru"), ("pt_BR", "pt"), ("id", "id"))


def split_command(text: str) -> tuple[str, str] | None:
    """("start", "abc") for "/start@debtdesk_bot abc"; None for text that is no command."""
    if not text.startswith("/") or len(text) < 2:
        return None
    head, _, rest = text[1:].partition(" ")
    name = head.split("@", 1)[0].lower()
    return (name, rest.strip()) if name else None


def event_from_update(update: Update) -> Event | None:
    """The flow event for a private-chat message or button press; None for anything else."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or user.is_bot:
        return None
    base = {
        "chat_id": chat.id,
        "user_id": user.id,
        "update_id": update.update_id,
        "language_code": user.language_code or "",
    }
    if update.callback_query is not None:
        return Event(kind="button", data=update.callback_query.data or "", **base)
    message = update.message
    if message is None:
        return None  # edits, channel posts, membership changes: nothing to answer
    if message.contact is not None:
        contact = message.contact
        return Event(kind="contact", phone=contact.phone_number, contact_user_id=contact.user_id, **base)
    command = split_command(message.text or "")
    if command is not None:
        return Event(kind="command", command=command[0], text=command[1], **base)
    # Stickers, photos, voice: no words to read, so the flow answers as to empty text.
    return Event(kind="text", text=message.text or "", **base)


async def send_outcome(bot, chat_id: int, outcome: Outcome, provider_token: str | None = None) -> None:
    tr = translator(outcome.locale)
    for reply in outcome.replies:
        if reply.parts:
            rendered = render(reply, outcome.locale, tr)
            # One message carries one markup: inline buttons win over the contact keyboard.
            markup = rendered.inline_markup if rendered.inline_markup is not None else rendered.reply_markup
            await bot.send_message(chat_id=chat_id, text=rendered.text, reply_markup=markup)
        if reply.invoice is not None:
            await send_invoice(bot, chat_id, reply.invoice, outcome.locale, provider_token)


async def _answer(query) -> None:
    """Stop the button's spinner first. Telegram refuses answers to presses older than a few
    minutes (after downtime, say); the press itself still deserves its reply."""
    try:
        await query.answer()
    except TelegramError as exc:
        log.info("callback query not answered: %s", type(exc).__name__)


async def _decline_group(update: Update, bot, quiet_chat: int | None) -> None:
    """Nothing about any account in a group: a command there gets a pointer to a private chat,
    except in the collectors' own group, where the bot only posts notices."""
    message, chat = update.message, update.effective_chat
    if message is None or chat.id == quiet_chat or split_command(message.text or "") is None:
        return
    language = update.effective_user.language_code if update.effective_user else ""
    tr = translator(locale_from_language_code(language or ""))
    await bot.send_message(chat_id=chat.id, text=tr.gettext(PRIVATE_ONLY))


def make_update_handler(flows: Flows, after: Callable[[], None] | None = None, quiet_chat: int | None = None,
                        provider_token: str | None = None):
    async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.callback_query is not None:
            await _answer(update.callback_query)
        chat = update.effective_chat
        if chat is not None and chat.type != ChatType.PRIVATE:
            await _decline_group(update, context.bot, quiet_chat)
            return
        event = event_from_update(update)
        if event is None:
            return
        outcome = await flows.handle(event)
        try:
            await send_outcome(context.bot, event.chat_id, outcome, provider_token)
            if outcome.commands_locale:
                await set_chat_commands(context.bot, event.chat_id, outcome.commands_locale)
        finally:  # the notices are committed even when a reply could not be sent
            if after is not None and outcome.notices:  # no notice, no drain: saves a database trip
                after()

    return on_update


async def register_commands(bot) -> None:
    """The command menu in every language Telegram can tell apart; a failure is not fatal."""
    for locale, language_code in COMMAND_LANGUAGES:
        try:
            await bot.set_my_commands(_commands(locale), language_code=language_code or None)
        except TelegramError as exc:
            log.warning("setMyCommands for %s failed: %s", language_code or "default", type(exc).__name__)


def _commands(locale: str) -> list[BotCommand]:
    tr = translator(locale)
    return [BotCommand(name, tr.gettext(description)) for name, description in COMMANDS]


async def set_chat_commands(bot, chat_id: int, locale: str) -> None:
    """One chat's command menu in the language it chose (Traditional Chinese included)."""
    try:
        await bot.set_my_commands(_commands(locale), scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        log.warning("setMyCommands for a chat failed: %s", type(exc).__name__)


def send_limiter(config: Config) -> AIORateLimiter:
    """PTB's limiter at the configured rates: DEBTDESK_SEND_RATE a second in all, and
    DEBTDESK_GROUP_SEND_RATE a minute into each group."""
    return AIORateLimiter(overall_max_rate=config.send_rate, overall_time_period=1,
                          group_max_rate=config.group_send_rate, group_time_period=60,
                          max_retries=SEND_RETRIES)


def build_application(config: Config, flows: Flows, *, now: Callable[[], datetime],
                      request: BaseRequest | None = None) -> Application:
    """`request`: the Bot API request object (`debtdesk serve` passes one that counts errors)."""
    if not config.bot_token:
        raise ConfigError("DEBTDESK_BOT_TOKEN is not set: the bot needs its token from @BotFather")
    if not load_all():
        log.warning("no catalogs in %s (set DEBTDESK_LOCALES): all messages in English", locales_dir())
    builder = ApplicationBuilder().token(config.bot_token)
    if config.bot_api_url:
        # PTB appends the token: "http://host:8081/bot" becomes ".../bot<token>/<method>".
        builder = builder.base_url(config.bot_api_url)
    # concurrent_updates(False) for PTB's own queue (the webhook); long polling (bot/polling.py)
    # runs one chat's updates in order and different chats side by side.
    # On a 429 the limiter waits retry_after and tries again, a few times, before giving up.
    if request is not None:
        builder = builder.request(request)
    limiter = send_limiter(config)
    application = builder.rate_limiter(limiter).concurrent_updates(False).build()
    notifier = _notifier(config, flows, application, now)
    deliverer = events_deliverer(config, flows.store, application.bot_data)  # serve starts it
    _schedule(flows, application, now, config.jobs_first)
    after = kick_all(notifier, deliverer)
    on_update = make_update_handler(flows, after, config.collectors_chat, config.payment_provider_token)
    # The collectors' commands first: answered in their chat only, and nothing after them there.
    application.add_handlers(collector_handlers(config, flows.store, now), group=-1)
    # Payments before the catch-all: a pre-checkout query and a successful payment are no flow events.
    if config.pay_now is not None and config.pay_now.kind == "invoice":
        application.add_handlers(payment_handlers(config, flows.store, now, after))
    application.add_handler(TypeHandler(Update, on_update))
    application.add_error_handler(on_error)
    return application


def _schedule(flows: Flows, application: Application, now: Callable[[], datetime],
              first: float | None = None) -> None:
    """Reminders before due dates, and the sweep that settles promises as payments arrive; the
    first run `first` seconds in (DEBTDESK_JOBS_FIRST), else one interval in."""
    deps = JobDeps(flows.store, flows.policy, now, flows.pay_now)
    queue = application.job_queue
    late = {"misfire_grace_time": None}  # a run held up by a busy machine still runs, late
    for job, interval in ((reminder_job, REMINDER_INTERVAL_SECONDS), (sweep_job, SWEEP_INTERVAL_SECONDS),
                          (decisions_job, REMINDER_INTERVAL_SECONDS)):
        queue.run_repeating(job, interval=interval, first=first, data=deps, job_kwargs=late)
    schedule_housekeeping(application.job_queue, deps)


def _notifier(config: Config, flows: Flows, application: Application, now) -> Notifier | None:
    """Collectors' notices drain every few seconds and right after an update that made one."""
    if config.collectors_chat is None:
        log.warning("DEBTDESK_COLLECTORS_CHAT is not set: notices wait in the outbox")
        return None
    notifier = Notifier(
        flows.store,
        telegram_send(application.bot),
        now,
        chat_id=config.collectors_chat,
        locale=config.collectors_locale,
    )
    application.job_queue.run_repeating(notifier_job, interval=NOTIFIER_INTERVAL_SECONDS, data=notifier)
    application.bot_data["notifier"] = notifier  # serve stops it before the job queue waits on it
    return notifier
