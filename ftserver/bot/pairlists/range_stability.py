"""RangeStabilityFilter: keep pairs whose high-low range over the lookback is within bounds.

The range is ``(highest high - lowest low) / lowest low`` over ``lookback_period`` candles.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from ftserver.bot.pairlists.handler import LOOKBACK_OPTIONS, Option, refresh_option
from ftserver.bot.pairlists.ranking import CandleMeasureFilter
from ftserver.exchange.base import Candle


class RangeStabilityFilter(CandleMeasureFilter):
    DESCRIPTION = "Keep pairs by their price range over the last candles."
    MIN_OPTION = "min_rate_of_change"
    MAX_OPTION = "max_rate_of_change"
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

    def measure(self, candles: list[Candle], period: int) -> float | None:
        if not candles:
            return None
        low = min(c[3] for c in candles)
        return (max(c[2] for c in candles) - low) / low if low > 0 else None
