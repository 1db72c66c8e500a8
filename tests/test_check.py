"""`debtdesk check` (issue 9, item 6): the operator's check before the first start, one line a
check, ok or a problem with its reason, and a non-zero exit status on any problem."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from importlib import resources
from pathlib import Path

from db_kit import database
from fakeapi import FakeBotAPI
from flows_kit import SECRET

from store.db import Store

DEBTDESK = str(Path(sys.executable).parent / "debtdesk")
CHECKS = ["settings", "secret", "policy", "payments", "database", "catalogs", "bot token"]


async def check(**env: str) -> tuple[int, dict[str, str], str]:
    """Exit status, {check: the rest of its line}, and all that was printed."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("DEBTDESK_")}
    pipe = asyncio.subprocess.PIPE
    process = await asyncio.create_subprocess_exec(DEBTDESK, "check", env={**base, **env},
                                                   stdout=pipe, stderr=pipe)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    printed = out.decode() + err.decode()
    lines = dict(line.split(": ", 1) for line in out.decode().splitlines())
    assert list(lines) == CHECKS, printed
    return process.returncode, lines, printed


def settings(api: FakeBotAPI, tmp_path: Path, **more: str) -> dict[str, str]:
    return {"DEBTDESK_SECRET": SECRET.decode(), "DEBTDESK_DB": database(tmp_path, "bot.db"),
            "DEBTDESK_POLICY": "uk", "DEBTDESK_BOT_TOKEN": api.token, "DEBTDESK_BOT_API_URL": api.base_url,
            "DEBTDESK_BOT_USERNAME": "debtdesk_bot", **more}


async def test_debtdesk_check_passes_on_a_good_installation(api, tmp_path):
    await (await Store.open(database(tmp_path, "bot.db"))).close()
    code, lines, printed = await check(**settings(api, tmp_path))
    assert code == 0, printed
    assert all(line.startswith("ok: ") for line in lines.values()), printed
    assert "uk: GBP" in lines["policy"] and "0 accounts" in lines["database"]
    assert "7 compile" in lines["catalogs"] and "@debtdesk_bot" in lines["bot token"]
    assert [method for method, _ in api.calls] == ["getMe"]  # it only asks, changes nothing
    assert api.token not in printed and SECRET.decode() not in printed


async def test_debtdesk_check_names_each_problem_and_exits_non_zero(api, tmp_path):
    empty = tmp_path / "no-catalogs"
    empty.mkdir()
    env = settings(api, tmp_path, DEBTDESK_BOT_TOKEN="999:not-the-token", DEBTDESK_LOCALES=str(empty),
                   DEBTDESK_DB=str(tmp_path / "missing" / "bot.db"))
    del env["DEBTDESK_SECRET"]
    code, lines, printed = await check(**env)
    assert code == 1
    assert lines["settings"].startswith("ok: ") and lines["policy"].startswith("ok: ")
    assert lines["secret"].startswith("problem: DEBTDESK_SECRET is not set")
    assert lines["database"].startswith("problem: ") and "does not exist" in lines["database"]
    assert lines["catalogs"].startswith("problem: ") and "DEBTDESK_LOCALES" in lines["catalogs"]
    assert lines["bot token"].startswith("problem: ") and "refused DEBTDESK_BOT_TOKEN" in lines["bot token"]
    assert "999:not-the-token" not in printed and "Traceback" not in printed
    assert not (tmp_path / "missing").exists()


async def test_debtdesk_check_token_of_another_bot_or_an_unreachable_api(api, tmp_path):
    code, lines, _ = await check(**settings(api, tmp_path, DEBTDESK_BOT_USERNAME="examplebank_help_bot"))
    assert code == 1 and "belongs to @debtdesk_bot" in lines["bot token"]
    with_closed_port = settings(api, tmp_path, DEBTDESK_BOT_API_URL="http://127.0.0.1:9/bot")
    code, lines, _ = await check(**with_closed_port)
    assert code == 1 and lines["bot token"].startswith("problem: cannot reach the Bot API")
    assert "DEBTDESK_BOT_API_URL" in lines["bot token"] and "HTTPS_PROXY" in lines["bot token"]
    assert lines["database"].startswith("ok: ") and not (tmp_path / "bot.db").exists()  # not created


async def test_debtdesk_check_with_settings_that_do_not_load_still_prints_every_line(api, tmp_path):
    code, lines, printed = await check(**settings(api, tmp_path, DEBTDESK_POLICY="xx"))
    assert code == 1
    assert lines["settings"].startswith("problem: DEBTDESK_POLICY: xx") and "cn, us, uk" in lines["settings"]
    assert lines["bot token"] == "problem: not checked: the settings must load first"
    assert lines["catalogs"].startswith("ok: ")


async def test_debtdesk_check_finds_a_broken_catalog(api, tmp_path):
    locales = tmp_path / "locales"
    from bot.i18n import locales_dir

    shutil.copytree(locales_dir(), locales)
    po = locales / "es" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text("utf-8").replace('msgstr "', 'msgstr "{roto} ', 3), "utf-8")
    code, lines, _ = await check(**settings(api, tmp_path, DEBTDESK_LOCALES=str(locales)))
    assert code == 1 and lines["catalogs"].startswith("problem: ") and "placeholders" in lines["catalogs"]


async def test_debtdesk_check_says_how_pay_now_is_offered(api, tmp_path):
    _, lines, _ = await check(**settings(api, tmp_path))
    assert lines["payments"].startswith('ok: no "Pay now"')
    _, lines, _ = await check(**settings(api, tmp_path, DEBTDESK_PAYMENT_PROVIDER_TOKEN="284685063:TEST:x"))
    assert lines["payments"].startswith('ok: "Pay now" sends a Telegram invoice')
    assert "284685063" not in lines["payments"]  # the provider token is a secret
    preset = resources.files("debt.presets").joinpath("uk.toml").read_text("utf-8")
    template = "https://pay.bank.example/debt?ref={reference}&amount={amount}&currency={currency}" \
               "&expires={expires}&sig={signature}"
    policy = tmp_path / "policy.toml"
    policy.write_text(preset.replace("[payment]\n", f'[payment]\ncheckout_url = "{template}"\n', 1), "utf-8")
    code, lines, _ = await check(**settings(api, tmp_path, DEBTDESK_POLICY=str(policy),
                                            DEBTDESK_CHECKOUT_SECRET="0123456789abcdef0123"))
    assert code == 0 and lines["payments"] == 'ok: "Pay now" opens a signed link to the checkout page at ' \
                                              "pay.bank.example"
