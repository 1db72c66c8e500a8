"""The signed amounts behind "Pay now" (issue 18) and the settings that switch it on: an invoice
payload is good only unchanged and in its own chat; a checkout URL must be https and name every
signed value; a checkout URL without its key, or a bad one, stops the program with one line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from importlib import resources

import pytest

from bot.config import ConfigError, load_config
from debt import matching
from debt.money import Money
from debt.pay_signing import invoice_payload, read_invoice
from debt.policy import PolicyError, load_policy

KEY = b"test-secret-0123456789abcdef"
AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_an_invoice_payload_reads_back_only_unchanged_and_in_its_own_chat():
    payload = invoice_payload(KEY, 42, "CN-0001", Decimal("500.00"), "CNY", AT + timedelta(minutes=30))
    assert payload is not None and len(payload.encode()) <= 128
    terms = read_invoice(KEY, 42, "CNY", payload)
    assert terms is not None and terms.account_ref == "CN-0001" and terms.minor == 50000
    assert terms.amount("CNY") == Decimal("500.00")
    assert terms.expires == int((AT + timedelta(minutes=30)).timestamp())
    ref, minor, expires, signature = payload.rsplit("~", 3)
    for changed in (f"{ref}~40000~{expires}~{signature}", f"{ref}~{minor}~{int(expires) + 60}~{signature}",
                    f"CN-0002~{minor}~{expires}~{signature}", "not a payload"):
        assert read_invoice(KEY, 42, "CNY", changed) is None, changed
    assert read_invoice(KEY, 43, "CNY", payload) is None  # another chat
    assert read_invoice(KEY, 42, "JPY", payload) is None  # another currency
    assert read_invoice(b"another-key-0123456789", 42, "CNY", payload) is None


def test_a_reference_too_long_for_telegrams_payload_gets_no_invoice():
    assert invoice_payload(KEY, 42, "R" * 120, Decimal(1), "GBP", AT) is None


def _policy_with(line: str, tmp_path) -> str:
    preset = resources.files("debt.presets").joinpath("uk.toml").read_text("utf-8")
    path = tmp_path / "policy.toml"
    path.write_text(preset.replace("[payment]\n", f"[payment]\n{line}\n", 1), "utf-8")
    return str(path)


@pytest.mark.parametrize(("url", "reason"), [
    ("http://pay.example/{reference}/{amount}/{currency}/{expires}/{signature}", "https"),
    ("https://pay.example/{reference}/{amount}/{currency}/{expires}", "{signature}"),
    ("https://pay.example/{reference}/{amount}/{currency}/{expires}/{signature}/{name}", "placeholder"),
])
def test_a_checkout_url_must_be_https_and_name_every_signed_value(tmp_path, url, reason):
    with pytest.raises(PolicyError, match="checkout_url") as refused:
        load_policy(_policy_with(f'checkout_url = "{url}"', tmp_path))
    assert reason in str(refused.value)


def test_pay_now_comes_from_the_provider_token_or_the_checkout_url_with_its_key(tmp_path):
    base = {"DEBTDESK_SECRET": KEY.decode()}
    assert load_config(env=base).pay_now is None
    invoice = load_config(env={**base, "DEBTDESK_PAYMENT_PROVIDER_TOKEN": "284685063:TEST:x"})
    assert invoice.pay_now.kind == "invoice" and invoice.payment_provider_token == "284685063:TEST:x"
    assert "284685063" not in repr(invoice)
    policy = _policy_with('checkout_url = "https://p.example/?r={reference}&a={amount}&c={currency}'
                          '&e={expires}&s={signature}"', tmp_path)
    with pytest.raises(ConfigError, match="DEBTDESK_CHECKOUT_SECRET"):
        load_config(env={**base, "DEBTDESK_POLICY": policy})
    link = load_config(env={**base, "DEBTDESK_POLICY": policy, "DEBTDESK_CHECKOUT_SECRET": "k" * 16})
    assert link.pay_now.kind == "link" and link.pay_now.link_key == b"k" * 16


def test_a_reversal_takes_back_from_the_newest_promise_it_reached_first():
    gbp = lambda amount: Money(Decimal(amount), "GBP")  # noqa: E731
    older = matching.PromiseState(1, gbp(100), AT.date() + timedelta(days=2), gbp(100), "kept")
    newer = matching.PromiseState(2, gbp(200), AT.date() + timedelta(days=9), gbp(50), "pending")
    back = matching.PaymentIn("P", gbp(120), AT.date())
    after = matching.take_back([older, newer], back, AT.date() + timedelta(days=6), grace_days=3)
    assert after[1].paid == gbp(0) and after[1].status == "pending"  # its date and grace still ahead
    assert after[0].paid == gbp(30) and after[0].status == "partial"  # grace over: partly kept
