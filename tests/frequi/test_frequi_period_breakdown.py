"""The real FreqUI's Period Breakdown (profit per day, week and month) against `ftserver trade`.

FreqUI is not part of ftserver: build it from its public repository by hand and point ``FTSERVER_FREQUI``
at the built ``dist`` folder (see test_frequi_backtest.py). Without it these tests are skipped.

The dashboard's "Profit over time" card is the Period Breakdown chart; FreqUI's trade view shows the
same component under its "Time Breakdown" tab, where FreqUI's own layout leaves the chart 0 px high
against freqtrade as against ftserver (test_frequi_period_breakdown_parity.py measures both), so the
table is what is checked there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.support.polling import wait_until
from tests.ui.conftest import PASSWORD, USER, Bot, _serve, browser, playwright, screenshot

__all__ = ["browser", "playwright"]  # the browser fixtures, shared with the UI tests

pytestmark = pytest.mark.browser

FREQUI = os.environ.get("FTSERVER_FREQUI", "")
# FreqUI's default profit and loss colours (its colour store): the profit line is drawn in one of them.
PROFIT_AND_LOSS_COLOURS = [(0x12, 0xBB, 0x7B), (0xEF, 0x53, 0x50)]

# Size of a chart's canvas, and how many of its pixels are in the profit or loss colour below the
# legend (whose "Absolute profit" key is drawn in both colours even without data): the profit line.
LEGEND_PX = 30
CANVAS_PAINT = """(canvas, [colours, legend]) => {
  const data = canvas.width && canvas.height > legend
    ? canvas.getContext('2d').getImageData(0, legend, canvas.width, canvas.height - legend).data : [];
  let coloured = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 200 && colours.some(([r, g, b]) =>
        Math.abs(data[i] - r) < 8 && Math.abs(data[i + 1] - g) < 8 && Math.abs(data[i + 2] - b) < 8)) {
      coloured++;
    }
  }
  return {width: canvas.width, height: canvas.height, coloured};
}"""


@pytest.fixture(scope="module")
def frequi_trading(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    """A dry-run bot with one closed trade: the strategy's first BTC/USDT trade, exited at once."""
    if not FREQUI or not (Path(FREQUI) / "index.html").is_file():
        pytest.skip("FreqUI is not built here (set FTSERVER_FREQUI to a built FreqUI dist folder)")
    folder = tmp_path_factory.mktemp("frequi-periods")
    for bot in _serve(folder, "trade", first_trade=True, api_server={"ui_path": FREQUI}):
        trade_id = bot.call("GET", "status")[0]["trade_id"]
        bot.call("POST", "forceexit", {"tradeid": str(trade_id)})
        wait_until(partial(_closed_trades, bot), within=30, what="the trade closed")
        yield bot


def _closed_trades(bot: Bot) -> int:
    count: int = bot.call("GET", "profit")["closed_trade_count"]
    return count


def _log_in_with_the_form(page: Page, bot: Bot) -> None:
    """FreqUI's own login form; its API URL defaults to the address FreqUI was loaded from."""
    page.goto(bot.url + "/login")
    page.get_by_placeholder("Freqtrader").fill(USER)
    page.locator("input[type=password]").fill(PASSWORD)
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("link", name="Dashboard")).to_be_visible()


def _painted(canvas: Locator) -> dict[str, int]:
    paint: dict[str, int] = canvas.evaluate(CANVAS_PAINT, [PROFIT_AND_LOSS_COLOURS, LEGEND_PX])
    return paint


def _draws(canvas: Locator, what: str) -> dict[str, int]:
    wait_until(lambda: _painted(canvas)["coloured"] > 0, within=15, what=what)
    return _painted(canvas)


@pytest.mark.timeout(300)
def test_frequi_draws_the_period_breakdown_for_days_weeks_and_months(browser: Browser, frequi_trading: Bot) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        _log_in_with_the_form(page, frequi_trading)
        with page.expect_response(lambda r: "/api/v1/daily" in r.url) as daily:
            page.get_by_role("link", name="Dashboard").click()
        assert daily.value.status == 200
        card = page.locator(".drag-header", has_text="Profit over time").locator("xpath=..")
        canvas = card.locator("x-vue-echarts canvas").first
        expect(canvas).to_be_visible()
        days = _draws(canvas, "the daily profit line drawn")
        # The card's chart keeps FreqUI's 240 px minimum and the card's width.
        assert days["height"] >= 240 and days["width"] > 300, days
        screenshot(page, "frequi-period-breakdown-days")
        for label, path in (("Weeks", "/api/v1/weekly"), ("Months", "/api/v1/monthly")):
            with page.expect_response(lambda r, p=path: p in r.url) as answer:  # type: ignore[misc]
                card.get_by_role("button", name=label).click()
            assert answer.value.status == 200
            painted = _draws(canvas, f"the {label.lower()} profit line drawn")
            assert painted["height"] >= 240, (label, painted)
            screenshot(page, f"frequi-period-breakdown-{label.lower()}")
    finally:
        context.close()


@pytest.mark.timeout(300)
def test_frequi_time_breakdown_table_lists_todays_trade_with_a_plain_zero_fiat_value(
    browser: Browser, frequi_trading: Bot
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        _log_in_with_the_form(page, frequi_trading)
        page.goto(frequi_trading.url + "/trade")
        # The multi pane's tabs are icons only: Time Breakdown is the fifth.
        with page.expect_response(lambda r: "/api/v1/daily" in r.url):
            page.get_by_role("tab").nth(4).click()
        expect(page.get_by_role("heading", name="Period Breakdown")).to_be_visible()
        today = datetime.now(UTC).strftime("%Y-%m-%d")
        row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=today, exact=True))
        expect(row).to_be_visible()
        # Day, profit, in fiat, trades, profit %: no fiat_display_currency, so freqtrade sends 0 ("-0"
        # was ftserver's -0.0 for a losing day).
        cells = row.locator("td")
        expect(cells.nth(2)).to_have_text("0")
        expect(cells.nth(3)).to_have_text("1")
        screenshot(page, "frequi-time-breakdown-tab")
    finally:
        context.close()
