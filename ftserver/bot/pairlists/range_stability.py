"""RangeStabilityFilter: keep pairs whose high-low range over the lookback is within bounds.

The range is ``(highest high - lowest low) / lowest low`` over ``lookback_period`` candles.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import ClassVar

from ftserver.bot.pairlists.handler import (
    LOOKBACK_OPTIONS,
    Option,
    PairlistContext,
    PairlistHandler,
    lookback,
    refresh_option,
)


class RangeStabilityFilter(PairlistHandler):
    DESCRIPTION = "Keep pairs by their price range over the last candles."
    SUPPORTS_BACKTESTING = "no"
    OPTIONS: ClassVar[Mapping[str, Option]] = {
        "min_rate_of_change": Option("number", 0.01, "Minimum rate of change", "Drop pairs whose range is below this."),
        "max_rate_of_change": Option("number", None, "Maximum rate of change", "Drop pairs whose range is above this."),
        "sort_direction": Option(
            "option",
            None,
            "Sort direction",
            "Order by range: asc, desc, or keep the order.",
            options=("", "asc", "desc"),
        ),
        "refresh_period": refresh_option(),
        **LOOKBACK_OPTIONS,
        "lookback_period": Option("number", 10, "Lookback period", "Candles the range is taken over.", integer=True),
    }

    def __init__(self, options: Mapping[str, object]) -> None:
        super().__init__(options)
        self._measured: dict[str, tuple[datetime, float | None]] = {}

    async def _measure(self, pair: str, ctx: PairlistContext) -> float | None:
        cached = self._measured.get(pair)
        if cached is not None and (ctx.now - cached[0]).total_seconds() < self.options["refresh_period"]:
            return cached[1]
        timeframe, period = lookback(self.options)
        candles = await ctx.read_candles(pair, timeframe, period)
        value = None
        if candles:
            low = min(c[3] for c in candles)
            value = (max(c[2] for c in candles) - low) / low if low > 0 else None
        self._measured[pair] = (ctx.now, value)
        return value

    async def filter(self, pairs: list[str], ctx: PairlistContext) -> list[str]:
        low, high = self.options["min_rate_of_change"], self.options["max_rate_of_change"]
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
