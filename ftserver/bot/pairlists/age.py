"""AgeFilter: keep pairs listed for at least (and at most) a number of days, counted in daily candles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from ftserver.bot.pairlists.handler import Option, PairlistContext, PairlistHandler


class AgeFilter(PairlistHandler):
    DESCRIPTION = "Keep pairs by how many days they have been listed."
    SUPPORTS_BACKTESTING = "no"
    OPTIONS: ClassVar[Mapping[str, Option]] = {
        "min_days_listed": Option(
            "number", 10, "Minimum days listed", "Days of daily candles a pair needs.", integer=True
        ),
        "max_days_listed": Option(
            "number", None, "Maximum days listed", "Drop pairs listed for longer than this.", integer=True
        ),
    }

    def __init__(self, options: Mapping[str, object]) -> None:
        super().__init__(options)
        # A pair old enough stays old enough: it is not asked about again (unless a maximum applies).
        self._old_enough: set[str] = set()

    async def filter(self, pairs: list[str], ctx: PairlistContext) -> list[str]:
        low = int(self.options["min_days_listed"])
        high = self.options["max_days_listed"]
        wanted = max(low, int(high) + 1 if high else 0)
        kept = []
        for pair in pairs:
            if high is None and pair in self._old_enough:
                kept.append(pair)
                continue
            days = len(await ctx.read_candles(pair, "1d", wanted))
            if days >= low and (high is None or days <= int(high)):
                kept.append(pair)
                self._old_enough.add(pair)
        return kept
