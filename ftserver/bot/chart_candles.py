"""``ChartCandles``: plain candles of any timeframe for charts, fetched from the market on demand.

The strategy analyzes one timeframe; a chart may ask for any other. Those candles come straight
from the market (closed candles only, like the analyzed ones), and since charts poll every few
seconds each (pair, timeframe) is kept for a short while: until its timeframe's next candle closes,
and never longer than ``max_age``. Requests for the same key while a fetch runs wait for that fetch.
At most ``concurrency`` fetches run at once and ``max_entries`` keys are kept (least recently used
go first), so a chart cannot make the bot hammer the exchange or hold more than that many frames.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from datetime import datetime, timedelta

import pandas as pd

from ftserver.core.clock import Clock
from ftserver.data.frames import candles_to_frame, drop_incomplete_candle
from ftserver.data.timeframes import timeframe_to_ms
from ftserver.errors import InvalidRequest, NotFound
from ftserver.exchange.base import MarketData

Key = tuple[str, str]


class ChartCandles:
    def __init__(
        self,
        market: MarketData,
        clock: Clock,
        *,
        max_entries: int = 64,
        max_age: timedelta = timedelta(seconds=30),
        concurrency: int = 2,
    ) -> None:
        self.market = market
        self.clock = clock
        self.max_entries = max_entries
        self.max_age = max_age
        self._slots = asyncio.Semaphore(concurrency)
        # (pair, timeframe) -> (closed candles, how many were asked for, when they were fetched)
        self._kept: OrderedDict[Key, tuple[pd.DataFrame, int, datetime]] = OrderedDict()
        self._running: dict[tuple[str, str, int], asyncio.Future[tuple[pd.DataFrame, int, datetime]]] = {}
        self.fetches = 0  # exchange requests made: what the cache saves is visible in tests and logs

    def check(self, pair: str, timeframe: str) -> None:
        """``InvalidRequest`` for a timeframe the exchange does not offer, ``NotFound`` for an unknown pair."""
        offered = self.market.timeframes
        if offered and timeframe not in offered:  # an exchange that lists none is asked anyway
            raise InvalidRequest(
                f"Timeframe '{timeframe}' is not offered by {self.market.id}; it offers {', '.join(offered)}"
            )
        if pair not in self.market.markets:
            raise NotFound(f"{pair} is not a market of {self.market.id}")

    async def candles(self, pair: str, timeframe: str, limit: int) -> tuple[pd.DataFrame, datetime]:
        """The newest ``limit`` closed candles of ``pair`` and when they were fetched."""
        self.check(pair, timeframe)
        key = (pair, timeframe)
        kept = self._kept.get(key)
        if kept is not None and kept[1] >= limit and self._fresh(timeframe, kept[2]):
            self._kept.move_to_end(key)
            return kept[0].tail(limit), kept[2]
        asked = (pair, timeframe, limit)
        running = self._running.get(asked)
        if running is None:
            running = asyncio.ensure_future(self._fetch(pair, timeframe, limit))
            self._running[asked] = running
            running.add_done_callback(lambda done: self._finished(asked, done))
        # Shielded: one waiter that gives up (a closed HTTP request) does not cancel the others' fetch.
        frame, _limit, fetched_at = await asyncio.shield(running)
        return frame.tail(limit), fetched_at

    def _finished(self, asked: tuple[str, str, int], done: asyncio.Future[tuple[pd.DataFrame, int, datetime]]) -> None:
        self._running.pop(asked, None)
        if not done.cancelled():
            done.exception()  # read here too: every waiter may have gone before the fetch failed

    def _fresh(self, timeframe: str, fetched_at: datetime) -> bool:
        now = self.clock.now()
        if now - fetched_at >= self.max_age:
            return False
        step = timeframe_to_ms(timeframe)
        return int(now.timestamp() * 1000) // step == int(fetched_at.timestamp() * 1000) // step

    async def _fetch(self, pair: str, timeframe: str, limit: int) -> tuple[pd.DataFrame, int, datetime]:
        async with self._slots:
            # One more than asked: the newest row may be the forming candle, which is dropped.
            rows = await self.market.fetch_ohlcv(pair, timeframe, limit=limit + 1)
            self.fetches += 1
        fetched_at = self.clock.now()
        frame = drop_incomplete_candle(candles_to_frame(rows), timeframe, int(fetched_at.timestamp() * 1000))
        entry = (frame.tail(limit).reset_index(drop=True), limit, fetched_at)
        self._kept[(pair, timeframe)] = entry
        self._kept.move_to_end((pair, timeframe))
        while len(self._kept) > self.max_entries:
            self._kept.popitem(last=False)
        return entry
