"""Issue 15 over plain HTTP: no console page shows a date of birth, ID digits or a verification
factor; search finds one account by its whole reference or phone and nothing for a part of
either; each role opens only its pages; every form needs its CSRF token; and the pages follow
the staff member's language."""

from __future__ import annotations

import re
from datetime import date

import pytest
from babel.dates import format_date
from babel.numbers import format_currency
from console_kit import CONSOLE_ENV, add_staff, client_of, form_token
from flows_kit import rows
from serve_kit import ServeProcess, serve_environment
from test_e2e_approvals_cases import SETTLER, verify

CHAT = 901
PERSON = {"account_ref": "UK-P001", "phone": "+447911000021", "date_of_birth": "1979-08-23",
          "national_id_last4": "8642", "customer_name": "Pat Private"}
PAGES = ("/console/today", "/console/promises", "/console/cases", "/console/approvals", "/console/report",
         "/console/staff", f"/console/accounts/{PERSON['account_ref']}", "/console/search?q=UK-P")


@pytest.fixture
def bot_env():
    return dict(CONSOLE_ENV)


def account_links(html: str) -> list[str]:
    return re.findall(r'href="/console/accounts/([^"#]+)"', html)


async def test_no_page_shows_a_date_of_birth_id_digits_or_a_verification_factor(bot):
    await bot.seed_account(**PERSON)
    await verify_person(bot)
    await add_staff(bot, "ada", "admin")
    factors = [r["digest"] for r in await rows(bot.store, "SELECT digest FROM factors")]
    assert len(factors) == 3
    never = ["1979", "23 Aug", "Aug 23", "08-23", "8642", PERSON["phone"], PERSON["phone"][3:],
             *factors, *(f[:16] for f in factors)]
    async with client_of(bot, "ada") as client:
        seen = []
        for path in PAGES:
            answer = await client.get(path)
            assert answer.status_code == 200, path
            seen.append(answer.text)
        found = await client.get("/console/search", params={"q": PERSON["phone"]}, follow_redirects=True)
        assert str(found.url).endswith("/console/accounts/UK-P001")
        seen.append(found.text)
    page = seen[PAGES.index(f"/console/accounts/{PERSON['account_ref']}")]
    assert "Pat Private" in page and "chat verified" in page  # the page is the account's, with its events
    for html in seen:
        assert [secret for secret in never if secret in html] == []


async def verify_person(bot) -> None:
    await bot.command(CHAT, "start", await bot.link(PERSON["account_ref"]))
    assert "You are confirmed" in "".join(m.text for m in await bot.text(CHAT, "23 August 1979"))


async def test_search_lists_no_account_for_a_part_of_a_reference_or_phone(bot):
    for i in range(12):
        await bot.seed_account(account_ref=f"UK-{1000 + i}", phone=f"+4479110001{i:02d}")
    await add_staff(bot, "colin", "collector")
    async with client_of(bot, "colin") as client:
        for partial in ("UK", "UK-10", "UK-100", "1000", "+44791100010", "447911000100", "%", "_", "*",
                        "UK-10%", "UK-100_", " ", "uk-1000", "UK-1000 OR 1=1"):
            answer = await client.get("/console/search", params={"q": partial})
            assert answer.status_code == 200, partial
            assert account_links(answer.text) == [], partial
        for exact, ref in (("UK-1003", "UK-1003"), ("+447911000107", "UK-1007"), ("  UK-1011 ", "UK-1011")):
            answer = await client.get("/console/search", params={"q": exact})
            assert answer.status_code == 303 and answer.headers["location"] == f"/console/accounts/{ref}"
        missing = await client.get("/console/accounts/UK-10")
        assert missing.status_code == 404 and "There is no account UK-10." in missing.text
        # One phone on two accounts (a card and a loan of one person): both, and no more.
        await bot.seed_account(account_ref="UK-2000", phone="+447911000105")
        both = await client.get("/console/search", params={"q": "+447911000105"})
        assert sorted(set(account_links(both.text))) == ["UK-1005", "UK-2000"]


@pytest.mark.parametrize(("role", "allowed"), [
    ("collector", {"today", "promises", "cases", "search"}),
    ("supervisor", {"today", "promises", "cases", "search", "approvals", "report"}),
    ("admin", {"today", "promises", "cases", "search", "approvals", "report", "staff"}),
])
async def test_each_role_opens_its_pages_and_gets_403_on_the_others(bot, role, allowed):
    await add_staff(bot, "someone", role)
    async with client_of(bot, "someone") as client:
        for name in ("today", "promises", "cases", "search", "approvals", "report", "staff"):
            answer = await client.get(f"/console/{name}")
            assert answer.status_code == (200 if name in allowed else 403), name
        if "staff" not in allowed:
            token = form_token((await client.get("/console/today")).text)
            mole = {"csrf": token, "action": "add", "name": "mole", "role": "admin"}
            refused = await client.post("/console/staff", data=mole)
            assert refused.status_code == 403
            assert await rows(bot.store, "SELECT name FROM staff WHERE name = 'mole'") == []


async def test_a_post_without_its_csrf_token_or_with_another_is_refused(bot):
    await bot.seed_account(**SETTLER)
    await verify(bot, CHAT, SETTLER["account_ref"])
    plans = [m for m in await bot.command(CHAT, "plans") if m.buttons][0]
    confirm = [m for m in await bot.press(CHAT, plans.data_for("Settle for less")) if m.buttons][0]
    await bot.press(CHAT, confirm.data_for("Confirm this plan"))
    await add_staff(bot, "sue", "supervisor")
    async with client_of(bot, "sue") as client:
        for data in ({"decision": "approve"}, {"decision": "approve", "csrf": "forged"},
                     {"decision": "approve", "csrf": ""}):
            answer = await client.post("/console/approvals/1", data=data)
            assert answer.status_code == 403 and "This form has expired" in answer.text
        [arrangement] = await rows(bot.store, "SELECT status FROM arrangements")
        assert arrangement["status"] == "pending_approval"
        # Declining needs a reason; with one it is declined, by name.
        token = form_token((await client.get("/console/approvals")).text)
        answer = await client.post("/console/approvals/1", data={"csrf": token, "decision": "decline"},
                                   follow_redirects=True)
        assert "Write the reason for declining." in answer.text
        answer = await client.post("/console/approvals/1", data={"csrf": token, "decision": "decline",
                                                                 "reason": "income not shown"},
                                   follow_redirects=True)
        assert "Declined. The debtor will be told kindly" in answer.text
    [audit] = await rows(bot.store, "SELECT actor FROM audit WHERE action = 'arrangement_declined'")
    assert audit["actor"] == "staff:sue"
    async with client_of(bot) as stranger:  # the sign-in form needs the token of its own cookie
        answer = await stranger.post("/console/login", data={"name": "sue", "password": "whatever-it-is"})
        assert answer.status_code == 403


async def test_pages_speak_the_staff_members_language_defaulting_to_the_collectors(bot):
    bot.env.update(DEBTDESK_COLLECTORS_LOCALE="ru")
    await bot.restart()
    await bot.seed_account(account_ref="UK-R001")
    await add_staff(bot, "olga", "supervisor")
    await add_staff(bot, "li", "collector")
    async with client_of(bot) as client:
        assert "Войти" in (await client.get("/console/login")).text  # nobody signed in yet: the default
    async with client_of(bot, "olga") as olga, client_of(bot, "li") as li:
        today = await olga.get("/console/today")
        day = format_date(date(2026, 3, 1), "medium", locale="ru")
        amount = format_currency(300, "GBP", locale="ru")
        assert '<html lang="ru">' in today.text and f"Очередь звонков на {day}" in today.text
        assert amount in today.text  # babel's Russian formats: 300,00 £
        token = form_token((await li.get("/console/today")).text)
        chosen = await li.post("/console/language",
                               data={"csrf": token, "locale": "zh_Hans", "back": "/cases"})
        assert chosen.status_code == 303 and chosen.headers["location"] == "/console/cases"
        assert "未结案件（最早的在前）" in (await li.get("/console/cases")).text
        assert "Очередь звонков" in (await olga.get("/console/today")).text  # her own setting is unchanged
        report = await olga.get("/console/report")
        assert "Результаты самообслуживания" in report.text
        bad = await li.post("/console/language",
                            data={"csrf": token, "locale": "xx", "back": "//evil.example/"})
        assert bad.headers["location"] == "/console/today"  # no such language, and no other site
        assert "外呼队列" in (await li.get("/console/today")).text


async def test_debtdesk_serve_serves_the_console_beside_the_bank_api(api, tmp_path):
    process = ServeProcess(api, serve_environment(api, str(tmp_path / "serve.db")), tmp_path / "serve.stderr")
    await process.start()
    try:
        login = await process.client.get("/console/login")
        assert login.status_code == 200 and "debtdesk staff console" in login.text
        cookie = login.headers["set-cookie"].lower()
        assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie  # the default
        today = await process.client.get("/console/today")
        assert today.status_code == 303 and today.headers["location"] == "/console/login"
        assert "/console" not in (await process.client.get("/openapi.json")).text  # the bank's document only
    finally:
        assert await process.terminate() == 0
        await process.close()


async def test_today_says_nobody_was_left_out_instead_of_an_empty_list(bot):
    await bot.seed_account(**PERSON)
    await add_staff(bot, "ada", "admin")
    async with client_of(bot, "ada") as client:
        html = (await client.get("/console/today")).text
    text = re.sub(r"<[^>]+>", " ", html)
    assert re.search(r"\d+ to call; nobody was left out\.", text), text
    assert "None." not in text and "left out because" not in text
