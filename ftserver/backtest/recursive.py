"""Recursive-formula check: does an indicator's newest value depend on how much history came before it?

Indicators built on their own earlier values (EMA, RSI, ...) only settle after enough candles. The
check analyses the first pair once over the whole timerange (with the strategy's own startup
candles), then again for only the last candle of that range, preceded by each startup count asked
(freqtrade's defaults: 199, 399, 499, 999, 1999, plus the strategy's own ``startup_candle_count``).
Where the newest row's value differs from the full run's, the relative difference is reported per
indicator and startup count; the counts are tried in ascending order and the check stops at the
first one that differs nowhere, as freqtrade's does. Blocking: runs in a job's worker thread.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pandas as pd

from ftserver.backtest.analysis import StrategySource, analyze_pair, backtest_dataprovider
from ftserver.backtest.data import load_backtest_data
from ftserver.data.history import CandleStore
from ftserver.data.timeframes import timeframe_to_seconds
from ftserver.data.timerange import TimeRange
from ftserver.errors import InvalidRequest
from ftserver.strategy.base import Strategy

DEFAULT_STARTUP_CANDLES = (199, 399, 499, 999, 1999)
NEEDS_TIMERANGE = "Please set a timerange. A timerange of 5000 candles is enough for recursive analysis."

# (done, total, what) as the work goes on
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class RecursiveRequest:
    strategy: StrategySource
    datadir: Any  # Path
    data_format: str
    pairs: tuple[str, ...]
    timerange: TimeRange
    timeframe: str | None = None
    startup_candles: tuple[int, ...] | None = None


def recursive_analysis(
    request: RecursiveRequest, *, progress: Progress | None = None, should_stop: Callable[[], bool] | None = None
) -> dict[str, Any]:
    """freqtrade's answer: strategy, startup counts tried, the strategy's own count, differences."""
    if request.timerange.start is None:
        raise InvalidRequest(NEEDS_TIMERANGE)
    if not request.pairs:
        raise InvalidRequest("No pair to analyse: the configuration's whitelist is empty.")
    strategy = _load(request)
    own = int(strategy.startup_candle_count)
    if own < 1:
        raise InvalidRequest(
            f"The strategy defines invalid startup candle count of {own}. This will lead to recursive issues "
            "on some indicators. Please define a proper startup_candle_count in the strategy."
        )
    startups = sorted({*(request.startup_candles or DEFAULT_STARTUP_CANDLES), own})
    pair, timeframe = request.pairs[0], str(strategy.timeframe)
    store = CandleStore(request.datadir, request.data_format)  # type: ignore[arg-type]
    full = _newest_row(strategy, store, pair, timeframe, request.timerange, own)
    end = pd.Timestamp(full["date"]).to_pydatetime()
    last_candle = TimeRange(end - timedelta(seconds=timeframe_to_seconds(timeframe)), end)
    results: dict[str, dict[str, float]] = {}
    for done, startup in enumerate(startups):
        if should_stop is not None and should_stop():
            raise InvalidRequest("Recursive analysis was stopped.")
        if progress is not None:
            progress(done, len(startups), f"Startup candle {startup}")
        row = _newest_row(_load(request), store, pair, timeframe, last_candle, startup)
        differences = _differences(full, row)
        if not differences:
            break
        for indicator, difference in differences.items():
            results.setdefault(indicator, {})[str(startup)] = difference
    if progress is not None:
        progress(len(startups), len(startups), "Startup candles")
    return {"strategy": strategy.name, "startup_candles": startups, "strategy_scc": own, "results": results}


def _load(request: RecursiveRequest) -> Strategy:
    """A fresh strategy for each run (informative caches and state never carry over)."""
    config = dict(request.strategy.config)
    if request.timeframe:
        config["timeframe"] = request.timeframe
    return StrategySource(request.strategy.name, request.strategy.search_paths, config).load()


def _newest_row(
    strategy: Strategy, store: CandleStore, pair: str, timeframe: str, span: TimeRange, startup: int
) -> pd.Series:
    data = load_backtest_data(store, [pair], timeframe, span, startup_candles=startup)
    strategy.dp = backtest_dataprovider(store, data.pairs, timeframe, span, startup)
    frame = analyze_pair(strategy, pair, data.candles[pair])
    if frame.empty:
        raise InvalidRequest(f"No {timeframe} candles of {pair} in {span}")
    return frame.iloc[-1]


def _differences(full: pd.Series, part: pd.Series) -> dict[str, float]:
    """Per column whose value differs: (part - full) / full, rounded to 12 places; NaN where that
    ratio means nothing (text, zero, missing)."""
    out: dict[str, float] = {}
    for column in full.index:
        if column not in part.index:
            continue
        before, after = full[column], part[column]
        if _same(before, after):
            continue
        if _is_number(before) and _is_number(after) and before and after:
            out[str(column)] = round((float(after) - float(before)) / float(before), 12)
        else:
            out[str(column)] = math.nan
    return out


def _same(left: Any, right: Any) -> bool:
    if _is_missing(left) and _is_missing(right):
        return True
    try:
        return bool(left == right)
    except (TypeError, ValueError):
        return False


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)
