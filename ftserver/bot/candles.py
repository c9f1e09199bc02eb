"""The live candle feed: newly closed candles fetched into the cache, analyzed off the event loop,
and the newest analyzed candle's signals read once per candle.

Fetching is concurrent (bounded by ``fetch_concurrency``); analysis of all pairs runs in one
worker-thread call, one hop off the event loop instead of one per pair, so the API stays responsive
and pandas does not contend with itself for the GIL.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, cast

import pandas as pd

from ftserver.core import messages
from ftserver.core.bus import MessageBus
from ftserver.core.clock import Clock
from ftserver.data.cache import CandleCache
from ftserver.data.frames import candles_to_frame, drop_incomplete_candle
from ftserver.data.timeframes import timeframe_to_ms
from ftserver.errors import FtServerError
from ftserver.exchange.base import MarketData
from ftserver.strategy.safe import SafeStrategy

log = logging.getLogger(__name__)

# (entry side, enter tag, exit signal for longs, exit tag) of the newest analyzed candle.
Signals = tuple[str | None, str | None, bool, str | None]
NO_SIGNALS: Signals = (None, None, False, None)


class CandleFeed:
    def __init__(
        self, market: MarketData, bus: MessageBus, clock: Clock, cache: CandleCache, *, fetch_concurrency: int
    ) -> None:
        self.market = market
        self.bus = bus
        self.clock = clock
        self.cache = cache
        self._slots = asyncio.Semaphore(fetch_concurrency)
        # The newest candle's signals per pair, with the analyzed frame and strategy they were read
        # from: every iteration asks for every pair, and a frame only changes once per candle.
        self._signals: dict[str, tuple[pd.DataFrame, Any, Signals]] = {}

    def reset(self) -> None:
        """Forget every candle (a reloaded strategy with another timeframe starts afresh)."""
        self.cache = CandleCache(max_rows=self.cache.max_rows)
        self._signals.clear()

    async def refresh(
        self, pairs: list[str], strategy: SafeStrategy, informative: Iterable[tuple[str, str]] = ()
    ) -> None:
        """Fetch new closed candles for every pair (and the ``informative`` (pair, timeframe) keys), then
        analyze the pairs that got one (every pair when the strategy does not process only new candles)."""
        timeframe = str(strategy.strategy.timeframe)
        startup = int(strategy.strategy.startup_candle_count)
        # Informative candles are fetched with the whitelist's, before any analysis reads them; each
        # (pair, timeframe) only once, and only when a candle of its timeframe closed.
        keys = [(pair, timeframe) for pair in pairs]
        own = set(keys)
        keys += [key for key in dict.fromkeys(informative) if key not in own]
        # Pairs that left the whitelist (and hold no open trade) are not refreshed any more: their
        # candles would only take memory and be served stale.
        self.cache.retain({(pair, tf, "spot") for pair, tf in keys})
        for pair in [pair for pair in self._signals if (pair, timeframe) not in own]:
            del self._signals[pair]
        # A first fetch of the strategy's timeframe fills the cache (and one more for the forming
        # candle, dropped), so a chart shows its whole length from the start: steady state holds that
        # many anyway. Informative timeframes only need what the analysis reads.
        first = {timeframe: self.cache.max_rows + 1}
        informative_first = max(startup + 200, 300)
        results = await asyncio.gather(
            *(self._fetch(pair, tf, first.get(tf, informative_first)) for pair, tf in keys), return_exceptions=True
        )
        fresh: list[str] = []
        for (pair, tf), result in zip(keys, results, strict=True):
            if isinstance(result, BaseException):
                if not isinstance(result, Exception):
                    raise result
                shown = pair if tf == timeframe else f"{pair} {tf}"
                log.warning("Could not refresh %s: %s", shown, result)
                self.bus.publish(messages.warning(f"Could not refresh {shown}: {result}"))
            elif result and (pair, tf) in own:
                fresh.append(pair)
        new_candles = set(fresh)
        if not strategy.strategy.process_only_new_candles:
            # The strategy reads more than candles (tickers, order books): analyze every pair each time.
            fresh = [pair for pair in pairs if self.cache.last_candle_date(pair, timeframe) is not None]
        if not fresh:
            return
        frames = {pair: self.cache.ohlcv(pair, timeframe) for pair in fresh}
        analyzed = await asyncio.to_thread(_analyze_all, strategy, frames)
        analyzed_at = self.clock.now()
        for pair, frame in analyzed.items():
            if isinstance(frame, FtServerError):
                log.warning("%s", frame)
                self.bus.publish(messages.warning(str(frame)))
                continue
            self.cache.set_analyzed(pair, timeframe, frame, analyzed_at)
            if pair in new_candles:
                self.bus.publish(messages.new_candle(pair, timeframe))
            self.bus.publish(messages.analyzed_df(pair, timeframe, "spot", frame.tail(1), analyzed_at))

    async def _fetch(self, pair: str, timeframe: str, first_limit: int) -> bool:
        """Merge newly closed candles of ``pair`` into the cache (``first_limit`` of them when it holds
        none yet). True when a new candle closed."""
        step = timeframe_to_ms(timeframe)
        now_ms = int(self.clock.now().timestamp() * 1000)
        last = self.cache.last_candle_date(pair, timeframe)
        async with self._slots:
            if last is None:
                candles = await self.market.fetch_ohlcv(pair, timeframe, limit=first_limit)
            else:
                last_ms = int(last.timestamp() * 1000)
                if now_ms < last_ms + 2 * step:
                    return False  # the next candle has not closed yet
                candles = await self.market.fetch_ohlcv(pair, timeframe, since_ms=last_ms + step)
        frame = drop_incomplete_candle(candles_to_frame(candles), timeframe, now_ms)
        return not frame.empty and self.cache.update_ohlcv(pair, timeframe, frame)

    def signals(self, pair: str, strategy: SafeStrategy) -> Signals:
        """The newest analyzed candle's signals for ``pair`` (none before its first analysis)."""
        analyzed = self.cache.analyzed(pair, str(strategy.strategy.timeframe))
        if analyzed is None or analyzed[0].empty:
            return NO_SIGNALS
        frame, user = analyzed[0], strategy.strategy
        known = self._signals.get(pair)
        if known is not None and known[0] is frame and known[1] is user:
            return known[2]
        side, tag = user.entry_signal(frame)
        exit_long, exit_tag = user.exit_signal(frame, False)
        found: Signals = (side, tag, exit_long, exit_tag)
        self._signals[pair] = (frame, user, found)
        return found

    def newest_candle(self, pair: str, timeframe: str) -> datetime | None:
        """When the newest analyzed candle of ``pair`` opened (None before its first analysis)."""
        analyzed = self.cache.analyzed(pair, timeframe)
        if analyzed is None or analyzed[0].empty:
            return None
        return cast(pd.Timestamp, analyzed[0]["date"].iat[-1]).to_pydatetime()


def _analyze_all(
    strategy: SafeStrategy, frames: Mapping[str, pd.DataFrame | None]
) -> dict[str, pd.DataFrame | FtServerError]:
    """Runs in a worker thread: no event-loop state is touched here."""
    out: dict[str, pd.DataFrame | FtServerError] = {}
    for pair, frame in frames.items():
        if frame is None:
            continue
        try:
            out[pair] = strategy.analyze_sync(frame, pair)
        except FtServerError as exc:
            out[pair] = exc
    return out
