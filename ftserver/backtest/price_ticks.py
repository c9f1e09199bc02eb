"""The price step a backtest assumes for each pair and month, read from the candles themselves.

Exchanges change a market's price step over the years; the markets loaded today only know today's.
As freqtrade's backtesting does, each month's step is taken from the most decimals any of its
candle prices shows when written with 14 significant digits (``0.00001`` for five decimals), and a
trade uses the step of the month it opened in: its stop and exit prices are rounded to it.
"""

from __future__ import annotations

import bisect
import math

import numpy as np
import pandas as pd

SIGNIFICANT_DIGITS = 14


def decimals_shown(values: np.ndarray) -> np.ndarray:
    """How many decimals each positive price shows at 14 significant digits, trailing zeros dropped."""
    values = np.asarray(values, dtype=np.float64)
    out = np.zeros(len(values), dtype=np.int64)
    positive = values > 0
    if not positive.any():
        return out
    v = values[positive]
    integer_digits = np.floor(np.log10(v)).astype(np.int64) + 1
    places = SIGNIFICANT_DIGITS - integer_digits
    scaled = np.round(v * np.power(10.0, places)).astype(np.int64)
    # Rounding may carry into one more integer digit (9.99... -> 10.0): one place fewer then.
    carried = scaled >= 10**SIGNIFICANT_DIGITS
    scaled = np.where(carried, scaled // 10, scaled)
    places = np.where(carried, places - 1, places)
    trailing = np.zeros(len(v), dtype=np.int64)
    # Count trailing zeros, each round only over the values that still end in one (most drop out at once).
    active = np.flatnonzero(scaled)
    remaining = scaled[active]
    for _ in range(SIGNIFICANT_DIGITS):
        zero = remaining % 10 == 0
        active = active[zero]
        if not len(active):
            break
        trailing[active] += 1
        remaining = remaining[zero] // 10
    out[positive] = np.maximum(places - trailing, 0)
    return out


def ticks_by_month(candles: pd.DataFrame) -> pd.Series:
    """Per month start (UTC): the price step 10**-decimals of that month's most precise price."""
    shown = np.max(
        np.stack([decimals_shown(candles[column].to_numpy()) for column in ("open", "high", "low", "close")]),
        axis=0,
    )
    months = pd.Series(shown, index=pd.DatetimeIndex(candles["date"])).resample("MS").max()
    return 1 / 10.0**months


def tick_at(ticks: pd.Series, moment: pd.Timestamp) -> float | None:
    """The step in force at ``moment`` (that of its month); None before the first month."""
    return MonthTicks(ticks).at(int(moment.timestamp() * 1000))


class MonthTicks:
    """``ticks_by_month`` as plain lists, for many look-ups (a pandas ``asof`` per trade adds up)."""

    def __init__(self, ticks: pd.Series) -> None:
        self.starts: list[int] = [int(moment.timestamp() * 1000) for moment in ticks.index]
        self.values: list[float] = [float(value) for value in ticks.to_numpy()]

    def at(self, date_ms: int) -> float | None:
        """The step of the month ``date_ms`` falls in; None before the first month or where unknown."""
        found = bisect.bisect_right(self.starts, date_ms) - 1
        while found >= 0 and math.isnan(self.values[found]):
            found -= 1  # a month without a telling price: the last one known, as pandas' asof
        return self.values[found] if found >= 0 else None
