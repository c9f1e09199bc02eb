"""Technical indicators on pandas Series, no TA-Lib needed.

``rsi`` and the crosses work on the plain NumPy values when the input is an ordinary float or int
column (the bot's candles always are): strategies run them for every pair on every candle, and
each pandas operation costs tens of microseconds of bookkeeping. The results are the same, to
the bit, as the pandas expressions they replace, which still handle every other input.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd


def sma(series: pd.Series, period: int) -> pd.Series:
    """Simple moving average over ``period`` values."""
    return series.rolling(period, min_periods=period).mean()


def ema(series: pd.Series, period: int) -> pd.Series:
    """Exponential moving average with span ``period`` (first value once ``period`` values exist)."""
    return series.ewm(span=period, adjust=False, min_periods=period).mean()


def rsi(series: pd.Series, period: int = 14) -> pd.Series:
    """Relative strength index with Wilder's smoothing, 0..100."""
    if series.dtype != np.float64:  # ints, nullable and other extension dtypes: pandas' own arithmetic
        delta = series.diff()
        gain = delta.clip(lower=0).ewm(alpha=1 / period, adjust=False, min_periods=period).mean()
        loss = (-delta.clip(upper=0)).ewm(alpha=1 / period, adjust=False, min_periods=period).mean()
        return 100 - 100 / (1 + gain / loss)
    values = np.diff(series.to_numpy(), prepend=np.nan)
    # Gains and losses smoothed in one call: the same per-column recursion as two separate ones.
    moves = pd.DataFrame(np.column_stack((np.maximum(values, 0.0), -np.minimum(values, 0.0))))
    smoothed = moves.ewm(alpha=1 / period, adjust=False, min_periods=period).mean().to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):  # pandas divides silently too: x/0 is inf
        out = 100 - 100 / (1 + smoothed[:, 0] / smoothed[:, 1])
    return pd.Series(out, index=series.index, name=series.name)


def bollinger_bands(series: pd.Series, period: int = 20, stds: float = 2.0) -> pd.DataFrame:
    """Middle band (SMA) and upper/lower bands ``stds`` standard deviations away."""
    middle = sma(series, period)
    std = series.rolling(period, min_periods=period).std(ddof=0)
    return pd.DataFrame({"lower": middle - stds * std, "middle": middle, "upper": middle + stds * std})


def macd(series: pd.Series, fast: int = 12, slow: int = 26, signal: int = 9) -> pd.DataFrame:
    """MACD line, its signal line and the histogram."""
    line = ema(series, fast) - ema(series, slow)
    signal_line = line.ewm(span=signal, adjust=False, min_periods=signal).mean()
    return pd.DataFrame({"macd": line, "macdsignal": signal_line, "macdhist": line - signal_line})


def crossed_above(a: pd.Series, b: pd.Series) -> pd.Series:
    """True where ``a`` moved from at or below ``b`` to above it."""
    crossed = _crossed(a, b, np.greater, np.less_equal)
    return (a > b) & (a.shift(1) <= b.shift(1)) if crossed is None else crossed


def crossed_below(a: pd.Series, b: pd.Series) -> pd.Series:
    """True where ``a`` moved from at or above ``b`` to below it."""
    crossed = _crossed(a, b, np.less, np.greater_equal)
    return (a < b) & (a.shift(1) >= b.shift(1)) if crossed is None else crossed


Comparison = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _crossed(a: pd.Series, b: pd.Series, now: Comparison, before: Comparison) -> pd.Series | None:
    """``now(a, b)`` on rows where ``before(a, b)`` held one row earlier; None unless both are plain
    NumPy-typed Series on the same index (pandas then aligns, raises or handles NA as it always did).
    """
    if not (isinstance(a, pd.Series) and isinstance(b, pd.Series) and a.index.equals(b.index)):
        return None
    if not (_plain_numeric(a) and _plain_numeric(b)):
        return None
    x, y = a.to_numpy(), b.to_numpy()
    held = np.zeros(len(x), dtype=np.bool_)  # the first row has no row before it (NaN after a shift)
    held[1:] = before(x[:-1], y[:-1])
    return pd.Series(now(x, y) & held, index=a.index, name=a.name if a.name == b.name else None)


def _plain_numeric(series: pd.Series) -> bool:
    return isinstance(series.dtype, np.dtype) and series.dtype.kind in "fiub"
