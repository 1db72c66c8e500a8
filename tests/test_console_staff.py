"""Issue 15 item 1: the console's staff and their sign-in. `debtdesk staff` adds, lists, disables
and resets members; passwords are argon2 hashes; the session cookie is Secure, HttpOnly,
SameSite=Strict and expires; wrong passwords lock a name for the configured time; every action
is an audit row with the member's name."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from console_kit import CONSOLE_ENV, PASSWORD, add_staff, client_of, form_token, sign_in
from db_kit import rows as stored_rows
from flows_kit import rows

from bot.cli import main
from bot.config import ConfigError, load_config
from ops import staff_auth
from ops.settings import ConsoleSettings
from store.db import Store


@pytest.fixture
def bot_env():
    return dict(CONSOLE_ENV)


async def staff_cli(capsys, *args: str) -> tuple[int, str, str]:
    """`debtdesk staff ...` as the operator runs it (its own event loop, so in a thread here)."""
    try:
        code = await asyncio.to_thread(main, ["staff", *args])
    except SystemExit as exc:  # argparse refusing the arguments
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


async def test_staff_command_adds_lists_disables_and_resets(settings, capsys, now):
    code, out, err = await staff_cli(capsys, "add", "ann", "--role", "supervisor")
    password = out.strip()
    assert code == 0 and len(password) >= 16 and "shown this once" in err  # not a terminal: printed once
    assert (await staff_cli(capsys, "add", "ann", "--role", "admin"))[:1] == (2,)  # the name is taken
    assert "role" in (await staff_cli(capsys, "add", "bob", "--role", "boss"))[2]

    [(stored,)] = stored_rows(settings, "SELECT password_hash FROM staff WHERE name = 'ann'")
    assert stored.startswith("$argon2id$") and password not in stored

    store = await Store.open(str(settings))
    try:
        rules = ConsoleSettings()
        assert (await staff_auth.sign_in(store, "ann", password, now, rules)).cookie
        code, out, _ = await staff_cli(capsys, "list")
        assert code == 0 and out.startswith("ann\tsupervisor\t-\tcreated ") and "active" in out

        code, out, err = await staff_cli(capsys, "reset", "ann")
        fresh = out.strip()
        assert code == 0 and fresh != password and "sessions ended" in err
        assert (await staff_auth.sign_in(store, "ann", password, now, rules)).refused == "wrong"
        signed = await staff_auth.sign_in(store, "ann", fresh, now, rules)
        assert signed.cookie and await staff_auth.session_for(store, signed.cookie, now)

        assert (await staff_cli(capsys, "disable", "ann"))[0] == 0
        assert await staff_auth.session_for(store, signed.cookie, now) is None  # its sessions ended
        assert (await staff_auth.sign_in(store, "ann", fresh, now, rules)).refused == "wrong"
        assert "disabled" in (await staff_cli(capsys, "list"))[1]
        assert "no staff member named zed" in (await staff_cli(capsys, "disable", "zed"))[2]
    finally:
        await store.close()
    sql = "SELECT action FROM audit WHERE actor = 'cli' ORDER BY id"
    actions = [r[0] for r in stored_rows(settings, sql)]
    assert actions == ["staff_added", "staff_password_reset", "staff_disabled"]


async def test_a_session_cookie_is_secure_httponly_strict_and_expires(bot):
    await add_staff(bot, "colin", "collector")
    async with client_of(bot) as client:
        answer = await sign_in(client, "colin")
        assert answer.status_code == 303 and answer.headers["location"] == "/console/today"
        cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("debtdesk_console="))
        flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
        assert {"httponly", "samesite", "max-age", "path"} <= flags and "samesite=strict" in cookie.lower()
        assert "secure" not in flags  # switched off for these plain-http tests (CONSOLE_ENV)
        assert "max-age=28800" in cookie.lower()  # 8 hours, DEBTDESK_CONSOLE_SESSION_MINUTES' default
        assert (await client.get("/console/today")).status_code == 200
        bot.clock.advance(hours=8, seconds=1)  # the session expired on the server's clock too
        expired = await client.get("/console/today")
        assert expired.status_code == 303 and expired.headers["location"] == "/console/login"


async def test_the_cookie_is_secure_unless_switched_off(bot):
    bot.env.update(DEBTDESK_CONSOLE_SECURE_COOKIE="true")
    await bot.restart()
    await add_staff(bot, "colin", "collector")
    async with client_of(bot, scheme="https") as client:  # a client keeps Secure cookies for https only
        login = await client.get("/console/login")
        assert "; secure" in login.headers["set-cookie"].lower()  # the sign-in form's token too
        answer = await sign_in(client, "colin")
        assert "; secure" in answer.headers["set-cookie"].lower()


async def test_signing_out_ends_the_session(bot):
    await add_staff(bot, "colin", "collector")
    async with client_of(bot, "colin") as client:
        page = await client.get("/console/today")
        cookie = client.cookies["debtdesk_console"]
        out = await client.post("/console/logout", data={"csrf": form_token(page.text)})
        assert out.status_code == 303
        client.cookies.set("debtdesk_console", cookie, path="/console")  # kept by someone: useless now
        assert (await client.get("/console/today")).headers["location"] == "/console/login"
    audit = await rows(bot.store, "SELECT action FROM audit WHERE actor = 'staff:colin'")
    actions = [r["action"] for r in audit]
    assert actions == ["staff_login", "staff_logout"]


async def test_the_lock_counts_the_configured_failures_and_lasts_the_configured_time(store, now):
    rules = ConsoleSettings(lock_failures=3, lock_minutes=5)
    await staff_auth.add(store, "colin", "collector", PASSWORD, now)
    for _ in range(2):
        assert (await staff_auth.sign_in(store, "colin", "wrong-password-1", now, rules)).refused == "wrong"
    third = await staff_auth.sign_in(store, "colin", "wrong-password-1", now, rules)
    assert third.refused == "locked" and third.locked_until == now + timedelta(minutes=5)
    later = now + timedelta(minutes=4)
    assert (await staff_auth.sign_in(store, "colin", PASSWORD, later, rules)).refused == "locked"
    after = now + timedelta(minutes=5, seconds=1)
    assert (await staff_auth.sign_in(store, "colin", PASSWORD, after, rules)).cookie
    # An unknown name is refused the same way as a wrong password, and locks the same way.
    for _ in range(3):
        ghost = await staff_auth.sign_in(store, "nobody", PASSWORD, now, rules)
    assert ghost.refused == "locked"


def test_console_settings_are_read_and_checked():
    base = {"DEBTDESK_SECRET": "x" * 20}
    config = load_config(env={**base, "DEBTDESK_CONSOLE_LOCK_FAILURES": "3",
                              "DEBTDESK_CONSOLE_LOCK_MINUTES": "30",
                              "DEBTDESK_CONSOLE_SESSION_MINUTES": "60"})
    assert config.console == ConsoleSettings(True, 60, 3, 30)
    assert load_config(env=base).console == ConsoleSettings(True, 480, 5, 15)
    for key, value in [("LOCK_FAILURES", "0"), ("LOCK_MINUTES", "many"), ("SECURE_COOKIE", "maybe")]:
        with pytest.raises(ConfigError, match=f"DEBTDESK_CONSOLE_{key}"):
            load_config(env={**base, f"DEBTDESK_CONSOLE_{key}": value})
