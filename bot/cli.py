"""The `debtdesk` command: one entry point for the bank's operators.

Every command reads its settings through bot.config; a bad setting, an unknown account or a
database from a newer debtdesk ends with one line `debtdesk: <message>` and exit status 2.
Only this shell reads the wall clock; everything below it is handed `now`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sqlite3
import stat
import sys
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlparse

from bot.config import Config, ConfigError, load_config
from bot.logging_setup import setup_logging
from debt.local_time import bank_today
from debt.policy import PRESETS, PolicyError, load_policy
from store.db import SchemaTooNew, Store, shown
from store.db_errors import DatabaseError

log = logging.getLogger("debtdesk.cli")


class CliError(Exception):
    """A request that cannot be met: printed as one line, exit status 2."""


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _today(config: Config, as_of: date | None) -> date:
    """--as-of, or today in the bank's zone (the policy's default time zone, else UTC)."""
    return as_of or bank_today(config.policy, _utc_now())


async def _open(config: Config) -> Store:
    try:
        return await Store.open(config.db_path)
    except DatabaseError as exc:
        raise CliError(f"database {shown(config.db_path)}: {exc}") from None


@contextmanager
def _output(path: str | None):
    """The --out file, or stdout when there is none."""
    if not path:
        yield sys.stdout
        return
    try:
        # Links carry tokens and phones, exports names: readable by the operator alone (0600).
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.fchmod(fd, 0o600)  # an existing file is tightened too
        handle = open(fd, "w", newline="", encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise CliError(f"{path}: {exc.strerror or 'cannot be written'}") from None
    with handle:
        yield handle


async def cmd_import(config: Config, args: argparse.Namespace) -> int:
    from bot.cli_import import summary_line, terminal_progress
    from ops.importer import import_accounts, import_payments

    if args.as_of and args.kind != "accounts":
        raise CliError("--as-of is for a portfolio file (import accounts); a payment carries its own date")
    store = await _open(config)
    try:
        def tell(message: str) -> None:
            print(message, file=sys.stderr)

        progress = terminal_progress(args.kind, sys.stderr, False if args.no_progress else None)
        if args.kind == "accounts":
            report = await import_accounts(store, config.require_secret(), args.file, _utc_now(),
                                           progress, on_error=tell, policy=config.policy, as_of=args.as_of)
        else:
            report = await import_payments(store, args.file, _utc_now(), progress, on_error=tell,
                                           policy=config.policy)
    finally:
        await store.close()
    print(summary_line(report))
    return 1 if report.failed else 0


async def cmd_links(config: Config, args: argparse.Namespace) -> int:
    from ops.links import LinkError, bot_username, write_links

    try:
        username = bot_username(args.bot_username or config.bot_username)  # before any file is made
    except LinkError as exc:
        raise CliError(str(exc)) from None
    store = await _open(config)
    try:
        with _output(args.out) as out:
            count = await write_links(store, config.require_secret(), out, _utc_now(), username=username,
                                      expires_days=args.expires_days, refs=args.account)
    except LinkError as exc:
        raise CliError(str(exc)) from None
    finally:
        await store.close()
    print(f"links: {count} issued", file=sys.stderr)
    return 0


async def cmd_show(config: Config, args: argparse.Namespace) -> int:
    from bot.cli_show import as_text
    from ops.staff_view import account_view, as_json

    store = await _open(config)
    try:
        view = await account_view(store, config.policy, args.ref, _today(config, args.as_of), _utc_now())
    finally:
        await store.close()
    if view is None:
        raise CliError(f"unknown account {args.ref}")
    print(as_json(view) if args.format == "json" else as_text(view))
    return 0


async def cmd_export(config: Config, args: argparse.Namespace) -> int:
    from ops.exports import PROMISE_COLUMNS, promise_rows, write_rows
    from ops.queue_export import write_queue

    store = await _open(config)
    try:
        with _output(args.out) as out:
            if args.what == "queue":  # streamed: a million accounts, ranked and sorted by SQLite
                day = _today(config, args.as_of)
                await write_queue(store, config.policy, day, args.format, out, sys.stderr)
            else:
                rows = await promise_rows(store)
                write_rows(rows, PROMISE_COLUMNS, out, args.format)
                print(f"promises: {len(rows)} rows", file=sys.stderr)
    finally:
        await store.close()
    return 0


async def cmd_report(config: Config, args: argparse.Namespace) -> int:
    from bot.cli_report import run_report

    return await run_report(config, _today(config, args.as_of), args.format, args.chart)


async def cmd_sweep(config: Config, args: argparse.Namespace) -> int:
    from bot.cli_sweep import run_sweep

    return await run_sweep(config, args.as_of, dry_run=args.dry_run, force=args.force)


async def cmd_backup(config: Config, args: argparse.Namespace) -> int:
    from store.db import is_postgresql

    if is_postgresql(config.db_path):
        raise CliError('on PostgreSQL, back up with pg_dump: '
                       'pg_dump --format=custom --file=FILE "$DEBTDESK_DB"')
    target = Path(args.file)
    if target.exists():
        raise CliError(f"{target} exists; choose a new file name for the backup")
    store = await _open(config)
    try:
        await store.backup(str(target))  # SQLite's online backup: a consistent copy while others write
    except sqlite3.Error as exc:
        raise CliError(f"{target}: {exc}") from None
    finally:
        await store.close()
    print(f"backup written to {target}")
    return 0


async def cmd_migrate(config: Config, args: argparse.Namespace) -> int:
    from bot.cli_migrate import MigrateError, run_migrate, run_migrate_to

    try:
        if args.command == "migrate":
            return await run_migrate(config)
        return await run_migrate_to(config, args.url, args.check)
    except MigrateError as exc:
        raise CliError(str(exc)) from None


async def cmd_run(config: Config, args: argparse.Namespace) -> int:
    from bot.serve import WebhookOptions, serve

    webhook = None
    if args.webhook:
        if not args.url:
            raise CliError("--webhook needs --url, the public HTTPS address Telegram posts to")
        url = urlparse(args.url)
        if url.scheme != "https" or not url.hostname:
            raise CliError(f"--url must be an https:// address, not {args.url!r}")
        webhook = WebhookOptions(args.listen, args.port, url.path.strip("/"), args.url)
    await serve(config, webhook)
    return 0


async def cmd_serve(config: Config, args: argparse.Namespace) -> int:
    from bot.web_serve import serve_web, set_webhook

    if args.set_webhook:
        await set_webhook(config, args.set_webhook)
        print(f"webhook set: Telegram posts updates to {args.set_webhook}")
    else:
        await serve_web(config, args.listen, args.port)
    return 0


async def cmd_demo(config: Config, args: argparse.Namespace) -> int:
    from ops.demo_data import DEMO_SECRET, demo_db_path, prepare_demo_db

    policy_name = args.policy or config.policy_name
    try:
        policy = config.policy if policy_name == config.policy_name else load_policy(policy_name)
    except PolicyError as exc:
        raise CliError(str(exc)) from None
    db_path = args.db or demo_db_path(policy_name)
    # Never the bank's secret or database: the demo holds invented people under its own key.
    demo = replace(config, db_path=db_path, secret=DEMO_SECRET, policy=policy, policy_name=policy_name)
    try:
        from bot.console import run_demo  # seeds the demo database once, then chats in this terminal
    except ImportError as exc:
        raise CliError(f"the console demo cannot start: {exc}") from None
    problem = await prepare_demo_db(db_path, policy, reset=args.reset)
    if problem:
        raise CliError(problem)
    await run_demo(demo, sys.stdin, sys.stdout)
    return 0


async def cmd_approvals(config: Config, args: argparse.Namespace) -> int:
    from bot.cli_approvals import run_approvals
    from ops.approvals import ApprovalError

    try:
        return await run_approvals(config, args.action, getattr(args, "id", None),
                                   getattr(args, "reason", None))
    except ApprovalError as exc:
        raise CliError(str(exc)) from None


async def cmd_cases(config: Config, args: argparse.Namespace) -> int:
    from bot.cli_cases import run_cases
    from ops.case_closing import CaseError

    try:
        return await run_cases(config, args.action, getattr(args, "id", None), getattr(args, "outcome", None))
    except CaseError as exc:
        raise CliError(str(exc)) from None


async def cmd_events(config: Config, args: argparse.Namespace) -> int:
    from bot.events_command import EventsError, run_events

    try:
        return await run_events(config, args.action, getattr(args, "id", None), getattr(args, "all", False))
    except EventsError as exc:
        raise CliError(str(exc)) from None


async def cmd_apikey(config: Config, args: argparse.Namespace) -> int:
    from bot.api_keys_command import ApiKeyError, run_apikey

    try:
        return await run_apikey(config, args.action, getattr(args, "name", None),
                                getattr(args, "scope", None))
    except ApiKeyError as exc:
        raise CliError(str(exc)) from None


async def cmd_refuse_contact(config: Config, args: argparse.Namespace) -> int:
    from bot.cli_refusal import run_refuse_contact
    from ops.contact_refusal import RefusalError

    try:
        return await run_refuse_contact(config, args.ref, args.withdraw)
    except RefusalError as exc:
        raise CliError(str(exc)) from None


async def cmd_staff(config: Config, args: argparse.Namespace) -> int:
    from bot.cli_staff import run_staff
    from ops.staff_auth import StaffError

    try:
        return await run_staff(config, args.action, getattr(args, "name", None), getattr(args, "role", None))
    except StaffError as exc:
        raise CliError(str(exc)) from None


COMMANDS = {
    "migrate": cmd_migrate, "migrate-to": cmd_migrate,
    "import": cmd_import, "links": cmd_links, "show": cmd_show, "export": cmd_export,
    "report": cmd_report, "sweep": cmd_sweep, "backup": cmd_backup, "run": cmd_run, "demo": cmd_demo,
    "approvals": cmd_approvals, "cases": cmd_cases, "events": cmd_events, "serve": cmd_serve,
    "apikey": cmd_apikey, "refuse-contact": cmd_refuse_contact, "staff": cmd_staff,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="debtdesk",
        description="A self-hosted Telegram bot that lets people behind on a card or loan sort it out.",
        epilog="Settings come from --config FILE (TOML) and DEBTDESK_* environment variables.",
    )
    parser.add_argument("--config", metavar="FILE", help="a TOML settings file (else DEBTDESK_CONFIG)")
    sub = parser.add_subparsers(dest="command", metavar="<command>", required=True)

    p = sub.add_parser("import", help="load the bank's portfolio or payments CSV file")
    p.add_argument("kind", choices=("accounts", "payments"))
    p.add_argument("file")
    p.add_argument("--no-progress", action="store_true", help="no progress counter on stderr")
    p.add_argument("--as-of", type=_day, metavar="DATE",
                   help="accounts: the day the figures are as of, where a row has no as_of (today)")

    p = sub.add_parser("links", help="issue single-use Telegram deep links as CSV (account_ref,phone,link)")
    p.add_argument("--account", action="append", metavar="REF", help="only this account (repeatable)")
    p.add_argument("--bot-username", metavar="NAME", help="the bot's username (else DEBTDESK_BOT_USERNAME)")
    p.add_argument("--expires-days", type=int, default=30, metavar="N", help="days a link stays valid (30)")
    p.add_argument("--out", metavar="FILE", help="write the CSV here instead of stdout")

    p = sub.add_parser("show", help="one account as staff see it: balances, stage, timeline, offers, flags")
    p.add_argument("ref", metavar="REF")
    p.add_argument("--as-of", type=_day, metavar="DATE", help="the day to compute for (YYYY-MM-DD)")
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("export", help="the collection queue or every promise, as CSV or JSON")
    p.add_argument("what", choices=("queue", "promises"))
    p.add_argument("--as-of", type=_day, metavar="DATE", help="the day to compute for (YYYY-MM-DD)")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--out", metavar="FILE", help="write here instead of stdout")

    p = sub.add_parser("report", help="what self-service did: links, verified chats, promises, calls saved")
    p.add_argument("--as-of", type=_day, metavar="DATE",
                   help="count up to the end of this day in UTC (YYYY-MM-DD; default: the bank's today)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--chart", metavar="FILE.png", help="also draw promises made and kept per week")

    p = sub.add_parser("sweep", help="mark promises past their grace days broken and queue the notices")
    p.add_argument("--as-of", type=_day, metavar="DATE", help="the day to sweep for (YYYY-MM-DD)")
    p.add_argument("--dry-run", action="store_true", help="list what would change and write nothing")
    p.add_argument("--force", action="store_true", help="sweep as of a date after today (changes real data)")

    p = sub.add_parser("backup", help="copy the database safely while the bot runs (SQLite backup API)")
    p.add_argument("file", metavar="FILE")

    sub.add_parser("migrate", help="bring the database's schema up to this debtdesk (both engines)")
    p = sub.add_parser("migrate-to", help="move the SQLite database (DEBTDESK_DB) into an empty PostgreSQL")
    p.add_argument("url", metavar="postgresql://...", help="the PostgreSQL database to move into")
    p.add_argument("--check", action="store_true",
                   help="copy nothing: compare each table's row count and digest on both sides")

    p = sub.add_parser("run", help="serve the bot: long polling, or a webhook with --webhook")
    p.add_argument("--webhook", action="store_true",
                   help="receive updates by PTB's webhook server (prefer `debtdesk serve`)")
    p.add_argument("--listen", default="127.0.0.1", metavar="ADDR", help="webhook listen address")
    p.add_argument("--port", type=int, default=8443, metavar="N", help="webhook port (8443)")
    p.add_argument("--url", metavar="URL", help="the public https:// URL Telegram posts updates to")

    p = sub.add_parser("serve", help="the bot over HTTP: Telegram's webhook, /healthz, /metrics")
    p.add_argument("--listen", default="127.0.0.1", metavar="ADDR", help="listen address (127.0.0.1)")
    p.add_argument("--port", type=int, default=8443, metavar="N", help="port (8443)")
    p.add_argument("--set-webhook", metavar="URL",
                   help="register the public https:// URL of POST /telegram with Telegram, and exit")

    p = sub.add_parser("approvals", help="arrangements awaiting the bank's approval: list, approve, decline")
    acts = p.add_subparsers(dest="action", metavar="<action>", required=True)
    acts.add_parser("list", help="every arrangement awaiting approval (id, account, plan, total)")
    acts.add_parser("approve", help="make it the active arrangement").add_argument("id", type=int)
    q = acts.add_parser("decline", help="decline it; the reason is for staff, the debtor is told kindly")
    q.add_argument("id", type=int)
    q.add_argument("--reason", required=True, metavar="TEXT")

    p = sub.add_parser("cases", help="open disputes, hardship reviews and call-back requests: list, close")
    acts = p.add_subparsers(dest="action", metavar="<action>", required=True)
    acts.add_parser("list", help="every open case, with the outcomes it can close with")
    q = acts.add_parser("close", help="close a case; the debtor is told the outcome")
    q.add_argument("id", type=int)
    q.add_argument("--outcome", required=True, metavar="OUTCOME",
                   help="dispute: upheld|rejected; hardship: plan_agreed|no_change; callback: done|no_answer")

    p = sub.add_parser("events", help="events the bank's receiver never took (dead letters): list, replay")
    acts = p.add_subparsers(dest="action", metavar="<action>", required=True)
    acts.add_parser("failed", help="every event whose retries ran out: id, type, account, tries, last error")
    q = acts.add_parser("retry", help="send dead letters again, each account's in order")
    q.add_argument("id", nargs="?", metavar="ID", help="the event (evt_N) to send again")
    q.add_argument("--all", action="store_true", help="every dead letter")

    p = sub.add_parser("apikey", help="keys for the bank's HTTP API: create, list, revoke")
    acts = p.add_subparsers(dest="action", metavar="<action>", required=True)
    q = acts.add_parser("create", help="print a new key once (only its keyed hash is kept)")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--scope", choices=("read", "write"), required=True)
    acts.add_parser("list", help="every key: name, scope, created, revoked")
    acts.add_parser("revoke", help="the key stops working at once").add_argument("name", metavar="NAME")

    p = sub.add_parser("staff", help="the staff console's people: add, list, disable, reset a password")
    acts = p.add_subparsers(dest="action", metavar="<action>", required=True)
    q = acts.add_parser("add", help="a new member; asks for the password, or prints a one-time one")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--role", choices=("collector", "supervisor", "admin"), required=True)
    acts.add_parser("list", help="every member: name, role, language, created, disabled")
    acts.add_parser("disable", help="the member cannot sign in; their sessions end").add_argument("name")
    q = acts.add_parser("reset", help="a new password (asked, or printed once); sessions end")
    q.add_argument("name")

    sub.add_parser("check", help="before the first start: settings, policy, database, catalogs, bot token")

    p = sub.add_parser("refuse-contact", help="record the debtor's refusal of contact (e.g. 230-FZ art. 8)")
    p.add_argument("ref", metavar="REF")
    p.add_argument("--withdraw", action="store_true", help="the debtor withdrew the refusal")

    p = sub.add_parser("demo", help="try the bot in this terminal on invented accounts (no secret needed)")
    p.add_argument("--policy", choices=PRESETS, help="the preset to demonstrate (else DEBTDESK_POLICY)")
    p.add_argument("--db", metavar="PATH", help="the demo database file (./debtdesk-demo-<policy>.db)")
    p.add_argument("--reset", action="store_true", help="start afresh: delete and seed the demo database")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "check":  # a bad setting is one of its lines, not the end of it
        from bot.check import run_check

        return asyncio.run(run_check(args.config))
    try:
        config = load_config(args.config)
        setup_logging(config.log_format, config.log_level)
        if args.command != "demo":
            config.require_secret()
        return asyncio.run(COMMANDS[args.command](config, args))
    except (ConfigError, CliError, SchemaTooNew) as exc:
        print(f"debtdesk: {exc}", file=sys.stderr)
        return 2
    except DatabaseError as exc:  # e.g. the file is not a database, the disk is full, no server
        print(f"debtdesk: database {shown(config.db_path)}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `debtdesk export queue | head`: the reader left, which is no error
        # Python would complain again flushing stdout at exit: point it at /dev/null first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
