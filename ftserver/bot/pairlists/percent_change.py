"""PercentChangePairList: the markets that moved most, from tickers (last 24 h) or candles."""

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
    tradable_markets,
)
from ftserver.bot.pairlists.ranking import rank


class PercentChangePairList(PairlistHandler):
    DESCRIPTION = "Pick the pairs whose price changed most."
    IS_GENERATOR = True
    SUPPORTS_BACKTESTING = "no"
    NEEDS_TICKERS = True
    OPTIONS: ClassVar[Mapping[str, Option]] = {
        "number_assets": Option(
            "number", 30, "Number of assets", "How many pairs to keep.", integer=True, required=True
        ),
        "min_value": Option("number", None, "Minimum value", "Drop pairs whose change (%) is below this.", signed=True),
        "max_value": Option("number", None, "Maximum value", "Drop pairs whose change (%) is above this.", signed=True),
        "sort_direction": Option(
            "option",
            "desc",
            "Sort direction",
            "Largest change first (desc) or smallest first (asc).",
            options=("", "asc", "desc"),
        ),
        "refresh_period": refresh_option(),
        **LOOKBACK_OPTIONS,
        "lookback_period": Option(
            "number", 0, "Lookback period", "Candles to measure the change over (0: the ticker's 24 h).", integer=True
        ),
    }

    def __init__(self, options: Mapping[str, object]) -> None:
        super().__init__(options)
        self._cached: tuple[datetime, tuple[str, ...], list[str]] | None = None

    async def generate(self, ctx: PairlistContext) -> list[str]:
        return await self.filter(tradable_markets(ctx), ctx)

    async def filter(self, pairs: list[str], ctx: PairlistContext) -> list[str]:
        key = tuple(pairs)
        if self._cached is not None:
            at, cached_key, result = self._cached
            if cached_key == key and (ctx.now - at).total_seconds() < self.options["refresh_period"]:
                return list(result)
        changes = await self._changes(pairs, ctx)
        result = rank(
            pairs,
            changes,
            low=self.options["min_value"],
            high=self.options["max_value"],
            direction=self.options["sort_direction"],
            limit=int(self.options["number_assets"]),
        )
        self._cached = (ctx.now, key, result)
        return list(result)

    async def _changes(self, pairs: list[str], ctx: PairlistContext) -> dict[str, float]:
        timeframe, period = lookback(self.options)
        changes = {}
        for pair in pairs:
            if period <= 0:
                ticker = ctx.tickers.get(pair)
                if ticker is not None and ticker.percentage is not None:
                    changes[pair] = ticker.percentage
                continue
            candles = await ctx.read_candles(pair, timeframe, period)
            if candles and candles[0][1]:
                changes[pair] = (candles[-1][4] - candles[0][1]) / candles[0][1] * 100
        return changes
