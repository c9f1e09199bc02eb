"""Technical indicators on pandas Series, no TA-Lib needed."""

from __future__ import annotations

import pandas as pd


def sma(series: pd.Series, period: int) -> pd.Series:
    """Simple moving average over ``period`` values."""
    return series.rolling(period, min_periods=period).mean()


def ema(series: pd.Series, period: int) -> pd.Series:
    """Exponential moving average with span ``period`` (first value once ``period`` values exist)."""
    return series.ewm(span=period, adjust=False, min_periods=period).mean()


def rsi(series: pd.Series, period: int = 14) -> pd.Series:
    """Relative strength index with Wilder's smoothing, 0..100."""
    delta = series.diff()
    gain = delta.clip(lower=0).ewm(alpha=1 / period, adjust=False, min_periods=period).mean()
    loss = (-delta.clip(upper=0)).ewm(alpha=1 / period, adjust=False, min_periods=period).mean()
    rs = gain / loss
    return 100 - 100 / (1 + rs)


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
    return (a > b) & (a.shift(1) <= b.shift(1))


def crossed_below(a: pd.Series, b: pd.Series) -> pd.Series:
    """True where ``a`` moved from at or above ``b`` to below it."""
    return (a < b) & (a.shift(1) >= b.shift(1))
