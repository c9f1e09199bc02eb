"""``PairlistChain``: the configured handlers run in order, then the blacklist.

The loop calls ``refresh`` once per iteration. Tickers are fetched once for all handlers and kept for
the longest ``refresh_period`` a ticker-reading handler asks for (never longer than 30 minutes, as a
stale volume ranking would be); candles read by handlers are cached for the whole refresh.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from ftserver.bot.pairlist import Blacklist
from ftserver.bot.pairlists.handler import PairlistContext, PairlistHandler
from ftserver.bot.pairlists.registry import HANDLERS
from ftserver.data.timeframes import timeframe_to_ms
from ftserver.exchange.base import Candle, MarketData, Ticker

TICKER_TTL_SECS = 1800.0


class PairlistChain:
    def __init__(
        self,
        methods: Sequence[tuple[str, Mapping[str, Any]]],
        *,
        blacklist: Blacklist,
    ) -> None:
        if not methods:
            methods = [("StaticPairList", {})]
        self.handlers: list[PairlistHandler] = []
        for method, options in methods:
            self.handlers.append(HANDLERS[method](options))
        if not self.handlers[0].IS_GENERATOR:
            raise ValueError(f"{self.handlers[0].name} is a filter: a pairlist chain starts with a generator")
        self.blacklist = blacklist
        self.needs_tickers = any(h.NEEDS_TICKERS for h in self.handlers)
        self.follows_producers = any(h.name == "ProducerPairList" for h in self.handlers)
        self._tickers: dict[str, Ticker] = {}
        self._tickers_at: datetime | None = None
        # How many times tickers were fetched (the benchmark and tests read it).
        self.ticker_fetches = 0

    @property
    def names(self) -> list[str]:
        return [h.name for h in self.handlers]

    async def tickers(self, market: MarketData, now: datetime) -> dict[str, Ticker]:
        if not self.needs_tickers:
            return {}
        if self._tickers_at is None or (now - self._tickers_at).total_seconds() >= TICKER_TTL_SECS:
            self._tickers = await market.fetch_tickers(None)
            self._tickers_at = now
            self.ticker_fetches += 1
        return self._tickers

    async def evaluate(self, ctx: PairlistContext) -> list[str]:
        """The whitelist: generator, filters in order, then the blacklist."""
        head, *rest = self.handlers
        ctx.blacklisted = frozenset(self.blacklist.matching(ctx.markets.keys()))
        pairs = await head.generate(ctx)
        for handler in rest:
            pairs = await handler.filter(pairs, ctx)
        blocked = set(self.blacklist.matching(pairs))
        return [p for p in pairs if p not in blocked]


def candle_reader(market: MarketData, now: datetime) -> Callable[[str, str, int], Awaitable[list[Candle]]]:
    """Closed candles, newest ``count`` of them, each (pair, timeframe, count) fetched once per reader."""
    cache: dict[tuple[str, str, int], list[Candle]] = {}
    now_ms = int(now.timestamp() * 1000)

    async def read(pair: str, timeframe: str, count: int) -> list[Candle]:
        key = (pair, timeframe, count)
        if key not in cache:
            step = timeframe_to_ms(timeframe)
            forming = now_ms - now_ms % step
            rows = await market.fetch_ohlcv(pair, timeframe, since_ms=forming - count * step, limit=count + 1)
            cache[key] = [row for row in rows if row[0] < forming][-count:]
        return cache[key]

    return read


def options_of(entries: Iterable[Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(method, options) of each configured ``PairlistSettings``."""
    return [(entry.method, entry.options) for entry in entries]
