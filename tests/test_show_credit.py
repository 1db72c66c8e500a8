"""Staff see the portfolio's as-of date and a credit left by an overpayment: in `debtdesk show REF`
(text and JSON) and in the bank API's GET /api/v1/accounts/{ref}, over data loaded with the real
`debtdesk import accounts` and `debtdesk import payments`."""

from __future__ import annotations

import json

import httpx
import pytest
from api_kit import api_env, debtdesk, new_key, serving
from db_kit import rows as stored_rows
from test_audit_payments import account, payments, portfolio


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """CN-0001 (figures as of 3 Mar 2026) overpaid by 12.50 CNY; CN-0002 loaded before as-of dates
    were recorded (the column is NULL for rows older than migration 0004)."""
    tmp = tmp_path_factory.mktemp("showcredit")
    env = api_env(tmp / "show.db")
    rows = (account("500.00", overdue="0", as_of="2026-03-03"),
            account("900.00", overdue="0", as_of="2026-03-03", account_ref="CN-0002"))
    done = debtdesk(env, "import", "accounts", portfolio(tmp, "p.csv", *rows), "--no-progress")
    assert done.returncode == 0, done.stderr
    paid = debtdesk(env, "import", "payments", payments(tmp, "pay.csv", ("PAY-1", "512.50", "2026-03-05")),
                    "--no-progress")
    assert paid.returncode == 0, paid.stderr
    stored_rows(env["DEBTDESK_DB"], "UPDATE accounts SET as_of = NULL WHERE account_ref = 'CN-0002'")
    return env


def _show(env, ref: str, *fmt: str) -> str:
    done = debtdesk(env, "show", ref, *fmt)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_an_overpayment_shows_its_credit_in_show_json(loaded):
    view = json.loads(_show(loaded, "CN-0001", "--format", "json"))
    assert (view["balance"], view["credit_balance"], view["figures_as_of"]) == ("0.00", "12.50", "2026-03-03")


def test_an_overpayment_shows_its_credit_in_the_text_page(loaded):
    page = _show(loaded, "CN-0001")
    assert "Figures as of 3 Mar 2026" in page
    assert ("Credit balance: 12.50 CNY — paid beyond the balance, owed back to the customer or set "
            "against the next bill") in page


def test_an_overpayment_shows_its_credit_in_the_api_json(loaded):
    key = new_key(loaded, "bi", "read")
    with serving(loaded) as base, httpx.Client(base_url=base, timeout=30,
                                               headers={"Authorization": f"Bearer {key}"}) as client:
        credited = client.get("/api/v1/accounts/CN-0001").json()
        undated = client.get("/api/v1/accounts/CN-0002").json()
    assert (credited["credit_balance"], credited["figures_as_of"]) == ("12.50", "2026-03-03")
    assert (undated["credit_balance"], undated["figures_as_of"]) == ("0.00", None)


def test_an_account_without_an_as_of_date_shows_null_and_not_given(loaded):
    view = json.loads(_show(loaded, "CN-0002", "--format", "json"))
    page = _show(loaded, "CN-0002")
    assert (view["figures_as_of"], view["credit_balance"]) == (None, "0.00")
    assert "Figures as of: not given" in page
    assert "Credit balance" not in page  # no credit, no line
