"""Charts on any timeframe, 1,500 candles, the multi-chart grid (trade mode) and the Download data
view (webserver mode), in a real browser against a real server on the sim market."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, Route, expect

from tests.ui.conftest import PHONE, Bot, login, screenshot
from tests.ui.test_browser import canvas_has_drawing
from tests.ui.test_webserver_mode import TRADING_ONLY, watch_api

pytestmark = pytest.mark.browser

UNAVAILABLE = json.dumps({"detail": "Bot is not in the correct state.", "code": "wrong_run_mode"})


def open_chart(page: Page, bot: Bot, viewport: str) -> None:
    if viewport == "phone":
        page.set_viewport_size(PHONE)
    login(page, bot)
    expect(page.get_by_test_id("workspace")).to_be_visible()
    page.goto(bot.url + "/chart?pair=BTC/USDT")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_another_timeframe_draws_plain_market_candles(page: Page, bot: Bot, viewport: str) -> None:
    open_chart(page, bot, viewport)
    chart = page.get_by_test_id("candle-chart")
    expect(chart).to_have_attribute("data-series", "5")  # 1m, the strategy's: candles, volume, 3 indicators
    # The exchange's timeframes are offered, the strategy's marked.
    timeframe = page.get_by_test_id("chart-timeframe")
    offered = timeframe.locator("option").all_inner_texts()
    assert offered[0] == "1m (strategy)"
    assert {"15m", "12h", "3d", "1w"} <= set(offered), offered
    timeframe.select_option("15m")
    summary = page.get_by_test_id("chart-summary")
    expect(summary).to_contain_text("BTC/USDT 15m")
    expect(summary).to_contain_text("plain market candles (the strategy analyses 1m)")
    expect(chart).to_have_attribute("data-series", "2")  # candles and volume, no indicator lines
    expect(page.get_by_test_id("indicator-picker")).to_have_count(0)
    expect(page.get_by_test_id("chart-error")).to_have_count(0)
    answer = bot.call("POST", "pair_candles", {"pair": "BTC/USDT", "timeframe": "15m", "limit": 500})
    assert answer["columns"][:6] == ["date", "open", "high", "low", "close", "volume"]
    # Two days of sim history: about 190 closed 15m candles (one may close between the two reads).
    assert abs(int(chart.get_attribute("data-candles") or 0) - answer["length"]) <= 1
    assert 180 <= answer["length"] <= 192
    assert canvas_has_drawing(page, "[data-testid=candle-chart]")
    screenshot(page, f"chart-plain-15m-{viewport}")
    # Back on the strategy's timeframe: indicators and the picker again.
    timeframe.select_option("1m")
    expect(chart).to_have_attribute("data-series", "5")
    expect(page.get_by_test_id("indicator-picker")).to_be_visible()


def test_the_chart_draws_1500_analysed_candles(page: Page, bot: Bot) -> None:
    open_chart(page, bot, "desktop")
    chart = page.get_by_test_id("candle-chart")
    expect(chart).to_have_attribute("data-series", "5")
    limits = page.get_by_test_id("chart-limit").locator("option").all_inner_texts()
    assert limits[-1] == "1500 candles"
    page.get_by_test_id("chart-limit").select_option("1500")
    # The sim holds two days of 1m candles: the bot keeps and analyses the newest 1,500 of them.
    expect(chart).to_have_attribute("data-candles", "1500")
    expect(page.get_by_test_id("chart-summary")).to_contain_text("1500 candles")
    screenshot(page, "chart-1500")


def grid_cells(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_test_id("chart-grid").get_by_test_id("grid-cell")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_multichart_shows_small_charts_with_trade_markers(page: Page, bot: Bot, viewport: str) -> None:
    if viewport == "phone":
        page.set_viewport_size(PHONE)
    page.add_init_script("localStorage.removeItem('ftserver.multichart.pairs')")
    login(page, bot)
    expect(page.get_by_test_id("workspace")).to_be_visible()
    page.goto(bot.url + "/charts")
    cells = grid_cells(page)
    expect(cells).to_have_count(4)  # four pairs to start with, the open trade's pair first
    btc = page.locator(".grid-chart[data-pair='BTC/USDT']")
    expect(btc.get_by_test_id("candle-chart")).to_have_attribute("data-candles", "200")
    expect(btc.get_by_test_id("candle-chart")).to_have_attribute("data-trade-markers", re.compile(r"^[1-9]"))
    expect(cells.first).to_contain_text("BTC/USDT")
    expect(cells.first.get_by_test_id("grid-profit")).to_have_text(re.compile(r"^-?\d+\.\d\d%$"))
    for chart in page.get_by_test_id("candle-chart").all():
        expect(chart).to_have_attribute("data-candles", "200")
        expect(chart).to_have_attribute("data-series", "5")
    # A fifth pair joins; with six the remaining boxes are disabled, with two the chosen ones.
    picker = page.get_by_test_id("multichart-pairs")
    unchosen = picker.locator("input:not(:checked)")
    unchosen.first.check()
    expect(cells).to_have_count(5)
    unchosen.first.check()
    expect(cells).to_have_count(6)
    expect(picker.locator("input:not(:checked)")).to_have_count(0)
    saved = json.loads(page.evaluate("localStorage.getItem('ftserver.multichart.pairs')"))
    assert len(saved) == 6
    boxes = [cell.bounding_box() for cell in cells.all()]
    assert all(box is not None for box in boxes)
    lefts = {round(box["x"]) for box in boxes if box}
    if viewport == "phone":
        assert len(lefts) == 1  # one column
    else:
        assert len(lefts) >= 2  # side by side
    screenshot(page, f"multichart-{viewport}")
    for _ in range(4):
        picker.locator("input:checked").first.uncheck()
    expect(cells).to_have_count(2)
    expect(picker.locator("input:checked").first).to_be_disabled()  # at least two pairs


def test_a_failing_chart_of_the_grid_shows_its_own_error(page: Page, bot: Bot) -> None:
    chosen = json.dumps(["BTC/USDT", "ETH/USDT", "SOL/USDT"])
    page.add_init_script(f"localStorage.setItem('ftserver.multichart.pairs', '{chosen}')")

    def refuse_eth(route: Route) -> None:
        if "ETH/USDT" in (route.request.post_data or ""):
            route.fulfill(status=503, content_type="application/json", body=UNAVAILABLE)
        else:
            route.continue_()

    page.route(re.compile(r".*/api/v1/pair_candles$"), refuse_eth)
    login(page, bot)
    expect(page.get_by_test_id("workspace")).to_be_visible()
    page.goto(bot.url + "/charts")
    expect(grid_cells(page)).to_have_count(3)
    eth = page.locator(".grid-chart[data-pair='ETH/USDT']")
    expect(eth.get_by_test_id("chart-error")).to_have_text("Bot is not in the correct state.")
    for pair in ("BTC/USDT", "SOL/USDT"):
        cell = page.locator(f".grid-chart[data-pair='{pair}']")
        expect(cell.get_by_test_id("candle-chart")).to_have_attribute("data-candles", "200")
        expect(cell.get_by_test_id("chart-error")).to_have_count(0)
    screenshot(page, "multichart-one-failing")


def test_download_data_is_offered_in_webserver_mode_only(page: Page, bot: Bot) -> None:
    login(page, bot)
    expect(page.get_by_test_id("workspace")).to_be_visible()
    expect(page.locator("nav")).to_contain_text("Multi-chart")
    expect(page.locator("nav")).not_to_contain_text("Download data")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_webserver_downloads_data_with_progress_then_lists_it(page: Page, webserver: Bot, viewport: str) -> None:
    if viewport == "phone":
        page.set_viewport_size(PHONE)
    asked = watch_api(page)
    login(page, webserver)
    expect(page.get_by_test_id("stat-runmode")).to_have_text("webserver")
    expect(page.locator("nav")).not_to_contain_text("Multi-chart")
    page.click("nav >> text=Download data")
    available = page.get_by_test_id("download-available")
    expect(available.locator("tr[data-pair='BTC/USDT'][data-timeframe='5m']")).to_have_count(1)  # stored at start
    pair = "ETH/USDT" if viewport == "desktop" else "SOL/USDT"
    page.get_by_test_id("download-pairs").fill(f"{pair.lower()}, DOGE/USDT")
    page.get_by_test_id("download-timeframes").locator("input[value='1h']").check()
    page.get_by_test_id("download-days").fill("2")
    page.get_by_test_id("download-start").click()
    expect(page.get_by_test_id("download-job")).to_be_visible()
    expect(page.get_by_test_id("download-status")).to_have_text("success", timeout=60_000)
    expect(page.get_by_test_id("card-download").get_by_test_id("card-error")).to_have_count(0)
    for stored in (pair, "DOGE/USDT"):
        for timeframe in ("5m", "1h"):
            expect(available.locator(f"tr[data-pair='{stored}'][data-timeframe='{timeframe}']")).to_have_count(1)
    listed = webserver.call("GET", "available_pairs")
    assert [pair, "1h"] in [row[:2] for row in listed["pair_interval"]]
    screenshot(page, f"webserver-download-{viewport}")
    refused = [url for url in asked if TRADING_ONLY.search(url)]
    assert not refused, refused


def test_a_refused_download_and_a_failing_list_show_their_own_errors(page: Page, webserver: Bot) -> None:
    page.route(
        re.compile(r".*/api/v1/download_data$"),
        lambda route: route.fulfill(
            status=400, content_type="application/json", body=json.dumps({"detail": "A download is already running."})
        ),
    )
    login(page, webserver)
    expect(page.get_by_test_id("stat-runmode")).to_have_text("webserver")
    page.click("nav >> text=Download data")
    available = page.get_by_test_id("download-available")
    expect(available.locator("tr[data-pair='BTC/USDT']").first).to_be_visible()
    page.get_by_test_id("download-start").click()
    expect(page.get_by_test_id("download-form-error")).to_have_text("Name at least one pair.")
    page.get_by_test_id("download-pairs").fill("BTC/USDT")
    page.get_by_test_id("download-start").click()
    expect(page.get_by_test_id("download-form-error")).to_have_text("A download is already running.")
    expect(available.locator("tr[data-pair='BTC/USDT']").first).to_be_visible()  # the list stays
    screenshot(page, "webserver-download-refused")

    page.route(
        re.compile(r".*/api/v1/available_pairs$"),
        lambda route: route.fulfill(status=503, content_type="application/json", body=UNAVAILABLE),
    )
    page.reload()
    expect(page.get_by_test_id("card-available").get_by_test_id("card-error")).to_have_text(
        "Bot is not in the correct state."
    )
    expect(page.get_by_test_id("download-form")).to_be_visible()  # the form still works
