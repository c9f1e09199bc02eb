"""The same FreqUI draws ftserver's Period Breakdown as it draws freqtrade's.

freqtrade 2026.9 and ftserver run side by side in dry-run against the loopback Binance server
(tests/oracle/parity.py), each with one closed BTC/USDT trade made the same way (force entry, force
exit, market orders). One FreqUI build, served from a third origin, logs in to each in turn; the test
measures the Period Breakdown chart on the dashboard (size, profit line drawn) and under the trade
view's Time Breakdown tab (where FreqUI's own layout gives the chart host no height: both bots alike).

Runs only with ``FTSERVER_FREQUI`` (a built FreqUI, see test_frequi_backtest.py) and freqtrade
(``FTSERVER_FREQTRADE`` or ``freqtrade`` on PATH); about two minutes.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from playwright.async_api import Browser, async_playwright

from tests.frequi.test_frequi_period_breakdown import CANVAS_PAINT, LEGEND_PX, PROFIT_AND_LOSS_COLOURS
from tests.oracle.parity import (
    AUTH,
    PASSWORD,
    USER,
    Bot,
    Case,
    binance_stub,
    both_bots,
    free_port,
    freqtrade_executable,
    freqtrade_templates,
)
from tests.support.polling import eventually
from tests.ui.conftest import CHROMIUM_FLAGS, SCREENSHOTS, chromium_path

FREQUI = os.environ.get("FTSERVER_FREQUI", "")
FREQTRADE = freqtrade_executable()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not FREQUI or not (Path(FREQUI) / "index.html").is_file(),
        reason="FreqUI is not built here (set FTSERVER_FREQUI to a built FreqUI dist folder)",
    ),
    pytest.mark.skipif(FREQTRADE is None, reason="freqtrade is not installed (set FTSERVER_FREQTRADE)"),
    pytest.mark.timeout(420),
]

# The chart's host element (vue-echarts) and the div ECharts draws into.
CHART_HOSTS = """(chart) => {
  const host = chart.querySelector('.echarts-host');
  return {element: chart.getBoundingClientRect().height, host: host ? host.getBoundingClientRect().height : -1};
}"""


def _frequi_files() -> dict[str, Path]:
    dist = Path(FREQUI)
    return {path.relative_to(dist).as_posix(): path for path in dist.rglob("*") if path.is_file()}


@asynccontextmanager
async def frequi_origin(port: int, files: dict[str, Path]) -> AsyncIterator[str]:
    """FreqUI's files on their own origin; every other path is its single page, as its router expects."""

    async def serve(request: web.Request) -> web.FileResponse:
        return web.FileResponse(files.get(request.match_info["path"], files["index.html"]))

    app = web.Application()
    app.router.add_get("/{path:.*}", serve)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def _one_closed_trade(session: aiohttp.ClientSession, bot: Bot) -> None:
    async def answering() -> bool:
        try:
            async with session.get(f"{bot.url}/api/v1/whitelist") as response:
                return response.status == 200 and bool((await response.json())["whitelist"])
        except aiohttp.ClientError:
            assert bot.process.returncode is None, bot.log_tail()
            return False

    await eventually(answering, within=120, every=0.5, what=f"{bot.name} answering with its whitelist")
    entry = {"pair": "BTC/USDT", "ordertype": "market"}

    async def entered() -> bool:
        async with session.post(f"{bot.url}/api/v1/forceenter", json=entry) as response:
            return response.status == 200

    await eventually(entered, within=60, every=0.5, what=f"{bot.name} entering BTC/USDT")
    async with session.post(f"{bot.url}/api/v1/forceexit", json={"tradeid": "all", "ordertype": "market"}) as response:
        assert response.status == 200, await response.text()

    async def closed() -> bool:
        async with session.get(f"{bot.url}/api/v1/profit") as response:
            return bool((await response.json())["closed_trade_count"] == 1)

    await eventually(closed, within=60, every=0.5, what=f"{bot.name} closing the trade")


async def _measure(browser: Browser, origin: str, bot: Bot) -> dict[str, Any]:
    """FreqUI logged in to ``bot`` through its login form: the Period Breakdown on both pages."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(30_000)
    try:
        await page.goto(origin + "/login")
        await page.locator("#url-input").fill(bot.url)
        await page.get_by_placeholder("Freqtrader").fill(USER)
        await page.locator("input[type=password]").fill(PASSWORD)
        await page.get_by_role("button", name="Submit").click()
        async with page.expect_response(lambda r: "/api/v1/daily" in r.url):
            await page.get_by_role("link", name="Dashboard").click()
        card = page.locator(".drag-header", has_text="Profit over time").locator("xpath=..")
        canvas = card.locator("x-vue-echarts canvas").first
        await canvas.wait_for()

        async def line_drawn() -> bool:
            paint: dict[str, int] = await canvas.evaluate(CANVAS_PAINT, [PROFIT_AND_LOSS_COLOURS, LEGEND_PX])
            return paint["coloured"] > 0

        await eventually(line_drawn, within=15, every=0.5, what=f"{bot.name}'s daily profit line drawn")
        dashboard = await canvas.evaluate(CANVAS_PAINT, [PROFIT_AND_LOSS_COLOURS, LEGEND_PX])
        await page.screenshot(path=str(SCREENSHOTS / f"frequi-period-breakdown-{bot.name}-dashboard.png"))

        await page.goto(origin + "/trade")
        async with page.expect_response(lambda r: "/api/v1/daily" in r.url):
            await page.get_by_role("tab").nth(4).click()  # Time Breakdown (the tabs are icons only)
        heading = page.get_by_role("heading", name="Period Breakdown")
        await heading.wait_for()
        await page.get_by_role("row").filter(has=page.get_by_role("cell", name="1", exact=True)).first.wait_for()
        pane = heading.locator("xpath=ancestor::div[contains(@class, 'flex-col')][1]")
        tab = await pane.locator("x-vue-echarts").evaluate(CHART_HOSTS)
        await page.screenshot(path=str(SCREENSHOTS / f"frequi-period-breakdown-{bot.name}-trade-tab.png"))
        return {"dashboard": dashboard, "trade_tab": tab}
    finally:
        await context.close()


async def test_frequi_draws_ftservers_period_breakdown_as_freqtrades(tmp_path: Path) -> None:
    assert FREQTRADE is not None
    text = (freqtrade_templates(FREQTRADE) / "sample_strategy.py").read_text()
    case = Case("SampleStrategy", "5m", text, text, "sample_strategy.py")
    ui_port = free_port()

    def configure(name: str, config: dict[str, Any]) -> None:
        config["bot_name"] = name
        config["force_entry_enable"] = True
        config["api_server"]["CORS_origins"] = [f"http://127.0.0.1:{ui_port}"]

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    async with (
        frequi_origin(ui_port, _frequi_files()) as origin,
        binance_stub(300, "5m") as (stub_url, _stub),
        both_bots(case, FREQTRADE, tmp_path, stub_url, configure) as (ft, fts),
        aiohttp.ClientSession(headers=AUTH) as session,
        async_playwright() as driver,
    ):
        for bot in (ft, fts):
            await _one_closed_trade(session, bot)
        browser = await driver.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            theirs = await _measure(browser, origin, ft)
            ours = await _measure(browser, origin, fts)
        finally:
            await browser.close()
    print(f"\nfreqtrade: {theirs}\nftserver:  {ours}")
    # The dashboard draws both: same size, a profit line in both.
    assert theirs["dashboard"]["height"] >= 240 and theirs["dashboard"]["coloured"] > 0, theirs
    assert (ours["dashboard"]["width"], ours["dashboard"]["height"]) == (
        theirs["dashboard"]["width"],
        theirs["dashboard"]["height"],
    )
    assert ours["dashboard"]["coloured"] > 0, ours
    # The trade view's tab: the same geometry for both, whatever FreqUI's layout makes of it.
    assert ours["trade_tab"] == theirs["trade_tab"], (ours, theirs)
