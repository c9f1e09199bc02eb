"""Downloading candle history into the candle store, page by page, through any ``MarketData``.

Each page is stored as soon as it arrives, so an interrupted download resumes from the last stored
candle. Only closed candles are stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from ftserver.core.clock import Clock
from ftserver.data.frames import candles_to_frame
from ftserver.data.history import CandleStore
from ftserver.data.timeframes import timeframe_to_ms
from ftserver.data.timerange import TimeRange
from ftserver.exchange.base import MarketData

log = logging.getLogger(__name__)

# (pair, timeframe, candles stored so far, fraction of the range done 0..1)
Progress = Callable[[str, str, int, float], None]


@dataclass(frozen=True, slots=True)
class DownloadResult:
    pair: str
    timeframe: str
    added: int
    resumed_from_ms: int | None


async def download_candles(
    market: MarketData,
    store: CandleStore,
    pair: str,
    timeframe: str,
    timerange: TimeRange,
    *,
    clock: Clock,
    candle_type: str = "spot",
    page_limit: int = 1000,
    progress: Progress | None = None,
) -> DownloadResult:
    step = timeframe_to_ms(timeframe)
    now_ms = int(clock.now().timestamp() * 1000)
    stop_ms = min(timerange.stop_ms or now_ms, now_ms)
    start_ms = timerange.start_ms if timerange.start_ms is not None else stop_ms - 30 * 86_400_000
    last = store.last_date(pair, timeframe, candle_type)
    resumed = None
    if last is not None:
        last_ms = int(last.timestamp() * 1000)
        if start_ms <= last_ms:
            resumed = last_ms + step
            start_ms = resumed
    added = 0
    cursor = start_ms
    span = max(stop_ms - start_ms, 1)
    while cursor < stop_ms:
        rows = await market.fetch_ohlcv(pair, timeframe, since_ms=cursor, limit=page_limit)
        # Keep closed candles inside the range only.
        rows = [r for r in rows if cursor <= r[0] < stop_ms and r[0] + step <= now_ms]
        if not rows:
            break
        added += store.append(pair, timeframe, candles_to_frame(rows), candle_type)
        cursor = int(rows[-1][0]) + step
        if progress:
            progress(pair, timeframe, added, min(1.0, (cursor - start_ms) / span))
    if progress:
        progress(pair, timeframe, added, 1.0)
    return DownloadResult(pair, timeframe, added, resumed)
