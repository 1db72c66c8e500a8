"""The bank API as a bank's system meets it: a real uvicorn server on a loopback port, a real HTTP
client, keys made with `debtdesk apikey`, data loaded with `debtdesk import` (tests/api_kit.py)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from accounts_kit import account_dict
from api_kit import SECRET, api_env, debtdesk, new_key, serving
from db_kit import database, dump, rows

from bot.api_guard import MAX_BODY
from debt.money import Money
from store.arrangement_rows import insert_promise
from store.db import Store

DATA = Path(__file__).parent / "data"
ACCOUNT = {  # a good portfolio row, as the API takes it: the optional last-payment columns left out
    column: value for column, value in account_dict(
        "cn-file", account_ref="API-0001", customer_name="Zhang Min", date_of_birth="1988-03-14",
        national_id_last4="4321", phone="+8613711112222", credit_limit="10000", balance="2000.00",
        minimum_due="200.00", overdue_amount="300.00", oldest_due_date="2026-01-05",
    ).items() if not column.startswith("last_payment_")
}


async def _seed_promises(db_path: str) -> None:
    """Two promises on CN-0001 made in the chat: one due in a week, one (older) due a year back."""
    store = await Store.open(db_path)
    now = datetime.now(UTC)
    try:
        async with store.unit() as db:
            await insert_promise(db, "CN-0001", Money(Decimal("100.00"), "CNY"), now.date() + timedelta(7),
                                 "chat", now)
            await insert_promise(db, "CN-0002", Money(Decimal("50.00"), "CNY"), date(2025, 12, 1), "chat",
                                 now - timedelta(days=400))
    finally:
        await store.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One server for the module over the sample portfolio: (base URL, env, keys by name)."""
    db = database(tmp_path_factory.mktemp("api"), "api.db")
    env = api_env(db, DEBTDESK_BOT_USERNAME="debtdesk_test_bot", DEBTDESK_API_RATE="100000")
    assert debtdesk(env, "import", "accounts", str(DATA / "portfolio.csv"), "--no-progress").returncode == 0
    asyncio.run(_seed_promises(db))
    keys = {name: new_key(env, name, scope) for name, scope in
            (("crm", "write"), ("bi", "read"), ("old", "write"))}
    assert debtdesk(env, "apikey", "revoke", "old").returncode == 0
    with serving(env) as base:
        yield base, env, keys


def _client(server, name: str | None = "crm") -> httpx.Client:
    base, _, keys = server
    headers = {"Authorization": f"Bearer {keys[name]}"} if name else {}
    return httpx.Client(base_url=base, headers=headers, timeout=30)


def _audit(env: dict[str, str]) -> list[tuple[str, str, str]]:
    return rows(env["DEBTDESK_DB"], "SELECT actor, action, detail FROM audit ORDER BY id")


ENDPOINTS = [("GET", "/api/v1/accounts/CN-0001", None), ("GET", "/api/v1/queue", None),
             ("GET", "/api/v1/promises", None), ("GET", "/api/v1/report", None),
             ("POST", "/api/v1/accounts", {"accounts": []}), ("POST", "/api/v1/payments", {"payments": []}),
             ("POST", "/api/v1/links", {"refs": ["CN-0001"]}),
             ("POST", "/api/v1/accounts/CN-0001/contact", {"refused": True})]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_every_endpoint_refuses_no_key_a_wrong_key_and_a_revoked_key_with_401(server, method, path, body):
    base, _, keys = server
    for headers in ({}, {"Authorization": "Bearer ddk_not-a-key"}, {"Authorization": f"Bearer {keys['old']}"},
                    {"Authorization": f"Basic {keys['crm']}"}):
        answer = httpx.request(method, base + path, headers=headers, json=body, timeout=30)
        assert answer.status_code == 401, (headers, answer.text)
        assert answer.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path", "body"), [e for e in ENDPOINTS if e[0] == "POST"])
def test_a_read_key_writing_is_403_and_changes_nothing(server, method, path, body):
    before = _audit(server[1])
    with _client(server, "bi") as client:
        answer = client.request(method, path, json=body)
    assert answer.status_code == 403
    assert _audit(server[1]) == before


@pytest.mark.parametrize(("method", "path", "body"), [e for e in ENDPOINTS if e[0] == "GET"])
def test_a_read_key_reads_every_listing(server, method, path, body):
    with _client(server, "bi") as client:
        assert client.request(method, path).status_code == 200


def test_a_key_is_printed_once_and_only_its_keyed_hash_is_stored(server):
    _, env, keys = server
    stored = rows(env["DEBTDESK_DB"], "SELECT name, scope, digest, revoked_at FROM api_keys ORDER BY name")
    assert [(n, s, r is not None) for n, s, _, r in stored] == [
        ("bi", "read", False), ("crm", "write", False), ("old", "write", True)]
    everything = dump(env["DEBTDESK_DB"])
    assert not any(key in everything or key[4:] in everything for key in keys.values())
    listing = debtdesk(env, "apikey", "list")
    assert listing.returncode == 0 and "crm\twrite" in listing.stdout and "revoked" in listing.stdout
    assert not any(key in listing.stdout for key in keys.values())
    again = debtdesk(env, "apikey", "create", "crm", "--scope", "read")
    assert again.returncode == 2 and again.stdout == ""


def test_an_account_batch_with_broken_items_names_index_column_and_reason_without_personal_data(server):
    broken = [
        {**ACCOUNT, "account_ref": "API-0002", "date_of_birth": "1988-14-40", "phone": "+86123"},
        ACCOUNT,
        {**ACCOUNT, "account_ref": "API-0003", "balance": "lots", "currency": "USD"},
        {**ACCOUNT},  # the same account twice in one batch
    ]
    with _client(server) as client:
        answer = client.post("/api/v1/accounts", json={"accounts": broken})
    assert answer.status_code == 200
    body = answer.json()
    assert (body["received"], body["changed"], body["unchanged"]) == (4, 1, 0)
    problems = {(p["index"], p["column"]) for p in body["rejected"]}
    assert problems == {(0, "date_of_birth"), (0, "phone"), (2, "balance"), (2, "currency"),
                        (3, "account_ref")}
    text = answer.text
    assert "1988-14-40" not in text and "+86123" not in text and "Zhang" not in text
    actor, action, detail = _audit(server[1])[-1]
    assert (actor, action) == ("apikey:crm", "api_accounts")
    assert json.loads(detail) == {"received": 4, "changed": 1, "rejected": 3}


def test_posting_the_same_accounts_again_changes_nothing(server):
    item = {**ACCOUNT, "account_ref": "API-0010"}
    with _client(server) as client:
        first = client.post("/api/v1/accounts", json={"accounts": [item]}).json()
        second = client.post("/api/v1/accounts", json={"accounts": [item]}).json()
        changed = client.post("/api/v1/accounts", json={"accounts": [{**item, "balance": "1900.00"}]}).json()
        shown = client.get("/api/v1/accounts/API-0010").json()
    assert (first["changed"], first["unchanged"]) == (1, 0)
    assert (second["changed"], second["unchanged"], second["rejected"]) == (0, 1, [])
    assert (changed["changed"], changed["unchanged"]) == (1, 0)
    assert shown["balance"] == "1900.00"


def test_a_payment_posted_twice_is_applied_once_and_a_conflicting_one_is_refused(server):
    today = datetime.now(UTC).date().isoformat()
    payment = {"payment_id": "API-PAY-1", "account_ref": "CN-0001", "amount": "100.00", "currency": "CNY",
               "paid_at": today}
    with _client(server) as client:
        first = client.post("/api/v1/payments", json={"payments": [payment]}).json()
        second = client.post("/api/v1/payments", json={"payments": [payment]}).json()
        other = client.post("/api/v1/payments", json={"payments": [{**payment, "amount": "90.00"}]}).json()
        stray = {**payment, "payment_id": "X", "account_ref": "NOPE"}
        unknown = client.post("/api/v1/payments", json={"payments": [stray]}).json()
        kept = client.get("/api/v1/promises", params={"status": "kept"}).json()["promises"]
    assert (first["changed"], second["changed"], second["unchanged"]) == (1, 0, 1)
    assert [(p["column"], p["reason"]) for p in other["rejected"]] == [
        ("payment_id", "API-PAY-1 was loaded before with a different amount; not applied")]
    assert [p["column"] for p in unknown["rejected"]] == ["account_ref"]
    assert [p["account_ref"] for p in kept] == ["CN-0001"]  # the payment kept the pending promise
    assert ("apikey:crm", "api_payments") in [(a, b) for a, b, _ in _audit(server[1])]


def test_an_account_is_the_json_of_show(server):
    _, env, _ = server
    with _client(server, "bi") as client:
        answer = client.get("/api/v1/accounts/CN-0002")
        missing = client.get("/api/v1/accounts/NO-SUCH")
    shown = debtdesk(env, "show", "CN-0002", "--format", "json")
    assert answer.json() == json.loads(shown.stdout)
    assert missing.status_code == 404


def test_the_debtors_refusal_of_contact_is_recorded_and_withdrawn_through_the_api(server):
    """Issue 16: the refusal leaves the account out of the queue and shows in `show`."""
    _, env, _ = server
    with _client(server) as client:
        first = client.post("/api/v1/accounts/CN-0003/contact", json={"refused": True})
        again = client.post("/api/v1/accounts/CN-0003/contact", json={"refused": True})
        shown = client.get("/api/v1/accounts/CN-0003").json()
        queue = client.get("/api/v1/queue", params={"limit": 500}).json()["accounts"]
        withdrawn = client.post("/api/v1/accounts/CN-0003/contact", json={"refused": False})
        back = client.get("/api/v1/queue", params={"limit": 500}).json()["accounts"]
        unknown = client.post("/api/v1/accounts/NO-SUCH/contact", json={"refused": True})
        wrong = client.post("/api/v1/accounts/CN-0003/contact", json={"refused": "maybe please"})
    assert first.json() == {"account_ref": "CN-0003", "refused": True, "changed": True}
    assert again.json()["changed"] is False
    assert "refused_contact" in shown["flags"] and shown["contact"]["next_allowed_at"] is None
    assert "CN-0003" not in [entry["account_ref"] for entry in queue]
    assert withdrawn.json() == {"account_ref": "CN-0003", "refused": False, "changed": True}
    assert "CN-0003" in [entry["account_ref"] for entry in back]
    assert (unknown.status_code, wrong.status_code) == (404, 422)
    actions = [(a, b) for a, b, _ in _audit(env)]
    assert {("apikey:crm", "contact_refused"), ("apikey:crm", "contact_refusal_withdrawn")} <= set(actions)


def test_the_queue_comes_in_pages_that_add_up_to_export_queue(server):
    _, env, _ = server
    whole = json.loads(debtdesk(env, "export", "queue", "--format", "json").stdout)["accounts"]
    pages, cursor = [], None
    with _client(server, "bi") as client:
        while True:
            page = client.get("/api/v1/queue", params={"limit": 2, **({"cursor": cursor} if cursor else {})})
            assert page.status_code == 200
            pages += page.json()["accounts"]
            cursor = page.json()["next_cursor"]
            if cursor is None:
                break
        bad = client.get("/api/v1/queue", params={"cursor": "not-ours"})
    assert len(whole) >= 3
    assert [(e["rank"], e["account_ref"], e["reason"]) for e in pages] == [
        (e["rank"], e["account_ref"], e["reason"]) for e in whole]
    assert bad.status_code == 400


def test_promises_filter_by_status_and_since_and_page_with_a_cursor(server):
    with _client(server, "bi") as client:
        every = client.get("/api/v1/promises", params={"limit": 1}).json()
        rest = client.get("/api/v1/promises", params={"limit": 1, "cursor": every["next_cursor"]}).json()
        recent = client.get("/api/v1/promises", params={"since": (date.today() - timedelta(30)).isoformat()})
        wrong = client.get("/api/v1/promises", params={"status": "maybe"})
    assert every["next_cursor"] and len(every["promises"]) == 1
    assert every["promises"][0]["id"] < rest["promises"][0]["id"]
    assert [p["account_ref"] for p in recent.json()["promises"]] == ["CN-0001"]
    assert wrong.status_code == 422


def test_the_report_is_the_json_of_report(server):
    _, env, _ = server
    with _client(server, "bi") as client:
        answer = client.get("/api/v1/report").json()
    assert answer == json.loads(debtdesk(env, "report", "--format", "json").stdout)


def test_links_for_named_accounts_and_unknown_ones_refused(server):
    with _client(server) as client:
        made = client.post("/api/v1/links", json={"refs": ["CN-0001", "CN-0002"], "expires_days": 7})
        unknown = client.post("/api/v1/links", json={"refs": ["CN-0001", "NO-SUCH"]})
    assert made.status_code == 200
    links = made.json()["links"]
    assert [x["account_ref"] for x in links] == ["CN-0001", "CN-0002"]
    assert all(x["link"].startswith("https://t.me/debtdesk_test_bot?start=") for x in links)
    assert unknown.status_code == 404
    assert ("apikey:crm", "api_links", '{"issued": 2}') in _audit(server[1])


def test_bad_json_and_wrong_shapes_are_4xx_never_5xx(server):
    as_json = {"Content-Type": "application/json"}
    with _client(server) as client:
        answers = [
            client.post("/api/v1/accounts", content=b'{"accounts": [', headers=as_json),
            client.post("/api/v1/payments", content=b"\xff\xfe", headers=as_json),
            client.post("/api/v1/accounts", json=["not", "an", "object"]),
            client.post("/api/v1/accounts", json={"accounts": [{"account_ref": 7, "balanse": "1"}]}),
            client.post("/api/v1/links", json={"refs": []}),
        ]
    assert [a.status_code for a in answers] == [422] * 5
    assert "balanse" in answers[3].text and "input" not in answers[3].json()["detail"][0]


def test_an_oversized_body_is_413(server):
    item = {**ACCOUNT, "customer_name": "x" * 1000}
    count = MAX_BODY // 1000 + 10
    body = json.dumps({"accounts": [item] * count}).encode()
    with _client(server) as client:
        declared = client.post("/api/v1/accounts", content=body, headers={"Content-Type": "application/json"})

        def chunks():  # no Content-Length: the server counts as it reads
            for start in range(0, len(body), 65536):
                yield body[start:start + 65536]
        streamed = client.post("/api/v1/accounts", content=chunks(),
                               headers={"Content-Type": "application/json"})
    assert (declared.status_code, streamed.status_code) == (413, 413)


def test_links_are_refused_without_the_bots_username(tmp_path):
    env = api_env(database(tmp_path, "nouser.db"))
    assert debtdesk(env, "import", "accounts", str(DATA / "portfolio.csv"), "--no-progress").returncode == 0
    key = new_key(env, "crm", "write")
    with serving(env) as base:
        answer = httpx.post(base + "/api/v1/links", json={"refs": ["CN-0001"]},
                            headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 409 and "DEBTDESK_BOT_USERNAME" in answer.text


def test_a_key_over_its_rate_gets_429_with_retry_after(tmp_path):
    env = api_env(database(tmp_path, "rate.db"), DEBTDESK_API_RATE="6")  # one request in ten seconds
    key, other = new_key(env, "crm", "read"), new_key(env, "bi", "read")
    with serving(env) as base:
        first = httpx.get(base + "/api/v1/report", headers={"Authorization": f"Bearer {key}"})
        second = httpx.get(base + "/api/v1/report", headers={"Authorization": f"Bearer {key}"})
        elsewhere = httpx.get(base + "/api/v1/report", headers={"Authorization": f"Bearer {other}"})
    assert (first.status_code, second.status_code, elsewhere.status_code) == (200, 429, 200)
    assert 1 <= int(second.headers["retry-after"]) <= 10


def test_revoking_a_key_stops_it_at_once(tmp_path):
    env = api_env(database(tmp_path, "revoke.db"))
    key = new_key(env, "crm", "read")
    with serving(env) as base:
        headers = {"Authorization": f"Bearer {key}"}
        before = httpx.get(base + "/api/v1/report", headers=headers).status_code
        assert debtdesk(env, "apikey", "revoke", "crm").returncode == 0
        after = httpx.get(base + "/api/v1/report", headers=headers).status_code
    assert (before, after) == (200, 401)
    assert debtdesk(env, "apikey", "revoke", "crm").returncode == 2
    assert SECRET  # the keys were hashed under the test secret


def test_a_payment_reversed_through_the_api_leaves_the_figures_as_before_and_a_part_is_refused(server):
    """Issue 18's reversal over HTTP: the whole payment's negative amount undoes it, once; a part
    of it is refused with its reason, and nothing changes."""
    today = datetime.now(UTC).date()
    figures_day = (today - timedelta(days=3)).isoformat()  # the payment comes after the portfolio's day
    account = {**ACCOUNT, "account_ref": "API-REV", "as_of": figures_day}
    pay = {"payment_id": "API-REV-1", "account_ref": "API-REV", "amount": "300.00", "currency": "CNY",
           "paid_at": today.isoformat()}

    def post(client, amount: str) -> dict:
        return client.post("/api/v1/payments", json={"payments": [{**pay, "amount": amount}]}).json()

    def owed(client) -> tuple[str, str]:
        shown = client.get("/api/v1/accounts/API-REV").json()
        return shown["balance"], shown["overdue_amount"]

    with _client(server) as client:
        assert client.post("/api/v1/accounts", json={"accounts": [account]}).json()["changed"] == 1
        before = owed(client)
        paid = post(client, "300.00")
        during = owed(client)
        part = post(client, "-120.00")
        after_part = owed(client)
        undone = post(client, "-300.00")
        after = owed(client)
        again = post(client, "-300.00")
    assert before == ("2000.00", "300.00") and paid["changed"] == 1
    assert during == ("1700.00", "0.00")
    assert [(p["column"], p["reason"]) for p in part["rejected"]] == [
        ("amount", "a reversal is of the whole payment: -300.00, not -120.00; not reversed")]
    assert after_part == during  # the refused part changed nothing
    assert undone["changed"] == 1 and after == before
    assert (again["changed"], again["unchanged"], again["rejected"]) == (0, 1, [])  # reversed once only
