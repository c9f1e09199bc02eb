"""``ftserver download-data`` and ``ftserver list-data``: composition of market, candle store and downloader."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta
from typing import Any

from ftserver.config import Settings
from ftserver.core.clock import SystemClock
from ftserver.data.history import CandleStore, candle_store_for
from ftserver.data.timeframes import timeframe_to_seconds
from ftserver.data.timerange import TimeRange, parse_timerange
from ftserver.exchange.downloader import download_candles
from ftserver.exchange.factory import create_market


def download_data(
    settings: Settings,
    *,
    pairs: list[str] | None,
    timeframes: list[str],
    days: int | None,
    timerange: str | None,
) -> int:
    for tf in timeframes:
        timeframe_to_seconds(tf)  # raises InvalidRequest naming a bad timeframe
    clock = SystemClock()
    if timerange:
        span = parse_timerange(timerange)
    else:
        span = TimeRange(clock.now() - timedelta(days=days or 30), None)
    selected = pairs or list(settings.exchange.pair_whitelist)
    if not selected:
        print("No pairs: pass --pairs or set exchange.pair_whitelist", file=sys.stderr)
        return 2
    store = candle_store_for(settings)
    return asyncio.run(_download(settings, store, selected, timeframes, span, clock))


async def _download(
    settings: Settings, store: CandleStore, pairs: list[str], timeframes: list[str], span: TimeRange, clock: SystemClock
) -> int:
    from tqdm import tqdm

    market = create_market(settings.exchange, clock=clock)
    failures = 0
    try:
        await market.load_markets()
        for pair in pairs:
            if pair not in market.markets:
                print(f"{pair}: not listed on {market.id}, skipped", file=sys.stderr)
                failures += 1
                continue
            for tf in timeframes:
                with tqdm(total=100, desc=f"{pair} {tf}", unit="%", leave=True, file=sys.stderr) as bar:

                    def progress(_pair: str, _tf: str, added: int, done: float, bar: tqdm[Any] = bar) -> None:
                        bar.n = round(done * 100)
                        bar.set_postfix(candles=added)
                        bar.refresh()

                    result = await download_candles(market, store, pair, tf, span, clock=clock, progress=progress)
                resumed = " (resumed)" if result.resumed_from_ms else ""
                print(f"{pair} {tf}: {result.added} new candles{resumed} -> {store.path_for(pair, tf)}")
    finally:
        await market.close()
    return 1 if failures else 0


def list_data(settings: Settings) -> int:
    store = candle_store_for(settings)
    stored = store.stored()
    if not stored:
        print(f"No candle data in {store.datadir}")
        return 0
    print(f"Candle data in {store.datadir}:")
    print(f"{'pair':<16} {'timeframe':<9} {'type':<8} {'from':<20} {'to':<20} {'candles':>8}")
    for item in stored:
        print(
            f"{item.pair:<16} {item.timeframe:<9} {item.candle_type:<8} {item.start:%Y-%m-%d %H:%M}{'':4} "
            f"{item.stop:%Y-%m-%d %H:%M}{'':4} {item.candles:>8}"
        )
    return 0
