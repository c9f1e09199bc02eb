"""``freqtrade.vendor.qtpylib.indicators``: the qtpylib functions strategies use, on pandas.

Windows follow qtpylib: a rolling value needs a full window (``min_periods`` defaults to the window).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ftserver.compat.missing import missing_name


def crossed(series1: pd.Series, series2: pd.Series | float, direction: str | None = None) -> pd.Series:
    """True on the candle where ``series1`` moves from one side of ``series2`` to the other."""
    other = series2 if isinstance(series2, pd.Series) else pd.Series(series2, index=series1.index)
    above = (series1 > other) & (series1.shift(1) <= other.shift(1))
    below = (series1 < other) & (series1.shift(1) >= other.shift(1))
    if direction == "above":
        return above
    if direction == "below":
        return below
    return above | below


def crossed_above(series1: pd.Series, series2: pd.Series | float) -> pd.Series:
    return crossed(series1, series2, "above")


def crossed_below(series1: pd.Series, series2: pd.Series | float) -> pd.Series:
    return crossed(series1, series2, "below")


def rolling_mean(series: pd.Series, window: int = 200, min_periods: int | None = None) -> pd.Series:
    return series.rolling(window=window, min_periods=window if min_periods is None else min_periods).mean()


sma = rolling_mean


def rolling_std(series: pd.Series, window: int = 200, min_periods: int | None = None) -> pd.Series:
    return series.rolling(window=window, min_periods=window if min_periods is None else min_periods).std()


def rolling_weighted_mean(series: pd.Series, window: int = 200, min_periods: int | None = None) -> pd.Series:
    """qtpylib's "weighted" mean is an exponential one: span ``window``, weights ``(1 - 2/(window+1))**age``."""
    return series.ewm(span=window, min_periods=window if min_periods is None else min_periods).mean()


def typical_price(bars: pd.DataFrame) -> pd.Series:
    return (bars["high"] + bars["low"] + bars["close"]) / 3


def _bands(mid: pd.Series, std: pd.Series, stds: float) -> pd.DataFrame:
    return pd.DataFrame(index=mid.index, data={"upper": mid + std * stds, "mid": mid, "lower": mid - std * stds})


def bollinger_bands(series: pd.Series, window: int = 20, stds: float = 2) -> pd.DataFrame:
    """Columns upper, mid, lower: the rolling mean plus and minus ``stds`` sample standard deviations."""
    return _bands(rolling_mean(series, window), rolling_std(series, window), stds)


def weighted_bollinger_bands(series: pd.Series, window: int = 20, stds: float = 2) -> pd.DataFrame:
    return _bands(rolling_weighted_mean(series, window), rolling_std(series, window), stds)


def true_range(bars: pd.DataFrame) -> pd.Series:
    prev_close = bars["close"].shift(1)
    ranges = pd.concat(
        [bars["high"] - bars["low"], (bars["high"] - prev_close).abs(), (bars["low"] - prev_close).abs()], axis=1
    )
    return ranges.max(axis=1)


def atr(bars: pd.DataFrame, window: int = 14, exp: bool = False) -> pd.Series:
    tr = true_range(bars)
    if exp:
        return tr.ewm(span=window, min_periods=window, adjust=False).mean()
    return rolling_mean(tr, window)


def keltner_channel(bars: pd.DataFrame, window: int = 14, atrs: float = 2) -> pd.DataFrame:
    """Columns upper, mid, lower: the rolling typical price plus and minus ``atrs`` average true ranges."""
    mid = rolling_mean(typical_price(bars), window)
    width = atr(bars, window) * atrs
    return pd.DataFrame(index=bars.index, data={"upper": mid + width, "mid": mid, "lower": mid - width})


def heikinashi(bars: pd.DataFrame) -> pd.DataFrame:
    """Heikin-Ashi candles: columns open, high, low, close (and volume when present)."""
    close = (bars["open"] + bars["high"] + bars["low"] + bars["close"]) / 4
    opens = np.empty(len(bars))
    if len(bars):
        opens[0] = (bars["open"].iloc[0] + bars["close"].iloc[0]) / 2
        closes = close.to_numpy()
        for i in range(1, len(bars)):
            opens[i] = (opens[i - 1] + closes[i - 1]) / 2
    open_ = pd.Series(opens, index=bars.index)
    high = pd.concat([bars["high"], open_, close], axis=1).max(axis=1)
    low = pd.concat([bars["low"], open_, close], axis=1).min(axis=1)
    out = pd.DataFrame(index=bars.index, data={"open": open_, "high": high, "low": low, "close": close})
    if "volume" in bars:
        out["volume"] = bars["volume"]
    return out


def awesome_oscillator(df: pd.DataFrame, weighted: bool = False, fast: int = 5, slow: int = 34) -> pd.Series:
    midprice = (df["high"] + df["low"]) / 2
    average = rolling_weighted_mean if weighted else rolling_mean
    return average(midprice, fast) - average(midprice, slow)


def __getattr__(name: str) -> object:
    raise missing_name(__name__.replace("ftserver.compat.", ""), name)
