"""``POST /download_data``'s work: candles of the requested pairs and timeframes into the candle store.

Runs the same downloader as ``ftserver download-data`` (page by page, resuming from the last stored
candle). Progress is reported as freqtrade's two tasks: ``"0"`` counts the timeframes of the pair in
hand, ``"1"`` the pairs. Pair entries may be patterns (``.*/USDT``): they are matched against the
exchange's markets; a pair the exchange does not list is skipped and named in the result.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ftserver.bot.pairlist import Blacklist
from ftserver.config import Settings
from ftserver.config.sections import ExchangeSettings
from ftserver.core.clock import Clock
from ftserver.data.timerange import TimeRange, parse_timerange
from ftserver.exchange.downloader import download_candles
from ftserver.jobs.registry import JobControl
from ftserver.research.market_access import candle_store, open_market

log = logging.getLogger(__name__)

DEFAULT_DAYS = 30  # what a download without days or timerange fetches, as ``download-data``


@dataclass(frozen=True, slots=True)
class DownloadRequest:
    pairs: tuple[str, ...]
    timeframes: tuple[str, ...]
    days: int | None
    timerange: str | None
    erase: bool
    exchange: ExchangeSettings


def download(settings: Settings, request: DownloadRequest, clock: Clock, control: JobControl) -> dict[str, Any]:
    """The job's result: candles added per pair and timeframe, and the pairs skipped. Blocking."""
    return asyncio.run(_download(settings, request, clock, control))


def _span(request: DownloadRequest, clock: Clock) -> TimeRange:
    if request.timerange:
        return parse_timerange(request.timerange)
    return TimeRange(clock.now() - timedelta(days=request.days or DEFAULT_DAYS), None)


def _expand(entries: tuple[str, ...], listed: list[str]) -> list[str]:
    """Literal pairs as given, patterns replaced by the listed pairs they fully match; no repeats."""
    pairs: list[str] = []
    for entry in entries:
        if re.escape(entry) == entry:
            pairs.append(entry)
        else:
            pairs.extend(Blacklist([entry]).matching(listed))
    return list(dict.fromkeys(pairs))


async def _download(settings: Settings, request: DownloadRequest, clock: Clock, control: JobControl) -> dict[str, Any]:
    span = _span(request, clock)
    store = candle_store(settings, request.exchange)
    market = open_market(settings, request.exchange, clock)
    added: dict[str, dict[str, int]] = {}
    skipped: list[str] = []
    try:
        listed = list(await market.load_markets())
        pairs = _expand(request.pairs, listed)
        timeframes = request.timeframes
        control.task("0", 0, len(timeframes), "Timeframe")
        control.task("1", 0, len(pairs), "Downloading data...")
        for done_pairs, pair in enumerate(pairs):
            control.task("1", done_pairs, len(pairs), f"Downloading {pair}")
            if pair not in market.markets:
                log.warning("Download: %s is not listed on %s, skipped", pair, market.id)
                skipped.append(pair)
                continue
            for done_timeframes, timeframe in enumerate(timeframes):
                control.check()
                control.task("0", done_timeframes, len(timeframes), f"Timeframe {timeframe} spot")
                if request.erase:
                    store.path_for(pair, timeframe).unlink(missing_ok=True)

                def between_pages(_pair: str, _timeframe: str, _added: int, _done: float) -> None:
                    control.check()  # a stop request ends the download after the page just stored

                result = await download_candles(
                    market, store, pair, timeframe, span, clock=clock, progress=between_pages
                )
                added.setdefault(pair, {})[timeframe] = result.added
            control.task("0", len(timeframes), len(timeframes), "Timeframe")
        control.task("1", len(pairs), len(pairs), "Downloading data...")
    finally:
        await market.close()
    return {"added": added, "skipped": skipped}
