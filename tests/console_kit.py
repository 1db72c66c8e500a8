"""The staff console for tests: the app `debtdesk serve` builds (bot.web_app.build_web_app with the
console's router) over the `bot` fixture's store, Telegram Application and clock, served by
uvicorn on a loopback port in the test's own event loop; staff members made through the use
case; a signed-in httpx client for plain-HTTP tests; and Debian's chromium driven by Playwright.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import uvicorn
from e2e_harness import BotUnderTest
from fault_kit import free_port

from bot.console_routes import console_router
from bot.web_app import build_web_app
from bot.web_serve import _EmbeddedServer
from ops import staff_auth

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "correct-horse-battery"
# The settings the console's tests start the bot with: plain http on localhost needs the cookie
# without Secure (a browser keeps a Secure cookie for https alone).
CONSOLE_ENV = {"DEBTDESK_WEBHOOK_SECRET": "hook_secret-0123456789", "DEBTDESK_CONSOLE_SECURE_COOKIE": "false"}


async def add_staff(bot: BotUnderTest, name: str, role: str, password: str = PASSWORD) -> None:
    await staff_auth.add(bot.store, name, role, password, bot.clock())


@asynccontextmanager
async def console_server(bot: BotUnderTest) -> AsyncIterator[str]:
    """The app on uvicorn; yields its base URL and stops it after."""
    app = build_web_app(bot.config, bot.store, bot.app, [console_router(bot.config, bot.store, bot.clock)])
    port = free_port()
    server = _EmbeddedServer(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None,
                                            access_log=False, lifespan="off"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            serving.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await serving


def form_token(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


async def sign_in(client: httpx.AsyncClient, name: str, password: str = PASSWORD) -> httpx.Response:
    page = await client.get("/console/login")
    return await client.post("/console/login", data={"csrf": form_token(page.text), "name": name,
                                                     "password": password})


@asynccontextmanager
async def client_of(bot: BotUnderTest, name: str | None = None,
                    scheme: str = "http") -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the console in process (signed in as `name` when given)."""
    app = build_web_app(bot.config, bot.store, bot.app, [console_router(bot.config, bot.store, bot.clock)])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=f"{scheme}://console.test") as c:
        if name:
            assert (await sign_in(c, name)).status_code == 303
        yield c


@asynccontextmanager
async def chromium(width: int = 1280, height: int = 800):
    """A fresh browser context of Debian's chromium (never a browser Playwright downloads)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            size = {"width": width, "height": height}
            context = await browser.new_context(viewport=size, java_script_enabled=False)
            yield await context.new_page()
        finally:
            await browser.close()


async def browser_sign_in(page, base: str, name: str, password: str = PASSWORD):
    await page.goto(f"{base}/console/login")
    await page.get_by_label("Name").fill(name)
    await page.get_by_label("Password").fill(password)
    return await page.get_by_role("button", name="Sign in").click()


async def screenshot(page, name: str) -> None:
    """The whole page; a one-time password or key on it is masked (it changes on every run)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = str(SCREENSHOTS / f"{name}.png")
    await page.screenshot(path=path, full_page=True, mask=[page.locator(".secret")])
