"""A MarketData whose prices the test sets by hand, for scenarios that need exact numbers.

Candles are flat at the current price of each pair, one per minute, up to the clock's now; the
ticker's bid/ask straddle the price by ``spread``. Everything else behaves like a real market.
"""

from __future__ import annotations

from ftserver.core.clock import Clock
from ftserver.data.timeframes import timeframe_to_ms
from ftserver.errors import InvalidRequest
from ftserver.exchange.base import Candle, Market, OrderBook, Ticker


class ScriptedMarket:
    def __init__(self, clock: Clock, prices: dict[str, float], *, spread: float = 0.0, fee: float = 0.001) -> None:
        self.clock = clock
        self.prices = dict(prices)
        self.spread = spread
        self._markets = {
            pair: Market(
                symbol=pair,
                base=pair.split("/")[0],
                quote=pair.split("/")[1],
                amount_precision=0.0001,
                price_precision=0.0001,
                min_cost=1.0,
                maker_fee=fee,
                taker_fee=fee,
            )
            for pair in prices
        }
        # Lows/highs seen per pair since the test last moved the price (what a limit order could fill on).
        self._history: dict[str, list[tuple[int, float]]] = {pair: [] for pair in prices}

    @property
    def id(self) -> str:
        return "scripted"

    @property
    def markets(self) -> dict[str, Market]:
        return self._markets

    @property
    def timeframes(self) -> list[str]:
        return ["1m", "5m", "1h"]

    def set_price(self, pair: str, price: float) -> None:
        self.prices[pair] = price
        self._history[pair].append((self._now_ms(), price))

    def _now_ms(self) -> int:
        return int(self.clock.now().timestamp() * 1000)

    def _price(self, pair: str) -> float:
        if pair not in self.prices:
            raise InvalidRequest(f"Pair {pair} is not available on scripted")
        return self.prices[pair]

    async def load_markets(self, reload: bool = False) -> dict[str, Market]:
        return self._markets

    async def fetch_ohlcv(
        self, pair: str, timeframe: str, since_ms: int | None = None, limit: int | None = None
    ) -> list[Candle]:
        price = self._price(pair)
        step = timeframe_to_ms(timeframe)
        now = self._now_ms()
        last = now - now % step  # the open time of the candle under way
        count = limit or 500
        start = since_ms if since_ms is not None else last - (count - 1) * step
        start -= start % step
        rows: list[Candle] = []
        ts = start
        while ts <= last and len(rows) < count:
            low = min([price, *(p for t, p in self._history[pair] if ts <= t < ts + step)])
            high = max([price, *(p for t, p in self._history[pair] if ts <= t < ts + step)])
            rows.append([float(ts), price, high, low, price, 100.0])
            ts += step
        return rows

    async def fetch_ticker(self, pair: str) -> Ticker:
        price = self._price(pair)
        half = price * self.spread / 2
        return Ticker(symbol=pair, timestamp=self._now_ms(), last=price, bid=price - half, ask=price + half)

    async def fetch_tickers(self, pairs: list[str] | None = None) -> dict[str, Ticker]:
        return {pair: await self.fetch_ticker(pair) for pair in (pairs or list(self.prices))}

    async def fetch_order_book(self, pair: str, limit: int = 20) -> OrderBook:
        price = self._price(pair)
        return OrderBook(symbol=pair, timestamp=self._now_ms(), bids=[(price, 1.0)], asks=[(price, 1.0)])

    async def close(self) -> None:
        return None
