"""PrecisionFilter: drop pairs whose price tick is so coarse that the stoploss could not be placed.

The stop price sits at ``last * (1 - |stoploss|)``; if rounding it up to the tick gives the same or a
lower price than rounding a price 1 % below it, one tick is worth more than 1 % there.
"""

from __future__ import annotations

import math

from ftserver.bot.pairlists.handler import PairlistContext, PairlistHandler


def _round_up(price: float, tick: float) -> float:
    # The small tolerance keeps 0.30000000000000004 ticks from counting as a whole extra tick.
    return math.ceil(price / tick - 1e-9) * tick


class PrecisionFilter(PairlistHandler):
    DESCRIPTION = "Drop pairs whose price tick is too coarse to place a stoploss."
    SUPPORTS_BACKTESTING = "biased"
    NEEDS_TICKERS = True

    async def filter(self, pairs: list[str], ctx: PairlistContext) -> list[str]:
        ratio = 1 - abs(ctx.stoploss)
        kept = []
        for pair in pairs:
            ticker, market = ctx.tickers.get(pair), ctx.markets.get(pair)
            if ticker is None or market is None:
                continue
            tick = market.price_precision
            stop = ticker.last * ratio
            if not tick or _round_up(stop, tick) > _round_up(stop * 0.99, tick):
                kept.append(pair)
        return kept
