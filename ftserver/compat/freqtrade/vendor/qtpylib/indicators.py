"""``freqtrade.vendor.qtpylib.indicators``: qtpylib's indicator functions, written on pandas.

The results follow the qtpylib copy freqtrade 2026.9 ships (through ``technical``), including its
quirks, so a strategy computes the same columns here as under freqtrade:

- a rolling value needs a full window unless ``min_periods`` says otherwise, except in
  ``bollinger_bands``, whose mean and deviation start from the first candle;
- the "weighted" means (``wma``, ``ema``, ``rolling_weighted_mean``) are exponential, with the window
  as the span;
- ``vwap`` over the whole series looks ahead, so it refuses to run, pointing at ``rolling_vwap``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ftserver.compat.missing import missing_name

__all__ = [
    "atr",
    "awesome_oscillator",
    "bollinger_bands",
    "chopiness",
    "crossed",
    "crossed_above",
    "crossed_below",
    "ema",
    "heikinashi",
    "hma",
    "hull_moving_average",
    "ibs",
    "keltner_channel",
    "log_returns",
    "mid_price",
    "pvt",
    "returns",
    "roc",
    "rolling_max",
    "rolling_mean",
    "rolling_min",
    "rolling_std",
    "rolling_vwap",
    "rolling_weighted_mean",
    "sma",
    "true_range",
    "typical_price",
    "vwap",
    "weighted_bollinger_bands",
    "wma",
    "zscore",
]


def _series(values: Any, index: pd.Index | None = None) -> pd.Series:
    if isinstance(values, pd.Series):
        return values
    if np.ndim(values) == 0:
        return pd.Series(values, index=index, dtype=float)
    return pd.Series(values, index=index)


def _min_periods(window: float, min_periods: int | None) -> int:
    return math.ceil(window) if min_periods is None else min_periods


# --- crossings ---------------------------------------------------------------------------------


def crossed(series1: Any, series2: Any, direction: str | None = None) -> pd.Series:
    """True on the candle where ``series1`` passes ``series2`` (a series or a number).

    "above": it was at or below on the previous candle and is above now; "below" mirrors that;
    None: either.
    """
    first = _series(series1)
    second = _series(series2, first.index)
    above = (first > second) & (first.shift(1) <= second.shift(1))
    below = (first < second) & (first.shift(1) >= second.shift(1))
    if direction == "above":
        return above
    if direction == "below":
        return below
    return above | below


def crossed_above(series1: Any, series2: Any) -> pd.Series:
    return crossed(series1, series2, "above")


def crossed_below(series1: Any, series2: Any) -> pd.Series:
    return crossed(series1, series2, "below")


# --- moving windows ----------------------------------------------------------------------------


def rolling_mean(series: pd.Series, window: int = 200, min_periods: int | None = None) -> pd.Series:
    return _series(series).rolling(window=window, min_periods=_min_periods(window, min_periods)).mean()


def rolling_std(series: pd.Series, window: int = 200, min_periods: int | None = None) -> pd.Series:
    """Sample standard deviation (divides by n - 1) over the window."""
    return _series(series).rolling(window=window, min_periods=_min_periods(window, min_periods)).std()


def rolling_min(series: pd.Series, window: int = 14, min_periods: int | None = None) -> pd.Series:
    return _series(series).rolling(window=window, min_periods=_min_periods(window, min_periods)).min()


def rolling_max(series: pd.Series, window: int = 14, min_periods: int | None = None) -> pd.Series:
    return _series(series).rolling(window=window, min_periods=_min_periods(window, min_periods)).max()


def rolling_weighted_mean(series: pd.Series, window: float = 200, min_periods: int | None = None) -> pd.Series:
    """Exponential mean with span ``window``: smoothing 2 / (window + 1), pandas' adjusted weights."""
    return _series(series).ewm(span=window, min_periods=_min_periods(window, min_periods)).mean()


def hull_moving_average(series: pd.Series, window: int = 200, min_periods: int | None = None) -> pd.Series:
    """Hull's average built from exponential means: 2 x mean(window/2) - mean(window), smoothed over sqrt(window).

    Every stage waits for ``min_periods`` values (the whole window by default).
    """
    needed = _min_periods(window, min_periods)
    fast = rolling_weighted_mean(series, window / 2, needed)
    slow = rolling_weighted_mean(series, window, needed)
    return rolling_weighted_mean(2 * fast - slow, math.sqrt(window), needed)


def sma(series: pd.Series, window: int = 200, min_periods: int | None = None) -> pd.Series:
    return rolling_mean(series, window=window, min_periods=min_periods)


def wma(series: pd.Series, window: int = 200, min_periods: int | None = None) -> pd.Series:
    return rolling_weighted_mean(series, window=window, min_periods=min_periods)


def ema(series: pd.Series, window: int = 200, min_periods: int | None = None) -> pd.Series:
    return rolling_weighted_mean(series, window=window, min_periods=min_periods)


def hma(series: pd.Series, window: int = 200, min_periods: int | None = None) -> pd.Series:
    return hull_moving_average(series, window=window, min_periods=min_periods)


def zscore(bars: pd.DataFrame, window: int = 20, stds: float = 1, col: str = "close") -> pd.Series:
    """How many (sample) standard deviations ``col`` sits from its rolling mean, divided by ``stds``."""
    values = bars[col]
    return (values - rolling_mean(values, window)) / (rolling_std(values, window) * stds)


# --- prices and ranges -------------------------------------------------------------------------


def typical_price(bars: pd.DataFrame) -> pd.Series:
    return (bars["high"] + bars["low"] + bars["close"]) / 3.0


def mid_price(bars: pd.DataFrame) -> pd.Series:
    return (bars["high"] + bars["low"]) / 2.0


def ibs(bars: pd.DataFrame) -> pd.Series:
    """Internal bar strength: where the close sits in the candle's range, 0 at the low, 1 at the high, 2 decimals."""
    return ((bars["close"] - bars["low"]) / (bars["high"] - bars["low"])).round(2)


def true_range(bars: pd.DataFrame) -> pd.Series:
    """The largest of high - low and the distances of high and low from the previous close."""
    previous_close = bars["close"].shift(1)
    spans = pd.DataFrame(
        {
            "high_low": bars["high"] - bars["low"],
            "high_close": (bars["high"] - previous_close).abs(),
            "low_close": (bars["low"] - previous_close).abs(),
        }
    )
    return spans.max(axis=1)


def atr(bars: pd.DataFrame, window: int = 14, exp: bool = False) -> pd.Series:
    """Average true range: a simple rolling mean, or the exponential one when ``exp``."""
    ranges = true_range(bars)
    return rolling_weighted_mean(ranges, window) if exp else rolling_mean(ranges, window)


def returns(series: pd.Series) -> pd.Series:
    return (series / series.shift(1) - 1).replace([np.inf, -np.inf], np.nan)


def log_returns(series: pd.Series) -> pd.Series:
    return pd.Series(np.log(series / series.shift(1)), index=series.index).replace([np.inf, -np.inf], np.nan)


def roc(series: pd.Series, window: int = 14) -> pd.Series:
    """Rate of change against the value ``window`` candles back, as a fraction."""
    before = series.shift(window)
    return (series - before) / before


def pvt(bars: pd.DataFrame) -> pd.Series:
    """Price-volume trend: running sum of each candle's relative close change times its volume."""
    change = bars["close"].pct_change(fill_method=None)
    return (change * bars["volume"]).cumsum()


def chopiness(bars: pd.DataFrame, window: int = 14) -> pd.Series:
    """Choppiness index: 100 x log10(sum of true ranges / (highest high - lowest low)) / log10(window)."""
    range_sum = true_range(bars).rolling(window).sum()
    span = bars["high"].rolling(window).max() - bars["low"].rolling(window).min()
    ratio = np.log10(range_sum / span)
    return pd.Series(100 * ratio / math.log10(window), index=bars.index)


# --- bands and channels ------------------------------------------------------------------------


def _bands(mid: pd.Series, width: pd.Series, index: pd.Index) -> pd.DataFrame:
    return pd.DataFrame(
        {"upper": (mid + width).to_numpy(), "mid": mid.to_numpy(), "lower": (mid - width).to_numpy()}, index=index
    )


def bollinger_bands(series: pd.Series, window: int = 20, stds: float = 2) -> pd.DataFrame:
    """Columns upper, mid, lower: rolling mean plus and minus ``stds`` sample standard deviations.

    As in qtpylib the mean and deviation start from the first value (the deviation from the
    second), not after a full window.
    """
    mid = rolling_mean(series, window, min_periods=1)
    return _bands(mid, rolling_std(series, window, min_periods=1) * stds, series.index)


def weighted_bollinger_bands(series: pd.Series, window: int = 20, stds: float = 2) -> pd.DataFrame:
    """Bollinger bands around the exponential mean (both need a full window)."""
    return _bands(rolling_weighted_mean(series, window), rolling_std(series, window) * stds, series.index)


def keltner_channel(bars: pd.DataFrame, window: int = 14, atrs: float = 2) -> pd.DataFrame:
    """Columns upper, mid, lower: rolling mean of the typical price plus and minus ``atrs`` ATRs."""
    return _bands(rolling_mean(typical_price(bars), window), atr(bars, window) * atrs, bars.index)


# --- candles and oscillators -------------------------------------------------------------------


def heikinashi(bars: pd.DataFrame) -> pd.DataFrame:
    """Heikin-Ashi candles (columns open, high, low, close).

    close is the mean of open, high, low and close; open is the midpoint of the previous
    Heikin-Ashi candle's open and close (the first: of its own open and close).
    """
    close = ((bars["open"] + bars["high"] + bars["low"] + bars["close"]) / 4).to_numpy(dtype=float)
    opens = np.empty(len(close))
    if len(close):
        opens[0] = (float(bars["open"].iloc[0]) + float(bars["close"].iloc[0])) / 2
        for i in range(1, len(close)):  # each open depends on the previous one: no vector form
            opens[i] = (opens[i - 1] + close[i - 1]) / 2
    frame = pd.DataFrame({"open": opens, "close": close}, index=bars.index)
    high = pd.concat([bars["high"], frame["open"], frame["close"]], axis=1).max(axis=1)
    low = pd.concat([bars["low"], frame["open"], frame["close"]], axis=1).min(axis=1)
    return pd.DataFrame({"open": frame["open"], "high": high, "low": low, "close": frame["close"]}, index=bars.index)


def awesome_oscillator(df: pd.DataFrame, weighted: bool = False, fast: int = 5, slow: int = 34) -> pd.Series:
    """Fast minus slow average of the mid price.

    Unweighted: simple means over full windows. Weighted, as qtpylib does it: exponential means whose
    centre of mass (not span) is ``fast`` and ``slow``, from the first candle.
    """
    midprice = mid_price(df)
    if weighted:
        return midprice.ewm(com=fast).mean() - midprice.ewm(com=slow).mean()
    return rolling_mean(midprice, fast) - rolling_mean(midprice, slow)


# --- volume-weighted prices --------------------------------------------------------------------


def vwap(bars: pd.DataFrame) -> pd.Series:
    """Refused, as in freqtrade: a VWAP over the whole frame lets every candle see later volume."""
    raise ValueError(
        "qtpylib.vwap averages over the whole frame, so each candle would see future candles "
        "(lookahead bias); use qtpylib.rolling_vwap(bars, window) instead"
    )


def rolling_vwap(bars: pd.DataFrame, window: int = 200, min_periods: int | None = None) -> pd.Series:
    """Volume-weighted typical price over the last ``window`` candles.

    A window without volume carries the previous value forward.
    """
    needed = _min_periods(window, min_periods)
    volume = bars["volume"]
    weighted = (volume * typical_price(bars)).rolling(window=window, min_periods=needed).sum()
    total = volume.rolling(window=window, min_periods=needed).sum()
    return (weighted / total).replace([np.inf, -np.inf], np.nan).ffill()


def __getattr__(name: str) -> object:
    raise missing_name(__name__.replace("ftserver.compat.", ""), name)
