"""VolumePairList: the markets with the largest quote volume, from tickers (last 24 h) or candles."""

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


class VolumePairList(PairlistHandler):
    DESCRIPTION = "Pick the pairs with the largest traded volume."
    IS_GENERATOR = True
    SUPPORTS_BACKTESTING = "no"
    NEEDS_TICKERS = True
    OPTIONS: ClassVar[Mapping[str, Option]] = {
        "number_assets": Option(
            "number",
            30,
            "Number of assets",
            "How many pairs to keep, largest volume first.",
            integer=True,
            required=True,
        ),
        "sort_key": Option(
            "option", "quoteVolume", "Sort key", "Ticker value the pairs are ranked by.", options=("quoteVolume",)
        ),
        "min_value": Option("number", 0, "Minimum value", "Drop pairs whose volume is below this."),
        "max_value": Option("number", None, "Maximum value", "Drop pairs whose volume is above this."),
        "refresh_period": refresh_option(),
        **LOOKBACK_OPTIONS,
        "lookback_period": Option(
            "number", 0, "Lookback period", "Candles to sum the volume over (0: the ticker's 24 h).", integer=True
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
        volumes = await self._volumes(pairs, ctx)
        ranked = rank(
            pairs,
            volumes,
            low=self.options["min_value"],
            high=self.options["max_value"],
            direction="desc",  # largest volume first; equal volumes keep the order they came in
            limit=int(self.options["number_assets"]),
        )
        self._cached = (ctx.now, key, ranked)
        return list(ranked)

    async def _volumes(self, pairs: list[str], ctx: PairlistContext) -> dict[str, float]:
        timeframe, period = lookback(self.options)
        if period <= 0:
            return {p: t.quote_volume for p in pairs if (t := ctx.tickers.get(p)) and t.quote_volume is not None}
        volumes = {}
        for pair in pairs:
            candles = await ctx.read_candles(pair, timeframe, period)
            if candles:
                # Quote volume of a candle: its base volume at the typical price (high + low + close) / 3.
                volumes[pair] = sum(c[5] * (c[2] + c[3] + c[4]) / 3 for c in candles)
        return volumes
