"""The Backtest view against `ftserver webserver`: stored results listed, loaded (metrics, tables, equity
curve) and deleted; the run form's request. Desktop and phone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from ftserver.backtest import storage
from tests.ui.conftest import PHONE, Bot, login, screenshot
from tests.unit.backtest import sample

pytestmark = pytest.mark.browser


def _stored(webserver: Bot, moment: datetime) -> str:
    results = webserver.folder / "user_data" / "backtest_results"
    results.mkdir(parents=True, exist_ok=True)
    path, _ = storage.save_backtest(
        results, [sample.run()], candles=sample.candles(), config={"stake_currency": "USDT"}, moment=moment
    )
    return path.stem


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_stored_result_is_listed_loaded_and_deleted(page: Page, webserver: Bot, viewport: str) -> None:
    if viewport == "phone":
        page.set_viewport_size(PHONE)
    stem = _stored(webserver, datetime(2024, 4, 2, 9, 30, 5 if viewport == "desktop" else 6, tzinfo=UTC))
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, webserver)
    page.click("nav >> text=Backtest")
    expect(page.get_by_test_id("bt-strategy")).to_contain_text("UiQuickStrategy")
    expect(page.get_by_test_id("bt-start")).to_be_enabled()
    row = page.locator(f"[data-testid=bt-history] tr[data-file='{stem}']")
    expect(row).to_contain_text("SampleStrategy")
    row.get_by_test_id("bt-load").click()
    result = page.get_by_test_id("bt-result")
    expect(result).to_contain_text("SampleStrategy")
    # sample.run(): 40 trades over BTC, ETH, XRP and SOL on 1h candles.
    expect(page.get_by_test_id("bt-trades")).to_have_text("40")
    expect(page.get_by_test_id("bt-pairs").locator("tbody tr")).to_have_count(5)  # four pairs and TOTAL
    expect(page.get_by_test_id("bt-exits")).to_contain_text("roi")
    expect(page.get_by_test_id("bt-equity")).to_be_visible()
    screenshot(page, f"backtest-result-{viewport}")
    row.get_by_test_id("bt-delete").click()
    expect(row).to_have_count(0)
    expect(result).to_have_count(0)
    assert all(entry["filename"] != stem for entry in webserver.call("GET", "backtest/history"))


def test_a_run_the_server_refuses_shows_its_reason_and_starts_nothing(page: Page, webserver: Bot) -> None:
    login(page, webserver)
    page.click("nav >> text=Backtest")
    expect(page.get_by_test_id("bt-start")).to_be_enabled()
    # A timerange that cannot be: the server's 400 names the key, and nothing starts.
    page.fill("[data-testid=bt-from]", "2026-03-05")
    page.fill("[data-testid=bt-to]", "2026-03-01")
    page.get_by_test_id("bt-start").click()
    expect(page.get_by_test_id("notice").first).to_contain_text("timerange")
    assert webserver.call("GET", "backtest")["status"] == "not_started"


def test_a_backtest_runs_with_progress_and_shows_its_result_and_trades(page: Page, webserver: Bot) -> None:
    login(page, webserver)
    page.click("nav >> text=Backtest")
    expect(page.get_by_test_id("bt-start")).to_be_enabled()
    page.select_option("[data-testid=bt-timeframe]", "5m")  # the candles stored for the tests
    page.get_by_test_id("bt-start").click()
    result = page.get_by_test_id("bt-result")
    expect(result).to_be_visible(timeout=120_000)
    expect(result).to_contain_text("UiQuickStrategy")
    answer = webserver.call("GET", "backtest")
    stats = answer["backtest_result"]["strategy"]["UiQuickStrategy"]
    expect(page.get_by_test_id("bt-trades")).to_have_text(str(stats["total_trades"]))
    expect(page.get_by_test_id("bt-pairs")).to_contain_text("BTC/USDT")
    # The trades on the pair's stored-history chart.
    expect(page.get_by_test_id("chart-summary")).to_contain_text("trade markers")
    expect(page.get_by_test_id("chart-summary")).not_to_contain_text(" 0 trade markers")
    screenshot(page, "backtest-run")
    stored = {entry["filename"] for entry in webserver.call("GET", "backtest/history")}
    assert answer["backtest_result"]["metadata"]["UiQuickStrategy"]["filename"] in stored
