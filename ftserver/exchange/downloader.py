"""Downloading candle history into the candle store, page by page, through any ``MarketData``.

Pages are stored in batches of about ``flush_candles`` candles, and whatever arrived when the
download ends or fails, so an interrupted download resumes after the last candle received. Storing
each page of 1,000 candles would rewrite the whole file a hundred times for a year of 5m candles.
Only closed candles are stored.
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
    flush_candles: int = 20_000,
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
    pending: list[list[float]] = []
    try:
        while cursor < stop_ms:
            rows = await market.fetch_ohlcv(pair, timeframe, since_ms=cursor, limit=page_limit)
            # Keep closed candles inside the range only.
            rows = [r for r in rows if cursor <= r[0] < stop_ms and r[0] + step <= now_ms]
            if not rows:
                break
            pending.extend(rows)
            if len(pending) >= flush_candles:
                added += store.append(pair, timeframe, candles_to_frame(pending), candle_type)
                pending = []
            cursor = int(rows[-1][0]) + step
            if progress:
                progress(pair, timeframe, added + len(pending), min(1.0, (cursor - start_ms) / span))
    finally:
        # Also when the exchange fails or the job is cancelled: what arrived is kept for the resume.
        if pending:
            added += store.append(pair, timeframe, candles_to_frame(pending), candle_type)
    if progress:
        progress(pair, timeframe, added, 1.0)
    return DownloadResult(pair, timeframe, added, resumed)
