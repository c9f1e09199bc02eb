"""The web UI against `ftserver webserver`: no trading loop, so only the views that make sense."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, Request, expect

from tests.ui.conftest import PHONE, Bot, login, screenshot

pytestmark = pytest.mark.browser

# What webserver mode answers with 503: the UI must not ask for them at all.
TRADING_ONLY = re.compile(
    r"/api/v1/(status|count|locks|profit|balance|daily|weekly|monthly|whitelist|blacklist|trades|performance"
    r"|stats|entries|exits|mix_tags|historic_balance|health|pair_candles|timeframes)\b"
)


def watch_api(page: Page) -> list[str]:
    asked: list[str] = []

    def record(request: Request) -> None:
        if "/api/v1/" in request.url:
            asked.append(request.url)

    page.on("request", record)
    return asked


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_webserver_dashboard_shows_strategies_and_stored_data(page: Page, webserver: Bot, viewport: str) -> None:
    if viewport == "phone":
        page.set_viewport_size(PHONE)
    asked = watch_api(page)
    login(page, webserver)
    expect(page.get_by_test_id("stat-runmode")).to_have_text("webserver")
    expect(page.get_by_test_id("strategies")).to_contain_text("UiQuickStrategy")
    expect(page.get_by_test_id("available-pairs").locator("tr[data-pair='BTC/USDT']")).to_have_count(1)
    expect(page.get_by_test_id("connection")).to_have_text("connected")
    expect(page.get_by_test_id("bot-state")).to_have_text("running")
    # Views that need the trading loop are not offered.
    expect(page.locator("nav")).not_to_contain_text("Trades")
    expect(page.locator("[data-testid=ctl-start]")).to_have_count(0)
    screenshot(page, f"webserver-dashboard-{viewport}")
    refused = [url for url in asked if TRADING_ONLY.search(url)]
    assert not refused, refused
    assert not any(url.endswith("/plot_config") for url in asked)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_webserver_chart_draws_stored_history_with_pickers(page: Page, webserver: Bot, viewport: str) -> None:
    if viewport == "phone":
        page.set_viewport_size(PHONE)
    asked = watch_api(page)
    login(page, webserver)
    expect(page.get_by_test_id("stat-runmode")).to_have_text("webserver")
    page.click("nav >> text=Chart")
    page.select_option("[aria-label=Timeframe]", "5m")
    expect(page.get_by_test_id("chart-pair")).to_have_value("BTC/USDT")
    page.select_option("[data-testid=chart-strategy]", "SampleStrategy")
    chart = page.get_by_test_id("candle-chart")
    expect(page.get_by_test_id("chart-summary")).to_contain_text("strategy SampleStrategy")
    history = webserver.call("GET", "pair_history?pair=BTC/USDT&timeframe=5m&strategy=SampleStrategy")
    expect(chart).to_have_attribute("data-candles", str(history["length"]))
    assert history["length"] > 400  # two days of 5m candles
    # Picking one day (from = to, the day included) narrows the candles to that day.
    first_day = history["data"][0][0][:10]
    last_day = history["data"][-1][0][:10]
    assert first_day != last_day
    page.fill("[data-testid=chart-from]", last_day)
    page.fill("[data-testid=chart-to]", last_day)
    day_after = (date.fromisoformat(last_day) + timedelta(days=1)).strftime("%Y%m%d")
    timerange = f"{last_day.replace('-', '')}-{day_after}"
    narrowed = webserver.call(
        "GET", f"pair_history?pair=BTC/USDT&timeframe=5m&strategy=SampleStrategy&timerange={timerange}"
    )
    expect(chart).to_have_attribute("data-candles", str(narrowed["length"]))
    assert 0 < narrowed["length"] <= 288  # at most one day of 5m candles
    screenshot(page, f"webserver-chart-{viewport}")
    plot_calls = [url for url in asked if "/api/v1/plot_config" in url]
    assert plot_calls and all("strategy=" in url for url in plot_calls), plot_calls
    refused = [url for url in asked if TRADING_ONLY.search(url)]
    assert not refused, refused


def test_webserver_logs_and_a_trading_deep_link_fall_back_to_what_exists(page: Page, webserver: Bot) -> None:
    asked = watch_api(page)
    login(page, webserver)
    expect(page.get_by_test_id("stat-runmode")).to_have_text("webserver")
    page.click("nav >> text=Logs")
    expect(page.get_by_test_id("logs").locator(".log-line").first).to_be_visible()
    screenshot(page, "webserver-logs")
    # /trades means nothing without a trading loop: the dashboard is shown, nothing is asked for.
    page.goto(webserver.url + "/trades")
    expect(page.get_by_test_id("card-strategies")).to_be_visible()
    refused = [url for url in asked if TRADING_ONLY.search(url)]
    assert not refused, refused
