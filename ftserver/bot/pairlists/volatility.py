"""VolatilityFilter: keep pairs whose recent volatility is within bounds.

Volatility is the standard deviation of the last ``lookback_period`` log returns (``lookback_period
+ 1`` closed candles), scaled by the square root of ``lookback_period``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import ClassVar

import numpy as np
import pandas as pd

from ftserver.bot.pairlists.handler import LOOKBACK_OPTIONS, Option, refresh_option
from ftserver.bot.pairlists.ranking import CandleMeasureFilter
from ftserver.exchange.base import Candle


def volatility(closes: list[float], period: int) -> float | None:
    series = pd.Series(closes, dtype="float64")
    returns = np.log(series.shift(1) / series)
    value = (returns.rolling(window=period).std() * math.sqrt(period)).mean()
    return None if pd.isna(value) else float(value)


class VolatilityFilter(CandleMeasureFilter):
    DESCRIPTION = "Keep pairs by their recent volatility."
    MIN_OPTION = "min_volatility"
    MAX_OPTION = "max_volatility"
    EXTRA_CANDLES = 1  # ``period`` returns need ``period + 1`` closes
    SUPPORTS_BACKTESTING = "no"
    OPTIONS: ClassVar[Mapping[str, Option]] = {
        "min_volatility": Option("number", 0, "Minimum volatility", "Drop pairs less volatile than this."),
        "max_volatility": Option("number", None, "Maximum volatility", "Drop pairs more volatile than this."),
        "sort_direction": Option(
            "option",
            None,
            "Sort direction",
            "Order by volatility: asc, desc, or keep the order.",
            options=("", "asc", "desc"),
        ),
        "refresh_period": refresh_option(),
        **LOOKBACK_OPTIONS,
        "lookback_period": Option(
            "number", 10, "Lookback period", "Candles the volatility is taken over.", integer=True
        ),
    }

    def measure(self, candles: list[Candle], period: int) -> float | None:
        return volatility([c[4] for c in candles], period) if len(candles) > period > 1 else None
