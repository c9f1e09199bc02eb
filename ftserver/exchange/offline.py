"""``OfflineMarket``: what the two offline markets share — the generated one and the replay of candle files.

Neither does I/O once built or needs credentials, and both answer as one exchange, ``sim``. A pair is
listed with the precision and limits a real exchange would give it at its price; the ticker is the
current price with a narrow spread around it and the last day's range and volume; the order book
stands on the tick grid outside that spread. Only where candles and the current price come from
differs, so that is all a subclass supplies: ``candles``, ``price`` and ``day_candles``.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod

from ftserver.core.clock import Clock, SystemClock
from ftserver.errors import InvalidRequest
from ftserver.exchange.base import Candle, Market, OrderBook, Ticker

MINUTE_MS = 60_000
DAY_MS = 86_400_000
DEFAULT_LIMIT = 500
# The most one request answers: above the bot's first fetch (1,500 closed candles and the forming one).
MAX_LIMIT = 2000
SPREAD = 0.0001
# Candles open at multiples of their length since the epoch (as ``ftserver.data.timeframes`` aligns
# them), so weekly candles open on Thursdays, unlike Binance's Monday weeks.
TIMEFRAMES = ["1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w"]


def tick_for(price: float) -> float:
    """A price tick like real exchanges use: a cent for large prices, five significant digits for small ones."""
    return min(0.01, float(f"1e{math.floor(math.log10(price)) - 4}"))


def listing(pair: str, price: float, fee: float) -> Market:
    """``pair`` as an exchange lists it when it trades near ``price``."""
    base, _, quote = pair.partition("/")
    if not base or not quote:
        raise InvalidRequest(f"Invalid pair '{pair}': expected BASE/QUOTE")
    step = float(f"1e{math.floor(math.log10(1 / price))}")  # one amount step is worth at most about one quote unit
    return Market(
        symbol=pair,
        base=base,
        quote=quote,
        amount_precision=step,
        price_precision=tick_for(price),
        min_amount=step,
        min_cost=5.0,
        maker_fee=fee,
        taker_fee=fee,
    )


def candle_window(
    step: int, newest_open: int, history_start: int, since_ms: int | None, limit: int | None
) -> tuple[int, int] | None:
    """(first, last) open time of the candles a request gets, or None when there are none.

    Without ``since_ms`` the newest ``limit`` candles up to ``newest_open``; with it, ``limit``
    candles from the first one opening at or after ``since_ms``. Never before ``history_start``.
    """
    count = min(limit or DEFAULT_LIMIT, MAX_LIMIT)
    history_start -= history_start % step
    if since_ms is None:
        start = max(newest_open - (count - 1) * step, history_start)
    else:
        start = max(since_ms, history_start)
        start += (-start) % step  # first candle that opens at or after since_ms
    if start > newest_open:
        return None
    return start, min(newest_open, start + (count - 1) * step)


class OfflineMarket(ABC):
    def __init__(self, *, clock: Clock | None, fee: float, history_days: int) -> None:
        self.clock = clock or SystemClock()
        self.fee = fee
        self.history_days = history_days
        self._markets: dict[str, Market] = {}

    # ---- what a subclass supplies ------------------------------------------------------------
    @abstractmethod
    def candles(self, pair: str, timeframe: str, since_ms: int | None = None, limit: int | None = None) -> list[Candle]:
        """Synchronous form of ``fetch_ohlcv`` (nothing here does I/O)."""

    @abstractmethod
    def price(self, pair: str) -> float:
        """The current price of ``pair``."""

    @abstractmethod
    def day_candles(self, pair: str) -> list[Candle]:
        """Candles covering the last 24 hours: the ticker's high, low and volume."""

    # ---- MarketData --------------------------------------------------------------------------
    @property
    def id(self) -> str:
        return "sim"

    @property
    def markets(self) -> dict[str, Market]:
        return self._markets

    @property
    def timeframes(self) -> list[str]:
        return list(TIMEFRAMES)

    async def load_markets(self, reload: bool = False) -> dict[str, Market]:
        return self._markets

    def spread(self, pair: str) -> float:
        """The ticker's ``ask - bid`` as a share of the price."""
        return SPREAD

    def _now_ms(self) -> int:
        return int(self.clock.now().timestamp() * 1000)

    def _history_start(self, now_ms: int) -> int:
        return now_ms - self.history_days * DAY_MS

    async def fetch_ohlcv(
        self, pair: str, timeframe: str, since_ms: int | None = None, limit: int | None = None
    ) -> list[Candle]:
        return self.candles(pair, timeframe, since_ms, limit)

    async def fetch_ticker(self, pair: str) -> Ticker:
        last = self.price(pair)
        tick = self._markets[pair].price_precision or 0.0
        half = max(last * self.spread(pair) / 2, tick)
        day = self.day_candles(pair)
        return Ticker(
            symbol=pair,
            timestamp=self._now_ms(),
            last=last,
            bid=last - half,
            ask=last + half,
            high=max(c[2] for c in day) if day else last,
            low=min(c[3] for c in day) if day else last,
            base_volume=sum(c[5] for c in day) if day else 0.0,
            quote_volume=sum(c[5] * c[4] for c in day) if day else 0.0,
            percentage=(last / day[0][1] - 1) * 100 if day and day[0][1] else None,
        )

    async def fetch_tickers(self, pairs: list[str] | None = None) -> dict[str, Ticker]:
        return {pair: await self.fetch_ticker(pair) for pair in (pairs or list(self._markets))}

    async def fetch_order_book(self, pair: str, limit: int = 20) -> OrderBook:
        ticker = await self.fetch_ticker(pair)
        tick = self._markets[pair].price_precision or ticker.last * 1e-5
        # Levels sit on the tick grid, outside the ticker's bid/ask, and get deeper away from the touch.
        best_bid = math.floor((ticker.bid or ticker.last) / tick) * tick
        best_ask = math.ceil((ticker.ask or ticker.last) / tick) * tick
        size = 1000 / ticker.last
        digits = max(0, -math.floor(math.log10(tick))) + 2
        bids = [(round(best_bid - i * tick, digits), size * (1 + i * 0.5)) for i in range(limit)]
        asks = [(round(best_ask + i * tick, digits), size * (1 + i * 0.5)) for i in range(limit)]
        return OrderBook(symbol=pair, timestamp=ticker.timestamp, bids=bids, asks=asks)

    async def close(self) -> None:
        return None
