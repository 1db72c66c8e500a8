"""Telegram's payments: invoices out, the pre-checkout query and the successful payment in.

The door only: what a payment does is ops/chat_payments.py's. An invoice reply (flows.types.Invoice)
goes out as sendInvoice through the bank's payment provider (DEBTDESK_PAYMENT_PROVIDER_TOKEN);
the pre-checkout query is answered from one transaction, a refusal in the debtor's language;
the successful payment's confirmation is rendered and sent like any reply.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from telegram import LabeledPrice, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes, MessageHandler, PreCheckoutQueryHandler, filters

from bot.i18n import translator
from bot.render import render, render_text
from debt.pay_signing import to_minor
from flows.types import Invoice
from ops.chat_payments import Checkout, Paid, precheckout, record_chat_payment
from ops.settings import Config
from store.db import Store

log = logging.getLogger("debtdesk.payments")

TITLE_MAX, DESCRIPTION_MAX = 32, 255  # Telegram's limits on an invoice


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def send_invoice(bot, chat_id: int, invoice: Invoice, locale: str, provider_token: str | None) -> None:
    if not provider_token:  # flows offer invoices only with a token; never send one without
        log.warning("an invoice without DEBTDESK_PAYMENT_PROVIDER_TOKEN: not sent")
        return
    tr = translator(locale)
    title = _cut(render_text(invoice.title, locale, tr), TITLE_MAX)
    description = _cut(render_text(invoice.description, locale, tr), DESCRIPTION_MAX)
    amount = invoice.amount
    await bot.send_invoice(chat_id=chat_id, title=title, description=description, payload=invoice.payload,
                           provider_token=provider_token, currency=amount.currency,
                           prices=[LabeledPrice(title, to_minor(amount.amount, amount.currency))])


def payment_handlers(config: Config, store: Store, now: Callable[[], datetime],
                     after: Callable[[], None] | None = None) -> list:
    """The pre-checkout query and the successful payment message, ahead of the catch-all."""
    secret = config.require_secret()

    async def on_precheckout(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.pre_checkout_query
        checkout = Checkout(query.from_user.id, query.invoice_payload, query.currency, query.total_amount)
        answer = await precheckout(store, config.policy, secret, checkout, now())
        tr = translator(answer.locale)
        reason = render_text(answer.reason, answer.locale, tr) if answer.reason else None
        try:
            await query.answer(ok=answer.ok, error_message=reason)
        except TelegramError as exc:
            log.warning("pre-checkout query not answered: %s", type(exc).__name__)

    async def on_paid(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        payment = message.successful_payment
        checkout = Checkout(message.chat_id, payment.invoice_payload, payment.currency, payment.total_amount)
        paid = Paid(checkout, update.update_id, payment.telegram_payment_charge_id)
        outcome = await record_chat_payment(store, config.policy, secret, paid, now())
        try:
            tr = translator(outcome.locale)
            for reply in outcome.replies:
                rendered = render(reply, outcome.locale, tr)
                await context.bot.send_message(chat_id=message.chat_id, text=rendered.text,
                                               reply_markup=rendered.inline_markup)
        finally:
            if after is not None and outcome.notices:
                after()

    return [PreCheckoutQueryHandler(on_precheckout),
            MessageHandler(filters.SUCCESSFUL_PAYMENT & filters.ChatType.PRIVATE, on_paid)]
