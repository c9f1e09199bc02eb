"""VolatilityFilter: keep pairs whose recent volatility is within bounds.

Volatility is the standard deviation of the last ``lookback_period`` log returns (``lookback_period
+ 1`` closed candles), scaled by the square root of ``lookback_period``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import ClassVar

import numpy as np
import pandas as pd

from ftserver.bot.pairlists.handler import (
    LOOKBACK_OPTIONS,
    Option,
    PairlistContext,
    PairlistHandler,
    lookback,
    refresh_option,
)


def volatility(closes: list[float], period: int) -> float | None:
    series = pd.Series(closes, dtype="float64")
    returns = np.log(series.shift(1) / series)
    value = (returns.rolling(window=period).std() * math.sqrt(period)).mean()
    return None if pd.isna(value) else float(value)


class VolatilityFilter(PairlistHandler):
    DESCRIPTION = "Keep pairs by their recent volatility."
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

    def __init__(self, options: Mapping[str, object]) -> None:
        super().__init__(options)
        self._measured: dict[str, tuple[datetime, float | None]] = {}

    async def _measure(self, pair: str, ctx: PairlistContext) -> float | None:
        cached = self._measured.get(pair)
        if cached is not None and (ctx.now - cached[0]).total_seconds() < self.options["refresh_period"]:
            return cached[1]
        timeframe, period = lookback(self.options)
        # One candle more than the window: ``period`` returns need ``period + 1`` closes.
        candles = await ctx.read_candles(pair, timeframe, period + 1)
        value = volatility([c[4] for c in candles], period) if len(candles) > period > 1 else None
        self._measured[pair] = (ctx.now, value)
        return value

    async def filter(self, pairs: list[str], ctx: PairlistContext) -> list[str]:
        low, high = self.options["min_volatility"], self.options["max_volatility"]
        values = {}
        for pair in pairs:
            value = await self._measure(pair, ctx)
            if value is not None and value >= low and (high is None or value <= high):
                values[pair] = value
        kept = list(values)
        direction = self.options["sort_direction"]
        if direction:
            kept.sort(key=values.__getitem__, reverse=direction == "desc")
        return kept
