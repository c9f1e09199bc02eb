from __future__ import annotations

from typing import Any, cast

import pytest

from ftserver.bot.pricing import Prices
from ftserver.errors import ExchangeError
from ftserver.exchange.base import MarketData, Ticker


class TickerBoard:
    """Answers ``fetch_tickers`` from a fixed board and counts the requests."""

    def __init__(self, tickers: dict[str, Ticker]) -> None:
        self.tickers = tickers
        self.requests: list[list[str]] = []

    async def fetch_tickers(self, pairs: list[str]) -> dict[str, Ticker]:
        self.requests.append(pairs)
        return {p: self.tickers[p] for p in pairs if p in self.tickers}


def prices(board: TickerBoard) -> Prices:
    return Prices(cast(MarketData, cast(Any, board)))


async def test_entry_and_exit_prices_come_from_the_configured_book_side() -> None:
    board = TickerBoard({"BTC/USDT": Ticker("BTC/USDT", 0, last=100.0, bid=99.0, ask=101.0)})
    p = prices(board)
    await p.refresh(["BTC/USDT"])
    assert p.entry_price("BTC/USDT", "same") == 99.0  # a buy waits on the bid side
    assert p.entry_price("BTC/USDT", "ask") == 101.0
    assert p.exit_price("BTC/USDT", "same") == 101.0  # a sell waits on the ask side
    assert p.exit_price("BTC/USDT", "other") == 99.0
    assert p.rate("BTC/USDT") == 100.0 and p.rates() == {"BTC/USDT": 100.0}


async def test_a_book_side_without_a_quote_falls_back_to_the_last_rate() -> None:
    board = TickerBoard({"BTC/USDT": Ticker("BTC/USDT", 0, last=100.0)})
    p = prices(board)
    await p.refresh(["BTC/USDT"])
    assert p.entry_price("BTC/USDT", "ask") == 100.0


async def test_no_price_before_the_first_ticker_and_no_request_for_no_pairs() -> None:
    board = TickerBoard({})
    p = prices(board)
    await p.refresh([])
    assert board.requests == []
    with pytest.raises(ExchangeError):
        p.entry_price("BTC/USDT", "same")
