"""Links to the bank's checkout page (issue 18, item 2): with the policy's `[payment] checkout_url`,
"Pay now" is a link with the reference and the amount signed and expiring; the check the README
gives the bank accepts it as sent and refuses it with a changed amount or after its time. With
no way to pay now set, /pay keeps its instructions alone."""

from __future__ import annotations

import re
from datetime import timedelta
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from e2e_harness import BotUnderTest, texts, with_buttons

from debt.pay_signing import checkout_is_genuine

README = Path(__file__).resolve().parent.parent / "README.md"
KEY = "checkout-key-0123456789"
TEMPLATE = ("https://pay.bank.example/debt?ref={reference}&amount={amount}&currency={currency}"
            "&expires={expires}&sig={signature}")
DEBTOR = 911


@pytest.fixture
def bot_env(tmp_path):
    preset = resources.files("debt.presets").joinpath("uk.toml").read_text("utf-8")
    policy = tmp_path / "policy.toml"
    policy.write_text(preset.replace("[payment]\n", f'[payment]\ncheckout_url = "{TEMPLATE}"\n', 1), "utf-8")
    return {"DEBTDESK_POLICY": str(policy), "DEBTDESK_CHECKOUT_SECRET": KEY}


def readme_check():
    """The README's checkout_is_genuine, run as written."""
    section = README.read_text("utf-8").split("## Paying in the chat\n", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - the README's own code, under test
    return namespace["checkout_is_genuine"]


def links(message) -> list[tuple[str, str]]:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return [(b["text"], b["url"]) for row in rows for b in row if "url" in b]


def values(url: str) -> dict[str, str]:
    return {name: value[0] for name, value in parse_qs(urlsplit(url).query).items()}


async def signed_in(bot: BotUnderTest) -> str:
    ref = await bot.seed_account()
    await bot.command(DEBTOR, "start", await bot.link(ref))
    assert "You are confirmed" in texts(await bot.text(DEBTOR, "12 April 1985"))
    return ref


async def test_pay_now_is_a_signed_link_the_readme_check_accepts_and_refuses_when_changed_or_late(bot):
    ref = await signed_in(bot)
    said = with_buttons(await bot.command(DEBTOR, "pay"))
    assert "Or pay now on the bank's secure payment page." in said.text
    [(label, url)] = links(said)
    assert label == "Pay £300.00 now" and url.startswith("https://pay.bank.example/debt?")
    got = values(url)
    assert (got["ref"], got["amount"], got["currency"]) == (ref, "300.00", "GBP")
    now = bot.clock().timestamp()
    assert int(got["expires"]) == int(now) + 30 * 60
    check = readme_check()
    sent = (KEY.encode(), got["ref"], got["amount"], got["currency"], got["expires"], got["sig"])
    assert check(*sent, now=now) and checkout_is_genuine(*sent, now=now)
    changed = (KEY.encode(), got["ref"], "3.00", got["currency"], got["expires"], got["sig"])
    assert not check(*changed, now=now) and not checkout_is_genuine(*changed, now=now)
    later = now + 30 * 60 + 1
    assert not check(*sent, now=later) and not checkout_is_genuine(*sent, now=later)
    later_expiry = str(int(got["expires"]) + 3600)
    moved = (KEY.encode(), got["ref"], got["amount"], got["currency"], later_expiry, got["sig"])
    assert not check(*moved, now=now)
    assert not check(b"another-key-0123456789", *sent[1:], now=now)


async def test_a_typed_amount_and_a_promise_get_their_own_links(bot):
    await signed_in(bot)
    said = with_buttons(await bot.command(DEBTOR, "pay"))
    await bot.press(DEBTOR, said.data_for("Pay another amount"))
    [link] = [m for m in await bot.text(DEBTOR, "45.10") if links(m)]
    assert "Pay £45.10 on the bank's secure payment page." in link.text
    assert values(links(link)[0][1])["amount"] == "45.10"

    amounts = with_buttons(await bot.command(DEBTOR, "promise"))
    await bot.press(DEBTOR, amounts.data_for("The overdue amount"))
    confirm = with_buttons(await bot.text(DEBTOR, (bot.clock().date() + timedelta(days=3)).isoformat()))
    [summary] = [m for m in await bot.press(DEBTOR, confirm.data_for("Yes, I promise")) if links(m)]
    assert "Your promise to pay £300.00" in summary.text
    assert values(links(summary)[0][1])["amount"] == "300.00"


async def test_without_a_way_to_pay_now_pay_keeps_its_instructions(tmp_path):
    plain = BotUnderTest(tmp_path)
    await plain.start()
    try:
        await signed_in(plain)
        said = with_buttons(await plain.command(DEBTOR, "pay"))
        assert "Pay to Demo Bank Cards at Demo Bank" in said.text and "pay now" not in said.text.lower()
        assert not links(said) and not [d for _, d in said.buttons if d.startswith("pay:")]
        assert plain.api.invoices == []
    finally:
        await plain.stop()


async def test_a_plans_first_instalment_gets_its_link(bot):
    await signed_in(bot)
    plans = with_buttons(await bot.command(DEBTOR, "plans"))
    schedule = with_buttons(await bot.press(DEBTOR, plans.data_for("12 months")))
    [set_up] = [m for m in await bot.press(DEBTOR, schedule.data_for("Confirm this plan")) if links(m)]
    assert "The first payment is £200.00" in set_up.text
    [(label, url)] = links(set_up)
    assert label == "Pay £200.00 now" and values(url)["amount"] == "200.00"
