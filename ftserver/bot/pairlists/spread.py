"""SpreadFilter: drop pairs whose bid/ask spread, ``1 - bid / ask``, is wider than a ratio."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from ftserver.bot.pairlists.handler import Option, PairlistContext, PairlistHandler


class SpreadFilter(PairlistHandler):
    DESCRIPTION = "Drop pairs with a wide bid/ask spread."
    SUPPORTS_BACKTESTING = "no"
    NEEDS_TICKERS = True
    OPTIONS: ClassVar[Mapping[str, Option]] = {
        "max_spread_ratio": Option("number", 0.005, "Max spread ratio", "Widest spread (1 - bid/ask) kept."),
    }

    async def filter(self, pairs: list[str], ctx: PairlistContext) -> list[str]:
        limit = self.options["max_spread_ratio"]
        kept = []
        for pair in pairs:
            ticker = ctx.tickers.get(pair)
            if ticker is None or not ticker.bid or not ticker.ask:
                continue  # no book, no spread to judge: not tradable
            if 1 - ticker.bid / ticker.ask <= limit:
                kept.append(pair)
        return kept
