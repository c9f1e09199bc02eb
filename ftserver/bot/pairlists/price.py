"""PriceFilter: drop pairs priced too low or too high, whose tick is too large a step, or whose
minimum order is worth too much. A limit of 0 is off."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from ftserver.bot.pairlists.handler import Option, PairlistContext, PairlistHandler
from ftserver.exchange.base import Market


class PriceFilter(PairlistHandler):
    DESCRIPTION = "Keep pairs by price."
    SUPPORTS_BACKTESTING = "biased"
    NEEDS_TICKERS = True
    OPTIONS: ClassVar[Mapping[str, Option]] = {
        "low_price_ratio": Option(
            "number", 0, "Low price ratio", "Drop pairs where one price tick moves the price by more than this ratio."
        ),
        "min_price": Option("number", 0, "Minimum price", "Drop pairs priced below this."),
        "max_price": Option("number", 0, "Maximum price", "Drop pairs priced above this."),
        "max_value": Option("number", 0, "Maximum value", "Drop pairs whose smallest order is worth more than this."),
    }

    def _keeps(self, price: float, market: Market) -> bool:
        opts = self.options
        if price <= 0:
            return False
        tick = market.price_precision
        if opts["low_price_ratio"] and tick and (price + tick) / price - 1 > opts["low_price_ratio"]:
            return False
        if opts["min_price"] and price < opts["min_price"]:
            return False
        if opts["max_price"] and price > opts["max_price"]:
            return False
        return not (opts["max_value"] and market.min_amount and market.min_amount * price > opts["max_value"])

    async def filter(self, pairs: list[str], ctx: PairlistContext) -> list[str]:
        kept = []
        for pair in pairs:
            ticker, market = ctx.tickers.get(pair), ctx.markets.get(pair)
            if ticker is not None and market is not None and self._keeps(ticker.last, market):
                kept.append(pair)
        return kept
