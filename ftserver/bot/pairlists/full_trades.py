"""FullTradesFilter: an empty whitelist while every trade slot is taken (open trades still exit)."""

from __future__ import annotations

from ftserver.bot.pairlists.handler import PairlistContext, PairlistHandler


class FullTradesFilter(PairlistHandler):
    DESCRIPTION = "Empty the whitelist while all trade slots are full."
    SUPPORTS_BACKTESTING = "no_action"

    async def filter(self, pairs: list[str], ctx: PairlistContext) -> list[str]:
        if ctx.max_open_trades > 0 and ctx.open_trade_count >= ctx.max_open_trades:
            return []
        return pairs
