"""The dashboard in a real browser: headless Chromium (Debian's, /usr/bin/chromium) driven by
Playwright. Wrong token refused, login works, each chart drawn, the numbers on the page are the
JSON's, a screenshot in the test's folder. No browser: the test fails (CI installs chromium)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import uvicorn

from bot.admin import admin_routes
from bot.admin.auth import Gate
from bot.config import Settings
from bot.web import create_app
from tests.conftest import migrated_store
from tests.stats_seed import END, seed

CHROMIUM = "/usr/bin/chromium"
TOKEN = "browser-test-token"
CHARTS = ("chart-daily", "chart-active", "chart-suggestions", "chart-retention", "chart-outcomes")
RATES = ("response_rate", "answered_after_reminder_share", "improved_share", "participation")


class FakeClock:
    t = 0.0

    def __call__(self) -> float:
        return self.t


@pytest_asyncio.fixture(loop_scope="session")
async def server(tmp_path: Path) -> AsyncIterator[tuple[str, FakeClock]]:
    clock = FakeClock()
    async with migrated_store(f"sqlite:///{tmp_path / 'browser.db'}") as store:
        await seed(store)
        settings = Settings(_env_file=None, database_url="sqlite:///unused.db", admin_token=TOKEN)  # type: ignore[call-arg]
        app = create_app(store, admin_routes(store, settings, today=lambda: END, gate=Gate(TOKEN, clock)))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
        task = asyncio.create_task(srv.serve())
        while not srv.started:  # noqa: ASYNC110 (uvicorn has no started event)
            await asyncio.sleep(0.02)
        try:
            yield f"http://127.0.0.1:{port}", clock
        finally:
            srv.should_exit = True
            await task


def expected_text(v: Any, name: str) -> str:
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    if name in RATES:
        return f"{100 * v:.0f}%"
    return f"{v:g}" if isinstance(v, float) else str(v)


def lookup(rep: dict[str, Any], path: str) -> Any:
    node: Any = rep
    for part in path.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


@pytest.fixture
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)")
    return CHROMIUM


async def test_dashboard_in_headless_chromium(server: tuple[str, FakeClock], chromium: str, tmp_path: Path) -> None:
    from playwright.async_api import async_playwright

    base, clock = server
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        try:
            page = await browser.new_page(viewport={"width": 1200, "height": 900})
            r = await page.goto(f"{base}/admin")
            assert r is not None and r.status == 401

            await page.fill("input[name=token]", "not the token")
            await page.click("button[type=submit]")
            assert await page.locator("[role=alert]").inner_text() == "Wrong token."
            assert await page.locator("#chart-daily").count() == 0

            clock.t += 5  # past the backoff
            await page.fill("input[name=token]", TOKEN)
            await page.click("button[type=submit]")
            await page.wait_for_selector("#chart-daily")
            cookies = {c["name"]: c for c in await page.context.cookies()}
            assert cookies["backcheck_admin"]["httpOnly"] and cookies["backcheck_admin"]["sameSite"] == "Strict"

            # The date-range picker: a GET form.
            await page.fill("input[name=start]", "2026-11-02")
            await page.fill("input[name=end]", "2026-12-01")
            await page.click("form.range button[type=submit]")
            await page.wait_for_url("**/admin?start=2026-11-02&end=2026-12-01*")

            for chart in CHARTS:
                svg = page.locator(f"#{chart} svg")
                assert await svg.is_visible(), chart
                box = await svg.bounding_box()
                assert box is not None and box["width"] > 200 and box["height"] > 80, chart
                marks = await page.locator(f"#{chart} svg :is(rect, polyline, circle)").count()
                assert marks > 0, chart

            async with httpx.AsyncClient() as http:
                rep = (await http.get(f"{base}/admin/api/stats?start=2026-11-02&end=2026-12-01",
                                      headers={"Authorization": f"Bearer {TOKEN}"})).json()
            cells = page.locator("[data-figure]")
            n = await cells.count()
            assert n >= 30
            for i in range(n):
                cell = cells.nth(i)
                path = await cell.get_attribute("data-figure")
                assert path is not None
                want = expected_text(lookup(rep, path), path.rsplit(".", 1)[-1])
                assert (await cell.inner_text()).strip() == want, path
            assert await page.locator("[data-figure='users.total']").inner_text() == "12"
            assert await page.locator("[data-figure='users.blocked']").inner_text() == "<5"
            # The retention heat map shows the cohort's shares and hides the small cohort's.
            heat = await page.locator("#chart-retention svg").inner_html()
            assert "88%" in heat and "75%" in heat and "&lt;5" in heat

            shot = tmp_path / "dashboard.png"
            await page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
        finally:
            await browser.close()
