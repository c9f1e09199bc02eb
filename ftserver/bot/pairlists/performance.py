"""PerformanceFilter: best closed-trade results first; pairs without trades count as 0 profit."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import ClassVar

from ftserver.bot.pairlists.handler import Option, PairlistContext, PairlistHandler


class PerformanceFilter(PairlistHandler):
    DESCRIPTION = "Order pairs by the profit of their closed trades."
    SUPPORTS_BACKTESTING = "no_action"
    OPTIONS: ClassVar[Mapping[str, Option]] = {
        "minutes": Option("number", 0, "Minutes", "Count trades closed in the last minutes (0: all).", integer=True),
        "min_profit": Option(
            "number", None, "Minimum profit", "Drop pairs whose summed profit ratio is below this.", signed=True
        ),
    }

    async def filter(self, pairs: list[str], ctx: PairlistContext) -> list[str]:
        if ctx.performance is None:
            return pairs
        minutes = int(self.options["minutes"])
        results = await ctx.performance(ctx.now - timedelta(minutes=minutes) if minutes else None)
        if not results:
            return pairs
        position = {pair: index for index, pair in enumerate(pairs)}

        def rank(pair: str) -> tuple[float, int, int]:
            profit, count = results.get(pair, (0.0, 0))
            # Most profit first; among equals fewer trades first; then the order they came in.
            return (-profit, count, position[pair])

        ranked = sorted(pairs, key=rank)
        floor = self.options["min_profit"]
        if floor is not None:
            ranked = [p for p in ranked if results.get(p, (0.0, 0))[0] >= floor]
        return ranked
