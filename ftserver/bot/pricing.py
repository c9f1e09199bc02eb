"""The current prices the live loop trades at: the last rate and ticker of each pair it watches, and
the entry and exit prices on the book side the config names (``entry_pricing`` / ``exit_pricing``)."""

from __future__ import annotations

from ftserver.errors import ExchangeError
from ftserver.exchange.base import MarketData, Ticker


class Prices:
    def __init__(self, market: MarketData) -> None:
        self.market = market
        self._rates: dict[str, float] = {}
        self._tickers: dict[str, Ticker] = {}

    async def refresh(self, pairs: list[str]) -> None:
        """Fetch the tickers of ``pairs`` (nothing to fetch: no request)."""
        if not pairs:
            return
        for pair, ticker in (await self.market.fetch_tickers(pairs)).items():
            self._rates[pair] = ticker.last
            self._tickers[pair] = ticker

    def rate(self, pair: str) -> float | None:
        return self._rates.get(pair)

    def rates(self) -> dict[str, float]:
        return dict(self._rates)

    def ticker(self, pair: str) -> Ticker | None:
        return self._tickers.get(pair)

    def entry_price(self, pair: str, price_side: str) -> float:
        """A buy's price: the ask for "ask"/"other", else the bid (it waits on the bid side of the book)."""
        ticker, rate = self._quote(pair)
        if price_side in ("ask", "other"):
            return ticker.ask or rate
        return ticker.bid or rate

    def exit_price(self, pair: str, price_side: str) -> float:
        """A sell's price: the bid for "bid"/"other", else the ask."""
        ticker, rate = self._quote(pair)
        if price_side in ("bid", "other"):
            return ticker.bid or rate
        return ticker.ask or rate

    def _quote(self, pair: str) -> tuple[Ticker, float]:
        ticker, rate = self._tickers.get(pair), self._rates.get(pair)
        if ticker is None or rate is None:
            raise ExchangeError(f"No price for {pair} yet")
        return ticker, rate
