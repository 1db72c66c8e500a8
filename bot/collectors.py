"""The collectors' commands, answered only in the collectors' chat, in the collectors' language.

/queue [N]   the first N accounts to call, each with its reason
/account REF one account: stage, amounts, promises, open cases, flags
/today       promises and instalments due today
/stats       the report's headline numbers
/close ID OUTCOME  close a dispute, hardship review or call-back request (ops/case_closing.py)
/approvals   the plans awaiting the bank's approval, with their ids
/approve ID  approve one; /decline ID REASON  decline one (ops/approvals.py, bot/collectors_approvals.py)

Every handler carries `filters.Chat(collectors_chat)`: in any other chat it does not match, so
a debtor typing /queue reaches the ordinary flow and never sees staff data. Register the list
in a group before the debtor handlers; each callback ends with ApplicationHandlerStop so that
the debtor handler (which answers group chats with "private chat only") stays silent there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from babel.numbers import format_percent
from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import collectors_approvals as approvals
from bot.config import Config
from bot.i18n import babel_locale, translator
from bot.notice_text import late
from bot.render import cut, render_text
from debt.local_time import bank_today
from debt.money import Money
from flows.notice_labels import CASE_KINDS, OUTCOMES
from flows.types import N_, Text
from ops.case_closing import CaseError, close
from ops.queue_export import top_entries
from ops.report import gather
from ops.staff_labels import FLAGS, REASONS
from ops.staff_view import account_view
from store.db import Store
from store.promise_rows import due_on

log = logging.getLogger(__name__)

DEFAULT_N, MAX_N, MAX_TODAY = 10, 50, 50


class Collectors:
    """The collectors' commands over one store, policy and clock, rendered in one locale."""

    def __init__(self, config: Config, store: Store, now: Callable[[], datetime]) -> None:
        self.config, self.store, self.now = config, store, now
        self.locale = config.collectors_locale
        self.tr = translator(self.locale)

    def text(self, msgid: str, **params: Any) -> str:
        return render_text(Text(msgid, params), self.locale, self.tr)

    def reason(self, key: str) -> Text:
        return Text(REASONS.get(key, key))

    def flag(self, code: str) -> str:
        """A flag in the collectors' language; a code we have no words for stays a code."""
        return self.tr.gettext(FLAGS[code]) if code in FLAGS else code

    @property
    def today(self) -> date:
        return bank_today(self.config.policy, self.now())

    async def queue(self, args: list[str]) -> str:
        try:
            n = min(max(int(args[0]), 1), MAX_N) if args else DEFAULT_N
        except ValueError:
            return self.text(N_("Use /queue or /queue N, with N a number from 1 to {max}."), max=MAX_N)
        entries, summary = await top_entries(self.store, self.config.policy, self.today, n)
        lines = [self.text(
            N_("Call queue for {date}: {listed} to call, {left_out} left out."),
            date=self.today, listed=sum(summary.listed.values()), left_out=sum(summary.left_out.values()),
        )]
        for rank, e in enumerate(entries, start=1):
            lines.append(self.text(
                N_("{rank}. {account_ref}: {reason}; {stage}, {late}, {overdue} overdue"),
                rank=rank, account_ref=e.account_ref, reason=self.reason(e.reason), stage=e.stage,
                late=late(e.dpd), overdue=Money(e.overdue, e.currency),
            ))
        return "\n".join(lines)

    async def account(self, args: list[str]) -> str:
        if len(args) != 1:
            return self.text(N_("Use /account REF, with the account's reference."))
        view = await account_view(self.store, self.config.policy, args[0], self.today)
        if view is None:
            return self.text(N_("There is no account {account_ref}."), account_ref=args[0][:64])
        cur = view["currency"]
        lines = [
            self.text(
                N_("Account {account_ref}: {stage}, {late}. Balance {balance}, overdue {overdue}."),
                account_ref=view["account_ref"], late=late(view["dpd"]),
                stage=f"{view['stage']} ({view['class']})" if view.get("class") else view["stage"],
                balance=Money(Decimal(view["balance"]), cur),
                overdue=Money(Decimal(view["overdue_amount"]), cur),
            ),
        ]
        for p in view["promises"]:
            if p["status"] == "pending":
                amount = Money(Decimal(p["amount"]), cur)
                due = date.fromisoformat(p["due_date"])
                lines.append(self.text(N_("Promise: {amount} by {due}."), amount=amount, due=due))
        for case in view["cases"]:
            lines.append(self.text(N_("Open case {case_id}: {kind}."), case_id=str(case["id"]),
                                   kind=self.reason(case["kind"])))
        flags = ", ".join(self.flag(code) for code in view["flags"]) or "—"
        lines.append(self.text(N_("Broken promises in a row: {count}. Flags: {flags}."),
                               count=view["broken_promises_in_row"], flags=flags))
        return "\n".join(lines)

    async def due_today(self) -> str:
        day = self.today
        async with self.store.read() as db:
            rows = await due_on(db, day, MAX_TODAY + 1)
        if not rows:
            return self.text(N_("No promises are due today ({date})."), date=day)
        lines = [self.text(N_("Due today ({date}):"), date=day)]
        for row in rows[:MAX_TODAY]:
            lines.append(self.text(N_("{account_ref}: {amount}, paid so far {paid}"),
                                   account_ref=row.account_ref, amount=row.amount, paid=row.paid))
        if len(rows) > MAX_TODAY:
            lines.append(self.text(N_("… and more: see debtdesk export promises.")))
        return "\n".join(lines)

    async def stats(self) -> str:
        data = await gather(self.store, self.config.policy, self.today)
        p = data["promises"]
        rate = "—"
        if p["kept_rate"] is not None:
            rate = format_percent(Decimal(p["kept_rate"]), "#,##0.0%", locale=babel_locale(self.locale))
        return self.text(
            N_("As of {date}:\nLinks issued: {links}\nChats verified: {verified}\n"
               "Promises made: {made} (kept {kept}, broken {broken}; kept rate {rate})\n"
               "Accounts left out of the call queue: {saved}"),
            date=self.today, links=data["links_issued"], verified=data["chats_verified"], made=p["made"],
            kept=p["kept"], broken=p["broken"], rate=rate, saved=data["calls_saved"],
        )

    async def close_case(self, args: list[str]) -> str:
        usage = self.text(N_("Use /close ID OUTCOME, for example /close 12 upheld. A dispute closes as "
                             "upheld or rejected, a hardship review as plan_agreed or no_change, a "
                             "call-back request as done or no_answer."))
        if len(args) != 2 or not args[0].isdigit():
            return usage
        try:
            case = await close(self.store, int(args[0]), args[1].lower(), self.now(), actor="collectors")
        except CaseError as exc:
            if exc.code == "bad_outcome":
                return usage
            return self.text(N_("There is no open case {case_id}."), case_id=args[0][:12])
        return self.text(N_("Case {case_id} ({kind}, account {account_ref}) is closed: {outcome}. The debtor "
                            "will be told."), case_id=str(case.id), kind=Text(CASE_KINDS[case.kind]),
                         account_ref=case.account_ref, outcome=Text(OUTCOMES[case.outcome]))

    def command(self, run: Callable[[ContextTypes.DEFAULT_TYPE], Any]):
        """A PTB callback: answer in this chat, then stop the update from reaching the debtor flow."""

        async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            try:
                text = await run(context)
            except Exception:  # the collector gets a short line; the details go to the log only
                log.exception("a collectors' command failed")
                text = self.text(N_("Sorry, that command failed. The details are in the bot's log."))
            if update.effective_chat is not None:
                await context.bot.send_message(chat_id=update.effective_chat.id, text=cut(text))
            raise ApplicationHandlerStop

        return callback


async def _ignore(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Anything else said in the collectors' chat: not for the debtor flow, no answer."""
    raise ApplicationHandlerStop


def collector_handlers(
    config: Config, store: Store, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> list[BaseHandler]:
    """The collectors' handlers, or none when no collectors' chat is configured."""
    if config.collectors_chat is None:
        return []
    staff = Collectors(config, store, now)
    only_here = filters.Chat(chat_id=config.collectors_chat)
    return [
        CommandHandler("queue", staff.command(lambda c: staff.queue(c.args or [])), filters=only_here),
        CommandHandler("account", staff.command(lambda c: staff.account(c.args or [])), filters=only_here),
        CommandHandler("today", staff.command(lambda c: staff.due_today()), filters=only_here),
        CommandHandler("stats", staff.command(lambda c: staff.stats()), filters=only_here),
        CommandHandler("close", staff.command(lambda c: staff.close_case(c.args or [])), filters=only_here),
        CommandHandler("approvals", staff.command(lambda c: approvals.list_approvals(staff)),
                       filters=only_here),
        CommandHandler("approve", staff.command(lambda c: approvals.approve(staff, c.args or [])),
                       filters=only_here),
        CommandHandler("decline", staff.command(lambda c: approvals.decline(staff, c.args or [])),
                       filters=only_here),
        MessageHandler(only_here, _ignore),
    ]
