"""The trade workspace (the default view) and the money view, at desktop and phone sizes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.ui.conftest import PHONE, Bot, login, screenshot

pytestmark = pytest.mark.browser
PERCENT = re.compile(r"^-?\d+\.\d%$")
POSITIVE = re.compile(r"^[1-9]\d*$")


def second_trade(bot: Bot) -> dict[str, Any]:
    """A second open trade on another pair than the strategy's BTC/USDT one."""
    open_trades = bot.call("GET", "status")
    found = next((trade for trade in open_trades if trade["pair"] == "ETH/USDT"), None)
    return found or bot.call("POST", "forceenter", {"pair": "ETH/USDT"})


def test_workspace_lists_pairs_with_profit_badges_and_locks_and_charts_the_open_trade(page: Page, bot: Bot) -> None:
    second_trade(bot)
    until = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    bot.call("POST", "locks", [{"pair": "ADA/USDT", "until": until, "side": "*", "reason": "ui test"}])
    login(page, bot)
    pairs = page.get_by_test_id("pair-list").locator("li")
    expect(pairs).to_have_count(6)
    # Open-trade profit badges on the pairs with open trades (the sample signals may open more than
    # these two), a lock badge and no profit badge on the locked ADA/USDT.
    for pair in ["BTC/USDT", "ETH/USDT"]:
        expect(pairs.filter(has_text=pair).get_by_test_id("pair-profit")).to_have_text(PERCENT)
    expect(pairs.filter(has_text="ADA/USDT").get_by_test_id("pair-lock")).to_be_visible()
    expect(pairs.filter(has_text="ADA/USDT").get_by_test_id("pair-profit")).to_have_count(0)
    # Opens on a pair with an open trade, its chart above the open trades.
    first_open = bot.call("GET", "status")[0]["pair"]
    expect(page.locator(".pair-list li.selected")).to_have_attribute("data-pair", first_open)
    expect(page.get_by_test_id("chart-summary")).to_contain_text(f"{first_open} 1m")
    expect(page.get_by_test_id("open-trades").locator("tr[data-pair='ETH/USDT']")).to_be_visible()
    screenshot(page, "workspace-desktop")

    # Selecting a trade selects its pair.
    page.get_by_test_id("open-trades").locator("tr[data-pair='ETH/USDT']").click()
    expect(page.locator(".pair-list li.selected")).to_have_attribute("data-pair", "ETH/USDT")
    expect(page.get_by_test_id("chart-summary")).to_contain_text("ETH/USDT 1m")
    expect(page.get_by_test_id("candle-chart")).to_have_attribute("data-trade-markers", POSITIVE)

    # The filter narrows the list; the keyboard walks it and Enter selects.
    page.fill("[data-testid=pair-filter]", "so")
    expect(pairs).to_have_count(1)
    page.fill("[data-testid=pair-filter]", "")
    pairs.first.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    second = pairs.nth(1).get_attribute("data-pair")
    expect(page.get_by_test_id("chart-summary")).to_contain_text(f"{second} 1m")


def test_workspace_on_a_phone_is_tabs(page: Page, bot: Bot) -> None:
    second_trade(bot)
    page.set_viewport_size(PHONE)
    login(page, bot)
    expect(page.get_by_test_id("workspace-tabs")).to_be_visible()
    expect(page.get_by_test_id("candle-chart")).to_be_visible()
    expect(page.get_by_test_id("pair-list")).to_have_count(0)
    screenshot(page, "workspace-phone-chart")
    page.click("[data-testid=tab-pairs]")
    expect(page.get_by_test_id("pair-list").locator("li")).to_have_count(6)
    screenshot(page, "workspace-phone-pairs")
    page.click("[data-testid=tab-trades]")
    screenshot(page, "workspace-phone-trades")
    page.get_by_test_id("open-trades").locator("tr[data-pair='ETH/USDT']").click()
    # Choosing a trade shows its pair's chart.
    expect(page.get_by_test_id("tab-chart")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("chart-summary")).to_contain_text("ETH/USDT 1m")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways at phone width ({width}px)"


def close_trades(bot: Bot, count: int) -> None:
    """At least ``count`` closed trades: a trade the sample signals opened is closed, or one opened on a
    free pair to close."""
    while bot.call("GET", "profit")["closed_trade_count"] < count:
        open_trades = bot.call("GET", "status")
        taken = {trade["pair"] for trade in open_trades}
        trade = next((t for t in open_trades if t["pair"] not in {"BTC/USDT", "ETH/USDT"}), None)
        if trade is None:
            free = next(p for p in ["XRP/USDT", "DOGE/USDT", "SOL/USDT"] if p not in taken)
            trade = bot.call("POST", "forceenter", {"pair": free})
        bot.call("POST", "forceexit", {"tradeid": str(trade["trade_id"])})


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_money_view_shows_currencies_wallet_history_and_periods(page: Page, bot: Bot, viewport: str) -> None:
    close_trades(bot, 2)
    if viewport == "phone":
        page.set_viewport_size(PHONE)
    login(page, bot)
    expect(page.get_by_test_id("workspace")).to_be_visible()
    page.goto(bot.url + "/money")
    balance = bot.call("GET", "balance")
    held = [row["currency"] for row in balance["currencies"] if row["balance"] or row["est_stake"]]
    expect(page.get_by_test_id("currencies").locator("tbody tr")).to_have_count(len(held))
    expect(page.get_by_test_id("currencies").locator("tr[data-currency='USDT']")).to_be_visible()
    expect(page.get_by_test_id("currencies").locator("tr[data-currency='BTC']")).to_be_visible()  # the open trade
    history = bot.call("GET", "historic_balance")
    assert history["length"] >= 3  # the start and two closed trades
    expect(page.get_by_test_id("wallet-last")).to_contain_text(f"{history['length']} points")
    expect(page.get_by_test_id("chart-wallet")).to_be_visible()
    daily = bot.call("GET", "daily?timescale=30")
    expect(page.get_by_test_id("breakdown").locator("tbody tr")).to_have_count(len(daily["data"]))
    page.click("[data-testid=period-weekly]")
    weekly = bot.call("GET", "weekly?timescale=12")
    expect(page.get_by_test_id("breakdown")).to_have_attribute("data-period", "weekly")
    expect(page.get_by_test_id("breakdown").locator("tbody tr")).to_have_count(len(weekly["data"]))
    page.click("[data-testid=period-monthly]")
    expect(page.get_by_test_id("breakdown")).to_have_attribute("data-period", "monthly")
    expect(page.get_by_test_id("chart-breakdown")).to_be_visible()

    # Profit by tag: entry tags, then exit reasons, one row each as the API answers.
    entries = bot.call("GET", "entries")
    expect(page.get_by_test_id("tags").locator("tbody tr")).to_have_count(len(entries))
    page.click("[data-testid=tags-exits]")
    expect(page.get_by_test_id("tags")).to_have_attribute("data-kind", "exits")
    expect(page.get_by_test_id("tags")).to_contain_text("force_exit")

    # Wins and losses as /profit counts them (fewer than 500 closed trades: the page holds all).
    profit = bot.call("GET", "profit")
    shapes = page.get_by_test_id("win-loss")
    expect(shapes).to_have_attribute("data-wins", str(profit["winning_trades"]))
    expect(shapes).to_have_attribute("data-losses", str(profit["losing_trades"]))
    counts = page.get_by_test_id("profit-distribution").locator(".column-count").all_inner_texts()
    assert sum(int(text or 0) for text in counts) == profit["closed_trade_count"]
    screenshot(page, f"money-{viewport}")


@pytest.mark.parametrize(
    ("path", "filled"),
    [
        ("/dashboard", "[data-testid=stat-balance]:has-text('USDT')"),
        ("/trades", "[data-testid=trade-history] tbody tr"),
        ("/chart", "[data-testid=candle-chart][data-candles]"),
        ("/pairs", "[data-testid=whitelist] li"),
        ("/performance", "[data-testid=card-exit-reasons]"),
        ("/logs", "[data-testid=logs] .log-line"),
    ],
)
def test_every_view_fits_a_phone(page: Page, bot: Bot, path: str, filled: str) -> None:
    close_trades(bot, 1)  # the history shows closed trades
    page.set_viewport_size(PHONE)
    login(page, bot)
    expect(page.get_by_test_id("workspace")).to_be_visible()
    page.goto(bot.url + path)
    expect(page.locator(filled).first).to_be_visible()
    expect(page.get_by_test_id("card-error")).to_have_count(0)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path} scrolls sideways at phone width ({width}px)"
    screenshot(page, f"phone{path.replace('/', '-')}")
