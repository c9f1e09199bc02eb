"""The trade history view over 10,000 stored trades: the server pages, sorts and filters; the browser
only ever asks for one page. Trades as ``tests/support/trade_history.py`` builds them (n = 1..10,000)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, Request, expect

from tests.support.trade_history import store_ten_thousand_trades
from tests.ui.conftest import PHONE, Bot, _serve, login, screenshot

pytestmark = pytest.mark.browser

# The bot stays stopped: no trade opens or closes while the test counts.
STOPPED = {"initial_state": "stopped"}
# A page on screen within this long after the click, measured by the page itself (see history.jsx):
# a 25-row answer is a few ms of server work, so this bounds a stall, not a benchmark.
PAGE_TURN_MS = 3000


@pytest.fixture(scope="module")
def big_history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    folder = tmp_path_factory.mktemp("ui-history")
    store_ten_thousand_trades(folder / "ui.sqlite")
    yield from _serve(folder, "trade", first_trade=False, config_changes=STOPPED)


class TradesRequests:
    """The query of every /api/v1/trades request the page makes."""

    def __init__(self, page: Page) -> None:
        self.queries: list[dict[str, str]] = []
        page.on("request", self._seen)

    def _seen(self, request: Request) -> None:
        url = urlparse(request.url)
        if url.path == "/api/v1/trades":
            self.queries.append({key: values[-1] for key, values in parse_qs(url.query).items()})

    @property
    def last(self) -> dict[str, str]:
        return self.queries[-1]


def history_rows(page: Page) -> list[list[str]]:
    rows = page.get_by_test_id("trade-history").locator("tbody tr")
    return [row.locator("td").all_inner_texts() for row in rows.all()]


def page_turn_ms(page: Page) -> int:
    table = page.get_by_test_id("trade-history")
    expect(table).to_have_attribute("data-loading", "false")
    return int(table.get_attribute("data-ms") or "0")


def open_history(page: Page, bot: Bot) -> None:
    login(page, bot)
    page.click("nav >> text=Trades")
    expect(page.get_by_test_id("pager")).to_have_text("page 1 of 400 · 10000 trades")


def test_ten_thousand_trades_page_sort_and_filter_one_page_at_a_time(page: Page, big_history: Bot) -> None:
    requests = TradesRequests(page)
    open_history(page, big_history)
    # Newest close first: trade 9983 (n % 24 == 23) closes 9983 min + 24 h after Feb 1, the latest.
    assert history_rows(page)[0][0] == "9983"
    assert len(history_rows(page)) == 25
    screenshot(page, "history-10k")

    page.click("[data-testid=page-next]")
    expect(page.get_by_test_id("pager")).to_have_text("page 2 of 400 · 10000 trades")
    assert page_turn_ms(page) < PAGE_TURN_MS
    assert requests.last["offset"] == "25"

    # Best ratio first: 0.059 for every n ending in 99, ties newest id first; back on page 1.
    page.click("[data-testid=sort-profit_ratio]")
    expect(page.get_by_test_id("pager")).to_have_text("page 1 of 400 · 10000 trades")
    expect(page.get_by_test_id("trade-history").locator("tbody tr").first.locator("td").first).to_have_text("9999")
    page_turn_ms(page)
    rows = history_rows(page)
    assert [row[0] for row in rows[:3]] == ["9999", "9899", "9799"]
    assert rows[0][11] == "5.90%"
    assert (requests.last["sort"], requests.last["order"]) == ("profit_ratio", "desc")
    page.click("[data-testid=sort-profit_ratio]")  # again: the worst first, -4.00% for n ending in 00
    expect(page.get_by_test_id("trade-history").locator("tbody tr").first.locator("td").first).to_have_text("100")
    assert page_turn_ms(page) < PAGE_TURN_MS

    # Losers of BTC/USDT: n % 4 == 0 and n % 100 < 40, ten in every hundred.
    page.select_option("[data-testid=filter-pair]", "BTC/USDT")
    page.select_option("[data-testid=filter-result]", "loss")
    expect(page.get_by_test_id("pager")).to_have_text("page 1 of 40 · 1000 trades")
    page_turn_ms(page)
    assert {row[1] for row in history_rows(page)} == {"BTC/USDT"}
    assert (requests.last["pair"], requests.last["result"]) == ("BTC/USDT", "loss")
    screenshot(page, "history-10k-filtered")

    # The date picker's "to" day is inclusive; the server's `to` is exclusive: the day after is sent.
    page.fill("[data-testid=filter-from]", "2026-02-01")
    with page.expect_request(lambda request: "to=2026-02-02" in request.url):
        page.fill("[data-testid=filter-to]", "2026-02-01")
    page_turn_ms(page)
    assert (requests.last["from"], requests.last["to"]) == ("2026-02-01", "2026-02-02")
    expect(page.get_by_test_id("pager")).not_to_have_text("page 1 of 40 · 1000 trades")
    assert all(row[9].startswith("2026-02-01") for row in history_rows(page))

    # The history never asked for more than one page. (Its requests all name a sort; the workspace
    # chart shown at login asks for the last 500 trades for its markers, bounded but not ours.)
    history_queries = [query for query in requests.queries if "sort" in query]
    assert len(history_queries) >= 6
    assert all(int(query["limit"]) <= 25 for query in history_queries), history_queries


def test_filters_survive_a_reload_and_the_csv_holds_every_trade_they_match(
    page: Page, big_history: Bot, tmp_path: Path
) -> None:
    open_history(page, big_history)
    page.select_option("[data-testid=filter-pair]", "BTC/USDT")
    page.select_option("[data-testid=filter-result]", "loss")
    page.click("[data-testid=page-next]")
    expect(page.get_by_test_id("pager")).to_have_text("page 2 of 40 · 1000 trades")
    page_turn_ms(page)
    # The choices are in the address: a reload (or a shared link) shows the same page.
    assert "pair=BTC%2FUSDT" in page.url and "result=loss" in page.url and "page=2" in page.url
    page.reload()
    expect(page.get_by_test_id("pager")).to_have_text("page 2 of 40 · 1000 trades")
    expect(page.get_by_test_id("filter-pair")).to_have_value("BTC/USDT")
    with page.expect_download() as download:
        page.click("[data-testid=export-csv]")
    saved = tmp_path / "trades.csv"
    download.value.save_as(saved)
    lines = saved.read_text().splitlines()
    assert len(lines) == 1 + 1000
    assert lines[0].startswith("id,pair,side,status,enter_tag,exit_reason,")
    assert all(",BTC/USDT,long,closed,tag,stop_loss," in line for line in lines[1:])


def test_page_size_and_a_phone_screen(page: Page, big_history: Bot) -> None:
    requests = TradesRequests(page)
    open_history(page, big_history)
    page.select_option("[data-testid=page-size]", "100")
    expect(page.get_by_test_id("pager")).to_have_text("page 1 of 100 · 10000 trades")
    page_turn_ms(page)
    assert len(history_rows(page)) == 100
    assert requests.last["limit"] == "100"  # the page size chosen, never the whole history
    screenshot(page, "history-10k-desktop")
    page.click("[data-testid=theme]")
    screenshot(page, "history-10k-desktop-other-theme")
    page.set_viewport_size(PHONE)
    page.select_option("[data-testid=page-size]", "25")
    expect(page.get_by_test_id("pager")).to_have_text("page 1 of 400 · 10000 trades")
    page.click("[data-testid=page-next]")
    expect(page.get_by_test_id("pager")).to_have_text("page 2 of 400 · 10000 trades")
    # On a phone the table keeps id, pair, close ("MM-DD HH:MM") and profit, and needs no sideways scroll.
    page_turn_ms(page)
    wrap = page.get_by_test_id("trade-history").locator("xpath=..")
    assert wrap.evaluate("(element) => element.scrollWidth <= element.clientWidth")
    screenshot(page, "history-10k-phone")
