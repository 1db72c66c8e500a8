"""Policies: the presets load, and a broken policy file names the key that is wrong."""

from __future__ import annotations

import copy
import tomllib
from decimal import Decimal
from importlib import resources

import pytest

from debt.policy import PolicyError, load_policy, parse_policy


def preset_data(name: str) -> dict:
    return tomllib.loads(resources.files("debt.presets").joinpath(f"{name}.toml").read_text("utf-8"))


@pytest.mark.parametrize(
    "name,currency,country,fee_kind",
    [("cn", "CNY", "CN", "percent_of_minimum"), ("us", "USD", "US", "fixed"), ("uk", "GBP", "GB", "fixed")],
)
def test_each_preset_loads(name, currency, country, fee_kind):
    p = load_policy(name)
    assert (p.name, p.currency, p.country, p.fee.kind) == (name, currency, country, fee_kind)
    days = (0, 1, 30, 31, 90, 91, 180, 181, 5000)
    assert [p.stage_for(d).name for d in days] == ["M0", "M1", "M1", "M2", "M3", "M4", "M6", "M7+", "M7+"]
    assert p.promise.max_broken == 2 and p.queue_weights["stage"] == Decimal(10)


def test_preset_numbers_from_the_domain_notes():
    cn, us, uk = load_policy("cn"), load_policy("us"), load_policy("uk")
    assert cn.fee.rate == Decimal("0.05") and cn.credit_report.retention_years == 5
    assert (us.fee.first, us.fee.repeat, us.credit_report.charge_off_dpd) == (Decimal(32), Decimal(43), 180)
    assert (uk.credit_report.default_dpd, uk.credit_report.retention_years) == (90, 6)
    assert uk.debt_advice  # UK debtors are pointed to free debt advice


def _set(data: dict, path: list, value) -> None:
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


@pytest.mark.parametrize(
    "path,value,key,reason",
    [
        (["stages", 2, "min_dpd"], 32, "stages[2].min_dpd", "must be 31"),  # a gap after M1 (1-30)
        (["stages", 7, "max_dpd"], 400, "stages[7].max_dpd", "open-ended"),
        (["stages", 1, "name"], "M0", "stages[1].name", "named twice"),
        (["fee", "rate"], 0.05, "fee.rate", "as strings"),  # a TOML float
        (["fee", "rate"], "5%", "fee.rate", "not a number"),
        (["currency"], "XYZ", "currency", "unknown currency"),
        (["arrangements", 3, "stages"], ["M4", "M9"], "arrangements[3].stages", "unknown stage 'M9'"),
        (["arrangements", 2, "months"], [6, 0], "arrangements[2].months", "1 to 120"),
        (["contact", "start"], "22:00", "contact.end", "after start"),
        (["contact", "start"], "8 am", "contact.start", "08:00"),
        (["promise", "max_days_ahead"], 0, "promise.max_days_ahead", "at least 1"),
        (["queue_weights", "stgae"], "3", "queue_weights.stgae", "unknown weight"),
    ],
)
def test_broken_policy_names_the_key(path, value, key, reason):
    data = copy.deepcopy(preset_data("cn"))
    _set(data, path, value)
    with pytest.raises(PolicyError) as caught:
        parse_policy(data, "bank.toml")
    assert caught.value.key == key and reason in caught.value.reason
    assert str(caught.value).startswith(f"bank.toml: {key}: ")


def test_a_missing_table_is_named():
    data = preset_data("us")
    del data["promise"]
    with pytest.raises(PolicyError, match="promise: missing table"):
        parse_policy(data, "bank.toml")


def test_a_policy_file_by_path(tmp_path):
    good = tmp_path / "bank.toml"
    good.write_text(resources.files("debt.presets").joinpath("uk.toml").read_text("utf-8"), "utf-8")
    assert load_policy(str(good)).currency == "GBP"
    broken = tmp_path / "broken.toml"
    broken.write_text('name = "x"\ncurrency = \n', "utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy(str(broken))
    assert caught.value.key == "(syntax)"
    with pytest.raises(PolicyError) as caught:
        load_policy(str(tmp_path / "missing.toml"))
    assert caught.value.key == "(file)"


def test_a_policy_whose_time_zone_is_not_real_is_refused():
    """A typo in contact.default_timezone would move contact hours to UTC (messages at night)."""
    data = tomllib.loads(resources.files("debt.presets").joinpath("cn.toml").read_text("utf-8"))
    data["contact"]["default_timezone"] = "Asia/Shangai"
    with pytest.raises(PolicyError, match="default_timezone.*'Asia/Shangai' is not an IANA time zone"):
        parse_policy(data, "bank.toml")
